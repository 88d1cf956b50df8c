"""Chunks → pages: every line on a grid row of a page, every rule at a row edge, and the decisions the DOCX writer
needs to make Word and LibreOffice lay the document out the same way.

The page is ``lines_per_page`` rows of ``line_pitch``; a line takes ``role.lines`` rows; space takes whole rows.
The rules of placing, each stated once here:
- space between two blocks is the larger of the first's space after and the second's space before (plus any
  ``<blank>`` rows between them);
- space before is dropped at the top of a page that text flowed onto (as Word and LibreOffice do), and kept at the
  start of the document and after an explicit page break;
- a chunk that keeps with the next is moved to a new page with what it keeps with, rather than end a page;
- a group (the 版记) stays on one page; at the bottom, it is pushed down so its last line is the page's last row,
  starting a page of its own (by an explicit break) when it does not fit under the text; a group longer than a page
  starts lower on a new page and ends at the bottom of the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docgen.layout.compose import Chunk, TextLine

__all__ = ["Page", "PagedDocument", "Placed", "RuleMark", "paginate"]


@dataclass(frozen=True)
class RuleMark:
    """A horizontal rule across the type area at a grid row edge (row 3.0 = top of row 3, 0-based); ``block`` is
    the rule block's index."""

    edge: float
    key: str
    block: int


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
    #: For each block index that has lines: (page number, row, rows of space inserted before it) where it starts.
    starts: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    #: Blocks that start a new page by an explicit break the layout chose (the 版记 when it does not fit).
    breaks: set[int] = field(default_factory=set)
    #: For each chunk's block: the rows of space it asked for before it, after collapsing with the space after the
    #: block before it and adding blank rows (the DOCX writer turns this into Word's spacing).
    space: dict[int, int] = field(default_factory=dict)
    #: For each chunk's block: the space after it that it asked for.
    space_after: dict[int, int] = field(default_factory=dict)

    def lines_of(self, block: int) -> list[TextLine]:
        return [p.text for page in self.pages for p in page.lines if p.text.block == block]

    def rules_by_page(self, block: int) -> list[tuple[int, RuleMark]]:
        return [(page.number, rule) for page in self.pages for rule in page.rules if rule.block == block]

    def line_pages(self, block: int) -> list[int]:
        """The page number of each line of a block, in the order of ``lines_of``."""
        return [page.number for page in self.pages for p in page.lines if p.text.block == block]


def _kept_rows(chunks: list[Chunk], start: int) -> int:
    """Rows that must share a page with chunks[start]: it, the chunks kept with it, and the first line after."""
    rows = 0
    for position in range(start, len(chunks)):
        chunk = chunks[position]
        if not chunk.lines:
            continue
        if position > start:
            if chunk.new_page:
                return rows
            rows += chunk.space_before
        if not chunk.keep_next:
            return rows + (chunk.lines[0].rows if chunk.lines else 0)
        rows += sum(line.rows for line in chunk.lines) + chunk.space_after
    return rows


def paginate(chunks: list[Chunk], rows: int) -> PagedDocument:
    """Place every chunk's lines on pages of ``rows`` grid rows."""
    pages = [Page(1)]
    doc = PagedDocument(pages)
    row = 0
    flowed_over = False
    pending_after = 0  # space after the last block, not yet placed: collapsed with the next block's space before
    blank = 0
    last: tuple[Page, int] | None = None  # the page and bottom row edge of the last line placed

    def new_page(*, flowed: bool) -> Page:
        """Start the next page; ``flowed`` when text ran onto it (not an explicit page break)."""
        nonlocal row, flowed_over
        pages.append(Page(pages[-1].number + 1))
        row, flowed_over = 0, flowed
        return pages[-1]

    for position, chunk in enumerate(chunks):
        if chunk.blank:
            blank += chunk.blank
            continue
        if chunk.flow_rule is not None:  # at the bottom edge of the line above it
            rule_page, edge = last if last is not None else (pages[-1], row)
            rule_page.rules.append(RuleMark(float(edge), chunk.flow_rule, chunk.block))
            continue
        index = chunk.block
        need = sum(line.rows for line in chunk.lines) + sum(chunk.gaps.values())
        page = pages[-1]
        requested = max(pending_after, chunk.space_before) + blank
        doc.space[index] = requested
        doc.space_after[index] = chunk.space_after
        blank = 0
        if chunk.new_page and (row > 0 or page.lines):
            page = new_page(flowed=False)
        space = 0 if row == 0 and flowed_over else requested
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
        elif chunk.keep_together and row > 0 and row + space + need > rows and need <= rows:
            page = new_page(flowed=True)
            space = 0
        row += space
        if chunk.lines:
            doc.starts.setdefault(index, (page.number, row, space))
        if broke:
            doc.breaks.add(index)
        edges: dict[int, tuple[Page, int]] = {}
        for i, line in enumerate(chunk.lines):
            row += chunk.gaps.get(i, 0)
            if row + line.rows > rows:
                page = new_page(flowed=True)
            edges[i] = (page, row)
            doc.starts.setdefault(line.block, (page.number, row, 0))
            page.lines.append(Placed(row, line, index))
            row += line.rows
            last = (page, row)
        edges[len(chunk.lines)] = (page, row)
        for at, key, rule_block in chunk.rules:
            rule_page, edge = edges[at]
            rule_page.rules.append(RuleMark(float(edge), key, rule_block))
        pending_after = chunk.space_after
        if row >= rows:
            new_page(flowed=True)
            pending_after = 0
        elif row + pending_after >= rows:  # the space after fills the page: what follows starts the next
            new_page(flowed=True)
            pending_after = 0
    if not pages[-1].lines and len(pages) > 1:
        pages.pop()
    return doc
