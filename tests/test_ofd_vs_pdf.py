"""docgen's OFD against its PDF for real documents: every page's text the same, every glyph within 0.1 mm, read with
an OFD reader that shares no code with the writer (tests/ofd_reader.py) and with pdfplumber."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest

import docgen

from .conftest import FULL_SPEC, ROOT, SEED_SPEC
from .ofd_reader import read_ofd

MM = 25.4 / 72


def _pdf_glyphs(pdf: bytes) -> list[list[tuple[str, float, float]]]:
    """Per page: (character, x, baseline y) in mm from the top-left corner, spaces left out."""
    pages = []
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        for page in opened.pages:
            height = float(page.height)
            pages.append(
                [
                    (c["text"], c["matrix"][4] * MM, (height - c["matrix"][5]) * MM)
                    for c in page.chars
                    if c["text"].strip()
                ]
            )
    return pages


#: every example spec: each kind, its furniture (seals, double lines, tables, a landscape table)
SPECS = [SEED_SPEC, FULL_SPEC, *sorted((ROOT / "specs").glob("*.yaml"))]


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_ofd_text_and_positions_match_the_pdf(spec: Path) -> None:
    document = docgen.render(spec)
    pdf_pages = _pdf_glyphs(document.to_pdf())
    ofd = read_ofd(document.to_ofd())
    assert len(ofd.pages) == len(pdf_pages)
    worst = 0.0
    compared = 0
    for ofd_page, pdf_page in zip(ofd.pages, pdf_pages, strict=True):
        ofd_glyphs = [(g.text, g.x, g.y) for g in ofd_page.glyphs if g.text.strip()]
        assert "".join(t for t, _, _ in ofd_glyphs) == "".join(t for t, _, _ in pdf_page)
        for (_, x, y), (_, px, py) in zip(ofd_glyphs, pdf_page, strict=True):
            worst = max(worst, abs(x - px), abs(y - py))
            compared += 1
    assert compared > 100 and worst < 0.1, f"{compared} glyphs, largest difference {worst:.4f} mm"
    assert ofd.info.get("Title") == document.model.title
