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
  starts lower on a new page and ends at the bottom of the next; one that must be on an even page (double-sided
  printing) moves to the next page when under text on an odd page, and when it would have an odd page to itself, a
  blank page goes before it, and neither the blank page nor its own carries a page number (§7.5).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from docgen.layout.compose import Chunk, TextLine

__all__ = ["Border", "Geometry", "Page", "PagedDocument", "Placed", "PlacedImage", "RuleMark", "TablePlan", "paginate"]


@dataclass(frozen=True)
class RuleMark:
    """A horizontal rule at a grid row edge (row 3.0 = top of row 3, 0-based), or — a rule placed below the text
    above it — at ``y`` pt from the page's top edge; ``block`` is the rule block's index; ``anchor`` the block of
    the line it is placed against (the DOCX anchors it there) and ``below``: whether it lies below that line."""

    edge: float
    key: str
    block: int
    y: float | None = None
    anchor: int | None = None
    below: bool = True
    #: fixed on its page (under a placed 标志, or a distance from the paper's bottom): not moving with any text
    absolute: bool = False


@dataclass(frozen=True)
class Placed:
    row: int
    text: TextLine
    block: int
    #: the baseline, pt from the page's top edge, of a line placed off the grid (a 标志)
    y: float | None = None


@dataclass(frozen=True)
class PlacedImage:
    """An image on a page: top-left corner (pt from the type area's left edge and the page's top edge), size."""

    path: str
    x: float
    y: float
    width: float
    height: float
    block: int
    behind: bool = True
    key: str = ""


@dataclass(frozen=True)
class Border:
    """A straight table border: from (x0, y0) to (x1, y1), x pt from the type area's left edge, y pt from the page's
    top edge."""

    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    block: int


@dataclass
class TablePlan:
    """Where a table's rows went, for the DOCX (which lets Word and LibreOffice break it the same way): each row's
    grid rows, and the rows that end a page (written a border's width shorter, so that 22 rows fit a page)."""

    layout: object
    page_ends: set[int] = field(default_factory=set)


@dataclass
class Page:
    number: int
    lines: list[Placed] = field(default_factory=list)
    rules: list[RuleMark] = field(default_factory=list)
    images: list[PlacedImage] = field(default_factory=list)
    borders: list[Border] = field(default_factory=list)
    #: whether the page shows its number (the blank page and the 版记 page of a double-sided document do not)
    numbered: bool = True
    #: a landscape page (GB/T 9704 §8, a wide table): the sheet turned, its binding edge at the page's top
    landscape: bool = False

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
    #: Blocks whose last lines the layout moved to the next page with what follows (a signature takes one along).
    moved: dict[int, int] = field(default_factory=dict)
    #: For a placed block (a 标志): rows of the flow it covers, which the DOCX turns into space before what follows.
    covered: dict[int, int] = field(default_factory=dict)
    #: Blank pages the layout put before a block (the 版记 of a double-sided document, on an even page).
    blank_before: dict[int, int] = field(default_factory=dict)
    #: What the layout had to do that the author should know (a 标志 condensed to fit), in Chinese.
    notes: list[str] = field(default_factory=list)
    #: The first page shows no body text (GB/T 9704 §7.3.2: move the 主送 to the 版记 then).
    first_page_without_body: bool = False
    #: For each table block: how its rows were placed.
    tables: dict[int, TablePlan] = field(default_factory=dict)

    #: block → its placed lines with their page numbers, and its rules: made once, when a writer first asks (the
    #: pages are final by then), so that asking for every block is linear in the document, not quadratic
    _lines_index: dict[int, list[tuple[int, Placed]]] | None = field(default=None, repr=False, compare=False)
    _rules_index: dict[int, list[tuple[int, RuleMark]]] | None = field(default=None, repr=False, compare=False)

    def placed_of(self, block: int) -> list[tuple[int, Placed]]:
        """A block's placed lines, with the number of the page each is on, in page order."""
        if self._lines_index is None:
            index: dict[int, list[tuple[int, Placed]]] = {}
            for page in self.pages:
                for placed in page.lines:
                    index.setdefault(placed.text.block, []).append((page.number, placed))
            self._lines_index = index
        return self._lines_index.get(block, [])

    def lines_of(self, block: int) -> list[TextLine]:
        return [placed.text for _, placed in self.placed_of(block)]

    def rules_by_page(self, block: int) -> list[tuple[int, RuleMark]]:
        if self._rules_index is None:
            index: dict[int, list[tuple[int, RuleMark]]] = {}
            for page in self.pages:
                for rule in page.rules:
                    index.setdefault(rule.block, []).append((page.number, rule))
            self._rules_index = index
        return self._rules_index.get(block, [])

    def line_pages(self, block: int) -> list[int]:
        """The page number of each line of a block, in the order of ``lines_of``."""
        return [number for number, _ in self.placed_of(block)]


