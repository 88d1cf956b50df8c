"""Lengths and Chinese type sizes. Everything inside docgen is in points (1/72 inch); conversions live here."""

from __future__ import annotations

import math
import re

MM = 72 / 25.4  # points per millimetre

#: 号 → points: the Chinese Word/WPS convention (not part of GB/T 9704, see shared/gbt9704.md §2).
HAO_SIZES = {
    "初号": 42.0,
    "小初": 36.0,
    "一号": 26.0,
    "1号": 26.0,
    "小一": 24.0,
    "二号": 22.0,
    "2号": 22.0,
    "小二": 18.0,
    "三号": 16.0,
    "3号": 16.0,
    "小三": 15.0,
    "四号": 14.0,
    "4号": 14.0,
    "小四": 12.0,
    "五号": 10.5,
    "5号": 10.5,
    "小五": 9.0,
    "六号": 7.5,
    "6号": 7.5,
}

_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(mm|pt|cm|in)?\s*$")
_FACTORS = {"mm": MM, "cm": 10 * MM, "in": 72.0, "pt": 1.0, None: 1.0}


def parse_length(value: object) -> float:
    """'37mm' → 104.88, '16pt' → 16, 16 → 16. Raises ValueError with the accepted forms."""
    if isinstance(value, bool):
        raise ValueError("应是长度，如 37mm 或 16pt")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValueError(f"“{value}”不是长度，应写成 37mm、1.5pt 这样的形式")
        return float(value)
    match = _LENGTH.match(str(value))
    if not match:
        raise ValueError(f"“{value}”不是长度，应写成 37mm、1.5pt 这样的形式")
    return float(match.group(1)) * _FACTORS[match.group(2)]


def parse_font_size(value: object) -> float:
    """'3号' / '三号' / '小初' / '16pt' / 16 → points."""
    if isinstance(value, str) and value.strip() in HAO_SIZES:
        return HAO_SIZES[value.strip()]
    try:
        return parse_length(value)
    except ValueError:
        raise ValueError(f"“{value}”不是字号，应写成 3号、小初 或 16pt") from None


def twips(points: float) -> int:
    """Points → Word's twentieths of a point, rounded to the nearest."""
    return round(points * 20)
