"""XML text for the OFD parts: escaping, lengths in millimetres, colours.

The parts are written as strings, not through an XML library: the page content is most of the file and a few
format calls per glyph run are much cheaper than building element trees, and the output is the same bytes every
time (attribute order is the order written here, not a dictionary's).

Lengths are carried as integers of micrometres from the frame's points onwards, so a position is rounded once and
the DeltaX list of a TextCode is the exact difference of rounded positions: summing the gaps back gives every
glyph's rounded position again, with no drift along a line (28 gaps rounded on their own could drift 0.014 mm).
"""

from __future__ import annotations

import re

__all__ = ["NS", "UM_PER_PT", "XML_HEAD", "attr", "check_text", "mm", "rgb", "text", "um"]

NS = "http://www.ofdspec.org/2016"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'

#: micrometres in one point (1/72 inch = 25.4/72 mm)
UM_PER_PT = 25400 / 72

_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\t": "&#x9;", "\n": "&#xA;", "\r": "&#xD;"})
_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#x9;", "\n": "&#xA;"})
#: characters XML 1.0 cannot hold at all, not even as a character reference
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def um(points: float) -> int:
    """A length in points as whole micrometres (the precision of every OFD coordinate docgen writes)."""
    return round(points * UM_PER_PT)


_MM: dict[int, str] = {}


def mm(micrometres: int) -> str:
    """Micrometres as a millimetre number, without trailing zeros: 210000 → "210", 5644 → "5.644". Memoized: the
    gaps of a line repeat (5.644, 5.645 …), and formatting is most of the writer's time."""
    known = _MM.get(micrometres)
    if known is None:
        if len(_MM) > 100_000:
            _MM.clear()
        # k/1000 as a double prints back as exactly k/1000 with three decimals
        known = _MM[micrometres] = f"{micrometres / 1000:.3f}".rstrip("0").rstrip(".")
    return known


def rgb(color: str) -> str:
    """A colour "RRGGBB" as "r g b", the Value of a colour in OFD's default RGB space (components 0–255)."""
    value = int(color, 16)
    return f"{value >> 16} {(value >> 8) & 0xFF} {value & 0xFF}"


def check_text(value: str) -> None:
    """Refuse a character that no XML file can carry (the spec reader refuses them earlier; this is the backstop
    that keeps a malformed part out of the package)."""
    bad = _NOT_XML.search(value)
    if bad:
        raise ValueError(f"OFD 文件不能保存控制字符 U+{ord(bad.group()):04X}（在“{value[:20]}”中）")


def text(value: str) -> str:
    """Element content: markup characters escaped, tab/newline/return as references so no reader normalizes them."""
    check_text(value)
    return value.translate(_TEXT)


def attr(value: str) -> str:
    """An attribute value for use inside double quotes."""
    check_text(value)
    return value.translate(_ATTR)
