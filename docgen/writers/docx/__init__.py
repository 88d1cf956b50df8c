"""DocModel (+ its page layout) → DOCX bytes, through python-docx and the few OOXML helpers in ``oxml``.

Word reflows the text itself; the DOCX holds it to the 公文 grid (A4, 37/35/28/26 mm margins, a 22-line grid with
exact 28.95 pt lines, −0.25 pt letter spacing for 28 characters a line). From the layout the writer takes only what
Word cannot decide the same way on its own: where a title breaks, and how many blank rows put the 版记 at the
bottom of the last page.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Callable

import docx
from docx.document import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.shared import Twips
from docx.text.paragraph import Paragraph as WordParagraph
from lxml import etree

from docgen.layout import bidi
from docgen.layout.chars import WIDE_SYMBOLS, is_wide
from docgen.layout.linebreak import Line
from docgen.layout.pages import PagedDocument, Placed, RuleMark, TextLine
from docgen.model.blocks import (
    Blank,
    Block,
    DocModel,
    Group,
    Hanging,
    Mark,
    Rule,
    Signature,
    Signers,
    Split,
    Table,
    Text,
)
from docgen.style import StyleProfile
from docgen.units import twips
from docgen.writers.docx import oxml
from docgen.writers.docx.styles import install_styles, line_pitch_twips, word_styles

__all__ = ["render_docx"]

RULE_NAMES = {"masthead": "版头分隔线", "distribution-thick": "版记分隔线", "distribution-thin": "版记分隔线"}


def _documented_date() -> dt.datetime:
    """Metadata timestamps: the configured timestamp (the command line's SOURCE_DATE_EPOCH) when set, else a fixed
    date: the same input gives the same bytes."""
    from docgen.settings import current

    epoch = current().timestamp
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime(2000, 1, 1)


_UNKNOWN = object()  # a style id not looked up yet (None is the default style's)


class _DocxBuilder:
    def __init__(self, model: DocModel, paged: PagedDocument, style: StyleProfile, spec_data: object = None) -> None:
        self.spec_data = spec_data
        self.model = model
        self.paged = paged
        self.style = style
        self.pitch = line_pitch_twips(style)
        self.document: WordDocument = docx.Document()
        self.shape_id = 0
        #: style ids by (name, kind), kept with the profile that made the styles part
        self._style_ids: dict[tuple[str, WD_STYLE_TYPE], str | None] = style.derived.setdefault("docx style ids", {})
        styles = word_styles(style)
        self.paragraph_styles = {s.role: s.name for s in styles if s.kind == "paragraph"}
        self.paragraph_styles |= {name: "Normal" for name, role in style.roles.items() if role.word_style == "Normal"}
        self.character_styles = {s.role: s.name for s in styles if s.kind == "character"}
        #: for each block: the paragraphs written for it, with the page each starts on
        self.written: dict[int, list[tuple[int, WordParagraph]]] = {}
        self.prev_after = 0  # rows of space after the block written last, as Word will add them
        self.carry = 0  # rows of the flow a placed block covers, owed to the next paragraph's space before
        #: for each group: its first and last paragraph (the 版记's, for the sections of a double-sided document)
        self.group_paragraphs: dict[int, tuple[WordParagraph, WordParagraph]] = {}
        self._empty_footer: str | None = None

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
        _install_styles_once(doc, self.style)
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
        if not self.model.number_first_page:  # a 信函: page 1 has a footer of its own, without the number
            section.different_first_page_header_footer = True
            first = section.first_page_footer
            first.is_linked_to_previous = False
            template = copy.deepcopy(section.footer.paragraphs[0]._p.pPr)
            paragraph = first.paragraphs[0]._p
            for child in list(paragraph):
                paragraph.remove(child)
            paragraph.append(template)

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
        """§7.5: the page number's 一字线 (its dashes) below the 版心; the footer is one exact line, whose baseline
        Word and LibreOffice put ``metrics.exact_line_baseline`` of its height above its bottom edge."""
        size = self.style.role("page-number").size
        metrics = self.style.metrics
        dash_from_bottom = self.style.margin_bottom - self.style.page_number_distance
        baseline = dash_from_bottom - metrics["dash_height"] * size
        return twips(baseline - metrics["exact_line_baseline"] * size)

    def page_number(self, paragraph: WordParagraph, *, odd: bool) -> None:
        paragraph.style = self.document.styles[self.paragraph_styles["page-number"]]
        ppr = paragraph._p.get_or_add_pPr()
        indent = twips(self.style.page_number_indent * self.style.role("page-number").size)
        oxml.ppr_child(ppr, "jc", val="right" if odd else "left")
        # One exact line of the number's own size, off the grid: a full grid row (28.95 pt) would not fit between
        # the footer distance and the bottom margin, and Word and LibreOffice would then shrink the type area.
        oxml.ppr_child(ppr, "snapToGrid", val=0)
        oxml.set_line_exact(ppr, twips(self.style.role("page-number").size))
        oxml.ppr_child(ppr, "ind", right=indent if odd else 0, left=0 if odd else indent, firstLine=0, firstLineChars=0)
        before, _, after = self.style.page_number_format.partition("{n}")
        self.run(paragraph, before, "page-number")
        oxml.add_page_field(paragraph._p)
        self.run(paragraph, after, "page-number")

    # -- runs and paragraphs -------------------------------------------------------------------------------
    def run(self, paragraph: WordParagraph, text: str, paragraph_role: str, role: str | None = None) -> None:
        """Append text in the paragraph's style, or in another role's character style (a run-in heading)."""
        own = role is None or role == paragraph_role or role not in self.character_styles
        style_id = None if own else self.style_id(self.character_styles[role], WD_STYLE_TYPE.CHARACTER)
        for piece, kind in _segments(text):
            r = paragraph._p.add_r()
            if style_id:
                r.style = style_id
            oxml.add_text(r, piece)
            oxml.east_asian_hint(r)
            if kind == "pinned":
                face = self.style.face(paragraph_role if own else role).name  # type: ignore[arg-type]
                oxml.set_fonts(r.get_or_add_rPr(), latin=face, east_asian=face)
            elif kind in RARE_FONTS:  # characters the 公文 faces lack: a font Word has for them
                oxml.set_fonts(r.get_or_add_rPr(), latin=RARE_FONTS[kind], east_asian=RARE_FONTS[kind])
            elif kind == "rtl":
                oxml.right_to_left(r)

    def style_id(self, name: str, kind: WD_STYLE_TYPE) -> str | None:
        """python-docx's id for a style name (None for the default style), looked up once per profile: the lookup
        walks the styles part each time, and the part is the profile's (``_install_styles_once``)."""
        key = (name, kind)
        found = self._style_ids.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            found = self._style_ids[key] = self.document.part.get_style_id(self.document.styles[name], kind)
        return found  # type: ignore[return-value]

    def paragraph(self, index: int, role: str, page: int) -> WordParagraph:
        if role not in self.paragraph_styles:  # pragma: no cover - the layout refused unknown roles already
            raise KeyError(role)
        paragraph = self.document.add_paragraph()
        style_id = self.style_id(self.paragraph_styles[role], WD_STYLE_TYPE.PARAGRAPH)
        if style_id:
            paragraph._p.style = style_id
        self.written.setdefault(index, []).append((page, paragraph))
        return paragraph

    def spacing(self, paragraph: WordParagraph, *, before_rows: int) -> None:
        spacing = oxml.ppr_child(paragraph._p.get_or_add_pPr(), "spacing")
        spacing.set(qn("w:before"), str(before_rows * self.pitch))

    def space_before(self, index: int, paragraph: WordParagraph, role: str) -> None:
        """Word adds the space after the paragraph above and the space before this one; the layout collapsed
        them to the larger (and added blank rows): write what makes Word's sum the layout's decision. Rows a
        placed line (a 标志) covers, which the flow does not see, are added here too."""
        wanted = max(self.paged.space.get(index, 0) - self.prev_after, 0) + self.carry
        self.carry = 0
        if wanted != self.style.role(role).space_before:
            self.spacing(paragraph, before_rows=wanted)

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
        self.glyph_runs(paragraph, line.line, line.role)
        if line.tail is not None:
            self.run(paragraph, "\t", line.role)
            self.glyph_runs(paragraph, line.tail, line.role)

    def glyph_runs(self, paragraph: WordParagraph, line: Line, role: str) -> None:
        """A line's text as runs, each in the role of its glyphs (a 密级 in 黑体 in a 仿宋 line)."""
        for run_role, glyphs in itertools.groupby(line.glyphs, key=lambda glyph: glyph.role):
            self.run(paragraph, "".join(glyph.char for glyph in glyphs), role, run_role)

    def anchor_rule(self, paragraph: WordParagraph, mark: RuleMark, top: float, relative_from: str = "line") -> None:
        """A rule anchored to the first line of ``paragraph``, ``top`` pt below that line's top edge (so it moves
        with its paragraph in Word) — or, fixed on its page, ``top`` pt below the page's top edge —, as long as the
        profile says and centred as it says; a double line is two shapes."""
        rule = self.style.rules[mark.key]
        s = self.style
        length = rule.length or s.type_width
        if rule.align == "page":
            horizontal, left = "page", (s.page_width - length) / 2
        else:
            horizontal, left = "margin", (s.type_width - length) / 2
        strokes = [(top, rule.width)]
        if rule.second_width is not None:
            strokes.append((top + rule.width / 2 + rule.gap + rule.second_width / 2, rule.second_width))
        for offset, thickness in strokes:
            self.shape_id += 1
            oxml.anchored_rule(
                paragraph._p,
                top=offset,
                width=length,
                thickness=thickness,
                color=rule.color,
                shape_id=self.shape_id,
                name=f"{RULE_NAMES.get(mark.key, '分隔线')} {self.shape_id}",
                left=left,
                relative_from=relative_from,
                horizontal_from=horizontal,
            )

    def line_top(self, block: int) -> tuple[float, int]:
        """Where the first line of a block starts (pt from the type area's top edge, on the layout's grid) and how
        many rows it takes."""
        for _, placed in self.paged.placed_of(block)[:1]:
            return placed.row * self.style.line_pitch, placed.text.rows
        return 0.0, 1

    def paragraph_of(self, block: int, page: int) -> WordParagraph | None:
        """The first paragraph written for ``block`` that starts on ``page`` (else its last)."""
        written = self.written.get(block, [])
        return next((p for number, p in written if number == page), written[-1][1] if written else None)

    def first_page(self, index: int) -> int:
        return self.paged.starts.get(index, (0, 0, 0))[0]

    # -- blocks: one handler per block type (WRITERS) ------------------------------------------------------
    def block(self, index: int, block: Block) -> int:
        """Write a block; returns how many block indexes it used (a group numbers its children after it)."""
        used = WRITERS[type(block)](self, index, block)
        if index in self.paged.moved:
            self.keep_moved_lines(index)
        if index in self.paged.space_after:
            self.prev_after = self.paged.space_after[index]
        return used

    def keep_moved_lines(self, index: int) -> None:
        """The layout moved the last lines of this block to the next page with what follows (a signature takes
        the last line of the text above along). Word and LibreOffice can only keep whole paragraphs with the next,
        so the last paragraph is cut where the page breaks: its first part ends with a line break (its last line
        set as before), the moved lines become a paragraph of their own that keeps with the next."""
        moved = self.paged.moved[index]
        written = self.written.get(index)
        if not written:
            return
        paragraph = written[-1][1]._p
        lines = self.paged.lines_of(index)
        own = [line for line in lines if line.para == lines[-1].para]
        if len(own) > moved:
            full = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
            position = 0
            for line in own[:-moved]:
                for ch in line.line.text:
                    while position < len(full) and full[position] != ch:
                        position += 1
                    position += 1
            while position < len(full) and full[position].isspace():
                position += 1
            paragraph = oxml.split_paragraph(paragraph, position)
            ppr = paragraph.get_or_add_pPr()
            for tag in ("pageBreakBefore", "sectPr"):
                for element in ppr.findall(qn(f"w:{tag}")):
                    ppr.remove(element)
            # continuation lines: no first-line indent, no hanging, no space before
            ind = oxml.ppr_child(ppr, "ind", firstLine=0, firstLineChars=0)
            for name in ("hanging", "hangingChars"):
                ind.attrib.pop(qn(f"w:{name}"), None)
            oxml.ppr_child(ppr, "spacing", before=0)
        oxml.ppr_child(paragraph.get_or_add_pPr(), "keepNext")

    def text(self, index: int, block: Text) -> int:
        role = block.role
        r = self.style.role(role)
        if r.top is not None:  # a placed role: the layout set it as a 标志
            return self.mark(index, Mark(role, (block.text,)))
        placed = self.placed_of(index)
        if placed is not None:  # a line of a placed group: a frame across the type area at its height
            paragraph = self.paragraph(index, role, self.first_page(index))
            self.indent(paragraph, placed.text)
            self.glyph_runs(paragraph, placed.text.line, role)
            self.frame_line(paragraph, placed, x=0, width=twips(self.style.type_width))
            return 1
        lines = self.paged.lines_of(index)
        paragraph = self.paragraph(index, role, self.first_page(index))
        if block.balanced:  # the layout's balanced lines, as explicit breaks
            for i, line in enumerate(lines):
                if i:
                    paragraph.add_run().add_break(WD_BREAK.LINE)
                self.run(paragraph, line.line.text, role)
        else:
            for run in block.runs:
                self.run(paragraph, run.text, role, run.role)
        ppr = None
        if block.align is not None and block.align != r.align:
            ppr = paragraph._p.get_or_add_pPr()
            oxml.ppr_child(ppr, "jc", val=_ALIGN[block.align])
        if block.keep_with_next is not None and block.keep_with_next != r.keep_with_next:
            oxml.ppr_child(ppr or paragraph._p.get_or_add_pPr(), "keepNext", val=int(block.keep_with_next))
        if block.page_break_before is not None and block.page_break_before != r.page_break_before:
            oxml.ppr_child(paragraph._p.get_or_add_pPr(), "pageBreakBefore", val=int(block.page_break_before))
        if block.space_after is not None and block.space_after != r.space_after:
            spacing = oxml.ppr_child(paragraph._p.get_or_add_pPr(), "spacing")
            spacing.set(qn("w:after"), str(block.space_after * self.pitch))
        self.space_before(index, paragraph, role)
        return 1

    def split(self, index: int, block: Split) -> int:
        (line,) = self.paged.lines_of(index)
        paragraph = self.paragraph(index, block.role, self.first_page(index))
        self.tab_line(paragraph, line)
        placed = self.placed_of(index)
        if placed is not None:  # off the grid, in a placed group: a frame across the type area at its height
            self.frame_line(paragraph, placed, x=0, width=twips(self.style.type_width))
        else:
            self.space_before(index, paragraph, block.role)
        return 1

    def placed_of(self, index: int) -> Placed | None:
        """The block's line when the layout placed it off the grid (at a height), else None."""
        return next((placed for _, placed in self.paged.placed_of(index) if placed.y is not None), None)

    def frame_line(self, paragraph: WordParagraph, placed: Placed, *, x: int, width: int) -> None:
        """Put a paragraph of one line in a frame whose exact line puts its baseline where the layout placed it:
        LibreOffice sets a frame's exact line's baseline 4/5 of the line below the frame's top."""
        height = twips(placed.text.size)
        ppr = paragraph._p.get_or_add_pPr()
        top = twips(placed.y - self.style.margin_top) - (4 * height) // 5  # type: ignore[operator]
        oxml.frame(ppr, x=x, y=top, width=width, height=height)
        oxml.ppr_child(ppr, "snapToGrid", val=0)
        oxml.set_line_exact(ppr, height)

    def hanging(self, index: int, block: Hanging) -> int:
        lines = self.paged.lines_of(index)
        pages = self.paged.line_pages(index)
        for i, item in enumerate(block.items):
            position = next(n for n, line in enumerate(lines) if line.para == i)
            paragraph = self.paragraph(index, block.role, pages[position])
            if i == 0 and block.prefix:
                self.run(paragraph, block.prefix, block.role, block.prefix_role)
            self.run(paragraph, item.label + item.text, block.role)
            self.indent(paragraph, lines[position], hanging=True)
            if i == 0:
                self.space_before(index, paragraph, block.role)
            elif self.style.role(block.role).space_before:
                self.spacing(paragraph, before_rows=0)
        return 1

    def signature(self, index: int, block: Signature) -> int:
        """One paragraph a line of the signature as the layout set it: names (side by side at tab stops for joint
        issuers), the date; seals and signature stamps anchored to the line they press on, behind the text."""
        lines = self.paged.lines_of(index)
        pages = self.paged.line_pages(index)
        paragraphs: list[WordParagraph] = []
        position = 0
        while position < len(lines):
            row = [lines[position]]
            while position + len(row) < len(lines) and lines[position + len(row)].shares_row:
                row.append(lines[position + len(row)])
            paragraph = self.paragraph(index, block.role, pages[position])
            if block.form == "plain":
                self.run(paragraph, row[0].line.text, block.role)
                self.indent(paragraph, row[0])
            else:  # placed by the layout: flush left at the first name, later names at tab stops
                self.placed_line(paragraph, row)
            if paragraphs:
                self.spacing(paragraph, before_rows=self.gap_before(index, position))
            else:
                self.space_before(index, paragraph, block.role)
            paragraphs.append(paragraph)
            position += len(row)
        for image in self.images_of(index):
            line = next(n for n, placed in enumerate(lines) if placed is image[0])
            self.picture(paragraphs[self.paragraph_index(lines, line)], image[1], block.role)
        for paragraph in paragraphs[:-1]:  # names and date on one page, as the layout keeps them
            oxml.ppr_child(paragraph._p.get_or_add_pPr(), "keepNext")
        return 1

    def gap_before(self, index: int, position: int) -> int:
        """Rows the layout left empty inside a block before the line at ``position`` (the date under a stamp)."""
        lines = self.paged.lines_of(index)
        rows = [placed.row for _, placed in self.paged.placed_of(index)]
        if position == 0 or position >= len(rows):
            return 0
        return max(0, rows[position] - rows[position - 1] - lines[position - 1].rows)

    @staticmethod
    def paragraph_index(lines: list[TextLine], line: int) -> int:
        return sum(1 for n in range(line + 1) if not lines[n].shares_row) - 1

    def images_of(self, index: int) -> list[tuple[TextLine, object]]:
        """The images a block's lines carry: (the line the image is placed against, the placed image)."""
        out = []
        for page in self.paged.pages:
            for image in page.images:
                if image.block == index:
                    line = min(
                        (
                            p
                            for p in page.lines
                            if p.text.block == index
                            and p.row * self.style.line_pitch + self.style.margin_top <= image.y + image.height
                        ),
                        key=lambda p: abs(p.row * self.style.line_pitch + self.style.margin_top - image.y),
                        default=None,
                    )
                    if line is not None:
                        out.append((line.text, (image, line.row)))
        return out

    def picture(self, paragraph: WordParagraph, placed: object, role: str) -> None:
        image, row = placed  # type: ignore[misc]
        from docgen.images import raster

        rel_id, _ = self.document.part.get_or_add_image(str(raster(image.path)))
        self.shape_id += 1
        # the paragraph's area starts its space before above its first line
        spacing = paragraph._p.find(qn("w:pPr") + "/" + qn("w:spacing"))
        if spacing is not None and spacing.get(qn("w:before")) is not None:
            before = int(spacing.get(qn("w:before"))) / 20
        else:  # as its style says
            before = self.style.role(role).space_before * self.pitch / 20
        line_top = self.style.margin_top + row * self.style.line_pitch - before
        oxml.anchored_picture(
            paragraph._p,
            rel_id=rel_id,
            left=image.x,
            top=image.y - line_top,
            width=image.width,
            height=image.height,
            shape_id=self.shape_id,
            name=f"印章 {self.shape_id}",
            behind=image.behind,
        )

    def placed_line(self, paragraph: WordParagraph, row: list[TextLine]) -> None:
        """Lines the layout placed by position: the paragraph flush left at the first, tab stops at the others."""
        ppr = paragraph._p.get_or_add_pPr()
        oxml.ppr_child(ppr, "jc", val="left")
        first = row[0]
        self.indent(paragraph, TextLine(first.role, first.line, "left", first.left, 0.0))
        for line in row[1:]:
            paragraph.paragraph_format.tab_stops.add_tab_stop(Twips(twips(line.left)), WD_TAB_ALIGNMENT.LEFT)
        for i, line in enumerate(row):
            self.run(paragraph, ("\t" if i else "") + line.line.text, line.role)

    def mark(self, index: int, block: Mark) -> int:
        """A 标志: each line in a frame at the height the layout placed it (its ink top at the stated distance),
        condensed as the layout condensed it; the flow takes no room for it, the next paragraph's space does."""
        for page in self.paged.pages:
            for placed in page.lines:
                if placed.text.block != index or placed.y is None:
                    continue
                line = placed.text
                paragraph = self.paragraph(index, block.role, page.number)
                ppr = paragraph._p.get_or_add_pPr()
                width = twips(line.line.width * line.hscale) + 40
                self.frame_line(paragraph, placed, x=twips(line.left) - 20, width=width)
                oxml.ppr_child(ppr, "jc", val="center")
                oxml.ppr_child(ppr, "ind", left=0, right=0, firstLine=0, firstLineChars=0)
                self.run(paragraph, line.line.text, block.role)
                if line.hscale != 1.0:
                    for run in paragraph._p.findall(qn("w:r")):
                        oxml.rpr_child(run.get_or_add_rPr(), "w", val=round(line.hscale * 100))
        self.carry += self.paged.covered.get(index, 0)
        return 1

    def signers(self, index: int, block: Signers) -> int:
        """签发人 lines: the label and names from their column; the 发文字号 左空一字 on the last, then a tab."""
        lines = self.paged.lines_of(index)
        pages = self.paged.line_pages(index)
        for i, line in enumerate(lines):
            paragraph = self.paragraph(index, block.role, pages[i])
            ppr = paragraph._p.get_or_add_pPr()
            oxml.ppr_child(ppr, "jc", val="left")
            if line.lead is not None:
                self.indent(paragraph, TextLine(line.role, line.lead, "left", line.lead_left, 0.0))
                paragraph.paragraph_format.tab_stops.add_tab_stop(Twips(twips(line.left)), WD_TAB_ALIGNMENT.LEFT)
                self.run(paragraph, line.lead.text + "\t", block.role)
            else:
                self.indent(paragraph, TextLine(line.role, line.line, "left", line.left, 0.0))
            label = block.label if i == 0 else ""
            if label:
                self.run(paragraph, label, block.role)
            self.run(paragraph, line.line.text[len(label) :], block.role, block.name_role)
            if i == 0:
                self.space_before(index, paragraph, block.role)
            else:
                self.spacing(paragraph, before_rows=0)
        return 1

    def rule(self, index: int, block: Rule) -> int:
        """A rule in the flow: anchored to the line above it — at that line's bottom edge, or at the distance below
        its text the profile says (the red line 4 mm below the 发文字号)."""
        for page, mark in self.paged.rules_by_page(index):
            if mark.anchor is None or (anchor := self.paragraph_of(mark.anchor, page)) is None:
                continue
            if mark.absolute and mark.y is not None:  # fixed on the page (a letterhead's double lines)
                self.anchor_rule(anchor, mark, mark.y, relative_from="page")
                continue
            top, rows = self.line_top(mark.anchor)
            if mark.y is not None:
                self.anchor_rule(anchor, mark, mark.y - self.style.margin_top - top)
            else:
                self.anchor_rule(anchor, mark, rows * self.pitch / 20)
        return 1

    def blank(self, index: int, block: Blank) -> int:
        return 1  # its rows are in the next block's space, which the layout computed

    def group(self, index: int, block: Group) -> int:
        """The children's paragraphs; the group's place (its space before, a page break the layout chose) on the
        first; each rule anchored to a paragraph of the group on its page: the one above it, else below it."""
        used = 1
        children: list[tuple[int, Block]] = []
        for child in block.children:
            children.append((index + used, child))
            if isinstance(child, Rule):
                used += 1
            else:
                used += self.block(index + used, child)
        paragraphs = [(n, entry) for n, child in children if n in self.written for entry in self.written[n]]
        self.carry += self.paged.covered.get(index, 0)  # a placed group: its rows are owed to what follows
        if not paragraphs:
            return used
        first = paragraphs[0][1][1]
        self.group_paragraphs[index] = (first, paragraphs[-1][1][1])
        if block.at_bottom:
            _, _, space_rows = self.paged.starts[index]
            if index in self.paged.breaks:  # a page of its own: an explicit break keeps the space that pushes it down
                oxml.ppr_child(first._p.get_or_add_pPr(), "pageBreakBefore")
            self.spacing(first, before_rows=space_rows)
        # Each rule on its line: the top edge of the line below it in the group, else the bottom edge of the one
        # above (the 版记's last rule, on the type area's bottom edge).
        for position, (n, child) in enumerate(children):
            if not isinstance(child, Rule):
                continue
            for page, mark in self.paged.rules_by_page(n):
                after = [m for m, c in children[position + 1 :] if not isinstance(c, Rule) and m in self.written]
                before = [m for m, c in children[:position] if not isinstance(c, Rule) and m in self.written]
                if after and (paragraph := self.paragraph_of(after[0], page)) is not None:
                    self.anchor_rule(paragraph, mark, 0.0)
                elif before and (paragraph := self.written[before[-1]][-1][1]) is not None:
                    lines = self.paged.lines_of(before[-1])
                    rows = sum(line.rows for line in lines if line.para == lines[-1].para)  # its last paragraph's
                    self.anchor_rule(paragraph, mark, rows * self.pitch / 20)
        return used

    def unnumbered_sections(self) -> None:
        """Pages the layout left without a number — the blank page before the 版记 of a double-sided document and
        the 版记's own — are a section whose footers are empty: it starts on the blank page, which holds one empty
        paragraph, and the 版记 follows by its page break. (A section that starts on an even page would say the
        same to Word, but LibreOffice 7.4 inserts no blank page for it.) What follows (an attachment bound
        separately) is numbered again, in a section of its own."""
        body = self.document.element.body
        final = self.document.sections[-1]._sectPr
        for index in self.paged.blank_before:
            if index not in self.group_paragraphs:
                continue
            first, last = self.group_paragraphs[index]
            paragraphs = list(body.iterchildren(qn("w:p")))
            start = paragraphs.index(first._p)
            if start == 0:
                continue
            numbered = copy.deepcopy(final)
            unnumbered = copy.deepcopy(final)
            for reference in unnumbered.findall(qn("w:footerReference")):
                reference.set(qn("r:id"), self.empty_footer())
            oxml.section_type(unnumbered, "nextPage")
            oxml.end_section(paragraphs[start - 1], numbered)
            blank = copy.deepcopy(paragraphs[start - 1])  # the blank page's one paragraph: empty, in a body style
            for child in list(blank):
                if child.tag != qn("w:pPr"):
                    blank.remove(child)
            for child in blank.findall(qn("w:pPr") + "/" + qn("w:sectPr")):
                child.getparent().remove(child)
            first._p.addprevious(blank)
            if paragraphs.index(last._p) < len(paragraphs) - 1:  # numbered pages follow
                oxml.end_section(last._p, unnumbered)
                oxml.section_type(final, "nextPage")
            else:
                final.getparent().replace(final, unnumbered)
                final = unnumbered

    def empty_footer(self) -> str:
        """A footer with one empty line of the page number's height (not a grid row, which would not fit)."""
        if self._empty_footer is None:
            part, rel_id = self.document.part.add_footer_part()
            footer = part.element
            for child in list(footer):
                footer.remove(child)
            template = self.document.sections[0].footer.paragraphs[0]._p
            paragraph = copy.deepcopy(template)
            for run in paragraph.findall(qn("w:r")) + paragraph.findall(qn("w:fldSimple")):
                paragraph.remove(run)
            footer.append(paragraph)
            self._empty_footer = rel_id
        return self._empty_footer

    def table(self, index: int, block: Table) -> int:
        """A Word table as LibreOffice lays it out on the grid the way the layout did (docs/libreoffice-tables.md):
        as wide as the type area, fixed columns, single 0.5 pt borders, every row an exact number of grid rows —
        the last on each page a border's width shorter —, header rows repeated, no row split."""
        plan = self.paged.tables.get(index)
        if plan is None:  # pragma: no cover - the layout places every table
            raise AssertionError("a table the layout did not place")
        layout = plan.layout
        header_rows = {r for r, row in enumerate(block.rows) if row.header}
        anchor = self.document.add_paragraph()._p
        tbl = oxml.table(layout.widths_twips)  # type: ignore[attr-defined]
        anchor.addprevious(tbl)
        anchor.getparent().remove(anchor)
        covered: dict[tuple[int, int], int] = {}  # (row, column) → span of a cell merged down from above
        for r, row in enumerate(block.rows):
            height = self.pitch * layout.heights[r] - (10 if r in plan.page_ends else 0)  # type: ignore[attr-defined]
            tr = oxml.table_row(tbl, height, header=r in header_rows)
            role = block.header_role if row.header else block.role
            column = 0
            cells = iter(row.cells)
            count = len(layout.widths_twips)  # type: ignore[attr-defined]
            while column < count:
                if (r, column) in covered:  # the continuation of a cell merged from a row above
                    span = covered[(r, column)]
                    oxml.table_cell(tr, self.span_width(layout, column, span), span, merge="continue")
                    column += span
                    continue
                cell = next(cells, None)
                if cell is None:
                    break
                merge = "restart" if cell.rowspan > 1 else None
                for dr in range(1, cell.rowspan):
                    covered[(r + dr, column)] = cell.span
                tc = oxml.table_cell(tr, self.span_width(layout, column, cell.span), cell.span, merge=merge)
                paragraph = WordParagraph(tc.find(qn("w:p")), self.document._body)
                style_id = self.style_id(self.paragraph_styles[role], WD_STYLE_TYPE.PARAGRAPH)
                if style_id:
                    paragraph._p.style = style_id
                align = cell.align or ("center" if row.header else block.aligns[column])
                if align != self.style.role(role).align:
                    oxml.ppr_child(paragraph._p.get_or_add_pPr(), "jc", val=_ALIGN[align])
                if cell.text:
                    self.run(paragraph, cell.text, role)
                column += cell.span
        self.written.setdefault(index, [])
        return 1

    @staticmethod
    def span_width(layout: object, column: int, span: int) -> int:
        widths = layout.widths_twips  # type: ignore[attr-defined]
        return sum(widths[column : column + span])

    def landscape_sections(self, spans: list[tuple[int, list[etree._Element]]]) -> None:
        """Blocks the layout set on landscape pages (§8: a wide table, its title and the 附件 label above it) are a
        section of their own: the page turned (297 × 210 mm), its margins the portrait page's turned with it (top
        28, right 37, bottom 26, left 35 mm), so that its type area is the portrait one turned. The section before
        ends at its last paragraph; the landscape section ends at a paragraph of a twip's height after the table."""
        s = self.style
        final = self.document.sections[-1]._sectPr
        turned = [(index, elements) for index, elements in spans if elements and self.on_landscape(index)]
        runs: list[list[etree._Element]] = []
        last_index = -2
        for index, elements in turned:
            if runs and last_index == index - 1:
                runs[-1].extend(elements)
            else:
                runs.append(list(elements))
            last_index = index
        for elements in runs:
            before = elements[0].getprevious()
            if before is not None:
                self.section_end_after(before, copy.deepcopy(final))
            landscape = copy.deepcopy(final)
            oxml.turn_section(
                landscape,
                (twips(s.page_height), twips(s.page_width)),
                (twips(s.margin_left), twips(s.margin_top), twips(s.margin_right), twips(s.margin_bottom)),
            )
            oxml.section_type(landscape, "nextPage")
            self.turned_footers(landscape)
            following = elements[-1].getnext()
            if following is not None and following.tag != qn("w:sectPr"):
                self.section_end_after(elements[-1], landscape)
                oxml.section_type(final, "nextPage")
            else:
                final.getparent().replace(final, landscape)
                final = landscape
            oxml.drop_title_page(final)  # a 信函's first page without a number is the document's first only

    def turned_footers(self, sect_pr: etree._Element) -> None:
        """The footers of a landscape section: the number in a text box turned with the sheet, where the other
        pages have it (the layout's ``landscape_page_number``): its 一字线 7 mm outside the type area's edge on the
        sheet's foot (the page's left), toward the sheet's outer edge (odd pages: the page's foot), one character
        in. The footer itself is a line of the number's size close to the page's edge, out of the type area's way."""
        s = self.style
        role = s.role("page-number")
        size = role.size
        metrics = s.metrics
        baseline_x = s.margin_bottom - s.page_number_distance - metrics["dash_height"] * size
        left = baseline_x - metrics["exact_line_baseline"] * size
        ids = {}
        for kind, odd in (("default", True), ("even", False)):
            part, rel_id = self.document.part.add_footer_part()
            footer = part.element
            for child in list(footer):
                footer.remove(child)
            paragraph = copy.deepcopy(self.document.sections[0].footer.paragraphs[0]._p)
            for run in paragraph.findall(qn("w:r")) + paragraph.findall(qn("w:fldSimple")):
                paragraph.remove(run)
            number = footer.makeelement(qn("w:p"), {})
            footer.append(number)  # built in place (python-docx's paragraph API), then moved into the box
            self.page_number(WordParagraph(number, self.document._body), odd=odd)
            footer.remove(number)
            self.shape_id += 1
            oxml.anchored_text_box(
                paragraph,
                number,
                left=left,
                top=s.margin_left,
                width=size,
                height=s.type_width,
                shape_id=self.shape_id,
                name=f"页码 {self.shape_id}",
            )
            footer.append(paragraph)
            ids[kind] = rel_id
        for reference in sect_pr.findall(qn("w:footerReference")):
            kind = reference.get(qn("w:type"))
            if kind in ids:
                reference.set(qn("r:id"), ids[kind])
        oxml.drop_title_page(sect_pr)
        margin = sect_pr.find(qn("w:pgMar"))
        margin.set(qn("w:footer"), str(twips(s.margin_right / 2)))

    @staticmethod
    def section_end_after(element: etree._Element, sect_pr: etree._Element) -> None:
        """End a section after this body element: in it when it is a paragraph, else in a paragraph of a twip."""
        if element.tag == qn("w:p") and element.find(qn("w:pPr") + "/" + qn("w:sectPr")) is None:
            oxml.end_section(element, sect_pr)
            return
        closing = oxml.hairline_paragraph()
        element.addnext(closing)
        oxml.end_section(closing, sect_pr)

    def on_landscape(self, index: int) -> bool:
        start = self.paged.starts.get(index)
        return start is not None and self.paged.pages[start[0] - 1].landscape

    def build(self) -> bytes:
        self.setup()
        index = 0
        body = self.document.element.body
        spans: list[tuple[int, list[etree._Element]]] = []
        for block in self.model.blocks:
            count = len(body)
            used = self.block(index, block)
            spans.append((index, [e for e in list(body)[count - 1 :] if e.tag != qn("w:sectPr")]))
            index += used
        if any(page.landscape for page in self.paged.pages):
            self.landscape_sections(spans)
        self.unnumbered_sections()
        if self.spec_data is not None:
            from docgen.writers.docx.spec_part import attach_spec

            attach_spec(self.document, self.spec_data)
        return _package_bytes(self.document)


_ALIGN = {"left": "left", "center": "center", "right": "right", "justify": "both"}

#: Block type → its writer (one per type: tested).
WRITERS: dict[type, Callable[..., int]] = {
    Text: _DocxBuilder.text,
    Split: _DocxBuilder.split,
    Hanging: _DocxBuilder.hanging,
    Signature: _DocxBuilder.signature,
    Mark: _DocxBuilder.mark,
    Signers: _DocxBuilder.signers,
    Rule: _DocxBuilder.rule,
    Blank: _DocxBuilder.blank,
    Group: _DocxBuilder.group,
    Table: _DocxBuilder.table,
}


#: Punctuation that Unicode leaves to context (General Punctuation): LibreOffice sets it in the script, and so the
#: font, of the character before it; after a digit or a Latin letter that is the Latin font, at Latin width.
_AMBIGUOUS = frozenset("“”‘’—…·")
_AMBIGUOUS_MARK = re.compile("[" + "".join(sorted(_AMBIGUOUS)) + "]")


#: Fonts Windows has for characters outside GB2312/GB18030's BMP set: Ext-B and later hanzi, and emoji.
RARE_FONTS = {"extb": "SimSun-ExtB", "emoji": "Segoe UI Emoji"}


def _kind(ch: str) -> str | None:
    code = ord(ch)
    if 0x20000 <= code <= 0x3FFFF:
        return "extb"
    if ch in WIDE_SYMBOLS:  # ★ in 机密★1年: a Chinese face has it
        return None
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
    chars = set(text)  # most text needs no piece of its own: looked at once per distinct character
    if not any(map(_kind, chars)) and not bidi.has_rtl("".join(chars)):
        if chars.isdisjoint(_AMBIGUOUS):
            return [(text, None)]
        return _pinned_segments(text)
    return _segments_by_character(text)


def _segments_by_character(text: str) -> list[tuple[str, str | None]]:
    """``_segments`` for any non-empty text, character by character."""
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


def _install_styles_once(document: WordDocument, style: StyleProfile) -> None:
    """``install_styles``, or the styles part it made for this profile before (kept with the profile, in
    ``StyleProfile.derived``), parsed anew."""
    part = document.part._styles_part
    made = style.derived.get("docx styles")
    if made is not None:
        part._element = parse_xml(made)
        return
    install_styles(document, style)
    style.derived["docx styles"] = part.blob


def _pinned_segments(text: str) -> list[tuple[str, str | None]]:
    """``_segments`` for text whose only pieces are pinned marks (no Ext-B, emoji or right-to-left text), found
    by visiting the marks alone: a mark is pinned after a half-width character or after a pinned mark."""
    pieces: list[tuple[str, str | None]] = []
    start = 0  # where the piece not yet written starts
    last = -2  # the last pinned mark
    for match in _AMBIGUOUS_MARK.finditer(text):
        i = match.start()
        if i and last == i - 1:  # after a pinned mark: the stretch goes on
            last = i
        elif i and not is_wide(text[i - 1]):  # a new stretch: the one before and the text up to here end
            if last >= 0:
                pieces.append((text[start : last + 1], "pinned"))
                start = last + 1
            pieces.append((text[start:i], None))
            start = last = i
    if last >= 0:
        pieces.append((text[start : last + 1], "pinned"))
        start = last + 1
    if start < len(text):
        pieces.append((text[start:], None))
    return pieces


def _package_bytes(document: WordDocument) -> bytes:
    """The package as python-docx writes it (its parts, rels and content types, in its order), each member with a
    fixed timestamp and attributes so that the same input gives the same bytes, compressed once (python-docx's own
    ``save`` stamps the time, and normalizing its zip afterwards compressed everything twice)."""
    from docx.opc.pkgwriter import CONTENT_TYPES_URI, PACKAGE_URI, _ContentTypesItem

    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:

        def put(name: str, data: bytes) -> None:
            member = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, data)

        put(CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob)
        put(PACKAGE_URI.rels_uri.membername, package.rels.xml)
        for part in parts:
            put(part.partname.membername, part.blob)
            if len(part.rels):
                put(part.partname.rels_uri.membername, part.rels.xml)
    return out.getvalue()


def render_docx(model: DocModel, paged: PagedDocument, style: StyleProfile, spec_data: object = None) -> bytes:
    """Write the document as DOCX bytes; with ``spec_data``, the spec it was built from goes with it (a custom XML
    part, ``docgen/writers/docx/spec_part.py``) for ``docgen import`` to give back."""
    return _DocxBuilder(model, paged, style, spec_data).build()
