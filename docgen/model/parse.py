"""Block markup (the XML a template renders) → ``DocModel``.

The markup is small and strict: one element per block, attributes for short fields, text for long ones. An unknown
element or attribute is an error, reported at the template line that wrote it (found by ``locate``), because a
misspelt tag silently dropped would mean text missing from an official document.

Whitespace: a run of whitespace that contains a newline is template layout and is removed; other spaces are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from docgen.errors import SourceRef, TemplateError
from docgen.model.blocks import (
    AnnexStart,
    AttachmentNote,
    Block,
    Distribution,
    DocModel,
    Heading,
    Masthead,
    NoteItem,
    Paragraph,
    Run,
    Signature,
    SpeechHeading,
    Title,
    heading_label,
)

_LAYOUT_SPACE = re.compile(r"\s*\n\s*")
_RUN_IN_END = "。！？：；…"  # a run-in heading already ending in one of these gets no 。

#: Maps a line of the rendered markup back to a template file:line (given by the template stage).
Locator = Callable[[int, str], SourceRef]


def _clean(text: str | None) -> str:
    return _LAYOUT_SPACE.sub("", text or "")


class _Parser:
    def __init__(self, locate: Locator) -> None:
        self.locate = locate

    def error(self, elem: etree._Element, message: str, hint: str | None = None) -> TemplateError:
        return TemplateError(message, self.locate(elem.sourceline or 0, etree.tostring(elem, encoding=str)), hint)

    def attrs(self, elem: etree._Element, allowed: tuple[str, ...]) -> dict[str, str]:
        for name in elem.attrib:
            if name not in allowed:
                raise self.error(
                    elem,
                    f"<{elem.tag}> 没有属性 {name}",
                    hint=f"可用的属性：{'、'.join(allowed) or '无'}",
                )
        return {name: _clean(elem.get(name)).strip() for name in allowed}

    def no_children(self, elem: etree._Element) -> None:
        if len(elem):
            raise self.error(elem, f"<{elem.tag}> 里不能再放 <{elem[0].tag}>")

    def text_of(self, elem: etree._Element) -> str:
        self.no_children(elem)
        return _clean(elem.text).strip()

    def level(self, elem: etree._Element, value: str) -> int:
        if value not in ("1", "2", "3", "4"):
            raise self.error(elem, f'标题层级 level="{value}" 无效', hint="level 只能是 1、2、3、4")
        return int(value)

    def number(self, elem: etree._Element, value: str) -> int:
        if not value.isdigit() or int(value) < 1:
            raise self.error(elem, f'序号 number="{value}" 无效', hint="number 是从 1 开始的整数，如 loop.index")
        return int(value)

    # One method per element; the name is the tag with - as _.
    def masthead(self, elem: etree._Element) -> Block:
        self.no_children(elem)
        a = self.attrs(elem, ("name", "issue", "issuer", "date"))
        if not a["name"]:
            raise self.error(elem, "<masthead> 缺少 name")
        return Masthead(**a)

    def title(self, elem: etree._Element) -> Block:
        self.attrs(elem, ())
        parts = [_clean(elem.text)]
        for child in elem:
            if child.tag != "br":
                raise self.error(child, f"<title> 里只能用 <br/> 换行，不能用 <{child.tag}>")
            parts.append("\n" + _clean(child.tail))
        text = "".join(parts).strip()
        if not text:
            raise self.error(elem, "<title> 是空的")
        return Title(text)

    def paragraph(self, elem: etree._Element) -> Block:
        self.attrs(elem, ())
        runs: list[Run] = []
        if _clean(elem.text):
            runs.append(Run(_clean(elem.text)))
        for child in elem:
            if child.tag != "run-in":
                raise self.error(child, f"<paragraph> 里只能放 <run-in>，不能放 <{child.tag}>")
            a = self.attrs(child, ("level", "number"))
            level = self.level(child, a["level"] or "1")
            heading = self.text_of(child)
            if heading and heading[-1] not in _RUN_IN_END:
                heading += "。"
            label = heading_label(level, self.number(child, a["number"])) if a["number"] else ""
            runs.append(Run(label + heading, f"heading-{level}"))
            if _clean(child.tail):
                runs.append(Run(_clean(child.tail)))
        if runs:
            runs[0] = Run(runs[0].text.lstrip(), runs[0].role)
            runs[-1] = Run(runs[-1].text.rstrip(), runs[-1].role)
        runs = [run for run in runs if run.text]
        if not runs:
            raise self.error(elem, "<paragraph> 是空的")
        return Paragraph(tuple(runs))

    def heading(self, elem: etree._Element) -> Block:
        a = self.attrs(elem, ("level", "number"))
        level = self.level(elem, a["level"] or "1")
        label = heading_label(level, self.number(elem, a["number"])) if a["number"] else ""
        return Heading(level=level, label=label, text=self.text_of(elem))

    def attachment_note(self, elem: etree._Element) -> Block:
        self.attrs(elem, ())
        items = []
        for child in elem:
            if child.tag != "item":
                raise self.error(child, f"<attachment-note> 里只能放 <item>，不能放 <{child.tag}>")
            a = self.attrs(child, ("number",))
            label = f"{self.number(child, a['number'])}." if a["number"] else ""
            items.append(NoteItem(label, self.text_of(child)))
        if not items:
            raise self.error(elem, "<attachment-note> 没有 <item>")
        return AttachmentNote(tuple(items))

    def annex(self, elem: etree._Element) -> Block:
        a = self.attrs(elem, ("label",))
        return AnnexStart(label=a["label"] or "附件", title=self.text_of(elem))

    def speech(self, elem: etree._Element) -> Block:
        self.no_children(elem)
        a = self.attrs(elem, ("unit", "title"))
        if not a["unit"]:
            raise self.error(elem, "<speech> 缺少 unit")
        return SpeechHeading(**a)

    def signature(self, elem: etree._Element) -> Block:
        self.no_children(elem)
        a = self.attrs(elem, ("issuer", "date"))
        return Signature(**a)

    def distribution(self, elem: etree._Element) -> Block:
        a = self.attrs(elem, ("printed-by", "printed-on"))
        cc = []
        for child in elem:
            if child.tag != "cc":
                raise self.error(child, f"<distribution> 里只能放 <cc>，不能放 <{child.tag}>")
            self.attrs(child, ())
            cc.append(self.text_of(child))
        return Distribution(cc=tuple(cc), printed_by=a["printed-by"], printed_on=a["printed-on"])


BLOCK_TAGS = (
    "masthead",
    "title",
    "paragraph",
    "heading",
    "attachment-note",
    "annex",
    "speech",
    "signature",
    "distribution",
)


def parse_markup(markup: str, locate: Locator) -> DocModel:
    """Parse rendered block markup. ``locate(line, snippet)`` maps a markup line to the template that wrote it."""
    try:
        root = etree.fromstring(markup.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        lines = markup.splitlines()
        snippet = lines[line - 1] if 0 < line <= len(lines) else ""
        raise TemplateError(
            f"模板生成的标记有语法错误：{exc.msg}",
            locate(line, snippet.strip()),
            hint="检查尖括号标记是否成对闭合（<paragraph>…</paragraph>），属性值是否用引号括起",
        ) from None
    parser = _Parser(locate)
    if root.tag != "document":
        raise parser.error(root, f"标记的最外层应是 <document>，而不是 <{root.tag}>")
    blocks: list[Block] = []
    for elem in root:
        if not isinstance(elem.tag, str):  # comments and processing instructions
            continue
        if elem.tag not in BLOCK_TAGS:
            raise parser.error(elem, f"未知的块标记 <{elem.tag}>", hint=f"可用的块：{'、'.join(BLOCK_TAGS)}")
        blocks.append(getattr(parser, elem.tag.replace("-", "_"))(elem))
        if _clean(elem.tail).strip():
            raise parser.error(elem, f"<{elem.tag}> 后面有不在任何块里的文字：“{_clean(elem.tail).strip()[:20]}”")
    if _clean(root.text).strip():
        raise parser.error(root, f"<document> 里有不在任何块里的文字：“{_clean(root.text).strip()[:20]}”")
    return DocModel(tuple(blocks))
