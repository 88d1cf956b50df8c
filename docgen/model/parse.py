"""Block markup (the XML a template renders) → ``DocModel``.

The markup is small and strict: one element per block, attributes for short fields, text for long ones. An unknown
element or attribute is an error, reported at the template line that wrote it, because a misspelt tag silently
dropped would mean text missing from an official document. The template stage marks every tag a template writes
with its file and line (``_at``), so the position is the tag's own, not the first line that happens to hold one.

Elements: ``<text role>`` (any paragraph; inline ``<run role>``, ``<run-in level number>``), ``<paragraph>`` (a body
paragraph), ``<heading level number>``, ``<title>`` (balanced lines; ``<br/>`` breaks), ``<split role>`` with
``<left>``/``<right>``, ``<hanging role prefix prefix-role>`` with ``<item label>``, ``<signature issuer date>``,
``<rule key>``, ``<blank rows>``, ``<group at="bottom" page="even" role>``, ``<mark role suffix>`` with ``<name>``
(a 发文机关标志), ``<table role header-role widths aligns landscape>`` with ``<row header>`` and
``<cell span rowspan align>``, ``<signers role number label>`` with ``<name>`` (签发人), ``<signature form date>``
with ``<signer image>``.

Whitespace: a run of whitespace that contains a newline is template layout and is removed; other spaces are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from docgen.errors import SourceRef, TemplateError
from docgen.model.blocks import (
    Blank,
    Block,
    Cell,
    DocModel,
    Group,
    Hanging,
    HangingItem,
    Mark,
    Rule,
    Run,
    Signature,
    Signer,
    Signers,
    Split,
    Table,
    TableRow,
    Text,
)
from docgen.model.numbering import heading_label

__all__ = ["TAGS", "parse_markup"]

_LAYOUT_SPACE = re.compile(r"\s*\n\s*")
_RUN_IN_END = "。！？：；…"  # a run-in heading already ending in one of these gets no 。
_ROLE = re.compile(r"^[a-z][a-z0-9-]{0,40}$")
AT = "_at"  # the attribute the template stage adds to every tag: "file-number:line"

#: Where a tag came from: ``_at`` → a SourceRef (given by the template stage); a markup line as a fallback.
Locator = Callable[[str | None, int, str], SourceRef]


def _clean(text: str | None) -> str:
    return _LAYOUT_SPACE.sub("", text or "")


class _Parser:
    def __init__(self, locate: Locator) -> None:
        self.locate = locate

    def where(self, elem: etree._Element) -> SourceRef:
        return self.locate(elem.get(AT), elem.sourceline or 0, etree.tostring(elem, encoding=str)[:80])

    def error(self, elem: etree._Element, message: str, hint: str | None = None) -> TemplateError:
        return TemplateError(message, self.where(elem), hint)

    def attrs(self, elem: etree._Element, allowed: tuple[str, ...]) -> dict[str, str]:
        for name in elem.attrib:
            if name not in allowed and name != AT:
                hint = f"可用的属性：{'、'.join(allowed) or '无'}"
                raise self.error(elem, f"<{elem.tag}> 没有属性 {name}", hint=hint)
        return {name: _clean(elem.get(name)).strip() for name in allowed}

    def no_children(self, elem: etree._Element) -> None:
        children = [child for child in elem if isinstance(child.tag, str)]
        if children:
            raise self.error(children[0], f"<{elem.tag}> 里不能再放 <{children[0].tag}>")

    def text_of(self, elem: etree._Element) -> str:
        self.no_children(elem)
        return _clean(elem.text).strip()

    def role(self, elem: etree._Element, value: str, default: str | None = None) -> str:
        role = value or default
        if not role or not _ROLE.match(role):
            raise self.error(elem, f'<{elem.tag}> 的 role="{value}" 无效', hint="role 是样式里的角色名，如 body、title")
        return role

    def level(self, elem: etree._Element, value: str) -> int:
        if value not in ("1", "2", "3", "4"):
            raise self.error(elem, f'标题层级 level="{value}" 无效', hint="level 只能是 1、2、3、4")
        return int(value)

    def number(self, elem: etree._Element, value: str) -> int:
        if not value.isdigit() or int(value) < 1:
            raise self.error(elem, f'序号 number="{value}" 无效', hint="number 是从 1 开始的整数，如 loop.index")
        return int(value)

    def rows(self, elem: etree._Element, name: str, value: str) -> int | None:
        if not value:
            return None
        if not value.isdigit() or int(value) > 22:
            raise self.error(elem, f'{name}="{value}" 无效', hint=f"{name} 是 0 到 22 之间的整数（行数）")
        return int(value)

    def flag(self, elem: etree._Element, name: str, value: str) -> bool | None:
        if not value:
            return None
        if value not in ("true", "false"):
            raise self.error(elem, f'{name}="{value}" 无效', hint=f"{name} 只能是 true 或 false")
        return value == "true"

    def runs(self, elem: etree._Element, *, breaks: bool = False) -> tuple[Run, ...]:
        """Text with inline ``<run role>`` and ``<run-in level number>`` (and ``<br/>`` where ``breaks``)."""
        runs: list[Run] = []
        if _clean(elem.text):
            runs.append(Run(_clean(elem.text)))
        for child in elem:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "run":
                a = self.attrs(child, ("role",))
                runs.append(Run(self.text_of(child), self.role(child, a["role"]) if a["role"] else None))
            elif child.tag == "run-in":
                a = self.attrs(child, ("level", "number"))
                level = self.level(child, a["level"] or "1")
                heading = self.text_of(child)
                if heading and heading[-1] not in _RUN_IN_END:
                    heading += "。"
                label = heading_label(level, self.number(child, a["number"])) if a["number"] else ""
                runs.append(Run(label + heading, f"heading-{level}"))
            elif child.tag == "br" and breaks:
                self.attrs(child, ())
                runs.append(Run("\n"))
            else:
                allowed = "<run>、<run-in>" + ("、<br/>" if breaks else "")
                raise self.error(child, f"<{elem.tag}> 里只能放 {allowed}，不能放 <{child.tag}>")
            if _clean(child.tail):
                runs.append(Run(_clean(child.tail)))
        if runs:
            runs[0] = Run(runs[0].text.lstrip(), runs[0].role)
            runs[-1] = Run(runs[-1].text.rstrip(), runs[-1].role)
        return tuple(run for run in runs if run.text)

    # One method per element; the name is the tag with - as _.
    def text(self, elem: etree._Element) -> Block:
        a = self.attrs(elem, ("role", "align", "space-before", "space-after", "keep-with-next", "page-break"))
        if a["align"] and a["align"] not in ("left", "center", "right", "justify"):
            raise self.error(elem, f'align="{a["align"]}" 无效', hint="align 可用：left、center、right、justify")
        if a["page-break"] not in ("", "before"):
            raise self.error(elem, f'page-break="{a["page-break"]}" 无效', hint='page-break 只能是 "before"')
        runs = self.runs(elem)
        if not runs:
            raise self.error(elem, f"<{elem.tag}> 是空的")
        return Text(
            self.role(elem, a["role"]),
            runs,
            align=a["align"] or None,
            space_before=self.rows(elem, "space-before", a["space-before"]),
            space_after=self.rows(elem, "space-after", a["space-after"]),
            keep_with_next=self.flag(elem, "keep-with-next", a["keep-with-next"]),
            page_break_before=True if a["page-break"] == "before" else None,
        )

    def paragraph(self, elem: etree._Element) -> Block:
        a = self.attrs(elem, ("role",))
        runs = self.runs(elem)
        if not runs:
            raise self.error(elem, "<paragraph> 是空的")
        return Text(self.role(elem, a["role"], "body"), runs)

    def heading(self, elem: etree._Element) -> Block:
        a = self.attrs(elem, ("level", "number"))
        level = self.level(elem, a["level"] or "1")
        label = heading_label(level, self.number(elem, a["number"])) if a["number"] else ""
        text = self.text_of(elem)
        if not (label + text):
            raise self.error(elem, "<heading> 是空的")
        return Text(f"heading-{level}", (Run(label + text),))

    def title(self, elem: etree._Element) -> Block:
        a = self.attrs(elem, ("role",))
        runs = self.runs(elem, breaks=True)
        text = "".join(run.text for run in runs).strip()
        if not text.replace("\n", ""):
            raise self.error(elem, "<title> 是空的")
        return Text(self.role(elem, a["role"], "title"), (Run(text),), balanced=True)

    def split(self, elem: etree._Element) -> Block:
        a = self.attrs(elem, ("role",))
        parts: dict[str, tuple[Run, ...]] = {"left": (), "right": ()}
        for child in elem:
            if not isinstance(child.tag, str):
                continue
            if child.tag not in parts:
                raise self.error(child, f"<split> 里只能放 <left> 和 <right>，不能放 <{child.tag}>")
            self.attrs(child, ())
            parts[child.tag] = self.runs(child)
        if _clean(elem.text).strip():
            raise self.error(elem, "<split> 的文字要写在 <left> 或 <right> 里")
        return Split(self.role(elem, a["role"]), parts["left"], parts["right"])

    def hanging(self, elem: etree._Element) -> Block:
        a = self.attrs(elem, ("role", "prefix", "prefix-role"))
        items = []
        for child in elem:
            if not isinstance(child.tag, str):
                continue
            if child.tag != "item":
                raise self.error(child, f"<hanging> 里只能放 <item>，不能放 <{child.tag}>")
            item = self.attrs(child, ("label",))
            items.append(HangingItem(item["label"], self.text_of(child)))
        if not items:
            raise self.error(elem, "<hanging> 没有 <item>")
        prefix_role = self.role(elem, a["prefix-role"]) if a["prefix-role"] else None
        return Hanging(self.role(elem, a["role"]), a["prefix"], tuple(items), prefix_role)

    def signature(self, elem: etree._Element) -> Block:
        a = self.attrs(elem, ("issuer", "date", "role", "form"))
        if a["form"] not in ("", "plain", "sealed", "stamp"):
            raise self.error(
                elem, f'form="{a["form"]}" 无效', hint="form 可用：plain（不盖章）、sealed（盖章）、stamp（签名章）"
            )
        signers = [Signer(a["issuer"])] if a["issuer"] else []
        for child in elem:
            if not isinstance(child.tag, str):
                continue
            if child.tag != "signer":
                raise self.error(child, f"<signature> 里只能放 <signer>，不能放 <{child.tag}>")
            item = self.attrs(child, ("image",))
            signers.append(Signer(self.text_of(child), item["image"]))
        if _clean(elem.text).strip():
            raise self.error(elem, "<signature> 的署名写在 issuer 属性或 <signer> 里")
        form = a["form"] or "plain"
        if form in ("sealed", "stamp") and not signers:
            raise self.error(elem, f'<signature form="{form}"> 没有 <signer>')
        return Signature(tuple(signers), a["date"], form, self.role(elem, a["role"], "signature"))

    def mark(self, elem: etree._Element) -> Block:
        a = self.attrs(elem, ("role", "suffix"))
        names = []
        for child in elem:
            if not isinstance(child.tag, str):
                continue
            if child.tag != "name":
                raise self.error(child, f"<mark> 里只能放 <name>，不能放 <{child.tag}>")
            self.attrs(child, ())
            names.append(self.text_of(child))
        if not names:
            raise self.error(elem, "<mark> 没有 <name>")
        return Mark(self.role(elem, a["role"]), tuple(names), a["suffix"])

    def signers(self, elem: etree._Element) -> Block:
        a = self.attrs(elem, ("role", "number", "label", "name-role"))
        names = []
        for child in elem:
            if not isinstance(child.tag, str):
                continue
            if child.tag != "name":
                raise self.error(child, f"<signers> 里只能放 <name>，不能放 <{child.tag}>")
            self.attrs(child, ())
            names.append(self.text_of(child))
        if not names:
            raise self.error(elem, "<signers> 没有 <name>")
        name_role = self.role(elem, a["name-role"], "signer")
        return Signers(self.role(elem, a["role"]), a["number"], a["label"], tuple(names), name_role)

    def rule(self, elem: etree._Element) -> Block:
        self.no_children(elem)
        a = self.attrs(elem, ("key",))
        return Rule(self.role(elem, a["key"]))

    def blank(self, elem: etree._Element) -> Block:
        self.no_children(elem)
        a = self.attrs(elem, ("rows",))
        rows = self.rows(elem, "rows", a["rows"] or "1")
        return Blank(rows or 0)

    def group(self, elem: etree._Element) -> Block:
        a = self.attrs(elem, ("at", "page", "role"))
        if a["at"] not in ("", "bottom"):
            raise self.error(elem, f'at="{a["at"]}" 无效', hint='at 只能是 "bottom"（排在页面最下方）')
        if a["page"] not in ("", "even"):
            raise self.error(elem, f'page="{a["page"]}" 无效', hint='page 只能是 "even"（排在偶数页，双面印刷的版记）')
        if a["page"] and a["at"] != "bottom":
            raise self.error(elem, 'page="even" 只用于 at="bottom" 的组（版记）')
        children = self.blocks(elem)
        if not children:
            raise self.error(elem, "<group> 是空的")
        role = self.role(elem, a["role"]) if a["role"] else None
        return Group(tuple(children), at_bottom=a["at"] == "bottom", even_page=a["page"] == "even", role=role)

    def table(self, elem: etree._Element) -> Block:
        a = self.attrs(elem, ("role", "header-role", "widths", "aligns", "landscape"))
        widths = tuple(a["widths"].split(",")) if a["widths"] else ()
        aligns = tuple(a["aligns"].split(",")) if a["aligns"] else ()
        for align in aligns:
            if align not in ("left", "center", "right"):
                raise self.error(elem, f"aligns 中的“{align}”无效", hint="aligns 用逗号分开 left、center、right")
        for width in widths:
            if width and not re.fullmatch(r"\d+(\.\d+)?(pt)?", width):
                raise self.error(elem, f"widths 中的“{width}”无效", hint="widths 用逗号分开字数（4）或磅数（85pt）")
        rows = []
        for child in elem:
            if not isinstance(child.tag, str):
                continue
            if child.tag != "row":
                raise self.error(child, f"<table> 里只能放 <row>，不能放 <{child.tag}>")
            r = self.attrs(child, ("header",))
            cells = []
            for cell in child:
                if not isinstance(cell.tag, str):
                    continue
                if cell.tag != "cell":
                    raise self.error(cell, f"<row> 里只能放 <cell>，不能放 <{cell.tag}>")
                c = self.attrs(cell, ("span", "rowspan", "align"))
                if c["align"] and c["align"] not in ("left", "center", "right"):
                    raise self.error(cell, f'align="{c["align"]}" 无效', hint="align 可用：left、center、right")
                span = self.number(cell, c["span"] or "1")
                rowspan = self.number(cell, c["rowspan"] or "1")
                cells.append(Cell(self.text_of(cell), span, rowspan, c["align"]))
            if not cells:
                raise self.error(child, "<row> 里没有 <cell>")
            rows.append(TableRow(tuple(cells), self.flag(child, "header", r["header"]) is True))
        if not any(not row.header for row in rows):
            raise self.error(elem, "<table> 没有数据行")
        columns = max(sum(cell.span for cell in row.cells) for row in rows)
        if (widths and len(widths) != columns) or (aligns and len(aligns) != columns):
            raise self.error(elem, f"widths、aligns 应各有 {columns} 项（表格的列数）")
        return Table(
            self.role(elem, a["role"], "table-cell"),
            self.role(elem, a["header-role"], "table-header"),
            widths or ("",) * columns,
            aligns or ("left",) * columns,
            tuple(rows),
            self.flag(elem, "landscape", a["landscape"]) is True,
        )

    def blocks(self, parent: etree._Element) -> list[Block]:
        blocks: list[Block] = []
        for elem in parent:
            if not isinstance(elem.tag, str):  # comments and processing instructions
                continue
            handler = TAGS.get(elem.tag)
            if handler is None:
                raise self.error(elem, f"未知的块标记 <{elem.tag}>", hint=f"可用的块：{'、'.join(TAGS)}")
            blocks.append(handler(self, elem))
            if _clean(elem.tail).strip():
                raise self.error(elem, f"<{elem.tag}> 后面有不在任何块里的文字：“{_clean(elem.tail).strip()[:20]}”")
        if _clean(parent.text).strip():
            raise self.error(parent, f"<{parent.tag}> 里有不在任何块里的文字：“{_clean(parent.text).strip()[:20]}”")
        return blocks


#: Markup tag → its parser; every block type is made by at least one (tested).
TAGS: dict[str, Callable[[_Parser, etree._Element], Block]] = {
    "text": _Parser.text,
    "paragraph": _Parser.paragraph,
    "heading": _Parser.heading,
    "title": _Parser.title,
    "split": _Parser.split,
    "hanging": _Parser.hanging,
    "signature": _Parser.signature,
    "mark": _Parser.mark,
    "signers": _Parser.signers,
    "rule": _Parser.rule,
    "blank": _Parser.blank,
    "group": _Parser.group,
    "table": _Parser.table,
}


def parse_markup(markup: str, locate: Locator) -> DocModel:
    """Parse rendered block markup. ``locate(at, line, snippet)`` maps a tag's ``_at`` mark (or, lacking one, its
    markup line) to the template file and line that wrote it."""
    try:
        root = etree.fromstring(markup.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        lines = markup.splitlines()
        snippet = lines[line - 1] if 0 < line <= len(lines) else ""
        mark = re.search(rf'{AT}="([^"]*)"', snippet)
        raise TemplateError(
            f"模板生成的标记有语法错误：{exc.msg}",
            locate(mark.group(1) if mark else None, line, snippet.strip()),
            hint="检查尖括号标记是否成对闭合（<paragraph>…</paragraph>），属性值是否用引号括起",
        ) from None
    parser = _Parser(locate)
    if root.tag != "document":
        raise parser.error(root, f"标记的最外层应是 <document>，而不是 <{root.tag}>")
    meta = parser.attrs(root, ("title", "author", "first-page-number"))
    first_number = parser.flag(root, "first-page-number", meta["first-page-number"])
    blocks = parser.blocks(root)
    title = meta["title"] or next(
        (b.text.replace("\n", "") for b in blocks if isinstance(b, Text) and b.balanced and b.role == "title"), ""
    )
    return DocModel(
        tuple(blocks),
        title=title.replace("\n", ""),
        author=meta["author"],
        number_first_page=first_number is not False,
    )