def _kept_rows(chunks: list[Chunk], start: int) -> int:
    """Rows that must share a page with chunks[start]: it, the chunks kept with it, and the first line after."""
    rows = 0
    for position in range(start, len(chunks)):
        chunk = chunks[position]
        if chunk.table is not None and position > start:  # a table: its header rows and first rows come along
            t = chunk.table
            first = t.units[0] if t.units else (t.header, len(t.heights))
            return rows + chunk.space_before + sum(t.heights[: t.header]) + sum(t.heights[first[0] : first[1]])
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


@dataclass(frozen=True)
class Geometry:
    """What pagination needs of the style: rows per page, their pitch, where the type area starts, and the share
    of the em above the baseline (to find a line's baseline and its em box in its rows)."""

    rows: int
    pitch: float
    margin_top: float
    em_ascent: float
    rules: dict[str, object]
    #: where Word and LibreOffice put the baseline of a line of fixed height: this share of it above its bottom
    exact_baseline: float = 0.2
    page_height: float = 841.89
    #: the same on a landscape page (§8): the type area turned, its top the portrait page's left margin, as many
    #: rows of the same pitch as its 156 mm hold
    turned_rows: int = 15
    turned_top: float = 79.37
    page_width: float = 595.28

    @classmethod
    def of(cls, style: object) -> Geometry:
        pitch = style.line_pitch  # type: ignore[attr-defined]
        turned_rows = int(style.type_width / pitch + 1e-6)  # type: ignore[attr-defined]
        return cls(
            style.lines_per_page,  # type: ignore[attr-defined]
            pitch,
            style.margin_top,  # type: ignore[attr-defined]
            style.metrics["em_ascent"],  # type: ignore[attr-defined]
            style.rules,  # type: ignore[attr-defined]
            style.metrics["exact_line_baseline"],  # type: ignore[attr-defined]
            style.page_height,  # type: ignore[attr-defined]
            turned_rows,
            # LibreOffice centres the grid's rows in a type area they do not fill (1.3 mm above and below)
            style.margin_left + (style.type_width - turned_rows * pitch) / 2,  # type: ignore[attr-defined]
            style.page_width,  # type: ignore[attr-defined]
        )

    def turned(self) -> Geometry:
        """The geometry of a landscape page."""
        return replace(self, rows=self.turned_rows, margin_top=self.turned_top, page_height=self.page_width)

    def baseline(self, row: int, line: TextLine) -> float:
        """A grid line's baseline, from the page's top edge."""
        return self.margin_top + row * self.pitch + self.baseline_in_rows(line)

    def baseline_in_rows(self, line: TextLine) -> float:
        """A line's baseline below the top of its first row: a snapped line has its em box centred in its rows; a
        line of fixed height has it ``exact_baseline`` of the height above its bottom."""
        height = line.rows * self.pitch
        if line.exact:
            return height * (1 - self.exact_baseline)
        return (height - line.size) / 2 + self.em_ascent * line.size


