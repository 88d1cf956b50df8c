"""Plain YAML data → a validated ``Spec``, with an error that names file, line, key path and what to do."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from typing import Any, TypeVar

from docgen.errors import SpecError
from docgen.spec.model import (
    Attachment,
    BodyHeading,
    Distribution,
    Masthead,
    Section,
    Signature,
    Spec,
    Speech,
)
from docgen.spec.yamlsource import KeyPath, YamlDocument

T = TypeVar("T")

# Characters an XML 1.0 document (and so a DOCX) cannot hold. Tab and newline are allowed by XML but a newline inside
# a paragraph is folded to nothing, and a tab stays a tab.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CN_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")

#: One text field may hold at most this many characters: a 100,000-character paragraph builds (in about a second);
#: ten times more is a mistake, not a paragraph.
MAX_TEXT_CHARS = 1_000_000

_TYPE_NAMES = {dict: "键值对", list: "列表", str: "文字", int: "数字", float: "数字", bool: "是/否"}


def _type_name(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, dt.date):
        return "日期"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


class _Mapping:
    """One mapping of the spec: typed getters, and an error for every key it does not know."""

    def __init__(self, doc: YamlDocument, path: KeyPath, value: Any, allowed: tuple[str, ...], what: str) -> None:
        self.doc = doc
        self.path = path
        if not isinstance(value, dict):
            raise SpecError(
                f"{what}应写成“键: 值”的形式，这里却是{_type_name(value)}",
                doc.ref(path),
                hint=f"可用的键：{'、'.join(allowed)}",
            )
        for key in value:
            if key not in allowed:
                raise unknown_key(doc, (*path, key), allowed, what)
        self.value: dict[str, Any] = value

    def text(self, key: str, *, required: bool = False, label: str = "") -> str | None:
        return _text(self.doc, (*self.path, key), self.value.get(key), required=required, label=label or key)

    def date(self, key: str, *, label: str = "") -> dt.date | None:
        return _date(self.doc, (*self.path, key), self.value.get(key), label=label or key)

    def paragraphs(self, key: str, *, required: bool = False, label: str = "") -> tuple[str, ...]:
        value = self.value.get(key)
        path = (*self.path, key)
        if isinstance(value, str):
            value = [value]
        items = _items(self.doc, path, value, required=required, label=label or key)
        return tuple(_text(self.doc, (*path, i), v, required=True, label=f"第 {i + 1} 段") for i, v in enumerate(items))

    def objects(self, key: str, build: Callable[[YamlDocument, KeyPath, Any], T], *, label: str = "") -> tuple[T, ...]:
        path = (*self.path, key)
        items = _items(self.doc, path, self.value.get(key), required=False, label=label or key)
        return tuple(build(self.doc, (*path, i), v) for i, v in enumerate(items))

    def optional(self, key: str, build: Callable[[YamlDocument, KeyPath, Any], T]) -> T | None:
        value = self.value.get(key)
        return None if value is None else build(self.doc, (*self.path, key), value)


def unknown_key(doc: YamlDocument, path: KeyPath, allowed: tuple[str, ...], what: str) -> SpecError:
    """The error for a key the mapping does not have: a did-you-mean, or, for a key that is Chinese text, what
    really happened — an ASCII colon and a space inside a sentence made YAML read it as “key: value”."""
    key = str(path[-1])
    if not key.isascii():
        return SpecError(
            f"“{key}: …”被 YAML 当成了“键: 值”：文字里的半角冒号后面跟了空格",
            doc.ref(path, at_key=True),
            hint="给这一段文字加引号，或把半角冒号“: ”改成全角冒号“：”",
        )
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f"是不是要写“{close[0]}”？" if close else f"{what}可用的键：{'、'.join(allowed)}"
    return SpecError(f"{what}中没有“{key}”这个键", doc.ref(path, at_key=True), hint=hint)


def _items(doc: YamlDocument, path: KeyPath, value: Any, *, required: bool, label: str) -> list[Any]:
    if value is None:
        if required:
            raise SpecError(f"缺少“{label}”", doc.ref(path), hint=f"在这里加上 {path[-1]}:，下面每行一项，以“- ”开头")
        return []
    if not isinstance(value, list):
        raise SpecError(
            f"“{label}”应是列表（每项一行，以“- ”开头），这里却是{_type_name(value)}",
            doc.ref(path),
            hint="例如：\n    body:\n      - 第一段……\n      - 第二段……",
        )
    if required and not value:
        raise SpecError(f"“{label}”是空的", doc.ref(path), hint="至少写一项")
    return value


def _check_chars(doc: YamlDocument, path: KeyPath, text: str) -> None:
    bad = _XML_INVALID.search(text)
    if bad:
        code = ord(bad.group())
        raise SpecError(
            f"文字中有 Word 无法保存的控制字符 U+{code:04X}（第 {bad.start() + 1} 个字符处）",
            doc.ref(path),
            hint='删除这个字符；它多半来自复制粘贴或转义写法（如 "\\x01"）',
        )


def _text(doc: YamlDocument, path: KeyPath, value: Any, *, required: bool, label: str) -> str | None:
    if value is None:
        if required:
            raise SpecError(f"缺少“{label}”", doc.ref(path), hint=f"填写 {path[-1]}，或检查键名的拼写和缩进")
        return None
    if isinstance(value, (bool, int, float, dt.date)):
        value = doc.raw_scalars.get(path, str(value))  # keep what the clerk typed: 012 stays 012
    if not isinstance(value, str):
        raise SpecError(
            f"“{label}”应是一段文字，这里却是{_type_name(value)}",
            doc.ref(path),
            hint="文字直接写在冒号后面；若是多段，请改用列表并检查键名",
        )
    _check_chars(doc, path, value)
    if len(value) > MAX_TEXT_CHARS:
        raise SpecError(
            f"“{label}”太长（{len(value)} 字，上限 {MAX_TEXT_CHARS} 字）",
            doc.ref(path),
            hint="把它分成几段；一段通常不超过几千字",
        )
    text = value.strip()
    if not text:
        if required:
            raise SpecError(f"“{label}”是空的", doc.ref(path), hint="填写内容，或删掉这一项")
        return None
    return text


def _date(doc: YamlDocument, path: KeyPath, value: Any, *, label: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = _ISO_DATE.match(value) or _CN_DATE.match(value)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                raise SpecError(f"日期“{value.strip()}”不存在", doc.ref(path), hint="检查月份和日期") from None
    raise SpecError(
        f"“{label}”应是日期，这里却是“{doc.raw_scalars.get(path, value)}”",
        doc.ref(path),
        hint="写成 2023-03-15（年-月-日），排版时会印成 2023年3月15日",
    )


def _masthead(doc: YamlDocument, path: KeyPath, value: Any) -> Masthead:
    m = _Mapping(doc, path, value, ("name", "issue", "issuer", "date"), "版头（masthead）")
    return Masthead(
        name=m.text("name", required=True, label="版头名称 name"),  # type: ignore[arg-type]
        issue=m.text("issue"),
        issuer=m.text("issuer"),
        date=m.date("date"),
    )


def _section(doc: YamlDocument, path: KeyPath, value: Any) -> Section:
    m = _Mapping(doc, path, value, ("heading", "paragraphs"), "小节（section）")
    return Section(
        heading=m.text("heading", required=True, label="小节标题 heading"),  # type: ignore[arg-type]
        paragraphs=m.paragraphs("paragraphs"),
    )


def _speech(doc: YamlDocument, path: KeyPath, value: Any) -> Speech:
    m = _Mapping(doc, path, value, ("unit", "title", "lead", "sections"), "发言（speech）")
    return Speech(
        unit=m.text("unit", required=True, label="发言单位 unit"),  # type: ignore[arg-type]
        title=m.text("title"),
        lead=m.paragraphs("lead"),
        sections=m.objects("sections", _section),
    )


def _attachment(doc: YamlDocument, path: KeyPath, value: Any) -> Attachment:
    m = _Mapping(doc, path, value, ("title", "speeches", "paragraphs"), "附件（attachment）")
    attachment = Attachment(
        title=m.text("title", required=True, label="附件标题 title"),  # type: ignore[arg-type]
        speeches=m.objects("speeches", _speech),
        paragraphs=m.paragraphs("paragraphs"),
    )
    if not attachment.speeches and not attachment.paragraphs:
        raise SpecError(
            f"附件“{attachment.title}”没有内容",
            doc.ref(path),
            hint="给它加上 speeches:（发言）或 paragraphs:（段落）",
        )
    return attachment


def _signature(doc: YamlDocument, path: KeyPath, value: Any) -> Signature:
    m = _Mapping(doc, path, value, ("issuer", "date"), "署名（signature）")
    return Signature(issuer=m.text("issuer", required=True, label="署名 issuer"), date=m.date("date"))  # type: ignore[arg-type]


def _distribution(doc: YamlDocument, path: KeyPath, value: Any) -> Distribution:
    m = _Mapping(doc, path, value, ("cc", "printed_by", "printed_on"), "版记（distribution）")
    dist = Distribution(cc=m.paragraphs("cc"), printed_by=m.text("printed_by"), printed_on=m.date("printed_on"))
    if not (dist.cc or dist.printed_by or dist.printed_on):
        raise SpecError("版记是空的", doc.ref(path), hint="填写 cc（抄送）、printed_by（印发机关）或删掉 distribution")
    return dist


def _body(doc: YamlDocument, path: KeyPath, value: Any) -> tuple[str | BodyHeading, ...]:
    if isinstance(value, str):
        value = [value]
    items = _items(doc, path, value, required=True, label="正文 body")
    counters = [0, 0, 0, 0]
    out: list[str | BodyHeading] = []
    for i, item in enumerate(items):
        item_path = (*path, i)
        if isinstance(item, dict):
            m = _Mapping(doc, item_path, item, ("heading", "level"), "正文标题")
            level = m.value.get("level", 1)
            if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 4:
                raise SpecError(
                    "标题层级 level 只能是 1、2、3、4",
                    doc.ref((*item_path, "level")),
                    hint="1 = 一、（黑体），2 = （一）（楷体），3 = 1.，4 = （1）",
                )
            counters[level - 1] += 1
            counters[level:] = [0] * (4 - level)
            text = m.text("heading", required=True, label="标题 heading")
            out.append(BodyHeading(text=text, level=level, number=counters[level - 1]))  # type: ignore[arg-type]
        else:
            out.append(_text(doc, item_path, item, required=True, label=f"正文第 {i + 1} 段"))  # type: ignore[arg-type]
    return tuple(out)


SPEC_KEYS = ("kind", "style", "templates", "masthead", "title", "body", "attachments", "signature", "distribution")


def validate(doc: YamlDocument) -> Spec:
    """Turn loaded YAML into a ``Spec`` or raise the first ``SpecError`` found, in document order."""
    m = _Mapping(doc, (), doc.data, SPEC_KEYS, "规格文件")
    return Spec(
        kind=m.text("kind") or "meeting-summary",
        style=m.value["style"] if isinstance(m.value.get("style"), dict) else m.text("style"),
        templates=m.text("templates"),
        masthead=m.optional("masthead", _masthead),
        title=m.text("title", required=True, label="标题 title"),  # type: ignore[arg-type]
        body=_body(doc, ("body",), m.value.get("body")),
        attachments=m.objects("attachments", _attachment),
        signature=m.optional("signature", _signature),
        distribution=m.optional("distribution", _distribution),
        source=doc,
    )
