"""DocModel (+ its page layout) → DOCX bytes, through python-docx and the few OOXML helpers in ``oxml``.

Word reflows the text itself; the DOCX holds it to the 公文 grid (A4, 37/35/28/26 mm margins, a 22-line grid with
exact 28.95 pt lines, −0.25 pt letter spacing for 28 characters a line). From the layout the writer takes only what
Word cannot decide the same way on its own: where a title breaks, and how many blank rows put the 版记 at the
bottom of the last page.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile

import docx
from docx.document import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.text.paragraph import Paragraph as WordParagraph

from docgen.fonts import DASH_HEIGHT
from docgen.layout import bidi
from docgen.layout.chars import is_wide
from docgen.layout.pages import PagedDocument, TextLine
from docgen.model.blocks import (
    AnnexStart,
    AttachmentNote,
    Block,
    Distribution,
    DocModel,
    Heading,
    Masthead,
    Paragraph,
    Signature,
    SpeechHeading,
    Title,
)
from docgen.style import StyleProfile
from docgen.units import twips
from docgen.writers.docx import oxml
from docgen.writers.docx.styles import CHARACTER_STYLE, PARAGRAPH_STYLE, install_styles, line_pitch_twips

__all__ = ["render_docx"]

RULE_NAMES = {"masthead": "版头分隔线", "distribution-thick": "版记分隔线", "distribution-thin": "版记分隔线"}

#: Where LibreOffice and Word put the baseline of an exact-height line, as a share of the line height above its
#: bottom edge (measured in LibreOffice 7.4 for a 14 pt line: 2.78 pt).
_BASELINE_FROM_BOTTOM = 0.2


def _documented_date() -> dt.datetime:
    """Metadata timestamps: SOURCE_DATE_EPOCH when set (reproducible builds), else a fixed date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime(2000, 1, 1)


