"""Right-to-left text inside a left-to-right document: the Unicode Bidirectional Algorithm (UAX #9), implicit part.

A 公文 paragraph is left to right; a Hebrew or Arabic name or quotation inside it is stored in logical order and must
be drawn right to left, with numbers inside it still left to right. Word and LibreOffice do this themselves for the
DOCX; the PDF writer needs the same visual order, so this module gives each character its embedding level (rules W1–W7,
N1–N2, I1–I2 at paragraph level 0) and the visual order of a line (L1–L2).

Left out, as a 公文 does not use them: explicit embeddings and isolates (LRE … PDI are treated as neutrals) and the
pairing of brackets (N0; brackets resolve as other neutrals do). tests/test_bidi.py compares the result with the
python-bidi reference implementation on text without those.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["has_rtl", "levels", "line_levels", "reorder", "visual_order"]

_STRONG_RTL = frozenset({"R", "AL"})
_NEUTRAL = frozenset({"B", "S", "WS", "ON", "BN", "LRE", "LRO", "RLE", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})


@lru_cache(maxsize=8192)
def _bidi_class(ch: str) -> str:
    return unicodedata.bidirectional(ch) or "L"


def has_rtl(text: str) -> bool:
    """Whether any character is right-to-left or an Arabic number (only then does the order change)."""
    return any(_bidi_class(ch) in ("R", "AL", "AN") for ch in text)


def levels(text: str) -> list[int]:
    """Embedding level of each character of a left-to-right paragraph: 0 left to right, 1 right to left, 2 a
    number inside right-to-left text."""
    types = [_bidi_class(ch) for ch in text]
    n = len(types)
    # W1: a non-spacing mark takes the type of the character before it (L at the start of the paragraph).
    for i, t in enumerate(types):
        if t == "NSM":
            types[i] = types[i - 1] if i else "L"
    # W2, W3: European digits after Arabic letters are Arabic numbers; AL is R from here on.
    last_strong = "L"
    for i, t in enumerate(types):
        if t in ("L", "R", "AL"):
            last_strong = t
        elif t == "EN" and last_strong == "AL":
            types[i] = "AN"
    types = ["R" if t == "AL" else t for t in types]
    # W4: one separator between two numbers of the same kind joins them.
    for i in range(1, n - 1):
        if types[i] == "ES" and types[i - 1] == types[i + 1] == "EN":
            types[i] = "EN"
        elif types[i] == "CS" and types[i - 1] == types[i + 1] and types[i - 1] in ("EN", "AN"):
            types[i] = types[i - 1]
    # W5: terminators (%, $, °) next to European digits are European digits.
    i = 0
    while i < n:
        if types[i] == "ET":
            j = i
            while j < n and types[j] == "ET":
                j += 1
            if (i and types[i - 1] == "EN") or (j < n and types[j] == "EN"):
                types[i:j] = ["EN"] * (j - i)
            i = j
        else:
            i += 1
    # W6: remaining separators and terminators are neutral.
    types = ["ON" if t in ("ES", "ET", "CS") else t for t in types]
    # W7: European digits after left-to-right text (or at the start) are left to right.
    last_strong = "L"
    for i, t in enumerate(types):
        if t in ("L", "R"):
            last_strong = t
        elif t == "EN" and last_strong == "L":
            types[i] = "L"
    # N1, N2: neutrals between two runs of the same direction take it (numbers count as R); others are L.
    i = 0
    while i < n:
        if types[i] not in _NEUTRAL:
            i += 1
            continue
        j = i
        while j < n and types[j] in _NEUTRAL:
            j += 1
        before = "L" if i == 0 else ("R" if types[i - 1] in ("R", "EN", "AN") else "L")
        after = "L" if j == n else ("R" if types[j] in ("R", "EN", "AN") else "L")
        types[i:j] = [before if before == after else "L"] * (j - i)
        i = j
    # I1: at level 0, R goes up one level, numbers two.
    return [1 if t == "R" else 2 if t in ("AN", "EN") else 0 for t in types]


def line_levels(text: str) -> list[int]:
    """``levels`` of a line, with L1: tabs and paragraph separators, the spaces before them and the spaces at the
    end of the line go back to level 0."""
    result = levels(text)
    reset = True  # walking backwards: at the line's end, or just before a tab
    for i in range(len(text) - 1, -1, -1):
        kind = _bidi_class(text[i])
        if kind in ("S", "B"):
            result[i], reset = 0, True
        elif kind in ("WS", "BN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI") and reset:
            result[i] = 0
        else:
            reset = False
    return result


def reorder(line_levels: list[int]) -> list[int]:
    """L2: indexes in drawing order (left to right), reversing every run at level ≥ k, for k from the highest
    level down to the lowest odd one."""
    order = list(range(len(line_levels)))
    lowest_odd = min((level for level in line_levels if level % 2), default=1)
    for level in range(max(line_levels, default=0), lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if line_levels[order[i]] >= level:
                j = i
                while j < len(order) and line_levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order


def visual_order(text: str) -> list[int]:
    """Indexes of a line's characters in the order they are drawn, left to right."""
    return reorder(line_levels(text))
