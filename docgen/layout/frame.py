"""The page frame: every page of a laid-out document as positioned items — glyph runs, rules, images.

This is where layout ends and writing begins: a writer (PDF, OFD) only serializes a ``Frame``; it decides no
position, no face and no break. Lengths are in points (1/72 inch); coordinates are measured from the page's
top-left corner, x to the right and y downwards (OFD's convention; the PDF writer flips y).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import NamedTuple, overload

__all__ = ["FontRef", "Frame", "FramePage", "Glyph", "GlyphRun", "ImageItem", "Item", "Pen", "PlainGlyphs", "RuleItem"]


@dataclass(frozen=True)
class FontRef:
    """A font file with TrueType outlines that draws glyphs (a CFF font has already been converted: ``path`` is
    the file the PDF embeds). ``family`` is the face's official name (仿宋_GB2312, 方正小标宋简体 …), which a
    reader that substitutes system fonts should look for; ``face`` the profile's key for it (fangsong …)."""

    path: Path
    index: int = 0
    family: str = ""
    face: str = ""


@dataclass(frozen=True)
class Pen:
    """How glyphs are drawn: font, size (pt), colour (RRGGBB), an outline stroke (pt; a faux bold for a regular
    stand-in, 0 for none) and a horizontal scale (1.0 = as designed; a 标志 too wide for the line is condensed)."""

    font: FontRef
    size: float
    color: str = "000000"
    stroke: float = 0.0
    hscale: float = 1.0


class Glyph(NamedTuple):
    """One glyph at ``x`` (pt from the page's left edge; a shaped mark's offset included) on its run's baseline,
    raised by ``dy`` pt (a mark above its letter), ``advance`` pt wide as drawn. ``text`` is what it stands for (one
    character; a cluster's text on its first glyph and '' on the others). ``gid`` is set when shaping chose the
    glyph (a joining form, a conjunct): the glyph id in the font file; otherwise the character's own glyph."""

    x: float
    text: str
    advance: float
    gid: int | None = None
    dy: float = 0.0


class PlainGlyphs(Sequence[Glyph]):
    """Glyphs of one character each, drawn as the font has them (not shaped, not raised), kept compactly: their x
    positions and advances as arrays of doubles and their characters as a string. A glyph of text is then 16 bytes
    and a character instead of a tuple and a float object (a 1000-page document has 600,000 of them); reading it
    gives the same ``Glyph`` values the tuple would hold."""

    __slots__ = ("advances", "text", "xs")

    def __init__(self, xs: array[float], text: str, advances: array[float]) -> None:
        if not len(xs) == len(text) == len(advances):
            raise ValueError("one x and one advance for every character")
        self.xs = xs
        self.text = text
        self.advances = advances

    def __len__(self) -> int:
        return len(self.text)

    @overload
    def __getitem__(self, index: int) -> Glyph: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Glyph, ...]: ...

    def __getitem__(self, index: int | slice) -> Glyph | tuple[Glyph, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        return Glyph(self.xs[index], self.text[index], self.advances[index])

    def __iter__(self) -> Iterator[Glyph]:
        # tuple.__new__ makes each Glyph in C: a writer reads every glyph of the document this way
        fields = zip(self.xs, self.text, self.advances, repeat(None), repeat(0.0))
        return map(tuple.__new__, repeat(Glyph), fields)  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PlainGlyphs):
            return self.text == other.text and self.xs == other.xs and self.advances == other.advances
        if isinstance(other, tuple):
            return tuple(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))  # equal to the tuple of its glyphs, so hashed as that tuple

    def __repr__(self) -> str:
        return f"PlainGlyphs({tuple(self)!r})"


@dataclass(frozen=True)
class GlyphRun:
    """Glyphs drawn with one pen on one baseline ``y`` (pt from the page's top edge), left to right as placed: a
    tuple of ``Glyph`` (shaped clusters, page numbers) or, for the text of lines, ``PlainGlyphs``."""

    pen: Pen
    y: float
    glyphs: tuple[Glyph, ...] | PlainGlyphs
    #: turned by this many degrees (counter-clockwise positive) about the first glyph's origin (x, y): a landscape
    #: page's number reads along the sheet's foot
    rotate: int = 0

    @property
    def text(self) -> str:
        if isinstance(self.glyphs, PlainGlyphs):
            return self.glyphs.text
        return "".join(glyph.text for glyph in self.glyphs)


@dataclass(frozen=True)
class RuleItem:
    """A straight line from (``x0``, ``y``) to (``x1``, ``y1``) — horizontal unless ``y1`` is given (a table's
    vertical border) — its centre line ``width`` pt thick; y pt below the page's top edge. ``key`` names it for
    readers of the frame (版头分隔线, 版记分隔线, 表格线 …)."""

    x0: float
    x1: float
    y: float
    width: float
    color: str = "000000"
    key: str = ""
    y1: float | None = None

    @property
    def end_y(self) -> float:
        return self.y if self.y1 is None else self.y1


@dataclass(frozen=True)
class ImageItem:
    """An image (a seal) whose top-left corner is at (x, y), ``width`` × ``height`` pt, drawn from ``path``
    (PNG, or the PNG a vector image was rendered to). ``behind``: drawn under the text, as a stamp's ink would be
    when the text is printed over it (it is drawn over the text otherwise)."""

    x: float
    y: float
    width: float
    height: float
    path: Path
    behind: bool = False
    key: str = ""


Item = GlyphRun | RuleItem | ImageItem


@dataclass(frozen=True)
class FramePage:
    """One page: its size (a landscape page is wider than tall), its items in drawing order, and the number
    printed on it (None on a page that shows none: a letter's first page, the blank pages before a 版记)."""

    width: float
    height: float
    items: tuple[Item, ...]
    number: int | None = None


@dataclass(frozen=True)
class Frame:
    """The pages of one document, with what a file's metadata says about it."""

    pages: tuple[FramePage, ...]
    title: str = ""
    author: str = ""
    #: characters no available font has, by face (drawn as empty boxes)
    missing: dict[str, frozenset[str]] = field(default_factory=dict, compare=False)
    #: characters drawn from a font other than their face's own, by face
    fallbacks: dict[str, frozenset[str]] = field(default_factory=dict, compare=False)
    #: the pen of body text (a writer's default font)
    body: Pen | None = None
