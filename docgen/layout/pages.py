"""DocModel → PagedDocument: every line of every block placed on a grid row of a page.

The page is ``lines_per_page`` rows of ``line_pitch``; a text line takes ``role.lines`` rows, space before/after
takes whole rows, so every line sits on the 公文 grid. Both writers read the result: the PDF draws it, the DOCX takes
its title breaks and the blank rows that put the 版记 at the bottom of the last page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docgen.layout.linebreak import Line, Metrics, balance_lines, break_lines, text_width
from docgen.layout.metrics import GridMetrics
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


@dataclass(frozen=True)
class TextLine:
    """One line of text: ``line`` set between ``left`` and ``right`` indents; ``tail`` is a right-aligned second part
    on the same line (印发日期 after 印发机关, the date after the issuer in the masthead)."""

    role: str
    line: Line
    align: str
    left: float = 0.0
    right: float = 0.0
    rows: int = 1
    tail: Line | None = None
    para: int = 0  # which paragraph of its block the line belongs to (附件说明 items, 署名 and 日期 …)


@dataclass(frozen=True)
class RuleMark:
    """A horizontal rule across the type area at a grid row edge (row 3.0 = top of row 3, 0-based)."""

    edge: float
    key: str
    block: int


@dataclass
class Chunk:
    """What one block contributes: lines and the rows around them."""

    block: int
    lines: list[TextLine]
    space_before: int = 0
    space_after: int = 0
    new_page: bool = False
    at_bottom: bool = False  # 版记: pushed down so its last line is the last row of the page
    keep_next: bool = False  # a heading: never the last thing on a page (Word's "keep with next")
    rules: list[tuple[int, str]] = field(default_factory=list)  # (line index edge inside the chunk, rule key)


@dataclass(frozen=True)
class Placed:
    row: int
    text: TextLine
    block: int


@dataclass
class Page:
    number: int
    lines: list[Placed] = field(default_factory=list)
    rules: list[RuleMark] = field(default_factory=list)

    @property
    def rows_used(self) -> int:
        return max((p.row + p.text.rows for p in self.lines), default=0)


@dataclass
class PagedDocument:
    pages: list[Page]
    #: For each block index: the rows it starts at (page number, row) and its space before as laid out.
    starts: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    #: Blocks that start a new page by an explicit break the layout chose (the 版记 when it does not fit).
    breaks: set[int] = field(default_factory=set)

    def lines_of(self, block: int) -> list[TextLine]:
        return [p.text for page in self.pages for p in page.lines if p.block == block]

    def rules_of(self, block: int) -> list[RuleMark]:
        return [rule for page in self.pages for rule in page.rules if rule.block == block]

    def rules_by_page(self, block: int) -> list[tuple[int, RuleMark]]:
        return [(page.number, rule) for page in self.pages for rule in page.rules if rule.block == block]

    def line_pages(self, block: int) -> list[int]:
        """The page number of each line of a block, in the order of ``lines_of``."""
        return [page.number for page in self.pages for p in page.lines if p.block == block]


class _Composer:
    def __init__(self, style: StyleProfile, metrics: Metrics) -> None:
        self.style = style
        self.metrics = metrics
        self.width = style.type_width

    def chars(self, role: str, count: float) -> float:
        """``count`` 字 of the role's size, in points."""
        return count * self.style.role(role).size

    def paragraph(self, runs: list[tuple[str, str]], role: str) -> list[TextLine]:
        r = self.style.role(role)
        left, right = self.chars(role, r.indent_left), self.chars(role, r.indent_right)
        lines = break_lines(runs, self.width - left - right, self.metrics, self.chars(role, r.first_indent))
        return [TextLine(role, line, r.align, left, right) for line in lines]

    def single(
        self, text: str, role: str, align: str | None = None, right: float | None = None, para: int = 0
    ) -> list[TextLine]:
        r = self.style.role(role)
        left = self.chars(role, r.indent_left)
        right = self.chars(role, r.indent_right) if right is None else right
        lines = break_lines([(text, role)], self.width - left - right, self.metrics)
        return [TextLine(role, line, align or r.align, left, right, r.lines, para=para) for line in lines]

    def balanced(self, text: str, role: str) -> list[TextLine]:
        r = self.style.role(role)
        out = []
        for part in balance_lines(text, role, self.width, self.metrics):
            (line,) = break_lines([(part, role)], float("inf"), self.metrics)
            out.append(TextLine(role, line, r.align, rows=r.lines))
        return out

    def split(self, left_text: str, right_text: str, role: str, para: int = 0) -> TextLine:
        r = self.style.role(role)
        (head,) = break_lines([(left_text, role)], float("inf"), self.metrics)
        (tail,) = break_lines([(right_text, role)], float("inf"), self.metrics)
        return TextLine(
            role, head, "left", self.chars(role, r.indent_left), self.chars(role, r.indent_right), r.lines, tail, para
        )

    def hanging(self, prefix: str, label: str, text: str, role: str, hang_from: float, para: int = 0) -> list[TextLine]:
        """Lines whose continuation aligns with the first character of ``text`` (附件说明, 抄送)."""
        label_width = text_width(label, role, self.metrics)
        prefix_width = text_width(prefix, role, self.metrics)
        left = hang_from + prefix_width + label_width
        if prefix:
            start = hang_from
        else:
            start = left - label_width
        r = self.style.role(role)
        right = self.chars(role, r.indent_right)
        lines = break_lines([(prefix + label + text, role)], self.width - left - right, self.metrics, start - left)
        return [TextLine(role, line, "left", left, right, para=para) for line in lines]

    def chunks(self, index: int, block: Block, previous: Block | None) -> list[Chunk]:
        return [c] if isinstance(c := self._chunk(index, block, previous), Chunk) else c

    def _chunk(self, index: int, block: Block, previous: Block | None) -> Chunk | list[Chunk]:
        s = self.style.role
        if isinstance(block, Masthead):
            lines = self.single(block.name, "masthead-name")
            if block.issue:
                lines += self.single(block.issue, "masthead-issue")
            lines.append(self.split(block.issuer, block.date, "masthead-issuer"))
            return Chunk(
                index,
                lines,
                s("masthead-name").space_before,
                s("masthead-issuer").space_after,
                rules=[(len(lines), "masthead")],
            )
        if isinstance(block, Title):
            return Chunk(
                index,
                self.balanced(block.text, "title"),
                s("title").space_before,
                s("title").space_after,
                keep_next=True,
            )
        if isinstance(block, Paragraph):
            return Chunk(index, self.paragraph([(run.text, run.role) for run in block.runs], "body"))
        if isinstance(block, Heading):
            role = f"heading-{block.level}"
            return Chunk(index, self.paragraph([(block.full_text, role)], role), keep_next=True)
        if isinstance(block, AttachmentNote):
            role = "attachment-note"
            first_indent = self.chars(role, s(role).first_indent)
            lines: list[TextLine] = []
            for i, item in enumerate(block.items):
                prefix = "附件：" if i == 0 else ""
                hang_from = first_indent + (0 if i == 0 else text_width("附件：", role, self.metrics))
                lines += self.hanging(prefix, item.label, item.title, role, hang_from, para=i)
            return Chunk(index, lines, s(role).space_before, s(role).space_after)
        if isinstance(block, AnnexStart):
            return [
                Chunk(
                    index,
                    self.single(block.label, "annex-label"),
                    new_page=True,
                    space_after=s("annex-label").space_after,
                ),
                Chunk(
                    index,
                    self.balanced(block.title, "annex-title"),
                    s("annex-title").space_before,
                    s("annex-title").space_after,
                ),
            ]
        if isinstance(block, SpeechHeading):
            if block.title:
                lines = self.single(block.title, "speech-title") + self.single(block.unit, "speech-unit")
            else:
                lines = self.single(block.unit, "speech-title")
            space = 0 if isinstance(previous, AnnexStart) else s("speech-title").space_before
            return Chunk(index, lines, space, s("speech-unit").space_after, keep_next=True)
        if isinstance(block, Signature):
            name_right, date_right = self.signature_indents(block)
            lines = self.single(block.issuer, "signature", right=name_right)
            if block.date:
                lines += self.single(block.date, "signature", right=date_right, para=1)
            return Chunk(index, lines, s("signature").space_before, s("signature").space_after)
        if isinstance(block, Distribution):
            role = "distribution"
            lines = []
            rules: list[tuple[int, str]] = [(0, "distribution-thick")]
            if block.cc:
                lines += self.hanging("抄送：", "", "，".join(block.cc) + "。", role, self.chars(role, 1))
            if block.printed_by or block.printed_on:
                if lines:
                    rules.append((len(lines), "distribution-thin"))
                lines.append(self.split(block.printed_by, block.printed_on, role, para=1))
            rules.append((len(lines), "distribution-thick"))
            return Chunk(index, lines, at_bottom=True, rules=rules)
        raise TypeError(f"no layout for {type(block).__name__}")  # pragma: no cover

    def signature_indents(self, block: Signature) -> tuple[float, float]:
        """§7.3.5.2: issuer 右空二字; the date starts two characters right of the issuer's first character, and is
        itself at least 二字 from the right edge (the issuer moves left when the date is longer)."""
        role = "signature"
        two = self.chars(role, self.style.role(role).indent_right)
        name = text_width(block.issuer, role, self.metrics)
        date = text_width(block.date, role, self.metrics)
        shift = self.chars(role, 2)
        name_right = max(two, two + date + shift - name)
        date_right = name_right + name - shift - date
        return name_right, date_right


