"""CFF → TrueType conversion: outlines read by HarfBuzz must give the font fontTools' reading gave."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from docgen.fonts import convert, default_font


@pytest.mark.parametrize("kind", ["serif", "sans"])
def test_a_font_converted_from_harfbuzz_outlines_is_the_one_fonttools_outlines_give(kind: str, tmp_path: Path) -> None:
    path = default_font(kind)[1]
    assert convert.is_postscript_outline(path)  # the default faces are CFF: these are the fonts converted
    rng = random.Random(9704)
    sample = frozenset(rng.sample(sorted(convert.gb2312_characters()), 150)) | frozenset("，。“”（）《》—…·0Aa")
    convert._convert(path, 0, sample, tmp_path / "harfbuzz.ttf", "DocgenTest")

    source = convert._source_font(path, 0)
    drawer = convert._outline_drawer(path, 0, source)
    assert "draw_glyph_with_pen" in drawer.__code__.co_names  # HarfBuzz really drew the first font
    fonttools = source.getGlyphSet()
    original = convert._outline_drawer
    convert._outline_drawer = lambda path, index, source: lambda name, pen: fonttools[name].draw(pen)
    try:
        convert._convert(path, 0, sample, tmp_path / "fonttools.ttf", "DocgenTest")
    finally:
        convert._outline_drawer = original
    converted = (tmp_path / "harfbuzz.ttf").read_bytes()
    assert len(converted) > 30_000 and converted == (tmp_path / "fonttools.ttf").read_bytes()


def test_a_font_harfbuzz_cannot_open_is_drawn_by_fonttools(tmp_path: Path) -> None:
    from fontTools.pens.recordingPen import RecordingPen

    path = default_font("serif")[1]
    source = convert._source_font(path, 0)
    broken = tmp_path / "not-a-font.otf"
    broken.write_bytes(b"OTTO" + b"\0" * 64)
    drawer = convert._outline_drawer(broken, 0, source)  # HarfBuzz finds no glyphs there: fontTools reads source
    pen = RecordingPen()
    drawer(source.getBestCmap()[ord("字")], pen)
    assert len(pen.value) > 10
