"""Every piece of prose a spec holds, as written in the file, with its category and where each character stands.

Which values are prose, and of what category (title, heading, body, unit …), is the kind's field table's to say
(``check:``): a field a kind adds is checked without anyone editing this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from docgen.kinds.schema import Field
from docgen.spec import Spec
from docgen.spec.yamlsource import KeyPath, YamlDocument, format_path


@dataclass(frozen=True)
class TextItem:
    path: KeyPath
    text: str
    kind: str  # the field's check category: title, body, heading, section-heading, paragraph, unit …
    doc: YamlDocument

    @property
    def key_path(self) -> str:
        return format_path(self.path)

    def locate(self, offset: int) -> tuple[int | None, int | None, int | None]:
        """Line, column and file index of the character at ``offset`` of this text (the value's start if the
        source does not spell the character literally)."""
        indexes = self.doc.source_indexes(self.path)
        if indexes is not None and offset < len(indexes):
            line, column = self.doc.position(indexes[offset])
            return line, column, indexes[offset]
        mark = self.doc.value_marks.get(self.path)
        return (mark[0], mark[1], None) if mark else (None, None, None)


def _walk(field: Field, value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str, str]]:
    """(path, text, category) of every prose value under ``value``, read as ``field`` declares it (values of the
    wrong shape are skipped: validation reports them)."""
    if field.type in ("text", "choice") and field.check and isinstance(value, str):
        yield path, value, field.check
    elif field.type == "paragraphs" and field.check:
        if isinstance(value, str):
            yield path, value, field.check
        elif isinstance(value, list):
            yield from (((*path, i), item, field.check) for i, item in enumerate(value) if isinstance(item, str))
    elif field.type == "body":
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        single = isinstance(value, str)
        for i, item in enumerate(items):
            where = path if single else (*path, i)
            if isinstance(item, str):
                yield where, item, field.check or "body"
            elif isinstance(item, dict) and isinstance(item.get("heading"), str):
                yield (*where, "heading"), item["heading"], "heading"
            elif isinstance(item, dict) and isinstance(item.get("table"), dict):
                yield from _table_texts(item["table"], (*where, "table"))
    elif field.type == "list" and field.of is not None and isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(field.of, item, (*path, i))
    elif field.type == "list" and field.of is not None and field.scalar_ok and value is not None:
        yield from _walk(field.of, value, path)  # one value written on its own: a list of one
    elif field.type == "mapping" and isinstance(value, dict):
        for child in field.fields:
            if child.name in value:
                yield from _walk(child, value[child.name], (*path, child.name))


def _table_texts(table: dict[str, Any], path: KeyPath) -> Iterator[tuple[KeyPath, str, str]]:
    """A table's title and the text of its cells (as written: a cell is text or {text: …})."""
    if isinstance(table.get("title"), str):
        yield (*path, "title"), table["title"], "table-title"
    for part in ("header", "rows"):
        rows = table.get(part)
        if not isinstance(rows, list):
            continue
        if rows and not any(isinstance(row, list) for row in rows):
            rows = [rows]
            prefix: KeyPath = (*path, part)
            indexed = [(prefix, rows[0])]
        else:
            indexed = [((*path, part, i), row) for i, row in enumerate(rows)]
        for row_path, row in indexed:
            if not isinstance(row, list):
                continue
            for j, cell in enumerate(row):
                if isinstance(cell, str) and cell:
                    yield (*row_path, j), cell, "table"
                elif isinstance(cell, dict) and isinstance(cell.get("text"), str) and cell["text"]:
                    yield (*row_path, j, "text"), cell["text"], "table"


def spec_texts(spec: Spec) -> list[TextItem]:
    """The spec's prose in the order its kind declares it; only strings as the clerk typed them."""
    doc = spec.source
    if doc is None or not isinstance(doc.data, dict) or spec.schema is None:
        return []
    return [TextItem(path, text, category, doc) for path, text, category in _walk(spec.schema.fields, doc.data, ())]
