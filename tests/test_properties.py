"""Property-based tests: any spec either builds, with every paragraph in both outputs in order, or fails with a
DocgenError that has a message. Never another exception, never a hang.

CI runs a bounded number of examples (DOCGEN_HYPOTHESIS_EXAMPLES, default 15); for a release run, e.g.
``DOCGEN_HYPOTHESIS_EXAMPLES=2000 python -m pytest tests/test_properties.py``.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from collections import Counter

import pdfplumber
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import docgen
from docgen.layout.bidi import has_rtl
from docgen.layout.shaping import needs_shaping

from .docx_xml import DocxXml

EXAMPLES = int(os.environ.get("DOCGEN_HYPOTHESIS_EXAMPLES", "15"))

# Characters real specs carry and the ones that break naive code: hanzi (BMP and Ext-B), Chinese and ASCII
# punctuation, Latin and digits, combining marks, right-to-left scripts, emoji, controls, spaces and newlines.
ALPHABET = st.one_of(
    st.sampled_from(list("党建引领基层治理促进改革发展会议强调要的了在和")),
    st.sampled_from(list("，。、；：？！“”‘’（）《》—…·")),
    st.sampled_from(list("abcXYZ0123456789.,;:()%+-/ ")),
    st.sampled_from(["\u0301", "\u0308", "\u05d0", "\u05e9", "\u0627", "\u0644", "\u200f", "\u200b"]),
    st.sampled_from(["𠮷", "𡈽", "𪚥", "😀", "\U0001f1e8", "\u2028", "\t", "\n", "\r", "\x01", "\x0b", "\ufffe"]),
    st.characters(codec="utf-8"),
)
TEXT = st.text(ALPHABET, min_size=0, max_size=60) | st.text(st.sampled_from("会议强调1"), min_size=300, max_size=900)


@st.composite
def specs(draw: st.DrawFn) -> dict:  # type: ignore[type-arg]
    spec: dict = {"title": draw(TEXT), "body": draw(st.lists(TEXT, min_size=0, max_size=5))}  # type: ignore[type-arg]
    if draw(st.booleans()):
        speeches = []
        for _ in range(draw(st.integers(0, 3))):
            sections = [
                {"heading": draw(TEXT), "paragraphs": draw(st.lists(TEXT, max_size=2))}
                for _ in range(draw(st.integers(0, 3)))
            ]
            speeches.append({"unit": draw(TEXT), "lead": draw(st.lists(TEXT, max_size=2)), "sections": sections})
        spec["attachments"] = [{"title": draw(TEXT), "speeches": speeches}]
    if draw(st.booleans()):
        spec["masthead"] = {"name": draw(TEXT), "issue": draw(TEXT), "issuer": draw(TEXT), "date": "2024-01-02"}
    if draw(st.booleans()):
        spec["distribution"] = {"cc": draw(st.lists(TEXT, max_size=3)), "printed_by": draw(TEXT)}
    return spec


def squeeze(text: str) -> str:
    """Compare texts as a reader would: whitespace and invisible characters do not count."""
    return re.sub(r"[\s\u200b\u200f\u2028]", "", text)


def in_order(pieces: list[str], text: str) -> bool:
    position = 0
    for piece in pieces:
        found = text.find(piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return True


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_any_spec_builds_or_fails_with_a_docgen_error(spec: dict) -> None:  # type: ignore[type-arg]
    try:
        document = docgen.render(spec)
        docx_bytes = document.to_docx()
        pdf_bytes = document.to_pdf()
    except docgen.DocgenError as error:
        assert error.message
        return
    paragraphs = [squeeze(p) for p in document.model.texts() if squeeze(p)]
    docx_text = squeeze("".join(p.text for p in DocxXml(docx_bytes).paragraphs()))
    assert in_order(paragraphs, docx_text)
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        # Page numbers, below the type area, are not text. (By the top of a glyph's box: the bottom is the font's
        # descent, which for some scripts' fonts reaches below the type area from its last line.)
        type_bottom = float(pdf.pages[0].height) - 35 * 72 / 25.4
        pdf_text = squeeze("".join(c["text"] for page in pdf.pages for c in page.chars if c["top"] < type_bottom))
    assert len(pdf.pages) == document.page_count
    # A character no font on this machine has is drawn as an empty box and reported (document.missing_glyphs);
    # every other character must be there, in order.
    unrenderable = "".join(ch for chars in document.missing_glyphs.values() for ch in chars)

    # Right-to-left text is drawn in visual order, and neutral characters between two right-to-left ones
    # (punctuation, digits) move with it (tests/test_bidi.py checks that order). Where a document has any, the
    # order is checked on the characters that never move: the strongly left-to-right ones (hanzi, Latin).
    rtl = any(has_rtl(p) for p in document.model.texts())  # before squeezing: a lone U+200F counts

    def visible(text: str) -> str:
        return "".join(
            ch
            for ch in text
            if ch not in unrenderable and not needs_shaping(ch) and (not rtl or unicodedata.bidirectional(ch) == "L")
        )

    assert in_order([visible(p) for p in paragraphs], visible(pdf_text.replace("\x00", "")))
    # Nothing is lost: every character of the document is drawn (a cluster of shaped characters on one glyph
    # still copies out as all of them).
    wanted = Counter(ch for p in paragraphs for ch in p if ch not in unrenderable)
    drawn = Counter(pdf_text)
    assert not wanted - drawn
