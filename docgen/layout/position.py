"""Pages of lines → the page frame: every glyph at its x and baseline in the font that draws it, every rule and page
number where it goes. The last stage of layout; writers only serialize what this makes.

- Vertical: a line of size s on ``rows`` grid rows has its em box (``metrics.em_ascent`` of s above the baseline,
  the rest below: the ideographic box of CJK fonts) centred in those rows; rows are 225 mm / 22 = 28.99 pt.
- Horizontal: justified lines spread their slack next to Chinese characters (never inside a Latin/digit run) and
  fill the type area edge to edge; the last line of a paragraph is flush left.
- Faces: each character is drawn by its role's face, digits and Latin by the Latin face, from the first font of
  the face's chain that has it (``fonts.book``); a regular stand-in for a bold-by-design face is thickened.
- Islands: a stretch of right-to-left text or a script whose letters change shape is ordered by the Unicode
  Bidirectional Algorithm and shaped by HarfBuzz (glyph ids in the frame), then fitted into the width the line gave
  it: never wider (condensed if need be), right-aligned when it reads right to left.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import accumulate, pairwise

from docgen.fonts import ResolvedFace
from docgen.fonts.book import FontBook
from docgen.images import raster
from docgen.layout import bidi
from docgen.layout.chars import is_wide
from docgen.layout.compose import TextLine
from docgen.layout.frame import Frame, FramePage, Glyph, GlyphRun, ImageItem, Item, Pen, PlainGlyphs, RuleItem
from docgen.layout.linebreak import Glyph as LineGlyph
from docgen.layout.linebreak import Line
from docgen.layout.paginate import Geometry, Page, PagedDocument
from docgen.layout.scripts import is_mark
from docgen.layout.shaping import needs_shaping, shape
from docgen.style import StyleProfile

__all__ = ["position_pages"]


@dataclass(frozen=True)
class _Ink:
    """How one character of one role is drawn: its pen (interned, so runs compare pens by identity), the
    registered font's name (which the PDF writer embeds), its advance as drawn, and whether it is a space."""

    pen: Pen
    font: str
    width: float
    blank: bool


