"""Plain YAML data + a kind's field table → validated content (``Record``), or a ``SpecError`` listing every problem.

Validation goes on past a problem, so a clerk sees all of them at once (a misspelt key on line 4 and an impossible
date on line 8 in one run), each with file, line, column, key path and what to do.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any

from docgen.errors import Diagnostic, SpecError
from docgen.inputs import MB, read_bounded
from docgen.kinds.formats import check_format
from docgen.kinds.record import Record
from docgen.kinds.schema import Field
from docgen.spec.yamlsource import KeyPath, YamlDocument

__all__ = ["MAX_TEXT_CHARS", "validate_content"]

#: One text field may hold at most this many characters: a 100,000-character paragraph builds (in about a second);
#: ten times more is a mistake, not a paragraph.
MAX_TEXT_CHARS = 1_000_000
#: An image (a seal) is tens of kilobytes; a bound keeps a wrong file (a photo archive) out.
MAX_IMAGE_BYTES = 16 * MB
#: Validation stops collecting after this many problems (the rest are the same slip again, and it bounds the work).
MAX_PROBLEMS = 100

# Characters an XML 1.0 document (and so a DOCX) cannot hold. Tab and newline are allowed by XML but a newline inside
# a paragraph is folded to nothing, and a tab stays a tab.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CN_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_TYPE_NAMES = {dict: "键值对", list: "列表", str: "文字", int: "数字", float: "数字", bool: "是/否"}
_INVALID = object()  # a value that failed validation (its problem is recorded)


def type_name(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, dt.date):
        return "日期"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


class _TooMany(Exception):
    pass


class _Validator:
    def __init__(self, doc: YamlDocument, base_dir: Path | None = None, roots: list[Path] | None = None) -> None:
        self.doc = doc
        self.base_dir = base_dir
        #: for a spec from someone else: the folders its files must lie in (checked before anything is read)
        self.roots = roots
        self.problems: list[Diagnostic] = []

    def problem(self, path: KeyPath, message: str, hint: str | None = None, *, at_key: bool = False) -> object:
        self.problems.append(Diagnostic(message, self.doc.ref(path, at_key=at_key), hint))
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooMany
        return _INVALID

    # -- dispatch ------------------------------------------------------------------------------------------
    def value(self, field: Field, path: KeyPath, raw: Any) -> Any:
        """The validated value of ``raw`` for ``field``; None when absent (after a problem if it is required)."""
        if raw is None:
            if field.required:
                return self.missing(field, path)
            return () if field.type in ("list", "paragraphs", "body") else field.default
        return getattr(self, f"_{field.type}")(field, path, raw)

    def missing(self, field: Field, path: KeyPath) -> object:
        hint = (
            f"在这里加上 {path[-1]}:，下面每行一项，以“- ”开头"
            if field.type in ("list", "paragraphs", "body")
            else f"填写 {path[-1]}，或检查键名的拼写和缩进"
        )
        return self.problem(path, f"缺少“{field.title}”", hint)

    # -- scalars -------------------------------------------------------------------------------------------
    def _text(self, field: Field, path: KeyPath, raw: Any) -> Any:
        value = raw
        if isinstance(value, (bool, int, float, dt.date)):
            value = self.doc.raw_scalars.get(path, str(value))  # keep what the clerk typed: 012 stays 012
        if not isinstance(value, str):
            return self.problem(
                path,
                f"“{field.title}”应是一段文字，这里却是{type_name(value)}",
                "文字直接写在冒号后面；若是多段，请改用列表并检查键名",
            )
        bad = _XML_INVALID.search(value)
        if bad:
            return self.problem(
                path,
                f"文字中有 Word 无法保存的控制字符 U+{ord(bad.group()):04X}（第 {bad.start() + 1} 个字符处）",
                '删除这个字符；它多半来自复制粘贴或转义写法（如 "\\x01"）',
            )
        limit = field.max_chars or MAX_TEXT_CHARS
        if len(value) > limit:
            return self.problem(
                path, f"“{field.title}”太长（{len(value)} 字，上限 {limit} 字）", "把它分成几段；一段通常不超过几千字"
            )
        text = value.strip()
        if not text:
            if field.required:
                return self.problem(path, f"“{field.title}”是空的", "填写内容，或删掉这一项")
            return None
        if field.pattern and not re.fullmatch(field.pattern, text):
            return self.problem(
                path, field.pattern_message or f"“{text}”的写法不对（{field.title}）", field.pattern_hint or None
            )
        if field.format and (wrong := check_format(field.format, text)):
            return self.problem(path, *wrong)
        return text

    def _file(self, field: Field, path: KeyPath, raw: Any) -> Any:
        """An image beside the spec (a seal): read to check it is one of the kinds allowed; its absolute path."""
        text = self._text(field, path, raw)
        if text is _INVALID or text is None:
            return text
        file = Path(text).expanduser()
        if not file.is_absolute():
            file = (self.base_dir or Path.cwd()) / file
        if self.roots is not None:
            from docgen.untrusted import UntrustedInputError, inside

            if not inside(file, self.roots):
                hint = "不受信任的规格只能引用服务指定目录里的图片"
                raise UntrustedInputError(f"规格引用了允许范围以外的文件：{text}", self.doc.ref(path), hint)
        try:
            head = read_bounded(file, MAX_IMAGE_BYTES, "图片文件", SpecError)[:512]
        except SpecError as error:
            return self.problem(path, f"{error.message}：{text}", error.hint)
        kind = image_kind(head)
        if kind not in field.file_types:
            allowed = "、".join(t.upper() for t in field.file_types)
            return self.problem(path, f"“{text}”不是 {allowed} 图片", f"{field.title}要用 {allowed} 格式的图片文件")
        from docgen.images import check_image

        try:  # its size, proportions and content, read now so that a wrong one is reported here, at the spec's line
            check_image(str(file.absolute()))
        except SpecError as error:
            return self.problem(path, f"{error.message}：{text}", error.hint)
        return str(file.absolute())

    def _choice(self, field: Field, path: KeyPath, raw: Any) -> Any:
        text = self._text(field, path, raw)
        if text is _INVALID or text is None:
            return text
        text = field.aliases.get(text, text)
        if text not in field.choices:
            close = difflib.get_close_matches(text, field.choices, n=1, cutoff=0.5)
            hint = f"是不是要写“{close[0]}”？" if close else f"可选：{'、'.join(field.choices)}"
            return self.problem(path, f"“{field.title}”不能是“{text}”", hint)
        return text

    def _date(self, field: Field, path: KeyPath, raw: Any) -> Any:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        if isinstance(raw, str):
            match = _ISO_DATE.match(raw) or _CN_DATE.match(raw)
            if match:
                try:
                    return dt.date(*(int(g) for g in match.groups()))
                except ValueError:
                    return self.problem(path, f"日期“{raw.strip()}”不存在", "检查月份和日期")
        return self.problem(
            path,
            f"“{field.title}”应是日期，这里却是“{self.doc.raw_scalars.get(path, raw)}”",
            "写成 2023-03-15（年-月-日），排版时会印成 2023年3月15日",
        )

    def _integer(self, field: Field, path: KeyPath, raw: Any) -> Any:
        if isinstance(raw, bool) or not isinstance(raw, int):
            return self.problem(path, f"“{field.title}”应是整数，这里却是{type_name(raw)}")
        if (field.min is not None and raw < field.min) or (field.max is not None and raw > field.max):
            return self.problem(path, f"“{field.title}”应在 {field.min} 到 {field.max} 之间")
        return raw

    def _boolean(self, field: Field, path: KeyPath, raw: Any) -> Any:
        if not isinstance(raw, bool):
            return self.problem(path, f"“{field.title}”只能是 true 或 false，这里却是{type_name(raw)}")
        return raw

    # -- containers ----------------------------------------------------------------------------------------
    def items(self, field: Field, path: KeyPath, raw: Any) -> list[Any] | object:
        if not isinstance(raw, list):
            return self.problem(
                path,
                f"“{field.title}”应是列表（每项一行，以“- ”开头），这里却是{type_name(raw)}",
                "例如：\n    body:\n      - 第一段……\n      - 第二段……",
            )
        if field.required and not raw:
            return self.problem(path, f"“{field.title}”是空的", "至少写一项")
        if field.max_items is not None and len(raw) > field.max_items:
            return self.problem(path, f"“{field.title}”最多 {field.max_items} 项，这里有 {len(raw)} 项")
        return raw

    def _list(self, field: Field, path: KeyPath, raw: Any) -> Any:
        if field.scalar_ok and not isinstance(raw, (list, dict)):
            raw = [raw]
        items = self.items(field, path, raw)
        if items is _INVALID:
            return items
        assert field.of is not None
        item_field = field.of if field.of.label else dataclasses.replace(field.of, label=field.label)
        values = [self.value(_required(item_field), (*path, i), item) for i, item in enumerate(items)]  # type: ignore[arg-type]
        return _INVALID if any(v is _INVALID for v in values) else tuple(values)

    def _paragraphs(self, field: Field, path: KeyPath, raw: Any) -> Any:
        if isinstance(raw, str):
            raw = [raw]
        items = self.items(field, path, raw)
        if items is _INVALID:
            return items
        paragraph = Field("", "text", label="", check=field.check, required=True)
        values = []
        for i, item in enumerate(items):  # type: ignore[arg-type]
            values.append(self.value(dataclasses.replace(paragraph, label=f"第 {i + 1} 段"), (*path, i), item))
        return _INVALID if any(v is _INVALID for v in values) else tuple(values)

    def _mapping(self, field: Field, path: KeyPath, raw: Any) -> Any:
        allowed = tuple(f.name for f in field.fields)
        if not isinstance(raw, dict):
            return self.problem(
                path,
                f"{field.label or field.name}应写成“键: 值”的形式，这里却是{type_name(raw)}",
                f"可用的键：{'、'.join(allowed)}",
            )
        ok = True
        for key in raw:
            if key not in allowed:
                self.problems.append(unknown_key(self.doc, (*path, key), allowed, field.label or field.name))
                ok = False
        values = {}
        for child in field.fields:
            values[child.name] = self.value(child, (*path, child.name), raw.get(child.name))
            ok = ok and values[child.name] is not _INVALID
        if ok and field.one_of and not any(values[name] not in (None, ()) for name in field.one_of):
            names = "、".join(field.child(name).title for name in field.one_of)  # type: ignore[union-attr]
            return self.problem(path, f"{field.label or field.name}是空的", f"至少填写其中一项：{names}")
        return Record(values) if ok else _INVALID

    def _body(self, field: Field, path: KeyPath, raw: Any) -> Any:
        """Body items: a paragraph (text), a heading (``heading:`` with ``level:`` 1–4, numbered here: 一、（一）1.
        （1）counted within their level)."""
        if isinstance(raw, str):
            raw = [raw]
        items = self.items(field, path, raw)
        if items is _INVALID:
            return items
        counters = [0, 0, 0, 0]
        out: list[Any] = []
        for i, item in enumerate(items):  # type: ignore[arg-type]
            item_path = (*path, i)
            if isinstance(item, dict) and "table" in item:
                out.append(self.table(item_path, item))
            elif isinstance(item, dict):
                out.append(self.heading(item_path, item, counters))
            else:
                paragraph = Field("", "text", label=f"{field.label or '正文'}第 {i + 1} 段", required=True)
                out.append(self.value(paragraph, item_path, item))
        return _INVALID if any(v is _INVALID for v in out) else tuple(out)

    def table(self, path: KeyPath, item: dict[str, Any]) -> Any:
        """A table among the body's items (``docgen/kinds/tables.py``)."""
        from docgen.kinds.tables import validate_table

        for key in item:
            if key != "table":
                self.problems.append(unknown_key(self.doc, (*path, key), ("table",), "表格项"))
                return _INVALID
        table, problems = validate_table(self.doc, (*path, "table"), item["table"])
        if problems:
            self.problems.extend(problems)
            if len(self.problems) >= MAX_PROBLEMS:
                raise _TooMany
            return _INVALID
        return Record({"table": table})

    def heading(self, path: KeyPath, item: dict[str, Any], counters: list[int]) -> Any:
        for key in item:
            if key not in ("heading", "level"):
                self.problems.append(unknown_key(self.doc, (*path, key), ("heading", "level"), "正文标题"))
                return _INVALID
        level = item.get("level", 1)
        if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 4:
            return self.problem(
                (*path, "level"),
                "标题层级 level 只能是 1、2、3、4",
                "1 = 一、（黑体），2 = （一）（楷体），3 = 1.，4 = （1）",
            )
        counters[level - 1] += 1
        counters[level:] = [0] * (4 - level)
        text = self.value(
            Field("heading", "text", label="标题", required=True), (*path, "heading"), item.get("heading")
        )
        if text is _INVALID:
            return text
        return Record({"text": text, "level": level, "number": counters[level - 1]})


