"""PagedDocument → PDF bytes with reportlab. The layout decided every line break and page break; this module only
places glyphs on the grid, draws the rules and page numbers, and embeds subsets of the fonts.

Vertical placement: a line of size s on ``rows`` grid rows has its em box (0.88 s above the baseline, 0.12 s below,
the ideographic box of CJK fonts) centred in those rows. Rows are 225 mm / 22 = 28.99 pt, so 22 lines fill the 版心.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from reportlab.lib.colors import HexColor
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfgen.canvas import Canvas

from docgen.fonts import ResolvedFace
from docgen.layout import bidi
from docgen.layout.chars import is_wide
from docgen.layout.linebreak import Glyph
from docgen.layout.pages import Page, PagedDocument, TextLine
from docgen.layout.scripts import is_mark
from docgen.style import StyleProfile
from docgen.writers.pdf.cidfont import CidFont
from docgen.writers.pdf.fontbook import FontBook
from docgen.writers.pdf.shaping import needs_shaping, shape

__all__ = ["render_pdf"]

LOG = logging.getLogger("docgen")
ASCENT = 0.88  # share of the em above the baseline in the ideographic em box


@dataclass(frozen=True)
class _Pen:
    """The text state a glyph is drawn in. One object per distinct state (the builder interns them), so a glyph
    may continue a run exactly when its pen *is* the run's."""

    font: str  # reportlab's registered font name
    size: float
    color: str  # "r g b" for the rg/RG operators
    stroke: float  # outline width of faux bold (text render mode 2), 0 for none
    scale: float  # horizontal scaling in % (100 but for the stretched dash)


@dataclass(frozen=True)
class _Ink:
    """How one character of one role is drawn."""

    pen: _Pen
    width: float  # advance as drawn, in pt
    blank: bool  # a space: nothing to draw


class _TextOps:
    """One page's text as PDF operators in one BT…ET (inside q…Q, so render mode and line width end with it).

    docgen knows where every glyph goes, so it writes the operators itself: reportlab's TextObject formats every
    string through several layers and measures it again, which was most of the PDF's time. TrueType faces are
    embedded as composite fonts (``CidFont``, shared by the document's pages), so a run of text is one string."""

    def __init__(self, canvas: Canvas, cid_fonts: dict[str, CidFont]):
        self.canvas = canvas
        self.doc = canvas._doc
        self.cid_fonts = cid_fonts
        self.ops: list[str] = []
        self.font: tuple[str, float] | None = None
        self.color: str | None = None
        self.stroke = 0.0
        self.spacing = 0.0
        self.scale = 100.0

    def _state(self, pen: _Pen, spacing: float, scale: float | None = None) -> None:
        ops = self.ops
        scale = pen.scale if scale is None else scale
        if pen.color != self.color:
            ops.append(f"{pen.color} rg {pen.color} RG")
            self.color = pen.color
        if pen.stroke != self.stroke:
            ops.append(f"{fp_str(pen.stroke)} w {2 if pen.stroke else 0} Tr")
            self.stroke = pen.stroke
        if scale != self.scale:
            ops.append(f"{fp_str(scale)} Tz")
            self.scale = scale
        if spacing != self.spacing:
            ops.append(f"{fp_str(spacing)} Tc")
            self.spacing = spacing

    def _font(self, name: str, size: float) -> None:
        if (name, size) != self.font:
            self.ops.append(f"/{name} {fp_str(size)} Tf")
            self.font = (name, size)

    def _cid_font(self, name: str, font: ttfonts.TTFont) -> CidFont:
        cid_font = self.cid_fonts.get(name)
        if cid_font is None:
            cid_font = self.cid_fonts[name] = CidFont(font, len(self.cid_fonts))
        cid_font.attach(self.doc, name)
        return cid_font

    def show(self, pen: _Pen, string: str, xs: list[float], y: float, spacing: float) -> None:
        """Draw ``string`` from ``xs[0]``, ``spacing`` pt added after each glyph."""
        self._state(pen, spacing)
        font = pdfmetrics.getFont(pen.font)
        if isinstance(font, ttfonts.TTFont):
            cid_font = self._cid_font(pen.font, font)
            pieces = [(cid_font.internal_name, f"<{cid_font.encode(string)}>", len(string))]
        else:  # reportlab's Type 1 Times: one byte a character (a character it lacks may take a Symbol piece)
            pieces = [
                (self.doc.getInternalFontName(f.fontName)[1:], f"({escapePDF(part)})", len(part))
                for f, part in pdfmetrics.unicode2T1(string, [font, *font.substitutionFonts])
            ]
        start = 0
        y_text = fp_str(y)
        for name, operand, length in pieces:
            self._font(name, pen.size)
            self.ops.append(f"1 0 0 1 {fp_str(xs[start])} {y_text} Tm {operand} Tj")
            start += length

    def place(self, pen: _Pen, glyph: int, chars: str, advance: float, x: float, y: float, scale: float) -> None:
        """One shaped glyph (``glyph`` < 0: the character ``chars`` itself) at (x, y), squeezed to ``scale``."""
        font = pdfmetrics.getFont(pen.font)
        if glyph < 0 or not isinstance(font, ttfonts.TTFont):
            self.show(pen, chars, [x], y, 0.0)
            return
        cid_font = self._cid_font(pen.font, font)
        cid = cid_font.shaped_cid(glyph, chars, advance * 1000)
        self._state(pen, 0.0, pen.scale * scale)
        self._font(cid_font.internal_name, pen.size)
        self.ops.append(f"1 0 0 1 {fp_str(x)} {fp_str(y)} Tm <{cid:04X}> Tj")

    def close(self) -> None:
        if self.ops:
            self.canvas.addLiteral("q BT\n" + "\n".join(self.ops) + "\nET Q")


