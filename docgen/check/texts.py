"""Every piece of text a spec holds, as written in the file, with what it is and where each character stands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docgen.spec import Spec
from docgen.spec.yamlsource import KeyPath, YamlDocument, format_path


@dataclass(frozen=True)
class TextItem:
    path: KeyPath
    text: str
    kind: str  # title, body, heading, section-heading, paragraph, lead, unit, speech-title, attachment-title, …
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


def _strings(value: Any) -> list[tuple[int | None, str]]:
    if isinstance(value, str):
        return [(None, value)]
    if isinstance(value, list):
        return [(i, v) for i, v in enumerate(value) if isinstance(v, str)]
    return []


def spec_texts(spec: Spec) -> list[TextItem]:
    """The spec's texts in document order (title, body, attachments …); only strings as the clerk typed them."""
    doc = spec.source
    if doc is None or not isinstance(doc.data, dict):
        return []
    data = doc.data
    items: list[TextItem] = []

    def add(path: KeyPath, value: Any, kind: str) -> None:
        for index, text in _strings(value):
            items.append(TextItem(path if index is None else (*path, index), text, kind, doc))

    masthead = data.get("masthead")
    if isinstance(masthead, dict):
        for key in ("name", "issue", "issuer"):
            add(("masthead", key), masthead.get(key), f"masthead-{key}")
    add(("title",), data.get("title"), "title")
    body = data.get("body")
    for i, item in enumerate(body if isinstance(body, list) else [body]):
        if isinstance(item, dict):
            add(("body", i, "heading"), item.get("heading"), "heading")
        elif isinstance(item, str):
            add(("body", i) if isinstance(body, list) else ("body",), item, "body")
    for a, attachment in enumerate(data.get("attachments") or []):
        if not isinstance(attachment, dict):
            continue
        base = ("attachments", a)
        add((*base, "title"), attachment.get("title"), "attachment-title")
        add((*base, "paragraphs"), attachment.get("paragraphs"), "paragraph")
        for s, speech in enumerate(attachment.get("speeches") or []):
            if not isinstance(speech, dict):
                continue
            where = (*base, "speeches", s)
            add((*where, "unit"), speech.get("unit"), "unit")
            add((*where, "title"), speech.get("title"), "speech-title")
            add((*where, "lead"), speech.get("lead"), "lead")
            for n, section in enumerate(speech.get("sections") or []):
                if isinstance(section, dict):
                    add((*where, "sections", n, "heading"), section.get("heading"), "section-heading")
                    add((*where, "sections", n, "paragraphs"), section.get("paragraphs"), "paragraph")
    signature = data.get("signature")
    if isinstance(signature, dict):
        add(("signature", "issuer"), signature.get("issuer"), "signature")
    distribution = data.get("distribution")
    if isinstance(distribution, dict):
        add(("distribution", "cc"), distribution.get("cc"), "cc")
        add(("distribution", "printed_by"), distribution.get("printed_by"), "printed-by")
    return items
