"""Text that cannot be drawn one character at a time: right-to-left runs and scripts whose letters change shape.

The layout keeps every line in logical order with one advance per character. For a stretch of a line that holds
Hebrew or Arabic, an Indic or South-East Asian script, or combining marks (an *island*), the PDF writer asks this
module for glyphs: the island is cut into runs of one embedding level (``docgen.layout.bidi``) and one font, each
run is shaped by HarfBuzz (joining forms, ligatures, marks placed on their base, mirrored brackets in right-to-left
runs), and the runs are set in visual order.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from docgen.harfbuzz import harfbuzz, harfbuzz_font

__all__ = ["ShapedGlyph", "needs_shaping", "shape"]


@lru_cache(maxsize=8192)  # asked for every character of every line
def needs_shaping(ch: str) -> bool:
    """Right-to-left letters and Arabic digits; Indic, Thai, Lao, Tibetan, Myanmar, Khmer; combining marks."""
    code = ord(ch)
    if 0x0590 <= code <= 0x08FF or 0xFB1D <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:  # Hebrew … Arabic forms
        return True
    if 0x0900 <= code <= 0x109F or 0x1780 <= code <= 0x17FF:
        return True
    return unicodedata.category(ch) in ("Mn", "Me") or unicodedata.bidirectional(ch) in ("R", "AL", "AN")


@dataclass(frozen=True)
class ShapedGlyph:
    glyph: int  # glyph id in the font
    text: str  # the characters it stands for, for copying text out ("" for a second glyph of one cluster)
    advance: float  # in em
    x_offset: float  # in em
    y_offset: float  # in em


def shape(path: str, index: int, text: str, rtl: bool) -> list[ShapedGlyph]:
    """Glyphs for ``text`` (one run, one direction) in the font file ``path`` (subfont ``index``), left to right."""
    hb = harfbuzz()
    font, upem = harfbuzz_font(path, index)
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.direction = "rtl" if rtl else "ltr"
    buffer.guess_segment_properties()
    hb.shape(font, buffer, {})
    infos, positions = buffer.glyph_infos, buffer.glyph_positions
    starts = sorted({info.cluster for info in infos})
    ends = dict(zip(starts, [*starts[1:], len(text)], strict=True))
    seen: set[int] = set()
    glyphs = []
    for info, position in zip(infos, positions, strict=True):
        cluster = info.cluster
        own = text[cluster : ends[cluster]] if cluster not in seen else ""
        seen.add(cluster)
        glyphs.append(
            ShapedGlyph(
                info.codepoint, own, position.x_advance / upem, position.x_offset / upem, position.y_offset / upem
            )
        )
    return glyphs