class _DocxBuilder:
    def __init__(self, model: DocModel, paged: PagedDocument, style: StyleProfile) -> None:
        self.model = model
        self.paged = paged
        self.style = style
        self.pitch = line_pitch_twips(style)
        self.document: WordDocument = docx.Document()
        self.shape_id = 0
        self._style_ids: dict[tuple[str, WD_STYLE_TYPE], str | None] = {}

    # -- package and section -------------------------------------------------------------------------------
    def setup(self) -> None:
        doc = self.document
        package = doc.part.package
        for rel_id, rel in list(package.rels.items()):  # the template's thumbnail picture
            if rel.reltype.endswith("/thumbnail"):
                del package.rels[rel_id]
        for rel_id, rel in list(doc.part.rels.items()):  # customXml, stylesWithEffects: nothing of ours
            if rel.reltype.endswith(("/customXml", "/stylesWithEffects")):
                del doc.part.rels[rel_id]
        # python-docx's default document holds one empty paragraph; start from nothing.
        for paragraph in list(doc.paragraphs):
            paragraph._p.getparent().remove(paragraph._p)
        install_styles(doc, self.style)
        settings = doc.settings.element
        for tag in ("w:themeFontLang", "w:rsids", "w14:docId"):
            for element in settings.findall(qn(tag)):
                settings.remove(element)
        doc.settings.odd_and_even_pages_header_footer = True

        s = self.style
        section = doc.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Twips(twips(s.page_width)), Twips(twips(s.page_height))
        section.top_margin, section.bottom_margin = Twips(twips(s.margin_top)), Twips(twips(s.margin_bottom))
        section.left_margin, section.right_margin = Twips(twips(s.margin_left)), Twips(twips(s.margin_right))
        section.gutter = Twips(0)
        section.header_distance = Twips(twips(s.margin_top / 2))
        section.footer_distance = Twips(self.footer_distance())
        oxml.set_doc_grid(section._sectPr, self.pitch)
        self.page_number(section.footer.paragraphs[0], odd=True)
        self.page_number(section.even_page_footer.paragraphs[0], odd=False)

        core = doc.core_properties
        when = _documented_date()
        core.author = ""
        core.comments = ""
        core.last_modified_by = ""
        core.title = self.model.title[:255]  # the core properties hold at most 255 characters
        core.revision = 1
        core.created = when
        core.modified = when

    def footer_distance(self) -> int:
        """§7.5: the page number's 一字线 (its dashes) 7 mm below the 版心; the footer is one exact line."""
        size = self.style.role("page-number").size
        dash_from_bottom = self.style.margin_bottom - self.style.page_number_distance
        baseline = dash_from_bottom - DASH_HEIGHT * size
        return twips(baseline - _BASELINE_FROM_BOTTOM * size)

    def page_number(self, paragraph: WordParagraph, *, odd: bool) -> None:
        paragraph.style = self.document.styles[PARAGRAPH_STYLE["page-number"]]
        ppr = paragraph._p.get_or_add_pPr()
        indent = twips(self.style.page_number_indent * self.style.role("page-number").size)
        oxml.ppr_child(ppr, "jc", val="right" if odd else "left")
        # One exact line of the number's own size, off the grid: a full grid row (28.95 pt) would not fit between
        # the footer distance and the bottom margin, and Word and LibreOffice would then shrink the type area.
        oxml.ppr_child(ppr, "snapToGrid", val=0)
        oxml.set_line_exact(ppr, twips(self.style.role("page-number").size))
        oxml.ppr_child(ppr, "ind", right=indent if odd else 0, left=0 if odd else indent, firstLine=0, firstLineChars=0)
        before, _, after = self.style.page_number_format.partition("{n}")
        self.run(paragraph, before)
        oxml.add_page_field(paragraph._p)
        self.run(paragraph, after)

    # -- runs and paragraphs -------------------------------------------------------------------------------
    def run(self, paragraph: WordParagraph, text: str, role: str | None = None) -> None:
        """Append text in the paragraph's style, or in a run-in heading's character style (``role``)."""
        style_id = self.style_id(CHARACTER_STYLE[role], WD_STYLE_TYPE.CHARACTER) if role in CHARACTER_STYLE else None
        for piece, kind in _segments(text):
            r = paragraph._p.add_r()
            if style_id:
                r.style = style_id
            oxml.add_text(r, piece)
            oxml.east_asian_hint(r)
            if kind == "pinned":
                face = self.style.face(role if role in CHARACTER_STYLE else self.role_of(paragraph)).name
                oxml.set_fonts(r.get_or_add_rPr(), latin=face, east_asian=face)
            elif kind in RARE_FONTS:  # characters the 公文 faces lack: a font Word has for them
                oxml.set_fonts(r.get_or_add_rPr(), latin=RARE_FONTS[kind], east_asian=RARE_FONTS[kind])
            elif kind == "rtl":
                oxml.right_to_left(r)

    def style_id(self, name: str, kind: WD_STYLE_TYPE) -> str | None:
        """python-docx's id for a style name (None for the default style), looked up once: the lookup walks the
        styles part each time."""
        key = (name, kind)
        if key not in self._style_ids:
            self._style_ids[key] = self.document.part.get_style_id(self.document.styles[name], kind)
        return self._style_ids[key]

    def role_of(self, paragraph: WordParagraph) -> str:
        style_id = paragraph._p.style
        return next(
            role for role, name in PARAGRAPH_STYLE.items() if self.style_id(name, WD_STYLE_TYPE.PARAGRAPH) == style_id
        )

    def paragraph(self, role: str, text: str = "") -> WordParagraph:
        paragraph = self.document.add_paragraph()
        style_id = self.style_id(PARAGRAPH_STYLE[role], WD_STYLE_TYPE.PARAGRAPH)
        if style_id:
            paragraph._p.style = style_id
        self.run(paragraph, text)
        return paragraph

    def spacing(self, paragraph: WordParagraph, *, before_rows: int) -> None:
        spacing = oxml.ppr_child(paragraph._p.get_or_add_pPr(), "spacing")
        spacing.set(qn("w:before"), str(before_rows * self.pitch))

    def indent(self, paragraph: WordParagraph, line: TextLine, *, hanging: bool = False) -> None:
        ppr = paragraph._p.get_or_add_pPr()
        attrs: dict[str, int] = {"left": twips(line.left), "right": twips(line.right), "firstLineChars": 0}
        if hanging and line.line.indent < 0:
            attrs["hanging"] = twips(-line.line.indent)
            attrs["hangingChars"] = 0
        else:
            attrs["firstLine"] = twips(line.line.indent)
        ind = oxml.ppr_child(ppr, "ind")
        for attr in list(ind.attrib):
            del ind.attrib[attr]
        for name, value in attrs.items():
            ind.set(qn(f"w:{name}"), str(value))

    def tab_line(self, paragraph: WordParagraph, line: TextLine) -> None:
        """Left text, then the tail flush right at the right indent (tab stops count from the margin)."""
        position = twips(self.style.type_width - line.right)
        paragraph.paragraph_format.tab_stops.add_tab_stop(Twips(position), WD_TAB_ALIGNMENT.RIGHT)
        self.run(paragraph, line.line.text)
        if line.tail is not None:
            self.run(paragraph, "\t" + line.tail.text)

    def rules(self, paragraph: WordParagraph, block: int, page: int | None = None) -> None:
        """The layout's rules of this block (those on ``page``, if given), drawn across the type area at their grid
        edges, anchored to ``paragraph``: a shape shows on the page where its paragraph starts. The 版记's last
        rule lies on the 版心's bottom edge (§7.4.1)."""
        marks = [mark for number, mark in self.paged.rules_by_page(block) if page is None or number == page]
        for mark in marks:
            rule = self.style.rules[mark.key]
            at_bottom = mark.edge >= self.style.lines_per_page
            top = self.style.type_height if at_bottom else mark.edge * self.pitch / 20
            self.shape_id += 1
            oxml.anchored_rule(
                paragraph._p,
                top=top,
                width=self.style.type_width,
                thickness=rule.width,
                color=rule.color,
                shape_id=self.shape_id,
                name=f"{RULE_NAMES[mark.key]} {self.shape_id}",
            )

    # -- blocks --------------------------------------------------------------------------------------------
    def block(self, index: int, block: Block) -> None:
        lines = self.paged.lines_of(index)
        if isinstance(block, Masthead):
            self.paragraph("masthead-name", block.name)
            if block.issue:
                self.paragraph("masthead-issue", block.issue)
            issuer_line = next(line for line in lines if line.role == "masthead-issuer")
            issuer = self.paragraph("masthead-issuer")
            self.tab_line(issuer, issuer_line)
            self.rules(issuer, index)
        elif isinstance(block, (Title, AnnexStart)):
            if isinstance(block, AnnexStart):
                self.paragraph("annex-label", block.label)
                role = "annex-title"
            else:
                role = "title"
            title = self.paragraph(role)
            for i, line in enumerate(line for line in lines if line.role == role):
                if i:
                    title.add_run().add_break(WD_BREAK.LINE)
                self.run(title, line.line.text)
        elif isinstance(block, Paragraph):
            paragraph = self.paragraph("body")
            for run in block.runs:
                self.run(paragraph, run.text, run.role)
        elif isinstance(block, Heading):
            self.paragraph(f"heading-{block.level}", block.full_text)
        elif isinstance(block, AttachmentNote):
            for i, item in enumerate(block.items):
                first = next(line for line in lines if line.para == i)
                paragraph = self.paragraph("attachment-note", ("附件：" if i == 0 else "") + item.label + item.title)
                self.indent(paragraph, first, hanging=True)
                if i:
                    self.spacing(paragraph, before_rows=0)
        elif isinstance(block, SpeechHeading):
            if block.title:
                self.paragraph("speech-title", block.title)
                self.paragraph("speech-unit", block.unit)
            else:
                self.paragraph("speech-title", block.unit)
            if index > 0 and isinstance(self.model.blocks[index - 1], AnnexStart):
                self.spacing(self._last(2 if block.title else 1), before_rows=0)
        elif isinstance(block, Signature):
            for i, text in enumerate((block.issuer, block.date)):
                if not text:
                    continue
                paragraph = self.paragraph("signature", text)
                line = next(line for line in lines if line.para == i)
                self.indent(paragraph, line)
                if i:
                    self.spacing(paragraph, before_rows=0)
        elif isinstance(block, Distribution):
            self.distribution(index, block, lines)

    def _last(self, back: int) -> WordParagraph:
        return self.document.paragraphs[-back]

    def distribution(self, index: int, block: Distribution, lines: list[TextLine]) -> None:
        _, _, space_rows = self.paged.starts[index]
        pages = self.paged.line_pages(index)
        paragraphs: list[tuple[int, WordParagraph]] = []  # (page of its first line, paragraph)
        if block.cc:
            cc_line = next(line for line in lines if line.para == 0)
            cc = self.paragraph("distribution", block.cc_text)
            self.indent(cc, cc_line, hanging=True)
            paragraphs.append((pages[lines.index(cc_line)], cc))
        if block.printed_by or block.printed_on:
            printed_line = next(line for line in lines if line.tail is not None)
            printed = self.paragraph("distribution")
            self.tab_line(printed, printed_line)
            paragraphs.append((pages[lines.index(printed_line)], printed))
        first = paragraphs[0][1]
        if index in self.paged.breaks:  # a page of its own: an explicit break keeps the space that pushes it down
            oxml.ppr_child(first._p.get_or_add_pPr(), "pageBreakBefore")
        self.spacing(first, before_rows=space_rows)
        # Each rule on the page it belongs to: anchored to the first paragraph starting on that page (a 版记
        # longer than a page has rules on two pages).
        for page in sorted({number for number, _ in self.paged.rules_by_page(index)}):
            anchor = next((p for number, p in paragraphs if number == page), paragraphs[-1][1])
            self.rules(anchor, index, page)

    def build(self) -> bytes:
        self.setup()
        for index, block in enumerate(self.model.blocks):
            self.block(index, block)
        buffer = io.BytesIO()
        self.document.save(buffer)
        return _normalize_zip(buffer.getvalue())


