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


def test_an_interrupt_as_harfbuzz_draws_stops_the_conversion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # uharfbuzz calls the pen from C and only prints an exception raised there: a Ctrl-C or SIGTERM arriving
    # mid-glyph left the glyph half drawn and the conversion went on into the cache. It must stop the conversion,
    # and leave neither the font nor its temporary file.
    from fontTools.pens.recordingPen import RecordingPen

    path = default_font("sans")[1]
    source = convert._source_font(path, 0)
    drawer = convert._outline_drawer(path, 0, source)
    assert "draw_glyph_with_pen" in drawer.__code__.co_names

    class Interrupted(RecordingPen):
        def lineTo(self, point):  # type: ignore[no-untyped-def]
            if len(self.value) >= 3:
                raise KeyboardInterrupt
            super().lineTo(point)

    with pytest.raises(KeyboardInterrupt):
        drawer(source.getBestCmap()[ord("腹")], Interrupted())

    monkeypatch.setattr(convert, "cache_dir", lambda: tmp_path / "fonts")
    calls = []

    def interrupted_drawer(path, index, source):  # type: ignore[no-untyped-def]
        def draw(name, pen):  # type: ignore[no-untyped-def]
            calls.append(name)
            if len(calls) == 40:
                raise KeyboardInterrupt
            drawer(name, pen)

        return draw

    monkeypatch.setattr(convert, "_outline_drawer", interrupted_drawer)
    with pytest.raises(KeyboardInterrupt):
        convert.converted(path, 0, set(sorted(convert.gb2312_characters())[:200]) | {"腹"})
    assert calls and not list((tmp_path / "fonts").glob("*.ttf")) and not list((tmp_path / "fonts").glob(".conv-*"))


def test_temporary_files_of_killed_conversions_are_removed(tmp_path: Path) -> None:
    import os
    import time

    old = tmp_path / ".conv-abc.ttf"
    old.write_bytes(b"")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    recent = tmp_path / ".conv-def.ttf"  # another process converting right now
    recent.write_bytes(b"")
    kept = tmp_path / "cached-gb2312-v2.ttf"
    kept.write_bytes(b"")
    os.utime(kept, (time.time() - 3600, time.time() - 3600))
    convert._remove_abandoned(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".conv-def.ttf", "cached-gb2312-v2.ttf"]


def test_ctrl_c_while_glyphs_are_drawn_is_acted_on_between_two_glyphs() -> None:
    # A signal handler may raise at any instruction, inside a HarfBuzz callback too, where uharfbuzz drops the
    # exception: while glyphs are drawn a Ctrl-C is held, and raised where the conversion can stop cleanly.
    import os
    import signal

    before = signal.getsignal(signal.SIGINT)
    with convert._signals_between_glyphs() as deliver:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # the handler has run by now: it only noted the signal
            pass
        with pytest.raises(KeyboardInterrupt):
            deliver()
    assert signal.getsignal(signal.SIGINT) is before
    with pytest.raises(KeyboardInterrupt), convert._signals_between_glyphs():
        os.kill(os.getpid(), signal.SIGINT)  # held to the end of the drawing, then raised
    assert signal.getsignal(signal.SIGINT) is before


def test_a_converted_font_is_readable_as_the_cache_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import stat

    monkeypatch.setattr(convert, "cache_dir", lambda: tmp_path / "fonts")
    made = convert.converted(default_font("sans")[1], 0, {"腹"})
    assert stat.S_IMODE(made.stat().st_mode) == 0o644  # mkstemp makes its files private
