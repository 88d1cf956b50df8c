"""A kind's keys in words, for clerks: ``docgen templates keys 通知`` and the README's key lists are made here,
from the field table, so that what the documentation says and what validation accepts cannot drift apart."""

from __future__ import annotations

from docgen.kinds import Kind
from docgen.kinds.schema import Field

__all__ = ["key_rows", "key_table"]

_TYPE_WORDS = {
    "text": "文字",
    "paragraphs": "一段或多段文字",
    "date": "日期",
    "integer": "整数",
    "boolean": "true 或 false",
    "choice": "选一个",
    "list": "列表",
    "mapping": "含下列键",
    "body": "正文",
    "file": "图片文件",
}


def _kind_of(field: Field) -> str:
    if field.type == "choice":
        return "、".join(field.choices)
    if field.type == "list" and field.of is not None:
        inner = _kind_of(field.of) if field.of.type != "mapping" else "每项含下列键"
        return f"列表（{inner}）" + ("，只有一项时可直接写" if field.scalar_ok else "")
    if field.type == "file":
        return "、".join(t.upper() for t in field.file_types) + " 图片文件"
    return _TYPE_WORDS[field.type]


def key_rows(field: Field, prefix: str = "") -> list[tuple[str, str, str]]:
    """(key path, what to write, meaning) for every key under ``field``, in declaration order."""
    rows: list[tuple[str, str, str]] = []
    for child in field.fields:
        path = f"{prefix}{child.name}"
        meaning = child.label or child.name
        if child.description:
            meaning += f"：{child.description}"
        if child.required:
            meaning += "（必填）"
        rows.append((path, _kind_of(child), meaning))
        if child.type == "mapping":
            rows += key_rows(child, path + ".")
        elif child.type == "list" and child.of is not None and child.of.type == "mapping":
            rows += key_rows(child.of, path + "[].")
    return rows


def key_table(kind: Kind) -> str:
    """The kind's keys as a Markdown table (键 | 写法 | 含义)."""
    lines = ["| 键 | 写法 | 含义 |", "|---|---|---|"]
    for path, kind_words, meaning in key_rows(kind.fields):
        lines.append(f"| `{path}` | {kind_words} | {meaning.replace('|', '／')} |")
    return "\n".join(lines)
