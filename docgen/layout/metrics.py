"""Advances of characters on the 公文 grid, per role.

Full-width characters advance one em; half-width letters and digits advance by the Latin font's widths (Times New
Roman; its metric twin Liberation Serif and the Times-Roman AFM share them). What goes between two characters
(tracking, Chinese–Western space) is ``GridMetrics.gap``.

Tracking: 28 characters of 16 pt do not fit a 156 mm line (448 pt > 442.2 pt). Roles set at the body size get the
largest letter spacing, in Word's 1/20 pt steps, that still fits ``chars_per_line`` characters: −0.25 pt. The DOCX
writes the same value, so both writers break lines at the same characters.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

from docgen.layout import times
from docgen.layout.chars import is_wide
from docgen.layout.scripts import fallback_advance, is_mark
from docgen.style import StyleProfile
from docgen.units import twips


@lru_cache(maxsize=4096)
def latin_width(ch: str, size: float) -> float:
    """Advance of a half-width character: Times New Roman's metrics (computed as reportlab does, to the bit);
    for other scripts the fallback font's, for combining marks none."""
    width = times.WIDTHS.get(ord(ch))
    if width is None:
        if is_mark(ch):
            return 0.0
        em = fallback_advance(ch)
        if em is not None:
            return em * size
        width = times.DEFAULT
    return (width * 0.001) * size


def grid_pitch_twips(style: StyleProfile) -> int:
    """The grid's pitch as the DOCX states it, in twips, rounded down: 12756 / 22 = 579.8 → 579 (580 would fit only
    21 lines in Word). Word and LibreOffice count a line's rows in this pitch."""
    return math.floor(twips(style.type_height) / style.lines_per_page)


def grid_tracking(style: StyleProfile, size: float) -> float:
    """Letter spacing (points, ≤ 0) that puts ``chars_per_line`` characters of ``size`` on one line."""
    body = style.role("body").size
    if size != body or style.char_pitch >= size:
        return 0.0
    return math.floor((style.char_pitch - size) * 20) / 20


class GridMetrics:
    """Character advances and the space between neighbours, for one style profile.

    The model is LibreOffice's (measured, and read in its source), since that is the renderer the tests can run:
    - letter spacing (tracking) goes *between* two characters of one portion, not after the last one; a portion
      ends where the script changes (Chinese ↔ Latin/digits) or the run changes (run-in heading → text);
    - between a Chinese character and a Latin letter or digit next to it, either way round, goes 1/5 of the left
      character's size, in whole twips (sw itrform2.cxx ``BuildPortions``); punctuation on either side gets none.
      Word adds its own such space (中西文自动间距, on by default).
    """

    def __init__(
        self,
        style: StyleProfile,
        latin: Callable[[str], float | None] | None = None,
        ink: Callable[[str, str], tuple[float, float] | None] | None = None,
        box: Callable[[str], tuple[float, float] | None] | None = None,
    ) -> None:
        self.sizes = {name: role.size for name, role in style.roles.items()}
        self.faces = {name: role.font for name, role in style.roles.items()}
        self.tracking = {name: grid_tracking(style, size) for name, size in self.sizes.items()}
        self.latin = latin
        #: (role, text) → how far its ink reaches above and below the baseline, in em, in the font that draws it
        self.ink = ink
        #: face → its line box in em (ascent + line gap, descent), from the font file; None: the em box
        self.box = box
        self.em_ascent = style.metrics["em_ascent"]
        self.pitch_twips = grid_pitch_twips(style)
        self._rows: dict[tuple[str, bool, bool], int] = {}

    def share_line_break_caches(self, style: StyleProfile, latin: object) -> None:
        """Use the line breaker's caches (advances, gaps, glyphs of character pairs) of earlier documents measured
        the same way: the same profile and the same Latin font (``latin``, which measures Latin text), kept with
        the profile (``StyleProfile.derived``). A service rendering document after document then measures each
        character pair once."""
        self._line_break_caches = style.derived.setdefault(("line breaks", latin), ({}, {}, {}))

    def rows(self, role: str, text: str) -> int:
        """Grid rows a line of ``text`` takes as Word's and LibreOffice's grids set it: the line box of the fonts
        that draw its characters (the role's face for Chinese, the Latin face for letters and digits), rounded up
        to whole rows of the DOCX's pitch (docs/libreoffice-geometry.md §3)."""
        wide = narrow = False
        for ch in set(text):
            if is_wide(ch):
                wide = True
            elif not ch.isspace():
                narrow = True
        key = (role, wide, narrow)  # all that the answer depends on: worked out once per document
        rows = self._rows.get(key)
        if rows is None:
            rows = self._rows[key] = self._rows_of(role, wide, narrow)
        return rows

    def _rows_of(self, role: str, wide: bool, narrow: bool) -> int:
        faces = ({self.faces[role]} if wide else set()) | ({"latin"} if narrow else set())
        boxes = [self.box(face) if self.box is not None else None for face in faces or {self.faces[role]}]
        fallback = (self.em_ascent, 1 - self.em_ascent)
        ascent = max((box or fallback)[0] for box in boxes)
        descent = max((box or fallback)[1] for box in boxes)
        height = round(20 * self.sizes[role] * ascent) + round(20 * self.sizes[role] * descent)
        return max(1, -(-height // self.pitch_twips))

    def advance(self, ch: str, role: str) -> float:
        """Full-width: one em; half-width: the Latin face's advance (Times New Roman's metrics unless ``latin``,
        the advance in em of the font that will draw it, is given and has the character)."""
        size = self.sizes[role]
        if is_wide(ch):
            return size
        if self.latin is not None:
            em = self.latin(ch)
            if em is not None:
                return em * size
        return latin_width(ch, size)

    def gap(self, left: str, left_role: str, right: str, right_role: str) -> float:
        if left_role == right_role and is_wide(left) == is_wide(right):
            return self.tracking[left_role]
        if left.isalnum() and right.isalnum() and is_wide(left) != is_wide(right):
            return math.floor(self.sizes[left_role] * 20 / 5) / 20
        return 0.0
