"""Frame → PDF bytes. The layout decided every position, face and break; this module only writes them: text
operators of its own (one BT…ET per page), every TrueType font embedded as one composite subset (``cidfont``),
rules and images through reportlab, which also writes the file.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache

from reportlab.lib.colors import HexColor
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfgen.canvas import Canvas

from docgen.fonts.book import registered_font
from docgen.layout.frame import Frame, FramePage, GlyphRun, ImageItem, Pen, PlainGlyphs, RuleItem
from docgen.writers.pdf.cidfont import CidFont

__all__ = ["render_pdf"]


class _TextOps:
    """One page's text as PDF operators in one BT…ET (inside q…Q, so render mode and line width end with it).

    docgen knows where every glyph goes, so it writes the operators itself: reportlab's TextObject formats every
    string through several layers and measures it again. TrueType faces are embedded as composite fonts
    (``CidFont``, shared by the document's pages), so a run of text is one string."""

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

    def _state(self, color: str, stroke: float, scale: float, spacing: float) -> None:
        ops = self.ops
        if color != self.color:
            ops.append(f"{color} rg {color} RG")
            self.color = color
        if stroke != self.stroke:
            ops.append(f"{fp_str(stroke)} w {2 if stroke else 0} Tr")
            self.stroke = stroke
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

    def show(
        self, pen: Pen, name: str, string: str, xs: list[float], y: float, spacing: float, matrix: str = "1 0 0 1"
    ) -> None:
        """Draw ``string`` in the registered font ``name`` from ``xs[0]``, ``spacing`` pt added after each glyph;
        ``matrix`` turns it (a landscape page's number)."""
        self._state(_rgb(pen.color), pen.stroke, 100.0 * pen.hscale, spacing)
        font = pdfmetrics.getFont(name)
        if isinstance(font, ttfonts.TTFont):
            cid_font = self._cid_font(name, font)
            pieces = [(cid_font.internal_name, f"<{cid_font.encode(string)}>", len(string))]
        else:  # reportlab's Type 1 Times: one byte a character (a character it lacks may take a Symbol piece)
            pieces = [
                (self.doc.getInternalFontName(f.fontName)[1:], f"({escapePDF(part)})", len(part))
                for f, part in pdfmetrics.unicode2T1(string, [font, *font.substitutionFonts])
            ]
        start = 0
        y_text = fp_str(y)
        for internal, operand, length in pieces:
            self._font(internal, pen.size)
            self.ops.append(f"{matrix} {fp_str(xs[start])} {y_text} Tm {operand} Tj")
            start += length

    def place(self, pen: Pen, name: str, gid: int, text: str, advance: float, x: float, y: float) -> None:
        """One shaped glyph (``gid``, standing for ``text``, ``advance`` pt wide) at (x, y)."""
        font = pdfmetrics.getFont(name)
        cid_font = self._cid_font(name, font)
        cid = cid_font.shaped_cid(gid, text, advance / pen.size * 1000 / pen.hscale)
        self._state(_rgb(pen.color), pen.stroke, 100.0 * pen.hscale, 0.0)
        self._font(cid_font.internal_name, pen.size)
        self.ops.append(f"1 0 0 1 {fp_str(x)} {fp_str(y)} Tm <{cid:04X}> Tj")

    def close(self) -> None:
        if self.ops:
            self.canvas.addLiteral("q BT\n" + "\n".join(self.ops) + "\nET Q")


@lru_cache(maxsize=256)
def _rgb(color: str) -> str:
    value = HexColor("#" + color)
    return fp_str(value.red, value.green, value.blue)


def _draw_run(text: _TextOps, run: GlyphRun, height: float) -> None:
    """A run's glyphs: evenly spaced stretches as one string with character spacing (Tc), far fewer operators than
    one per glyph; shaped glyphs one by one; a stretched glyph (a dash) on its own, as Tz would scale the spacing."""
    pen = run.pen
    name = registered_font(pen.font.path, pen.font.index)
    y = height - run.y
    if run.rotate:  # turned about each glyph's origin (a landscape page's number: one glyph a run)
        angle = math.radians(run.rotate)
        matrix = fp_str(round(math.cos(angle), 9), round(math.sin(angle), 9), -round(math.sin(angle), 9))
        matrix += " " + fp_str(round(math.cos(angle), 9))
        for glyph in run.glyphs:
            text.show(pen, name, glyph.text, [glyph.x], y, 0.0, matrix)
        return
    scaled = pen.hscale != 1.0
    glyphs = run.glyphs
    if isinstance(glyphs, PlainGlyphs) and not scaled:
        _draw_plain(text, pen, name, glyphs, y)
        return
    chars: list[str] = []
    xs: list[float] = []
    spacing: float | None = None
    end = 0.0

    def flush() -> None:
        nonlocal spacing
        if chars:
            text.show(pen, name, "".join(chars), xs, y, spacing or 0.0)
            chars.clear()
            xs.clear()
        spacing = None

    for x, char, advance, gid, dy in glyphs:
        if gid is not None:
            flush()
            text.place(pen, name, gid, char, advance, x, y + dy)
            continue
        if chars:
            if scaled or (spacing is not None and abs(x - end - spacing) > 0.005):
                flush()
            elif spacing is None:
                spacing = x - end
        chars.append(char)
        xs.append(x)
        end = x + advance
    flush()


def _draw_plain(text: _TextOps, pen: Pen, name: str, glyphs: PlainGlyphs, y: float) -> None:
    """``_draw_run`` for a run of plain glyphs, from its arrays: the same stretches, cut where the space after a
    glyph differs from the stretch's first by more than 0.005 pt. A justified line of Chinese is one stretch, found
    in one pass over the spaces."""
    xs, chars, advances = glyphs.xs, glyphs.text, glyphs.advances
    if not chars:
        return
    # the space before each glyph after the first: its x less where the glyph before it ends
    spaces = [x - (before + advance) for x, before, advance in zip(xs[1:], xs, advances, strict=False)]
    if not spaces:
        text.show(pen, name, chars, xs, y, 0.0)
        return
    first = spaces[0]
    if all([abs(space - first) <= 0.005 for space in spaces]):
        text.show(pen, name, chars, xs, y, first or 0.0)
        return
    start, spacing = 0, None
    for i, space in enumerate(spaces, 1):
        if spacing is None:
            spacing = space
        elif abs(space - spacing) > 0.005:
            text.show(pen, name, chars[start:i], xs[start:i], y, spacing or 0.0)
            start, spacing = i, None
    text.show(pen, name, chars[start:], xs[start:], y, spacing or 0.0)


def _draw_rule(canvas: Canvas, rule: RuleItem, height: float) -> None:
    canvas.setStrokeColor(HexColor("#" + rule.color))
    canvas.setLineWidth(rule.width)
    canvas.line(rule.x0, height - rule.y, rule.x1, height - rule.end_y)


def _draw_image(canvas: Canvas, image: ImageItem, height: float) -> None:
    """The image from its bytes, not its path: reportlab names the image object after what it is given, and a
    rasterized seal's path lies in the cache folder, which must not change the PDF's bytes."""
    from reportlab.lib.utils import ImageReader

    with open(image.path, "rb") as handle:
        reader = ImageReader(io.BytesIO(handle.read()))
    canvas.drawImage(reader, image.x, height - image.y - image.height, image.width, image.height, mask="auto")


def _draw_page(canvas: Canvas, page: FramePage, cid_fonts: dict[str, CidFont]) -> None:
    """Images behind the text first, then the text in one BT…ET, then rules and the other images."""
    height = page.height
    for item in page.items:
        if isinstance(item, ImageItem) and item.behind:
            _draw_image(canvas, item, height)
    text = _TextOps(canvas, cid_fonts)
    for item in page.items:
        if isinstance(item, GlyphRun):
            _draw_run(text, item, height)
    text.close()
    for item in page.items:
        if isinstance(item, RuleItem):
            _draw_rule(canvas, item, height)
        elif isinstance(item, ImageItem) and not item.behind:
            _draw_image(canvas, item, height)


def render_pdf(frame: Frame) -> bytes:
    """The frame as PDF bytes, every font embedded as a subset."""
    buffer = io.BytesIO()
    first = frame.pages[0] if frame.pages else None
    canvas = Canvas(
        buffer,
        pagesize=(first.width, first.height) if first else (595.2756, 841.8898),
        invariant=True,
        initialFontName=_initial_font(frame),
        initialFontSize=_initial_size(frame),
        pageCompression=1,
    )
    canvas.setTitle(frame.title)
    canvas.setCreator("docgen")
    canvas.setAuthor("")
    canvas.setProducer("docgen (reportlab)")
    cid_fonts: dict[str, CidFont] = {}
    size = (first.width, first.height) if first else None
    for page in frame.pages:
        if (page.width, page.height) != size:  # a landscape page among portrait ones
            size = (page.width, page.height)
            canvas.setPageSize(size)
        _draw_page(canvas, page, cid_fonts)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _initial_font(frame: Frame) -> str:
    """The body's font as reportlab's initial font (embedded anyway): otherwise it adds a Helvetica."""
    pen = frame.body or next(
        (item.pen for page in frame.pages for item in page.items if isinstance(item, GlyphRun)), None
    )
    return registered_font(pen.font.path, pen.font.index) if pen else "Times-Roman"


def _initial_size(frame: Frame) -> float:
    return frame.body.size if frame.body else 12.0