def _place_table(chunk: Chunk, doc: PagedDocument, geometry: Geometry, page: Page, row: int, new_page, place):  # type: ignore[no-untyped-def]
    """A table's rows from ``row`` on, each unit of rows (rows a cell spans stay together) on one page, the header
    rows first on every page; the cells' lines at their grid rows, a border's width lower (the border above them
    takes that much of the row in LibreOffice); the borders. Returns the page and row after the table."""
    from docgen.layout.tables import BORDER

    t = chunk.table
    index = chunk.block
    plan = doc.tables.setdefault(index, TablePlan(t))
    header = list(range(t.header))
    header_rows = sum(t.heights[r] for r in header)
    on_page: list[tuple[int, int]] = []  # (table row, grid row) on the current page

    def draw_borders(page: Page, placed: list[tuple[int, int]]) -> None:
        if not placed:
            return
        left, right = t.edges[0], t.edges[-1]
        top_of = {r: geometry.margin_top + at * geometry.pitch for r, at in placed}
        bottom = top_of[placed[-1][0]] + t.heights[placed[-1][0]] * geometry.pitch
        half = BORDER / 2
        drawn: set[tuple[float, float]] = set()
        top = top_of[placed[0][0]] + half
        page.borders.append(Border(left, top, right, top, BORDER, index))
        page.borders.append(Border(left, bottom - half, right, bottom - half, BORDER, index))
        for r, _ in placed:
            row_bottom = top_of[r] + t.heights[r] * geometry.pitch
            for cell in t.cells[r]:
                last = r + cell.rowspan - 1
                cell_bottom = row_bottom
                for rr, _ in placed:
                    if r < rr <= last:
                        cell_bottom = top_of[rr] + t.heights[rr] * geometry.pitch
                x0, x1 = t.edges[cell.column], t.edges[cell.column + cell.span]
                for x in (x0, x1):
                    if (x, top_of[r]) not in drawn:  # the edge two neighbouring cells share, once
                        drawn.add((x, top_of[r]))
                        page.borders.append(Border(x, top_of[r], x, cell_bottom, BORDER, index))
                if cell_bottom < bottom - 0.01:  # the border under the cell (the last row's is the table's)
                    page.borders.append(Border(x0, cell_bottom + half, x1, cell_bottom + half, BORDER, index))

    def put(page: Page, r: int, at: int) -> None:
        on_page.append((r, at))
        for cell in t.cells[r]:
            offset = 0
            for line in cell.lines:
                y = geometry.baseline(at + offset, line) + BORDER
                place(page, at + offset, line, index, y)
                offset += line.rows

    def page_break() -> tuple[Page, int]:
        draw_borders(page, on_page)
        if on_page:
            plan.page_ends.add(on_page[-1][0])
        on_page.clear()
        fresh = new_page(flowed=True)
        at = 0
        for r in header:
            put(fresh, r, at)
            at += t.heights[r]
        return fresh, at

    units = t.units or [(t.header, len(t.heights))]
    first_unit = sum(t.heights[r] for r in range(*units[0])) if units else 0
    if row > 0 and row + header_rows + first_unit > geometry.rows:  # the header stays with the first row
        draw_borders(page, on_page)
        page = new_page(flowed=True)
        row = 0
    for r in header:
        put(page, r, row)
        row += t.heights[r]
    for start, end in units:
        need = sum(t.heights[r] for r in range(start, end))
        if row + need > geometry.rows and on_page and any(r >= t.header for r, _ in on_page):
            page, row = page_break()
        for r in range(start, end):
            put(page, r, row)
            row += t.heights[r]
    draw_borders(page, on_page)
    plan.page_ends.add(len(t.heights) - 1)
    return page, row


def _thickness_below(rule: object) -> float:
    """How far a rule's ink reaches below the centre of its first stroke (both strokes of a double line)."""
    width = getattr(rule, "width", 0.0)
    second = getattr(rule, "second_width", None)
    return width / 2 + (getattr(rule, "gap", 0.0) + second if second is not None else 0.0)


