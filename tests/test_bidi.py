"""Right-to-left and complex scripts inside a Chinese document: the visual order (checked against the python-bidi
reference implementation) and what the PDF shows: Hebrew read right to left, numbers inside it left to right,
Arabic letters joined, Devanagari clusters formed, nothing lost."""

from __future__ import annotations

import io
import subprocess
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from bidi import get_display
from hypothesis import given, settings
from hypothesis import strategies as st

import docgen
from docgen.layout.bidi import levels, visual_order

# No brackets (rule N0 is left out, see docgen.layout.bidi) and no explicit embeddings or isolates.
BIDI_ALPHABET = st.sampled_from(
    list("abc xyz 123 .,:-+%$#!?/")
    + list("שלוםעברית")
    + list("سلامعربي")
    + list("٠١٢٣0789")
    + ["\u0301", "\u064e", "中", "文", "，", "。", "“", "”", "\t"]
)


@settings(max_examples=300, deadline=None)
@given(st.text(BIDI_ALPHABET, max_size=40))
def test_visual_order_is_the_reference_implementations(text: str) -> None:
    ours = "".join(text[i] for i in visual_order(text))
    assert ours == get_display(text, base_dir="L")


def test_levels_of_a_hebrew_phrase_with_a_number() -> None:
    #        中  “  ש  נ  ת  ␠  2  0  2  3  ␠  ה  י  א  ”  文
    assert levels("中“שנת 2023 היא”文") == [0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0]


SPEC = """\
kind: meeting-summary
title: 多语种测试
body:
  - 希伯来文“שלום עולם”在段落里。
  - 年份“שנת 2023 היא”保持从左到右。
  - 阿拉伯文单词“سلام”连写。
  - 印地文“नमस्ते”成簇。
"""


@pytest.fixture(scope="module")
def pdf_chars(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], bytes]:  # type: ignore[type-arg]
    folder = tmp_path_factory.mktemp("rtl")
    spec = folder / "rtl.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    document = docgen.render(spec)
    data = document.to_pdf()
    assert not document.missing_glyphs
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return list(pdf.pages[0].chars), data


def _word(chars: list[dict], letters: str) -> list[dict]:  # type: ignore[type-arg]
    """The glyphs that draw ``letters``, on the line that has most of them, left to right."""
    found = [c for c in chars if c["text"] and c["text"] in letters]
    assert found, letters
    lines = Counter(round(c["bottom"]) for c in found)
    line = lines.most_common(1)[0][0]
    return sorted((c for c in found if abs(c["bottom"] - line) < 3), key=lambda c: c["x0"])


def test_hebrew_reads_right_to_left(pdf_chars: tuple[list[dict], bytes]) -> None:  # type: ignore[type-arg]
    chars, _ = pdf_chars
    hebrew = _word(chars, "שלוםעולם")
    assert "".join(c["text"] for c in reversed(hebrew)) == "שלוםעולם"
    # … and sits between the quotation marks the layout gave it, inside the type area
    assert all(28 * 72 / 25.4 - 0.5 <= c["x0"] and c["x1"] <= (28 + 156) * 72 / 25.4 + 0.5 for c in hebrew)


def test_a_number_inside_right_to_left_text_stays_left_to_right(pdf_chars: tuple[list[dict], bytes]) -> None:  # type: ignore[type-arg]
    chars, _ = pdf_chars
    digits = sorted((c for c in chars if c["text"] in "2023" and c["text"]), key=lambda c: c["x0"])
    assert "".join(c["text"] for c in digits) == "2023"
    year, after = _word(chars, "שנת"), _word(chars, "היא")
    assert max(c["x1"] for c in after) <= digits[0]["x0"] + 0.5  # היא, read last, is drawn left of the number
    assert min(c["x0"] for c in year) >= digits[-1]["x1"] - 0.5  # שנת, read first, right of it