def _kept_rows(chunks: list[Chunk], start: int) -> int:
    """Rows that must share a page with chunks[start]: it, the headings kept with it, and the first line after."""
    rows = 0
    for position in range(start, len(chunks)):
        chunk = chunks[position]
        if position > start:
            if chunk.new_page:
                return rows
            rows += chunk.space_before
        if not chunk.keep_next:
            return rows + (chunk.lines[0].rows if chunk.lines else 0)
        rows += sum(line.rows for line in chunk.lines) + chunk.space_after
    return rows


def layout_document(model: DocModel, style: StyleProfile, metrics: Metrics | None = None) -> PagedDocument:
    """Place every line of the model on pages of ``style.lines_per_page`` rows."""
    composer = _Composer(style, metrics or GridMetrics(style))
    rows = style.lines_per_page
    pages = [Page(1)]
    doc = PagedDocument(pages)
    row = 0
    flowed_over = False
    chunks = []
    previous: Block | None = None
    for index, block in enumerate(model.blocks):
        chunks += composer.chunks(index, block, previous)
        previous = block

    def new_page(*, flowed: bool) -> Page:
        """Start the next page; ``flowed`` when text ran onto it (not an explicit page break)."""
        nonlocal row, flowed_over
        pages.append(Page(pages[-1].number + 1))
        row, flowed_over = 0, flowed
        return pages[-1]

    for position, chunk in enumerate(chunks):
        index = chunk.block
        need = sum(line.rows for line in chunk.lines)
        page = pages[-1]
        if chunk.new_page and (row > 0 or page.lines):
            page = new_page(flowed=False)
        # Word and LibreOffice drop space before at the top of a page that text flowed onto, and keep it at the
        # start of the document and after an explicit page break.
        space = 0 if row == 0 and flowed_over else chunk.space_before
        if chunk.keep_next and row > 0 and row + space + _kept_rows(chunks, position) > rows:
            page = new_page(flowed=True)
            space = 0
        broke = False
        if chunk.at_bottom:
            if row + space + need > rows:  # not under the text: a page of its own, by an explicit break
                if row > 0 or page.lines:
                    page = new_page(flowed=False)
                    broke = True
            # Pushed down so that its last line is the last row of a page (of the last one it reaches, when it
            # is longer than a page: 80 units of 抄送 start lower on a new page and end at the bottom of the next).
            space = (rows - (row + need) % rows) % rows
        row += space
        doc.starts.setdefault(index, (page.number, row, space))
        if broke:
            doc.breaks.add(index)
        edges: dict[int, tuple[Page, int]] = {}
        for i, line in enumerate(chunk.lines):
            if row + line.rows > rows:
                page = new_page(flowed=True)
            edges[i] = (page, row)
            page.lines.append(Placed(row, line, index))
            row += line.rows
        edges[len(chunk.lines)] = (page, row)
        for at, key in chunk.rules:
            rule_page, edge = edges[at]
            rule_page.rules.append(RuleMark(float(edge), key, index))
        row = min(row + chunk.space_after, rows)
        if row >= rows:
            new_page(flowed=True)
    if not pages[-1].lines and len(pages) > 1:
        pages.pop()
    return doc
