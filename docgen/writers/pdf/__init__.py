"""PagedDocument → PDF bytes with reportlab. The layout decided every line break and page break; this module only
places glyphs on the grid, draws the rules and page numbers, and embeds subsets of the fonts.

Vertical placement: a line of size s on ``rows`` grid rows has its em box (0.88 s above the baseline, 0.12 s below,
the ideographic box of CJK fonts) centred in those rows. Rows are 225 mm / 22 = 28.99 pt, so 22 lines fill the 版心.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator, Mapping

from reportlab.lib.colors import HexColor
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfgen.canvas import Canvas

from docgen.fonts import ResolvedFace
from docgen.layout.chars import is_wide
from docgen.layout.linebreak import Glyph
from docgen.layout.pages import Page, PagedDocument, TextLine
from docgen.style import StyleProfile
from docgen.writers.pdf.fontbook import FontBook

__all__ = ["render_pdf"]

LOG = logging.getLogger("docgen")
ASCENT = 0.88  # share of the em above the baseline in the ideographic em box


class _PdfBuilder:
    def __init__(self, paged: PagedDocument, style: StyleProfile, faces: Mapping[str, ResolvedFace], title: str):
        self.paged = paged
        self.style = style
        self.faces = faces
        self.title = title
        self.book = FontBook(faces)
        self.pitch = style.type_height / style.lines_per_page
        self.top = style.page_height - style.margin_top  # reportlab's y grows upwards

    def face_of(self, role: str, ch: str) -> str:
        if role == "page-number":
            return self.style.role(role).font
        return self.style.role(role).font if is_wide(ch) else "latin"

    def collect_needs(self) -> dict[str, set[str]]:
        needs: dict[str, set[str]] = {key: set() for key in self.faces}
        for page in self.paged.pages:
            for placed in page.lines:
                for line in filter(None, (placed.text.line, placed.text.tail)):
                    for glyph in line.glyphs:
                        needs[self.face_of(glyph.role, glyph.char)].add(glyph.char)
        needs[self.style.role("page-number").font] |= set(self.style.page_number_format + "0123456789")
        return needs

    # -- text ------------------------------------------------------------------------------------------------
    def baseline(self, row: int, rows: int, size: float) -> float:
        row_top = self.top - row * self.pitch
        return row_top - ((rows * self.pitch - size) / 2 + ASCENT * size)

    def draw_glyphs(self, canvas: Canvas, glyphs: tuple[Glyph, ...], xs: list[float], y: float) -> None:
        """Draw glyphs at their x positions. Runs of glyphs in one font whose spacing is even (a justified line)
        go out as one string with character spacing (Tc): far fewer PDF operators than one per glyph."""
        text = canvas.beginText()
        state: tuple[str, float, str] | None = None
        stroke = 0.0  # line width of the faux-bold outline (text render mode 2), if any
        run: list[str] = []
        run_xs: list[float] = []
        run_end = 0.0
        run_space: float | None = None
        run_scale = 100.0

        def flush() -> None:
            if not run:
                return
            text.setHorizScale(run_scale)
            text.setCharSpace(run_space or 0.0)
            string = "".join(run)
            font = pdfmetrics.getFont(state[0]) if state else None
            # reportlab splits a TrueType string into 256-glyph subsets; each piece is placed on its own, so every
            # reader (pdfminer too, which drops Tc at string boundaries) puts each glyph where docgen put it.
            if getattr(font, "_dynamicFont", False):
                pieces = [len(part) for _, part in font.splitString(string, canvas._doc)]
            else:
                pieces = [len(string)]
            start = 0
            for length in pieces:
                text.setTextOrigin(run_xs[start], y)
                text.textOut(string[start : start + length])
                start += length
            run.clear()
            run_xs.clear()

        for glyph, x in zip(glyphs, xs, strict=True):
            if glyph.char.isspace():
                flush()
                continue
            role = self.style.role(glyph.role)
            font = self.book.font_for(self.face_of(glyph.role, glyph.char), glyph.char)
            drawn = pdfmetrics.stringWidth(glyph.char, font, role.size)
            scale = 100.0
            if glyph.char == "—" and drawn:  # join —— into one rule even where the font's dash is narrower
                scale, drawn = 100.0 * role.size / drawn, role.size
            key = (font, role.size, role.color)
            joins = run and key == state and scale == run_scale == 100.0
            if joins and run_space is None:
                run_space = x - run_end
            elif joins and abs(x - run_end - run_space) > 0.005:
                joins = False
            if not joins:
                flush()
                run_space, run_scale = None, scale
            if key != state:
                text.setFont(font, role.size)
                text.setFillColor(HexColor("#" + role.color))
                text.setStrokeColor(HexColor("#" + role.color))
                face = self.style.face(glyph.role)
                bold = face.embolden if self.faces[face.key].status in ("substitute", "default") else 0.0
                text.setTextRenderMode(2 if bold else 0)
                stroke = max(stroke, bold * role.size)
                state = key
            run.append(glyph.char)
            run_xs.append(x)
            run_end = x + drawn
        flush()
        # Text render mode and stroke width are graphics state that outlives ET: keep them to this text object.
        canvas.saveState()
        if stroke:
            canvas.setLineWidth(stroke)
        canvas.drawText(text)
        canvas.restoreState()

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

    def draw_line(self, canvas: Canvas, row: int, text_line: TextLine) -> None:
        size = self.style.role(text_line.role).size
        y = self.baseline(row, text_line.rows, size)
        xs, _ = self.positions(text_line)
        self.draw_glyphs(canvas, text_line.line.glyphs, xs, y)
        if text_line.tail is not None:
            tail = text_line.tail
            x = self.style.margin_left + self.style.type_width - text_line.right - tail.width
            tail_xs = []
            for i, glyph in enumerate(tail.glyphs):
                if i:
                    x += tail.glyphs[i - 1].advance + glyph.gap
                tail_xs.append(x)
            self.draw_glyphs(canvas, tail.glyphs, tail_xs, y)

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

    def draw_page_number(self, canvas: Canvas, number: int) -> None:
        s = self.style
        role = s.role("page-number")
        text = s.page_number_format.replace("{n}", str(number))
        key = role.font
        width = sum(pdfmetrics.stringWidth(ch, self.book.font_for(key, ch), role.size) for ch in text)
        indent = s.page_number_indent * role.size
        x = s.margin_left + s.type_width - indent - width if number % 2 else s.margin_left + indent
        dash_centre = self.top - s.type_height - s.page_number_distance
        y = dash_centre - self.book.dash_height(key) * role.size
        canvas.setFillColor(HexColor("#" + role.color))
        text_object = canvas.beginText(x, y)
        for ch in text:
            font = self.book.font_for(key, ch)
            text_object.setFont(font, role.size)
            text_object.textOut(ch)
        canvas.drawText(text_object)

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
        for page in self.paged.pages:
            for placed in page.lines:
                self.draw_line(canvas, placed.row, placed.text)
            self.draw_rules(canvas, page)
            self.draw_page_number(canvas, page.number)
            canvas.showPage()
        with _supplementary_to_unicode():
            canvas.save()
        if self.book.fallbacks:
            LOG.warning("这些字符在公文字体中没有字形，PDF 中改用其他字体显示：%s", self._by_role(self.book.fallbacks))
        if self.book.missing:
            LOG.warning("这些字符在可用字体中都没有字形，PDF 中会显示为空框：%s", self._by_role(self.book.missing))
        return buffer.getvalue()


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with characters beyond the BMP (𠮷, emoji) written as UTF-16 surrogate pairs as
    the PDF spec wants; reportlab writes their code point in hex, which readers misread (𠮷 came out as ₻)."""

    text = _original_cmap(fontname, subset)
    if all(code <= 0xFFFF for code in subset):
        return text
    for index, code in enumerate(subset):
        if code > 0xFFFF:
            pair = chr(code).encode("utf-16-be").hex().upper()
            text = text.replace(f"<{index:02X}> <{code:04X}>", f"<{index:02X}> <{pair}>")
    return text


_original_cmap = ttfonts.makeToUnicodeCMap


@contextlib.contextmanager
def _supplementary_to_unicode() -> Iterator[None]:
    """Use the corrected CMap while this document's fonts are written, and put reportlab's back afterwards."""
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    try:
        yield
    finally:
        ttfonts.makeToUnicodeCMap = _original_cmap


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