def _ink_components(png: Path, box: tuple[float, float, float, float], dpi: int) -> int:
    """Connected areas of ink (8-neighbour) inside a box given in PDF points, in a page rendered at ``dpi``."""
    from PIL import Image

    image = Image.open(png).convert("L")
    scale = dpi / 72
    x0, top, x1, bottom = (round(v * scale) for v in box)
    pixels = image.load()
    seen: set[tuple[int, int]] = set()
    count = 0
    for x in range(x0, x1):
        for y in range(top, bottom):
            if pixels[x, y] < 128 and (x, y) not in seen:
                count += 1
                stack = [(x, y)]
                seen.add((x, y))
                while stack:
                    px, py = stack.pop()
                    for nx in (px - 1, px, px + 1):
                        for ny in (py - 1, py, py + 1):
                            if x0 <= nx < x1 and top <= ny < bottom and (nx, ny) not in seen and pixels[nx, ny] < 128:
                                seen.add((nx, ny))
                                stack.append((nx, ny))
    return count


def test_arabic_letters_are_joined(pdf_chars: tuple[list[dict], bytes], tmp_path: Path) -> None:  # type: ignore[type-arg]
    chars, data = pdf_chars
    word = _word(chars, "سلام")
    assert "".join(c["text"] for c in reversed(word)) == "سلام"
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    png = next(tmp_path.glob("page*.png"))
    box = (
        min(c["x0"] for c in word) - 1,
        min(c["top"] for c in word) - 2,
        max(c["x1"] for c in word) + 1,
        max(c["bottom"] for c in word) + 2,
    )
    # سلام has no dots: joined it is two shapes (سلا and م), drawn letter by letter it would be four.
    assert _ink_components(png, box, 200) == 2


def test_devanagari_forms_clusters(pdf_chars: tuple[list[dict], bytes]) -> None:  # type: ignore[type-arg]
    chars, _ = pdf_chars
    devanagari = [c for c in chars if "Devanagari" in c["fontname"]]
    assert "".join(c["text"] for c in devanagari) == "नमस्ते"
    # न म स्ते: the conjunct स्त and the vowel sign make fewer glyphs than characters, and no dotted circle (the
    # placeholder HarfBuzz draws for a mark shaped away from its letter).
    assert len(devanagari) < len("नमस्ते")
    assert not [c for c in chars if c["text"] == "\u25cc"]


def test_nothing_is_lost(pdf_chars: tuple[list[dict], bytes]) -> None:  # type: ignore[type-arg]
    chars, _ = pdf_chars
    drawn = Counter("".join(c["text"] for c in chars))
    for text in ("שלום עולם", "שנת 2023 היא", "سلام", "नमस्ते"):
        for ch, count in Counter(text.replace(" ", "")).items():
            assert drawn[ch] >= count, ch


def test_docx_gives_right_to_left_text_runs_of_its_own(tmp_path: Path) -> None:
    from .docx_xml import NS, DocxXml

    spec = tmp_path / "rtl.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    xml = DocxXml(docgen.render(spec).to_docx())
    runs = {
        "".join(t.text or "" for t in run.iter(f"{{{NS['w']}}}t")): run.find("w:rPr/w:rtl", NS) is not None
        for run in xml.body.iter(f"{{{NS['w']}}}r")
    }
    # the Hebrew and Arabic (with the space and the number between their words) run right to left …
    assert runs["שלום עולם"] and runs["שנת 2023 היא"] and runs["سلام"]
    # … the Chinese around them, and the Devanagari (left to right), do not
    assert not any(flag for text, flag in runs.items() if any("\u4e00" <= ch <= "\u9fff" for ch in text))
    assert not any(flag for text, flag in runs.items() if "न" in text)


def test_the_command_shapes_too(tmp_path: Path) -> None:
    # `docgen` hides uharfbuzz from reportlab (docgen.harfbuzz); its own shaping must still find it.
    import sys

    spec = tmp_path / "rtl.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "docgen", "build", str(spec), "-f", "pdf"], check=True, capture_output=True)
    with pdfplumber.open(tmp_path / "rtl.pdf") as pdf:
        devanagari = [c for c in pdf.pages[0].chars if "Devanagari" in c["fontname"]]
    assert "".join(c["text"] for c in devanagari) == "नमस्ते" and len(devanagari) < len("नमस्ते")