def _required(field: Field) -> Field:
    """A list's items are each required (an empty ``- `` is a mistake, not an absent value)."""
    return field if field.required else dataclasses.replace(field, required=True)


def unknown_key(doc: YamlDocument, path: KeyPath, allowed: tuple[str, ...], what: str) -> Diagnostic:
    """The problem of a key the mapping does not have: a did-you-mean, or, for a key that is Chinese text, what
    really happened — an ASCII colon and a space inside a sentence made YAML read it as “key: value”."""
    key = str(path[-1])
    if not key.isascii():
        return Diagnostic(
            f"“{key}: …”被 YAML 当成了“键: 值”：文字里的半角冒号后面跟了空格",
            doc.ref(path, at_key=True),
            "给这一段文字加引号，或把半角冒号“: ”改成全角冒号“：”",
        )
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f"是不是要写“{close[0]}”？" if close else f"{what}可用的键：{'、'.join(allowed)}"
    return Diagnostic(f"{what}中没有“{key}”这个键", doc.ref(path, at_key=True), hint)


def image_kind(head: bytes) -> str | None:
    """png, jpeg or svg, by the file's first bytes; None for anything else."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml")) and b"<svg" in head.lower():
        return "svg"
    return None


def validate_content(
    doc: YamlDocument,
    fields: Field,
    ignore: tuple[str, ...] = (),
    base_dir: Path | None = None,
    roots: list[Path] | None = None,
) -> Record:
    """The spec's content (every top-level key but ``ignore``: kind, style, templates) validated against the
    kind's fields; a SpecError listing every problem (up to MAX_PROBLEMS) otherwise. With ``roots`` (a spec from
    someone else), a file outside them is a problem, and is never opened."""
    validator = _Validator(doc, base_dir, roots)
    data = doc.data
    result: Any = _INVALID
    try:
        if not isinstance(data, dict):
            validator.problem(
                (), f"规格文件应写成“键: 值”的形式，这里却是{type_name(data)}", "参照 specs/ 下的示例填写"
            )
        else:
            content = {key: value for key, value in data.items() if key not in ignore}
            allowed = (*ignore, *(f.name for f in fields.fields))
            for key in data:
                if key not in allowed:
                    validator.problems.append(unknown_key(doc, (key,), allowed, fields.label or "规格文件"))
            known = {key: value for key, value in content.items() if key in allowed}
            result = validator._mapping(fields, (), known)
    except _TooMany:
        pass
    if validator.problems:
        raise SpecError.of(validator.problems)
    return result