def paginate(chunks: list[Chunk], geometry: Geometry) -> PagedDocument:
    """Place every chunk's lines on pages of ``geometry.rows`` grid rows."""
    rows = geometry.rows
    pages = [Page(1)]
    doc = PagedDocument(pages)
    row = 0
    flowed_over = False
    pending_after = 0  # space after the last block, not yet placed: collapsed with the next block's space before
    blank = 0
    last: Placed | None = None  # the last line placed
    last_page: Page | None = None
    rule_bottom = 0.0  # the lower edge of the last rule placed at a height (what a placed line may be measured from)

    portrait = geometry
    landscape = False  # placing on landscape pages (a wide table and its title)

    def new_page(*, flowed: bool) -> Page:
        """Start the next page; ``flowed`` when text ran onto it (not an explicit page break)."""
        nonlocal row, flowed_over
        pages.append(Page(pages[-1].number + 1, landscape=landscape))
        row, flowed_over = 0, flowed
        return pages[-1]

    def place(page: Page, at: int, line: TextLine, index: int, y: float | None = None) -> Placed:
        nonlocal last, last_page
        placed = Placed(at, line, index, y)
        page.lines.append(placed)
        last, last_page = placed, page
        return placed

    for position, chunk in enumerate(chunks):
        if chunk.blank:
            blank += chunk.blank
            continue
        if chunk.flow_rule is not None:
            rule = geometry.rules[chunk.flow_rule]
            below = getattr(rule, "below", None)
            rule_page = last_page if last_page is not None else pages[-1]
            anchor = last.text.block if last is not None else None
            from_bottom = getattr(rule, "from_bottom", None)
            if from_bottom is not None:  # fixed on the page, a distance above the paper's bottom edge
                y = geometry.page_height - from_bottom
                edge = (y - geometry.margin_top) / geometry.pitch
                rule_page.rules.append(RuleMark(edge, chunk.flow_rule, chunk.block, y, anchor, absolute=True))
                rule_bottom = y + _thickness_below(rule)
                continue
            if below is not None and last is not None:  # below the text above it, by a distance: in the row it falls in
                baseline = last.y if last.y is not None else geometry.baseline(last.row, last.text)
                y = baseline + (1 - geometry.em_ascent) * last.text.size + below
                edge = (y - geometry.margin_top) / geometry.pitch
                placed_above = last.y is not None  # under a placed line (a 标志): as fixed as that line
                rule_page.rules.append(RuleMark(edge, chunk.flow_rule, chunk.block, y, anchor, absolute=placed_above))
                rule_bottom = y + _thickness_below(rule)
                # The flow resumes on the first row wholly below the rule, then leaves the rule's space after:
                # rows the next block's space before counts (the DOCX says it as that block's spacing).
                blank += max(0, int(edge) + 1 - row)
                pending_after = getattr(rule, "space_after", 0)
            else:  # at the bottom edge of the line above it
                edge = last.row + last.text.rows if last is not None and last.y is None else row
                rule_page.rules.append(RuleMark(float(edge), chunk.flow_rule, chunk.block, None, anchor))
                pending_after = max(pending_after, getattr(rule, "space_after", 0))
            continue
        if chunk.landscape != landscape:  # onto landscape pages and back: always a new page (a DOCX section)
            landscape = chunk.landscape
            if row > 0 or pages[-1].lines or pages[-1].images:
                new_page(flowed=False)
            pages[-1].landscape = landscape
            geometry = portrait.turned() if landscape else portrait
            rows = geometry.rows
            pending_after = blank = 0
        index = chunk.block
        need = sum(line.rows for line in chunk.lines if not line.shares_row) + sum(chunk.gaps.values())
        page = pages[-1]
        requested = max(pending_after, chunk.space_before) + blank
        doc.space[index] = requested
        doc.space_after[index] = chunk.space_after
        blank = 0
        if chunk.place is not None:  # off the grid, at its stated height; the flow resumes under it
            top, measured_from, ink = chunk.place
            first = chunk.lines[0]
            origin = {"type-area": geometry.margin_top, "paper": 0.0, "rule": rule_bottom}[measured_from]
            baseline = origin + top + ink * first.size
            lowest = max(chunk.lines, key=lambda line: line.offset)
            for line in chunk.lines:
                y = baseline + line.offset
                place(page, max(0, int((y - geometry.margin_top) // geometry.pitch)), line, index, y)
            bottom = baseline + lowest.offset + (1 - geometry.em_ascent) * lowest.size
            resume = max(row, -int(-(bottom - geometry.margin_top) // geometry.pitch))
            doc.covered[index] = resume - row
            doc.starts.setdefault(index, (page.number, row, 0))
            row = resume
            pending_after = chunk.space_after
            continue
        if chunk.new_page and (row > 0 or page.lines):
            page = new_page(flowed=False)
        space = 0 if row == 0 and flowed_over else requested
        if chunk.table is not None:
            row = max(0, min(row + space, rows))
            page, row = _place_table(chunk, doc, geometry, page, row, new_page, place)
            doc.starts.setdefault(index, (page.number, row, space))
            pending_after = chunk.space_after
            if row >= rows:
                new_page(flowed=True)
                pending_after = 0
            continue
        if chunk.keep_next and row > 0 and row + space + _kept_rows(chunks, position) > rows:
            page = new_page(flowed=True)
            space = 0
        if chunk.keep_previous and row > 0 and row + space + need > rows and need <= rows:
            # It does not fit under the text: the last lines of the text come along to the next page.
            taken = [p for p in page.lines if p.y is None][-chunk.keep_previous :]
            for placed in taken:
                page.lines.remove(placed)
            page = new_page(flowed=True)
            for placed in taken:
                place(page, row, placed.text, placed.block)
                doc.moved[placed.text.block] = doc.moved.get(placed.text.block, 0) + 1
                row += placed.text.rows
        broke = False
        if chunk.at_bottom:
            if row + space + need > rows:  # not under the text: a page of its own, by an explicit break
                if row > 0 or page.lines:
                    page = new_page(flowed=False)
                    broke = True
            if row == 0 and flowed_over and not page.lines:
                # the text filled the page before: a page of its own all the same, by an explicit break, since
                # Word and LibreOffice drop the space before (which pushes it down) at the top of a flowed page
                broke = True
            if chunk.even_page and page.number % 2 == 1:
                if row > 0 or page.lines:  # under text on an odd page: to the even page after it
                    page = new_page(flowed=False)
                else:  # an odd page to itself: that page stays blank; neither it nor the 版记's carries a number
                    page.numbered = False
                    page = new_page(flowed=False)
                    page.numbered = False
                    doc.blank_before[index] = 1
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
        placed_lines: list[tuple[Page, Placed]] = []
        for i, line in enumerate(chunk.lines):
            if line.shares_row and last is not None and last_page is page:
                row -= last.text.rows  # beside the line before it, on its row
            row += chunk.gaps.get(i, 0)
            if row + line.rows > rows:
                page = new_page(flowed=True)
            edges[i] = (page, row)
            doc.starts.setdefault(line.block, (page.number, row, 0))
            placed_lines.append((page, place(page, row, line, index)))
            row += line.rows
        edges[len(chunk.lines)] = (page, row)
        for at, key, rule_block in chunk.rules:
            rule_page, edge = edges[at]
            rule_page.rules.append(RuleMark(float(edge), key, rule_block))
        for image in chunk.images:
            image_page, placed = placed_lines[image.line]
            top = geometry.margin_top + placed.row * geometry.pitch + image.dy
            image_page.images.append(
                PlacedImage(image.path, image.x, top, image.width, image.height, index, image.behind, image.key)
            )
        pending_after = chunk.space_after
        if row >= rows:
            new_page(flowed=True)
            pending_after = 0
        elif row + pending_after >= rows:  # the space after fills the page: what follows starts the next
            new_page(flowed=True)
            pending_after = 0
    if not pages[-1].lines and len(pages) > 1 and not pages[-1].images:
        pages.pop()
    return doc
