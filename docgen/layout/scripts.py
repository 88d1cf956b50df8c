"""Widths of characters that Times New Roman's metrics do not cover: other scripts (Hebrew, Arabic, Cyrillic,
Devanagari …) take the advance of the fallback font that draws them (``docgen.fonts.fallback_fonts``), combining
marks take none. Read with fontTools, only for documents that have such characters, once per font.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from docgen.harfbuzz import harfbuzz, harfbuzz_font

__all__ = ["fallback_advance", "is_mark"]


def is_mark(ch: str) -> bool:
    """A combining mark or a format character (ZWJ, ZWNJ): drawn on or between its neighbours, no advance."""
    return unicodedata.category(ch) in ("Mn", "Me", "Cf")


@lru_cache(maxsize=32)
def _metrics(path: Path) -> tuple[dict[int, str], dict[str, tuple[int, int]], int]:
    from fontTools.ttLib import TTFont

    from docgen.fonts.convert import quiet_fonttools

    with quiet_fonttools(), TTFont(str(path), lazy=True) as font:
        return dict(font.getBestCmap()), dict(font["hmtx"].metrics), font["head"].unitsPerEm


@lru_cache(maxsize=4096)
def fallback_advance(ch: str) -> float | None:
    """Advance of ``ch`` in em in the first fallback font that has it; None when none has it. An Arabic letter
    (which takes a joined form inside a word) is measured in its medial form, shaped between two tatweels."""
    from docgen.fonts import fallback_fonts

    for path in fallback_fonts():
        if path.suffix.lower() != ".ttf":
            continue
        cmap, hmtx, upem = _metrics(path)
        name = cmap.get(ord(ch))
        if name is None:
            continue
        if unicodedata.bidirectional(ch) == "AL" and _TATWEEL in cmap:
            return _joined_advance(path, ch)
        return hmtx[name][0] / upem
    return None


_TATWEEL = 0x0640


def _joined_advance(path: Path, ch: str) -> float:
    hb = harfbuzz()

    font, upem = harfbuzz_font(str(path))
    buffer = hb.Buffer()
    buffer.add_str(f"{chr(_TATWEEL)}{ch}{chr(_TATWEEL)}")
    buffer.guess_segment_properties()
    hb.shape(font, buffer, {})
    middle = zip(buffer.glyph_infos, buffer.glyph_positions, strict=True)
    return sum(position.x_advance for info, position in middle if info.cluster == 1) / upem