def _rgb(color: str) -> str:
    value = HexColor("#" + color)
    return fp_str(value.red, value.green, value.blue)


class _PdfBuilder:
    def __init__(self, paged: PagedDocument, style: StyleProfile, faces: Mapping[str, ResolvedFace], title: str):
        self.paged = paged
        self.style = style
        self.faces = faces
        self.title = title
        self.book = FontBook(faces)
        self.pitch = style.type_height / style.lines_per_page
        self.top = style.page_height - style.margin_top  # reportlab's y grows upwards
        self._inks: dict[tuple[str, str], _Ink] = {}
        self._pens: dict[_Pen, _Pen] = {}

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

    # -- text ------------------------------------------------------------------------------------------------
    def baseline(self, row: int, rows: int, size: float) -> float:
        row_top = self.top - row * self.pitch
        return row_top - ((rows * self.pitch - size) / 2 + ASCENT * size)

    def ink(self, role_name: str, ch: str) -> _Ink:
        """How a character of a role is drawn (font, size, advance, colour), worked out once per document."""
        key = (role_name, ch)
        ink = self._inks.get(key)
        if ink is None:
            role = self.style.role(role_name)
            font = self.book.font_for(self.face_of(role_name, ch), ch)
            drawn = self.book.width(font, ch, role.size)
            scale = 100.0
            if ch == "—" and drawn:  # join —— into one rule even where the font's dash is narrower
                scale, drawn = 100.0 * role.size / drawn, role.size
            face = self.style.face(role_name)
            bold = face.embolden if self.faces[face.key].status in ("substitute", "default") else 0.0
            pen = _Pen(font, role.size, _rgb(role.color), bold * role.size, scale)
            ink = self._inks[key] = _Ink(self._pens.setdefault(pen, pen), drawn, ch.isspace())
        return ink

    def draw_glyphs(self, text: _TextOps, glyphs: tuple[Glyph, ...], xs: list[float], y: float) -> None:
        """Draw a line's glyphs at their x positions; stretches that need shaping or right-to-left order
        (islands) go through ``draw_island``."""
        if not any(needs_shaping(glyph.char) for glyph in glyphs):
            self.draw_plain(text, glyphs, xs, y)
            return
        line = "".join(glyph.char for glyph in glyphs)
        line_levels = bidi.line_levels(line)
        special = [level > 0 or needs_shaping(ch) for level, ch in zip(line_levels, line, strict=True)]
        for i in range(len(line) - 1, 0, -1):  # a combining mark is shaped with the letter it sits on
            if special[i] and is_mark(line[i]) and not line[i - 1].isspace():
                special[i - 1] = True
        start = 0
        for i in range(1, len(line) + 1):
            if i == len(line) or special[i] != special[start]:
                if special[start]:
                    self.draw_island(text, glyphs[start:i], xs[start:i], y, line_levels[start:i])
                else:
                    self.draw_plain(text, glyphs[start:i], xs[start:i], y)
                start = i

    def draw_island(
        self, text: _TextOps, glyphs: tuple[Glyph, ...], xs: list[float], y: float, levels: list[int]
    ) -> None:
        """Shape an island run by run (one embedding level, one font), set the runs in visual order and fit them
        into the width the layout gave the island: never wider (scaled down if need be), right-aligned when it
        reads right to left."""
        width = xs[-1] + glyphs[-1].advance - xs[0]
        order = bidi.reorder(levels)
        inks = [self.ink(glyph.role, glyph.char) for glyph in glyphs]
        placed: list[tuple[_Pen, int, str, float, float, float]] = []  # pen, glyph, text, advance, dx, dy (em)
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
            pen = ink.pen
            font = pdfmetrics.getFont(pen.font)
            if isinstance(font, ttfonts.TTFont) and not ink.blank:
                face = font.face
                for shaped in shape(face.filename, face.subfont_index, run, rtl=levels[order[i]] % 2 == 1):
                    placed.append((pen, shaped.glyph, shaped.text, shaped.advance, shaped.x_offset, shaped.y_offset))
            else:  # a Type 1 font cannot be shaped: its characters as they are, in visual order
                for k in order[i:j]:
                    placed.append((inks[k].pen, -1, glyphs[k].char, inks[k].width / pen.size, 0.0, 0.0))
            i = j
        natural = sum(advance * pen.size for pen, _, _, advance, _, _ in placed)
        scale = min(1.0, width / natural) if natural > 0 else 1.0
        x = xs[0] + (width - natural * scale if levels[0] % 2 else 0.0)
        for pen, glyph, chars, advance, dx, dy in placed:
            if chars.strip() or glyph >= 0:
                text.place(pen, glyph, chars, advance, x + dx * pen.size * scale, y + dy * pen.size, scale)
            x += advance * pen.size * scale

    def draw_plain(self, text: _TextOps, glyphs: tuple[Glyph, ...], xs: list[float], y: float) -> None:
        """Runs of glyphs in one font whose spacing is even (a justified line) go out as one string with
        character spacing (Tc): far fewer PDF operators than one per glyph."""
        inks = self._inks
        run: list[str] = []
        run_xs: list[float] = []
        run_ink: _Ink | None = None
        run_end = 0.0
        run_space: float | None = None
        for glyph, x in zip(glyphs, xs, strict=True):
            ch = glyph.char
            ink = inks.get((glyph.role, ch)) or self.ink(glyph.role, ch)
            if ink.blank:
                joins = False
            elif run_ink is None or ink.pen is not run_ink.pen or ink.pen.scale != 100.0:
                joins = False  # Tz would scale the spacing too: a stretched dash goes on its own
            elif run_space is None:
                joins, run_space = True, x - run_end
            else:
                joins = abs(x - run_end - run_space) <= 0.005
            if not joins:
                if run_ink is not None:
                    text.show(run_ink.pen, "".join(run), run_xs, y, run_space or 0.0)
                    run.clear()
                    run_xs.clear()
                if ink.blank:
                    run_ink = None
                    continue
                run_ink, run_space = ink, None
            run.append(ch)
            run_xs.append(x)
            run_end = x + ink.width
        if run_ink is not None:
            text.show(run_ink.pen, "".join(run), run_xs, y, run_space or 0.0)

    def positions(self, text_line: TextLine) -> tuple[list[float], float]:
        """x of every glyph of the line (before its tail), justified or aligned as the line says."""
        s = self.style
        line = text_line.line
        left = s.margin_left + text_line.left + line.indent
        available = s.type_width - text_line.left - text_line.right - line.indent
        natural = line.width
        xs: list[float] = []
        x = left
        if text_line.align == "center":
            x += (available - natural) / 2
        elif text_line.align == "right":
            x += available - natural
        extra = 0.0
        stretch = [i for i in range(1, len(line.glyphs)) if _stretchable(line.glyphs[i - 1], line.glyphs[i])]
        if text_line.align == "justify" and not line.last and stretch:
            extra = (available - natural) / len(stretch)
        stretch_at = set(stretch)
        for i, glyph in enumerate(line.glyphs):
            if i:
                x += line.glyphs[i - 1].advance + glyph.gap + (extra if i in stretch_at else 0.0)
            xs.append(x)
        return xs, left

    def draw_line(self, text: _TextOps, row: int, text_line: TextLine) -> None:
        size = self.style.role(text_line.role).size
        y = self.baseline(row, text_line.rows, size)
        xs, _ = self.positions(text_line)
        self.draw_glyphs(text, text_line.line.glyphs, xs, y)
        if text_line.tail is not None:
            tail = text_line.tail
            x = self.style.margin_left + self.style.type_width - text_line.right - tail.width
            tail_xs = []
            for i, glyph in enumerate(tail.glyphs):
                if i:
                    x += tail.glyphs[i - 1].advance + glyph.gap
                tail_xs.append(x)
            self.draw_glyphs(text, tail.glyphs, tail_xs, y)

    # -- furniture ---------------------------------------------------------------------------------------------
    def draw_rules(self, canvas: Canvas, page: Page) -> None:
        for mark in page.rules:
            rule = self.style.rules[mark.key]
            y = (
                self.top - mark.edge * self.pitch
                if mark.edge < self.style.lines_per_page
                else self.top - self.style.type_height
            )
            canvas.setStrokeColor(HexColor("#" + rule.color))
            canvas.setLineWidth(rule.width)
            canvas.line(self.style.margin_left, y, self.style.margin_left + self.style.type_width, y)

    def draw_page_number(self, text: _TextOps, number: int) -> None:
        s = self.style
        role = s.role("page-number")
        digits = s.page_number_format.replace("{n}", str(number))
        inks = [self.ink("page-number", ch) for ch in digits]
        width = sum(ink.width for ink in inks)
        indent = s.page_number_indent * role.size
        x = s.margin_left + s.type_width - indent - width if number % 2 else s.margin_left + indent
        dash_centre = self.top - s.type_height - s.page_number_distance
        y = dash_centre - self.book.dash_height(role.font) * role.size
        for ch, ink in zip(digits, inks, strict=True):
            if not ch.isspace():
                text.show(ink.pen, ch, [x], y, 0.0)
            x += ink.width

    def _by_role(self, chars: dict[str, set[str]]) -> str:
        return "；".join(f"{''.join(sorted(c))}（{_roles_of(self.style, key)}）" for key, c in chars.items())

    def build(self) -> bytes:
        self.book.prepare(self.collect_needs())
        buffer = io.BytesIO()
        s = self.style
        canvas = Canvas(
            buffer,
            pagesize=(s.page_width, s.page_height),
            invariant=True,
            initialFontName=self.book.base(s.role("body").font),
            initialFontSize=s.role("body").size,
            pageCompression=1,
        )
        canvas.setTitle(self.title)
        canvas.setCreator("docgen")
        canvas.setAuthor("")
        canvas.setProducer("docgen (reportlab)")
        cid_fonts: dict[str, CidFont] = {}
        for page in self.paged.pages:
            text = _TextOps(canvas, cid_fonts)
            for placed in page.lines:
                self.draw_line(text, placed.row, placed.text)
            self.draw_page_number(text, page.number)
            text.close()
            self.draw_rules(canvas, page)
            canvas.showPage()
        canvas.save()
        if self.book.fallbacks:
            LOG.warning("这些字符在公文字体中没有字形，PDF 中改用其他字体显示：%s", self._by_role(self.book.fallbacks))
        if self.book.missing:
            LOG.warning("这些字符在可用字体中都没有字形，PDF 中会显示为空框：%s", self._by_role(self.book.missing))
        return buffer.getvalue()


def _roles_of(style: StyleProfile, face: str) -> str:
    return "、".join(name for name, role in style.roles.items() if role.font == face) or "数字和西文"


def _stretchable(left: Glyph, right: Glyph) -> bool:
    """Justification spreads space next to Chinese characters, never inside a Latin/digit run."""
    return is_wide(left.char) or is_wide(right.char)


def render_pdf(
    paged: PagedDocument,
    style: StyleProfile,
    faces: Mapping[str, ResolvedFace],
    title: str = "",
    missing: dict[str, set[str]] | None = None,
) -> bytes:
    """Draw the laid-out document as PDF bytes, every font embedded as a subset. Characters no available font
    has a glyph for are added to ``missing`` (face → characters) and logged once."""
    builder = _PdfBuilder(paged, style, faces, title)
    data = builder.build()
    if missing is not None:
        missing.update(builder.book.missing)
    return data