#: Punctuation that Unicode leaves to context (General Punctuation): LibreOffice sets it in the script, and so the
#: font, of the character before it; after a digit or a Latin letter that is the Latin font, at Latin width.
_AMBIGUOUS = frozenset("“”‘’—…·")


#: Fonts Windows has for characters outside GB2312/GB18030's BMP set: Ext-B and later hanzi, and emoji.
RARE_FONTS = {"extb": "SimSun-ExtB", "emoji": "Segoe UI Emoji"}


def _kind(ch: str) -> str | None:
    code = ord(ch)
    if 0x20000 <= code <= 0x3FFFF:
        return "extb"
    if 0x1F000 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF or code in (0x200D, 0xFE0F):
        return "emoji"
    return None


def _segments(text: str) -> list[tuple[str, str | None]]:
    """Runs of text by the font they need: most text takes the style's fonts; ambiguous marks (“”—…) after a
    half-width character are pinned to the Chinese face in every slot (LibreOffice would otherwise set them in the
    Latin font, at Latin width, while Word follows w:hint); Ext-B hanzi and emoji get a font that has them;
    right-to-left stretches (Hebrew, Arabic, with the spaces and numbers between their words) get runs of their
    own, marked right to left (ECMA-376 leaves strong right-to-left text in a run without w:rtl unspecified)."""
    if text.isascii():
        return [(text, None)] if text else []
    rtl = bidi.levels(text) if bidi.has_rtl(text) else None
    pieces: list[tuple[str, str | None]] = []
    start = 0
    previous: str | None = None
    for i, ch in enumerate(text):
        kind = _kind(ch)
        if ch in _AMBIGUOUS and i > 0 and (previous == "pinned" or not is_wide(text[i - 1])):
            kind = "pinned"
        if kind is None and rtl is not None and rtl[i] > 0:
            kind = "rtl"
        if i and kind != previous:
            pieces.append((text[start:i], previous))
            start = i
        previous = kind
    pieces.append((text[start:], previous))
    return pieces


def _normalize_zip(data: bytes) -> bytes:
    """Same input, same bytes: fixed timestamps and attributes on every zip member (python-docx stamps the time)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def render_docx(model: DocModel, paged: PagedDocument, style: StyleProfile) -> bytes:
    """Write the document as DOCX bytes."""
    return _DocxBuilder(model, paged, style).build()
