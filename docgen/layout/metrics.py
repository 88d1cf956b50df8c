"""Advances of characters on the 公文 grid, per role.

Full-width characters advance one em plus the role's tracking; half-width letters and digits advance by the Latin
font's widths (Times New Roman; its metric twin Liberation Serif and the Times-Roman AFM share them).

Tracking: 28 characters of 16 pt do not fit a 156 mm line (448 pt > 442.2 pt). Roles set at the body size get the
largest letter spacing, in Word's 1/20 pt steps, that still fits ``chars_per_line`` characters: −0.25 pt. The DOCX
writes the same value, so both writers break lines at the same characters.
"""

from __future__ import annotations

import math
from functools import lru_cache

from reportlab.pdfbase.pdfmetrics import stringWidth

from docgen.layout.chars import is_wide
from docgen.layout.linebreak import Measure
from docgen.style import StyleProfile


@lru_cache(maxsize=4096)
def latin_width(ch: str, size: float) -> float:
    """Advance of a half-width character in Times New Roman metrics."""
    try:
        return stringWidth(ch, "Times-Roman", size)
    except (KeyError, UnicodeError):  # pragma: no cover - characters outside the AFM table
        return size / 2


def grid_tracking(style: StyleProfile, size: float) -> float:
    """Letter spacing (points, ≤ 0) that puts ``chars_per_line`` characters of ``size`` on one line."""
    body = style.role("body").size
    if size != body or style.char_pitch >= size:
        return 0.0
    return math.floor((style.char_pitch - size) * 20) / 20


def measure_for(style: StyleProfile) -> Measure:
    """A (char, role) → advance function for this style."""
    sizes = {name: role.size for name, role in style.roles.items()}
    tracking = {name: grid_tracking(style, size) for name, size in sizes.items()}

    def measure(ch: str, role: str) -> float:
        size = sizes[role]
        base = size if is_wide(ch) else latin_width(ch, size)
        return base + tracking[role]

    return measure
