"""Draw sample seals (公章) and signature stamps (签名章) as SVG, for the example specs and for trying layouts.

Every seal drawn here says 示例 (sample) in its centre: a real organ's seal must never be generated. Text is drawn
as outlines from the Noto Serif SC that installs with docgen, so the SVG needs no font to show.

    python examples/make_seal.py seal "某某市人民政府办公室" specs/seals/office.svg
    python examples/make_seal.py stamp "张某某" specs/seals/stamp-zhang.svg
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

RED = "#E60012"


def _font() -> TTFont:
    import pylopdf_fonts_zh_cn

    return TTFont(pylopdf_fonts_zh_cn.serif_path())


def _glyph(font: TTFont, char: str, size: float, x: float, y: float, angle: float, *, width: float = 1.0) -> str:
    """One character as an SVG path: its em box centred on (x, y), turned by ``angle`` radians, ``size`` mm high."""
    glyphs = font.getGlyphSet()
    name = font.getBestCmap()[ord(char)]
    units = font["head"].unitsPerEm
    scale = size / units
    pen = SVGPathPen(glyphs)
    cos, sin = math.cos(angle), math.sin(angle)
    # font units (y up, origin at the baseline's left) → mm around the centre: centre the em box, flip y, rotate
    dx, dy = -units / 2, -units * 0.38
    a, b, c, d = scale * width * cos, scale * width * sin, scale * sin, -scale * cos
    e = x + (dx * scale * width) * cos - (dy * -scale) * sin
    f = y + (dx * scale * width) * sin + (dy * -scale) * cos
    glyphs[name].draw(TransformPen(pen, (a, b, c, d, e, f)))
    return f'<path d="{pen.getCommands()}"/>'


def seal(name: str, diameter: float = 42.0) -> str:
    """A round seal: a ring, the name along the upper arc, a star in the middle and 示例 under it."""
    font = _font()
    r = diameter / 2
    parts = [f'<circle cx="{r}" cy="{r}" r="{r - 0.8}" fill="none" stroke="{RED}" stroke-width="1.2"/>']
    count = len(name)
    spread = min(math.radians(250), math.radians(24) * count)
    size = min(6.0, diameter * 0.16)
    for i, char in enumerate(name):
        theta = -math.pi / 2 - spread / 2 + spread * (i + 0.5) / count  # from the left, over the top
        radius = r - 1.8 - size * 0.55
        x, y = r + radius * math.cos(theta), r + radius * math.sin(theta)
        parts.append(_glyph(font, char, size, x, y, theta + math.pi / 2, width=0.85))
    star = []
    for k in range(10):
        radius = (r * 0.3) if k % 2 == 0 else (r * 0.12)
        angle = -math.pi / 2 + k * math.pi / 5
        star.append(f"{r + radius * math.cos(angle):.3f},{r + radius * math.sin(angle):.3f}")
    parts.append(f'<polygon points="{" ".join(star)}"/>')
    for i, char in enumerate("示例"):
        parts.append(_glyph(font, char, size * 0.8, r + (i - 0.5) * size * 0.9, r * 1.55, 0.0))
    return _svg(diameter, diameter, parts)


def stamp(name: str, height: float = 12.0) -> str:
    """A signature stamp: the name in a red frame, 示例 small beside it."""
    font = _font()
    size = height * 0.6
    width = size * (len(name) + 1.2) + 3
    frame = f'x="0.5" y="0.5" width="{width - 1:.2f}" height="{height - 1:.2f}"'
    parts = [f'<rect {frame} fill="none" stroke="{RED}" stroke-width="0.8"/>']
    for i, char in enumerate(name):
        parts.append(_glyph(font, char, size, 2 + size * (i + 0.5), height / 2, 0.0))
    for i, char in enumerate("示例"):
        parts.append(
            _glyph(font, char, size * 0.45, width - 1.5 - size * 0.3, height / 2 + (i - 0.5) * size * 0.5, 0.0)
        )
    return _svg(width, height, parts)


def _svg(width: float, height: float, parts: list[str]) -> str:
    body = "\n".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.2f}mm" height="{height:.2f}mm" '
        f'viewBox="0 0 {width:.3f} {height:.3f}">\n<g fill="{RED}" fill-opacity="0.85">\n{body}\n</g>\n</svg>\n'
    )


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[1] not in ("seal", "stamp"):
        print(__doc__)
        return 2
    text = seal(argv[2]) if argv[1] == "seal" else stamp(argv[2])
    Path(argv[3]).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
