"""Tables on the grid: column edges, the lines of every cell, and the grid rows each table row takes.

The geometry is LibreOffice's for the DOCX table docgen writes (docs/libreoffice-tables.md): a fixed-layout table as
wide as the type area, centred, single 0.5 pt borders, cell margins 0/108/0/108 twips, every row an exact whole
number of grid rows (so nothing after the table leaves the grid), header rows repeated on each page. Column edges
are LibreOffice's rounded ones (it keeps them as 1/10000 of the table's width): a box one twip narrower than written
would lose a character at a line's end. A cell's text starts 2 twips into its box.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from docgen.layout.compose import Chunk, Composer, TextLine
from docgen.layout.linebreak import break_lines
from docgen.model.blocks import Table
from docgen.units import twips

__all__ = ["BORDER", "CELL_MARGIN", "TableLayout", "compose_table", "edges_twips"]

#: single borders of sz 4: 0.5 pt
BORDER = 0.5
#: left and right cell margins (twips), Word's default
CELL_MARGIN = 108
#: where a cell's text starts inside its box (twips)
TEXT_INSET = 2


@dataclass(frozen=True)
class CellLines:
    row: int
    column: int
    span: int
    rowspan: int
    lines: tuple[TextLine, ...]


@dataclass
class TableLayout:
    """What the layout decided about a table; ``heights`` in grid rows per table row."""

    edges: tuple[float, ...]  # column edges in pt from the type area's left edge (len = columns + 1)
    edges_twips: tuple[int, ...]
    widths_twips: tuple[int, ...]  # the column widths as written (w:gridCol); LibreOffice rounds their edges
    heights: list[int]
    header: int  # how many leading rows are header rows
    cells: list[list[CellLines]]
    #: ranges of rows (start, end exclusive) joined by a cell spanning them: kept on one page
    units: list[tuple[int, int]] = field(default_factory=list)


def edges_twips(widths: list[int]) -> tuple[int, ...]:
    """Column edges as LibreOffice keeps them: each as 1/10000 of the table's width, rounded half up, then back
    to twips, rounded down."""
    total = sum(widths)
    edges, running = [0], 0
    for width in widths:
        running += width
        share = (Decimal(running) * 10000 / Decimal(total)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        edges.append(math.floor(share * total / 10000))
    return tuple(edges)


def _column_widths(c: Composer, block: Table) -> list[int]:
    """Column widths in twips filling the type area as the DOCX states it (the page less its margins, each in
    whole twips: 8845): given ones (字 of the cell role, or pt), the rest shared."""
    s = c.style
    if block.landscape:  # the turned type area: the page's height less its top and bottom margins
        total = twips(s.page_height) - twips(s.margin_top) - twips(s.margin_bottom)
    else:
        total = twips(s.page_width) - twips(s.margin_left) - twips(s.margin_right)
    size = c.role(block.role).size
    given = [twips(float(w[:-2]) if w.endswith("pt") else float(w) * size) if w else None for w in block.widths]
    fixed = sum(w for w in given if w is not None)
    free = [i for i, w in enumerate(given) if w is None]
    if free and fixed < total:
        share = (total - fixed) // len(free)
        for i in free:
            given[i] = share
        given[free[-1]] = total - fixed - share * (len(free) - 1)  # type: ignore[operator]
    elif free:  # the given columns fill the width already: the others get one character each
        for i in free:
            given[i] = twips(size)
    widths = [w or 1 for w in given]
    scale = total / sum(widths)
    scaled = [max(1, int(w * scale)) for w in widths]
    scaled[-1] += total - sum(scaled)
    return scaled


def compose_table(c: Composer, index: int, block: Table) -> tuple[Chunk, int]:
    """The chunk of a table: no lines of its own in the flow; its cells' lines and rows in ``chunk.table``."""
    widths = _column_widths(c, block)
    edges_tw = edges_twips(widths)
    edges = tuple(e / 20 for e in edges_tw)
    margin = max(CELL_MARGIN / 20, BORDER / 2)
    pitch_rows = 1
    occupied: dict[tuple[int, int], bool] = {}
    cells: list[list[CellLines]] = []
    heights: list[int] = []
    header = 0
    spans: list[tuple[int, int, int]] = []  # (first row, last row, lines needed) of cells over several rows
    for r, row in enumerate(block.rows):
        if row.header and r == header:
            header += 1
        role = block.header_role if row.header else block.role
        column = 0
        placed: list[CellLines] = []
        for cell in row.cells:
            while occupied.get((r, column)):
                column += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.span):
                    occupied[(r + dr, column + dc)] = True
            left = edges[column] + margin + TEXT_INSET / 20
            right_edge = edges[column + cell.span] - margin
            box = right_edge - edges[column] - margin
            align = cell.align or ("center" if row.header else block.aligns[column])
            broken = break_lines([(cell.text, role)], box, c.metrics) if cell.text else []
            lines = tuple(
                c.text_line(role, line, align, left - TEXT_INSET / 20, c.width - right_edge, block=index, para=r)
                for line in broken
            )
            placed.append(CellLines(r, column, cell.span, cell.rowspan, lines))
            needed = sum(line.rows for line in lines) or pitch_rows
            if cell.rowspan > 1:
                spans.append((r, r + cell.rowspan - 1, needed))
            column += cell.span
        cells.append(placed)
        single = [sum(line.rows for line in cl.lines) or 1 for cl in placed if cl.rowspan == 1]
        heights.append(max(single, default=1))
    for first, last, needed in spans:  # a cell over several rows: the last of them grows to hold its lines
        short = needed - sum(heights[first : last + 1])
        if short > 0:
            heights[last] += short
    units: list[tuple[int, int]] = []
    start = header
    reach = header
    for r in range(header, len(block.rows)):
        reach = max([reach, *(last + 1 for first, last, _ in spans if first == r)], default=r + 1)
        reach = max(reach, r + 1)
        if r + 1 >= reach:
            units.append((start, r + 1))
            start = r + 1
    layout = TableLayout(edges, edges_tw, tuple(widths), heights, header, cells, units)
    r = c.role(block.role)
    return Chunk(index, [], r.space_before, r.space_after, table=layout), 1