class _Positioner:
    def __init__(self, paged: PagedDocument, style: StyleProfile, faces: Mapping[str, ResolvedFace]) -> None:
        self.paged = paged
        self.style = style
        self.faces = faces
        self.book = FontBook(faces)
        self.pitch = style.line_pitch
        self.ascent = style.metrics["em_ascent"]
        self.geometry = Geometry.of(style)
        #: the type area's left edge and width on the page being positioned (a landscape page has its own)
        self.left, self.width = style.margin_left, style.type_width
        self.top = style.margin_top
        self._inks: dict[str, dict[str, _Ink]] = {}  # by role, then character
        self._pens: dict[tuple[object, ...], Pen] = {}

    def face_of(self, role: str, ch: str) -> str:
        if role == "page-number":
            return self.style.role(role).font
        return self.style.role(role).font if is_wide(ch) else "latin"

    def collect_needs(self) -> dict[str, set[str]]:
        needs: dict[str, set[str]] = {key: set() for key in self.faces}
        pairs = {
            (glyph.role, glyph.char)
            for page in self.paged.pages
            for placed in page.lines
            for line in (placed.text.line, placed.text.tail)
            if line is not None
            for glyph in line.glyphs
        }
        for role, ch in pairs:
            needs[self.face_of(role, ch)].add(ch)
        needs[self.style.role("page-number").font] |= set(self.style.page_number_format + "0123456789")
        return needs

    def ink(self, role_name: str, ch: str) -> _Ink:
        """How a character of a role is drawn (font, size, advance, colour), worked out once per document."""
        inks = self._inks.setdefault(role_name, {})
        ink = inks.get(ch)
        if ink is None:
            role = self.style.role(role_name)
            face_key = self.face_of(role_name, ch)
            font = self.book.font_for(face_key, ch)
            drawn = self.book.width(font, ch, role.size)
            scale = 1.0
            if ch == "—" and drawn:  # join —— into one rule even where the font's dash is narrower
                scale, drawn = role.size / drawn, role.size
            face = self.style.face(role_name)
            bold = face.embolden if self.faces[face.key].status in ("substitute", "default") else 0.0
            ref = self.book.ref(face_key, font)
            pen_key = (ref, role.size, role.color, bold * role.size, scale)
            pen = self._pens.get(pen_key)
            if pen is None:
                pen = self._pens[pen_key] = Pen(ref, role.size, role.color, bold * role.size, scale)
            ink = inks[ch] = _Ink(pen, font, drawn, ch.isspace())
        return ink

    # -- lines -----------------------------------------------------------------------------------------------
    def baseline(self, row: int, line: TextLine) -> float:
        """The baseline's distance from the page's top edge (``Geometry.baseline_in_rows``)."""
        return self.top + row * self.pitch + self.geometry.baseline_in_rows(line)

    def positions(self, text_line: TextLine) -> list[float]:
        """x of every glyph of the line (before its tail), justified or aligned as the line says; a condensed line
        (``hscale``) takes its advances at that scale."""
        line = text_line.line
        scale = text_line.hscale
        left = self.left + text_line.left + line.indent
        available = self.width - text_line.left - text_line.right - line.indent
        natural = line.width * scale
        xs: list[float] = []
        x = left
        if text_line.align == "center":
            x += (available - natural) / 2
        elif text_line.align == "right":
            x += available - natural
        extra = 0.0
        glyphs = line.glyphs
        # Justification spreads space next to Chinese characters, never inside a Latin/digit run.
        wide = [is_wide(glyph[0]) for glyph in glyphs]
        stretch = [left or right for left, right in pairwise(wide)]
        if text_line.align == "justify" and not line.last and any(stretch):
            extra = (available - natural) / stretch.count(True)
        if not glyphs:
            return xs
        # each x is the one before plus the advance before it and its gap (scaled) and its share of the slack;
        # accumulate adds them in C, in the same order, to the same sums
        steps = [
            (before[2] + glyph[3]) * scale + (extra if stretched else 0.0)  # advance before, gap
            for (before, glyph), stretched in zip(pairwise(glyphs), stretch, strict=True)
        ]
        return list(accumulate(steps, initial=x))

    @staticmethod
    def _set(line: Line, x: float) -> list[float]:
        """x of every glyph of an unjustified part set from ``x``."""
        xs = []
        for i, glyph in enumerate(line.glyphs):
            if i:
                x += line.glyphs[i - 1].advance + glyph.gap
            xs.append(x)
        return xs

    def line_items(self, row: int, text_line: TextLine, y: float | None = None) -> list[GlyphRun]:
        if y is None:
            y = self.baseline(row, text_line)
        items = self.glyphs(text_line.line.glyphs, self.positions(text_line), y, text_line.hscale)
        if text_line.tail is not None:
            tail = text_line.tail
            x = self.left + self.width - text_line.right - tail.width
            items += self.glyphs(tail.glyphs, self._set(tail, x), y)
        if text_line.lead is not None:
            lead = text_line.lead
            items += self.glyphs(lead.glyphs, self._set(lead, self.left + text_line.lead_left), y)
        return items

    def glyphs(self, glyphs: tuple[LineGlyph, ...], xs: list[float], y: float, scale: float = 1.0) -> list[GlyphRun]:
        """Glyph runs for a line's glyphs at their x positions; stretches that need shaping or right-to-left order
        (islands) go through ``island``. A condensed line (``scale`` below 1) draws every glyph at that scale."""
        if scale != 1.0:
            return [self.condensed(run, scale) for run in self.plain(glyphs, xs, y)]
        line = "".join([glyph[0] for glyph in glyphs])
        if not any(map(needs_shaping, line)):
            return self.plain(glyphs, xs, y, line)
        line_levels = bidi.line_levels(line)
        special = [level > 0 or needs_shaping(ch) for level, ch in zip(line_levels, line, strict=True)]
        for i in range(len(line) - 1, 0, -1):  # a combining mark is shaped with the letter it sits on
            if special[i] and is_mark(line[i]) and not line[i - 1].isspace():
                special[i - 1] = True
        runs: list[GlyphRun] = []
        start = 0
        for i in range(1, len(line) + 1):
            if i == len(line) or special[i] != special[start]:
                if special[start]:
                    runs += self.island(glyphs[start:i], xs[start:i], y, line_levels[start:i])
                else:
                    runs += self.plain(glyphs[start:i], xs[start:i], y)
                start = i
        return runs

    def plain(self, glyphs: tuple[LineGlyph, ...], xs: list[float], y: float, text: str = "") -> list[GlyphRun]:
        """Runs of glyphs of one pen; spaces are not drawn (and end a run). ``text``: the glyphs' characters, when
        the caller has them joined already. Pass by pass over the whole line (list comprehensions, slices, arrays)
        rather than glyph by glyph: this is done for every character of the document."""
        if not glyphs:
            return []
        text = text or "".join([glyph[0] for glyph in glyphs])
        role = glyphs[0][1]
        if all([glyph[1] is role for glyph in glyphs]):  # a line is mostly one role: its inks by character
            role_inks = self._inks.get(role) or {}
            inks = [role_inks.get(ch) or self.ink(role, ch) for ch in text]
        else:
            inks = [self.ink(glyph[1], glyph[0]) for glyph in glyphs]
        pens = [None if ink.blank else ink.pen for ink in inks]  # a space ends a run and is not drawn
        cuts = [i for i in range(1, len(pens)) if pens[i] is not pens[i - 1]]
        widths = [ink.width for ink in inks]
        runs: list[GlyphRun] = []
        for start, end in pairwise([0, *cuts, len(pens)]):
            pen = pens[start]
            if pen is not None:
                glyph_run = PlainGlyphs(array("d", xs[start:end]), text[start:end], array("d", widths[start:end]))
                runs.append(GlyphRun(pen, y, glyph_run))
        return runs

    def condensed(self, run: GlyphRun, scale: float) -> GlyphRun:
        pen = run.pen
        key = (pen.font, pen.size, pen.color, pen.stroke, pen.hscale * scale)
        scaled = self._pens.setdefault(key, Pen(pen.font, pen.size, pen.color, pen.stroke, pen.hscale * scale))
        glyphs = tuple(Glyph(g.x, g.text, g.advance * scale, g.gid, g.dy) for g in run.glyphs)
        return GlyphRun(scaled, run.y, glyphs)

    def island(self, glyphs: tuple[LineGlyph, ...], xs: list[float], y: float, levels: list[int]) -> list[GlyphRun]:
        """Shape an island run by run (one embedding level, one font), set the runs in visual order and fit them
        into the width the layout gave the island: never wider (scaled down if need be), right-aligned when it
        reads right to left."""
        width = xs[-1] + glyphs[-1].advance - xs[0]
        order = bidi.reorder(levels)
        inks = [self.ink(glyph.role, glyph.char) for glyph in glyphs]
        placed: list[tuple[_Ink, int | None, str, float, float, float]] = []  # ink, gid, text, advance, dx, dy (em)
        i = 0
        while i < len(order):
            j = i + 1
            while (
                j < len(order)
                and levels[order[j]] == levels[order[i]]
                and inks[order[j]].pen is inks[order[i]].pen
                and (order[j] - order[j - 1]) in (1, -1)
            ):
                j += 1
            indexes = sorted(order[i:j])
            run = "".join(glyphs[k].char for k in indexes)
            ink = inks[order[i]]
            path = ink.pen.font.path
            if path.suffix.lower() != ".pfb" and not ink.blank:
                for shaped in shape(str(path), ink.pen.font.index, run, rtl=levels[order[i]] % 2 == 1):
                    placed.append((ink, shaped.glyph, shaped.text, shaped.advance, shaped.x_offset, shaped.y_offset))
            else:  # a Type 1 font cannot be shaped: its characters as they are, in visual order
                for k in order[i:j]:
                    size = inks[k].pen.size
                    placed.append((inks[k], None, glyphs[k].char, inks[k].width / size, 0.0, 0.0))
            i = j
        natural = sum(advance * ink.pen.size for ink, _, _, advance, _, _ in placed)
        scale = min(1.0, width / natural) if natural > 0 else 1.0
        x = xs[0] + (width - natural * scale if levels[0] % 2 else 0.0)
        runs: list[GlyphRun] = []
        for ink, gid, chars, advance, dx, dy in placed:
            pen = ink.pen
            if chars.strip() or gid is not None:
                scaled = self._pens.setdefault(
                    (pen.font, pen.size, pen.color, pen.stroke, pen.hscale * scale),
                    Pen(pen.font, pen.size, pen.color, pen.stroke, pen.hscale * scale),
                )
                glyph = Glyph(x + dx * pen.size * scale, chars, advance * pen.size * scale, gid, dy * pen.size)
                runs.append(GlyphRun(scaled, y, (glyph,)))
            x += advance * pen.size * scale
        return runs

    # -- furniture ---------------------------------------------------------------------------------------------
    def rules(self, page: Page) -> list[RuleItem]:
        s = self.style
        items = []
        for mark in page.rules:
            rule = s.rules[mark.key]
            if mark.y is not None:
                y = mark.y
            else:
                edge = mark.edge * self.pitch if mark.edge < s.lines_per_page else s.type_height
                y = s.margin_top + edge
            length = rule.length or s.type_width
            if rule.align == "page":
                x0 = (s.page_width - length) / 2
            else:
                x0 = s.margin_left + (s.type_width - length) / 2  # centred on the type area
            items.append(RuleItem(x0, x0 + length, y, rule.width, rule.color, mark.key))
            if rule.second_width is not None:  # a double line: the second stroke under the first
                second = y + rule.width / 2 + rule.gap + rule.second_width / 2
                items.append(RuleItem(x0, x0 + length, second, rule.second_width, rule.color, mark.key))
        left = self.left
        for border in page.borders:  # tables
            items.append(
                RuleItem(left + border.x0, left + border.x1, border.y0, border.width, "000000", "表格线", border.y1)
            )
        return items

    def images(self, page: Page) -> list[ImageItem]:
        s = self.style
        return [
            ImageItem(
                s.margin_left + image.x, image.y, image.width, image.height, raster(image.path), image.behind, image.key
            )
            for image in page.images
        ]

    def _number(self, number: int) -> tuple[str, list[_Ink], float, float, float]:
        """A page number's characters, their inks, its width, its indent from the outer edge and how far its
        一字线's centre sits above the baseline (pt)."""
        s = self.style
        role = s.role("page-number")
        digits = s.page_number_format.replace("{n}", str(number))
        inks = [self.ink("page-number", ch) for ch in digits]
        dash = self.book.dash_height(role.font)
        raise_ = (s.metrics["dash_height"] if dash is None else dash) * role.size
        return digits, inks, sum(ink.width for ink in inks), s.page_number_indent * role.size, raise_

    def landscape_page_number(self, number: int) -> list[GlyphRun]:
        """§8: on a landscape page the number sits where it sits on the other pages of the sheet: the sheet is turned
        so that its left (binding) edge is the page's top, its foot is the page's left side; the number reads along
        it, top to bottom, its 一字线 7 mm outside the type area, odd pages toward the page's foot (the sheet's right)
        and even pages toward its head."""
        s = self.style
        digits, inks, width, indent, raise_ = self._number(number)
        baseline_x = s.margin_bottom - s.page_number_distance - raise_  # the text's "up" points right
        top, bottom = s.margin_left, s.margin_left + s.type_width  # the landscape type area, from the page top
        start = bottom - indent - width if number % 2 else top + indent
        runs = []
        y = start
        for ch, ink in zip(digits, inks, strict=True):
            if not ch.isspace():  # each glyph set in its own run, turned a quarter clockwise about its origin
                runs.append(GlyphRun(ink.pen, y, (Glyph(baseline_x, ch, ink.width),), rotate=-90))
            y += ink.width
        return runs

    def page_number(self, number: int) -> list[GlyphRun]:
        s = self.style
        digits, inks, width, indent, raise_ = self._number(number)
        x = s.margin_left + s.type_width - indent - width if number % 2 else s.margin_left + indent
        y = s.margin_top + s.type_height + s.page_number_distance + raise_  # the dashes' centre 7 mm below
        runs = []
        for ch, ink in zip(digits, inks, strict=True):
            if not ch.isspace():  # one glyph at a time: the number is set, not justified
                runs.append(GlyphRun(ink.pen, y, (Glyph(x, ch, ink.width),)))
            x += ink.width
        return runs

    def build(self, title: str, author: str) -> Frame:
        self.book.prepare(self.collect_needs())
        s = self.style
        pages = []
        for page in self.paged.pages:
            # a landscape page (§8): the sheet turned, its foot on the left; the type area 225 × 156 mm
            landscape = (s.margin_bottom, s.type_height, self.geometry.turned().margin_top)
            self.left, self.width, self.top = (
                landscape if page.landscape else (s.margin_left, s.type_width, s.margin_top)
            )
            items: list[Item] = []
            items += self.images(page)
            for placed in page.lines:
                items += self.line_items(placed.row, placed.text, placed.y)
            if page.numbered:
                items += self.landscape_page_number(page.number) if page.landscape else self.page_number(page.number)
            items += self.rules(page)
            size = (s.page_height, s.page_width) if page.landscape else (s.page_width, s.page_height)
            pages.append(FramePage(*size, tuple(items), page.number if page.numbered else None))
        missing = {key: frozenset(chars) for key, chars in self.book.missing.items()}
        fallbacks = {key: frozenset(chars) for key, chars in self.book.fallbacks.items()}
        body = s.role("body")
        base = self.book.base(body.font)
        body_pen = Pen(self.book.ref(body.font, base), body.size)
        return Frame(tuple(pages), title, author, missing, fallbacks, body_pen)


def position_pages(
    paged: PagedDocument, style: StyleProfile, faces: Mapping[str, ResolvedFace], title: str = "", author: str = ""
) -> Frame:
    """The page frame of a paginated document, drawn with the fonts resolved on this machine."""
    return _Positioner(paged, style, faces).build(title, author)
