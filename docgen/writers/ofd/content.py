"""One page of the frame → ``Doc_0/Pages/Page_N/Content.xml``: TextObject, PathObject and ImageObject in one layer.

Text (GB/T 33190-2016 §11): a glyph run becomes a TextObject whose Boundary is a box around its ink, in page
millimetres; each TextCode gives the baseline origin of its first character (X, Y, relative to the Boundary's
top-left corner, as the standard says) and DeltaX, the distance from each character's origin to the next. Positions
are the frame's, never re-measured, so a reader that honours DeltaX puts every glyph where the PDF has it.

Where readers differ, the text is cut so that every reading gives the same result:

* A TextCode never starts or ends with white space unless it is only white space (some readers trim content), and
  a character beyond the BMP (𠮷) only ends one: Java-based readers count it as two characters, which would shift
  the DeltaX of every character after it.
* A cluster chosen by shaping (``Glyph.gid``: a joining form, a conjunct) is its own TextObject with one TextCode
  and a CGTransform at position 0. Readers disagree on whether CodePosition counts from the TextCode or the whole
  TextObject, and on whether DeltaX steps per character or per glyph of a CGTransform; with one TextCode per object
  and the glyph steps first (zero-padded to the character count) both readings agree.
* A condensed run (``Pen.hscale`` ≠ 1) is set one glyph per TextObject with ``HScale``: the standard scales glyph
  shapes only, but some readers also scale positions about the object's first glyph; with one glyph an object,
  both readings put every glyph at its place.

Faux bold (``Pen.stroke``): Stroke="true" with the fill kept, LineWidth the stroke's width and StrokeColor the fill's
colour, as the PDF's fill-then-stroke text render mode 2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise

from docgen.layout.frame import FramePage, Glyph, GlyphRun, ImageItem, Pen, RuleItem
from docgen.writers.ofd.fonts import FontTable
from docgen.writers.ofd.resources import ImageTable
from docgen.writers.ofd.xmltext import NS, UM_PER_PT, XML_HEAD, mm, rgb, text, um

__all__ = ["Ids", "PageWriter", "StampPlace"]


class Ids:
    """OFD object IDs: one counter for the whole document (IDs are unique across all of it: §7.4)."""

    def __init__(self, start: int = 1) -> None:
        self.last = start - 1

    def next(self) -> int:
        self.last += 1
        return self.last


@dataclass(frozen=True)
class StampPlace:
    """Where a seal image is drawn (µm): the box of a Stamp annotation a signing tool can replace."""

    left: int
    top: int
    width: int
    height: int
    key: str


@dataclass
class _Code:
    """One TextCode: its characters and, per position, the origin (µm, page coordinates) and advance."""

    chars: str
    xs: list[int] = field(default_factory=list)
    ys: list[int] = field(default_factory=list)
    right: int = 0  # the right end of the last advance


@dataclass
class _Cluster:
    """Glyphs chosen by shaping for the characters ``text`` (HarfBuzz's cluster)."""

    text: str
    glyphs: list[Glyph]


class PageWriter:
    def __init__(self, fonts: FontTable, images: ImageTable, ids: Ids) -> None:
        self.fonts = fonts
        self.images = images
        self.ids = ids
        self._pens: dict[int, tuple[str, str, int, int]] = {}  # id(pen) → attributes, colours, size, stroke (µm)

    def page(self, page: FramePage, area: tuple[int, int] | None) -> tuple[str, list[StampPlace]]:
        """The page's Content.xml and its seal boxes. ``area`` is the page's size (µm) when it differs from the
        document's default page area."""
        out = [XML_HEAD, f'<ofd:Page xmlns:ofd="{NS}">\n']
        if area is not None:
            out.append(f"<ofd:Area><ofd:PhysicalBox>0 0 {mm(area[0])} {mm(area[1])}</ofd:PhysicalBox></ofd:Area>\n")
        out.append(f'<ofd:Content>\n<ofd:Layer ID="{self.ids.next()}" Type="Body">\n')
        stamps: list[StampPlace] = []
        items = page.items
        # Drawing order is document order (§9.1): seals meant to lie under the text first, those over it last.
        behind = [item for item in items if isinstance(item, ImageItem) and item.behind]
        front = [item for item in items if isinstance(item, ImageItem) and not item.behind]
        for image in behind:
            stamps.append(self._image(out, image))
        for item in items:
            if isinstance(item, GlyphRun):
                self._run(out, item)
            elif isinstance(item, RuleItem):
                self._rule(out, item)
        for image in front:
            stamps.append(self._image(out, image))
        out.append("</ofd:Layer>\n</ofd:Content>\n</ofd:Page>\n")
        return "".join(out), stamps

    # -- text ------------------------------------------------------------------------------------------------
    def _run(self, out: list[str], run: GlyphRun) -> None:
        pen = run.pen
        y = run.y
        if not run.glyphs:
            return
        if run.rotate:
            self._turned(out, run)
            return
        if pen.hscale == 1.0 and self.fonts.plain(run):
            self._text_object(out, pen, _plain_codes(run.glyphs, y))
            return
        units = _units(run.glyphs)
        if pen.hscale != 1.0:
            for unit in units:
                if isinstance(unit, _Cluster):
                    self._cluster_object(out, pen, unit, y)
                else:
                    self._text_object(out, pen, _plain_codes([unit], y))
            return
        plain: list[Glyph] = []
        for unit in units:
            if isinstance(unit, Glyph):
                plain.append(unit)
                continue
            if plain:
                self._text_object(out, pen, _plain_codes(plain, y))
                plain = []
            self._cluster_object(out, pen, unit, y)
        if plain:
            self._text_object(out, pen, _plain_codes(plain, y))

    def _turned(self, out: list[str], run: GlyphRun) -> None:
        """Glyphs turned about their origins (a landscape page's number), one TextObject each: the text set at the
        object's origin and turned by its CTM (y grows downwards, so a turn counter-clockwise on the page is a
        negative angle here)."""
        head, colours, size, stroke = self._pen(run.pen)
        angle = math.radians(-run.rotate)
        a, b = round(math.cos(angle), 9), round(math.sin(angle), 9)
        for glyph in run.glyphs:
            x, y = um(glyph.x), um(run.y)
            reach = size + um(glyph.advance) + stroke
            left, top = x - reach, y - reach
            ctm = f"{_number(a)} {_number(b)} {_number(-b)} {_number(a)} {mm(x - left)} {mm(y - top)}"
            out.append(
                f'<ofd:TextObject ID="{self.ids.next()}" Boundary="{mm(left)} {mm(top)} {mm(2 * reach)} '
                f'{mm(2 * reach)}" CTM="{ctm}"{head}>{colours}'
                f'<ofd:TextCode X="0" Y="0">{text(glyph.text)}</ofd:TextCode></ofd:TextObject>\n'
            )

    def _cluster_object(self, out: list[str], pen: Pen, cluster: _Cluster, y: float) -> None:
        embedded = self.fonts.resource(pen.font).file
        code = _Code(cluster.text)
        for glyph in cluster.glyphs:
            x = um(glyph.x)
            code.xs.append(x)
            code.ys.append(um(y - glyph.dy))  # dy raises: y grows downwards
            code.right = max(code.right, x + um(glyph.advance))
        glyphs = " ".join(str(embedded.glyph(glyph.gid if glyph.gid is not None else 0)) for glyph in cluster.glyphs)
        count = len(cluster.text)
        transform = (
            f'<ofd:CGTransform CodePosition="0" CodeCount="{count}" GlyphCount="{len(cluster.glyphs)}">'
            f"<ofd:Glyphs>{glyphs}</ofd:Glyphs></ofd:CGTransform>"
        )
        # DeltaX steps glyph by glyph; a reader that steps per character finds as many entries as characters
        # (the extra ones 0), so the text it extracts stays on the cluster.
        pad = max(0, count - len(code.xs))
        self._text_object(out, pen, [code], transform, pad)

    def _text_object(self, out: list[str], pen: Pen, codes: list[_Code], transform: str = "", pad: int = 0) -> None:
        """The Boundary reaches 1.2 em above the baseline, 0.5 em below it and 0.5 em beyond the first origin and
        the last advance, plus the stroke: ink rises at most ~1.1 em (accented capitals, marks above Arabic
        letters), falls ~0.4 em (Devanagari marks) and may overhang its advance, and readers may clip to it."""
        head, colours, size, stroke = self._pen(pen)
        side = size // 2 + stroke
        if len(codes) == 1:
            (code,) = codes
            left = min(code.xs) - side
            right = code.right + side
            top = min(code.ys) - size * 6 // 5 - stroke
            bottom = max(code.ys) + size // 2 + stroke
        else:
            left = min(min(code.xs) for code in codes) - side
            right = max(code.right for code in codes) + side
            top = min(min(code.ys) for code in codes) - size * 6 // 5 - stroke
            bottom = max(max(code.ys) for code in codes) + size // 2 + stroke
        out.append(
            f'<ofd:TextObject ID="{self.ids.next()}" Boundary="{mm(left)} {mm(top)} {mm(right - left)} '
            f'{mm(bottom - top)}"{head}>{colours}{transform}'
        )
        for code in codes:
            xs, ys = code.xs, code.ys
            y0 = ys[0]
            out.append(f'<ofd:TextCode X="{mm(xs[0] - left)}" Y="{mm(y0 - top)}"')
            if len(xs) > 1 or pad:
                deltas = [mm(b - a) for a, b in pairwise(xs)]
                out.append(f' DeltaX="{" ".join(deltas + ["0"] * pad if pad else deltas)}"')
            if ys.count(y0) != len(ys):
                out.append(f' DeltaY="{" ".join([mm(b - a) for a, b in pairwise(ys)])}"')
            out.append(f">{text(code.chars)}</ofd:TextCode>")
        out.append("</ofd:TextObject>\n")

    def _pen(self, pen: Pen) -> tuple[str, str, int, int]:
        """The TextObject attributes after Boundary, its colour elements, the size and the stroke width (µm),
        worked out once per pen (pens are shared by the runs of a frame)."""
        known = self._pens.get(id(pen))
        if known is None:
            resource = self.fonts.resource(pen.font)
            colour = rgb(pen.color)
            head = f' Font="{resource.id}" Size="{_number(pen.size * 25.4 / 72)}"'
            colours = f'<ofd:FillColor Value="{colour}"/>'
            stroke = um(pen.stroke) if pen.stroke > 0 else 0
            if pen.stroke > 0:
                head += f' Stroke="true" Fill="true" LineWidth="{mm(stroke)}"'
                colours += f'<ofd:StrokeColor Value="{colour}"/>'
            if pen.hscale != 1.0:
                head += f' HScale="{_number(pen.hscale)}"'
            known = self._pens[id(pen)] = (head, colours, um(pen.size), stroke)
        return known

    # -- rules and images ------------------------------------------------------------------------------------
    def _rule(self, out: list[str], rule: RuleItem) -> None:
        """A straight line as a stroked path. Its Boundary is twice the line's width across with the line in its
        middle, so a reader that clips to the Boundary keeps the whole stroke."""
        width = um(rule.width)
        if rule.y1 is not None and abs(rule.y1 - rule.y) > 1e-6:  # vertical (a table's border)
            y0, y1 = sorted((um(rule.y), um(rule.end_y)))
            length = y1 - y0
            box = f"{mm(um(rule.x0) - width)} {mm(y0)} {mm(2 * width)} {mm(length)}"
            path = f"M {mm(width)} 0 L {mm(width)} {mm(length)}"
        else:
            x0, x1 = sorted((um(rule.x0), um(rule.x1)))
            length = x1 - x0
            box = f"{mm(x0)} {mm(um(rule.y) - width)} {mm(length)} {mm(2 * width)}"
            path = f"M 0 {mm(width)} L {mm(length)} {mm(width)}"
        out.append(
            f'<ofd:PathObject ID="{self.ids.next()}" Boundary="{box}" LineWidth="{mm(width)}">'
            f'<ofd:StrokeColor Value="{rgb(rule.color)}"/>'
            f"<ofd:AbbreviatedData>{path}</ofd:AbbreviatedData></ofd:PathObject>\n"
        )

    def _image(self, out: list[str], image: ImageItem) -> StampPlace:
        """An image is drawn into the unit square of its own space (§10.2), so the CTM scales it to the box."""
        resource = self.images.resource(image.path)
        left, top, width, height = um(image.x), um(image.y), um(image.width), um(image.height)
        out.append(
            f'<ofd:ImageObject ID="{self.ids.next()}" Boundary="{mm(left)} {mm(top)} {mm(width)} {mm(height)}" '
            f'CTM="{mm(width)} 0 0 {mm(height)} 0 0" ResourceID="{resource}"/>\n'
        )
        return StampPlace(left, top, width, height, image.key)


def _number(value: float) -> str:
    """A size or a scale: four decimals at most, no trailing zeros."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _units(glyphs: tuple[Glyph, ...]) -> list[Glyph | _Cluster]:
    """The run as plain glyphs (one character each) and shaped clusters (a glyph with ``gid`` and its text,
    followed by the cluster's further glyphs, whose text is '')."""
    units: list[Glyph | _Cluster] = []
    for glyph in glyphs:
        if glyph.gid is None:
            if len(glyph.text) == 1:
                units.append(glyph)
            else:  # several characters on one cmap glyph position: each drawn there, the first with the advance
                for k, ch in enumerate(glyph.text):
                    units.append(Glyph(glyph.x, ch, glyph.advance if k == 0 else 0.0, None, glyph.dy))
        elif glyph.text or not units or not isinstance(units[-1], _Cluster):
            units.append(_Cluster(glyph.text, [glyph]))
        else:
            units[-1].glyphs.append(glyph)
    return units


def _plain_codes(glyphs: tuple[Glyph, ...] | list[Glyph], y: float) -> list[_Code]:
    """TextCodes for glyphs of one character each: cut after a character beyond the BMP and around white space at
    either end (see the module's docstring)."""
    chars = "".join([glyph.text for glyph in glyphs])
    if max(chars) <= "\uffff" and not chars[0].isspace() and not chars[-1].isspace():
        return [_code(glyphs, chars, y)]  # the common case: one TextCode
    pieces: list[list[Glyph]] = []
    current: list[Glyph] = []
    for glyph in glyphs:
        current.append(glyph)
        if ord(glyph.text) > 0xFFFF:
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    codes: list[_Code] = []
    for piece in pieces:
        start, end = 0, len(piece)
        while start < end and piece[start].text.isspace():
            start += 1
        while end > start and piece[end - 1].text.isspace():
            end -= 1
        for part in (piece[:start], piece[start:end], piece[end:]):
            if part:
                codes.append(_code(part, "".join([glyph.text for glyph in part]), y))
    return codes


def _code(glyphs: tuple[Glyph, ...] | list[Glyph], chars: str, y: float) -> _Code:
    xs = [round(glyph.x * UM_PER_PT) for glyph in glyphs]
    if any(glyph.dy for glyph in glyphs):
        ys = [round((y - glyph.dy) * UM_PER_PT) for glyph in glyphs]  # dy raises: y grows downwards
    else:
        ys = [round(y * UM_PER_PT)] * len(xs)
    right = max([x + round(glyph.advance * UM_PER_PT) for x, glyph in zip(xs, glyphs, strict=True)])
    return _Code(chars, xs, ys, right)
