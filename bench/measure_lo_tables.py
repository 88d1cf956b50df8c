"""Measure how LibreOffice 7.4 lays out tables (w:tbl) in DOCX files like docgen's: where rows start, how tall they
are, where every cell line's baseline is, how borders, cell margins, w:trHeight and w:vAlign change that, where the
text of a cell starts and how wide it may run, how a table breaks over pages (w:tblHeader, w:cantSplit), merged
cells (w:gridSpan, w:vMerge) and landscape sections. Each experiment writes small DOCX files (python-docx's default
package + raw OOXML; A4, margins 37/35/28/26 mm, ``w:docGrid w:type="lines" w:linePitch="579"``, the fonts by
docgen's names), converts them with ``soffice --headless --convert-to pdf`` and the fontconfig file docgen writes,
reads the PDF with pdfplumber and prints Markdown tables that compare every measurement with the formulas of
docs/libreoffice-tables.md.

    python bench/measure_lo_tables.py                 # every experiment (about 30 s)
    python bench/measure_lo_tables.py rows pages      # some of them (names: see --help)
    python bench/measure_lo_tables.py --keep DIR      # keep the DOCX and PDF files in DIR

Needs LibreOffice, pdfplumber, fontTools, python-docx and docgen importable (for its fontconfig file). Not a test:
nothing here asserts; the tables say how far each formula is off.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import docx
import pdfplumber
from lxml import etree

# isort: split
# bench/lo_lab.py, found as this script's folder is on sys.path
import lo_lab
from lo_lab import (
    PITCH,
    PORTRAIT,
    W_NS,
    Page,
    baseline,
    blank_document,
    exact_ascent,
    grid_line,
    lines_of,
    md_table,
    save_docx,
    summary,
)

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The faces as docgen names them in its DOCX; docgen's fontconfig file maps them to this machine's files.
FANGSONG, HEITI, LATIN = "仿宋_GB2312", "黑体", "Times New Roman"
EMU_PER_PT = 12700

NAMESPACES = f'xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'

# Labels: every row (or cell line) starts with its own character, so that its baseline can be found in the PDF.
LABELS = (
    "天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳云腾致雨露结为霜金生丽水玉出昆冈剑号巨阙珠称夜光"
    "果珍李柰菜重芥姜海咸河淡鳞潜羽翔龙师火帝鸟官人皇始制文字乃服衣裳推位让"
)
FILL = "国"  # filler (never a label)
BEFORE, AFTER, GAP = "前", "后", "间"  # the paragraphs around a table
assert len(set(LABELS)) == len(LABELS) and not set(LABELS) & set(FILL + BEFORE + AFTER + GAP)


# ---------------------------------------------------------------------------------------------------------------
# Pages and fonts


# GB/T 9704: a landscape table page has its head (the page's top) on the binding side of an odd page, i.e. on the
# sheet's left edge: the portrait margins turned a quarter clockwise (top ← left 28 mm, right ← top 37 mm,
# bottom ← right 26 mm, left ← bottom 35 mm).
LANDSCAPE = Page(width=16838, height=11906, top=1587, right=2098, bottom=1474, left=1984, landscape=True)


def docgen_fontconfig(folder: Path) -> Path:
    """The fontconfig file docgen writes for LibreOffice (its faces by docgen's names), in ``folder``."""
    from docgen.fonts import resolve_fonts
    from docgen.fonts.fontconfig import fontconfig_file
    from docgen.style import load_profile

    style = load_profile()
    config = folder / "docgen-fonts.conf"
    config.write_text(fontconfig_file(style, resolve_fonts(style)), encoding="utf-8")
    return config


class Fonts(lo_lab.Fonts):
    """The files docgen's fontconfig file gives LibreOffice for docgen's face names, and their metrics."""

    def offset(self, size: float, *families: str) -> float:
        """Baseline below the top of a one-row snapped line, twips."""
        return grid_line([(self.vmetrics(f), size) for f in families or (FANGSONG,)])[0]


# ---------------------------------------------------------------------------------------------------------------
# DOCX building (raw OOXML)


def tracking_for(size: float) -> int:
    """docgen's letter spacing: −5 twips at 16 pt (28 characters a line), none at other sizes."""
    return -5 if size == 16 else 0


def run(text: str, size: float = 16, *, ea: str = FANGSONG, tracking: int | None = None) -> str:
    spacing = tracking_for(size) if tracking is None else tracking
    rpr = f'<w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:cs="{LATIN}" w:eastAsia="{ea}"/>'
    rpr += f'<w:spacing w:val="{spacing}"/>' if spacing else ""
    rpr += f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>'
    return f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


def para(
    content: str = "",
    *,
    snap: int | None = None,
    line: int = PITCH,
    before: int = 0,
    after: int = 0,
    page_break: bool = False,
    jc: str | None = None,
    hidden_mark: bool = False,
    sect: str = "",
) -> str:
    """A paragraph like docgen's: exact line (ignored on the grid unless snap=0), widow control off."""
    ppr = "<w:pageBreakBefore/>" if page_break else ""
    ppr += '<w:widowControl w:val="0"/>'
    ppr += f'<w:snapToGrid w:val="{snap}"/>' if snap is not None else ""
    ppr += f'<w:spacing w:before="{before}" w:after="{after}" w:line="{line}" w:lineRule="exact"/>'
    ppr += f'<w:jc w:val="{jc}"/>' if jc else ""
    ppr += "<w:rPr><w:vanish/></w:rPr>" if hidden_mark else ""
    ppr += f"<w:sectPr>{sect}</w:sectPr>" if sect else ""
    return f"<w:p><w:pPr>{ppr}</w:pPr>{content}</w:p>"


@dataclass(frozen=True)
class Borders:
    """Table borders in eighths of a point (w:sz; 0 = nil), single lines."""

    top: int = 4
    bottom: int = 4
    inside_h: int = 4
    left: int = 4
    right: int = 4
    inside_v: int = 4

    def xml(self) -> str:
        sides = [
            ("top", self.top),
            ("left", self.left),
            ("bottom", self.bottom),
            ("right", self.right),
            ("insideH", self.inside_h),
            ("insideV", self.inside_v),
        ]
        inner = "".join(
            f'<w:{s} w:val="single" w:sz="{z}" w:space="0" w:color="000000"/>' if z else f'<w:{s} w:val="nil"/>'
            for s, z in sides
        )
        return f"<w:tblBorders>{inner}</w:tblBorders>"

    def label(self) -> str:
        values = {self.top, self.bottom, self.inside_h, self.left, self.right, self.inside_v}
        if values == {0}:
            return "none"
        if len(values) == 1:
            return f"all {self.top}"
        return f"top {self.top}, insideH {self.inside_h}, bottom {self.bottom}, sides {self.left}/{self.inside_v}"


NO_BORDERS = Borders(0, 0, 0, 0, 0, 0)


def tw(eighths: int) -> int:
    """A border's width in twips (w:sz is in eighths of a point)."""
    return eighths * 20 // 8


@dataclass(frozen=True)
class Margins:
    """Cell margins (w:tblCellMar), twips; None: not written (TableNormal's 0/108/0/108 apply)."""

    top: int | None = 0
    left: int | None = 108
    bottom: int | None = 0
    right: int | None = 108

    def xml(self) -> str:
        sides = [("top", self.top), ("left", self.left), ("bottom", self.bottom), ("right", self.right)]
        inner = "".join(f'<w:{s} w:w="{v}" w:type="dxa"/>' for s, v in sides if v is not None)
        return f"<w:tblCellMar>{inner}</w:tblCellMar>" if inner else ""

    def value(self, side: str) -> int:
        """The margin in effect: TableNormal's when not written; a negative one counts as 0."""
        written = getattr(self, side)
        return max(0, written) if written is not None else {"top": 0, "bottom": 0, "left": 108, "right": 108}[side]


def cell(
    content: str,
    width: int,
    *,
    span: int = 1,
    vmerge: str | None = None,
    valign: str | None = None,
    bottom: int = 0,
) -> str:
    """A cell; ``bottom``: a w:tcBorders bottom border of that w:sz."""
    tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    tcpr += f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    if vmerge is not None:
        tcpr += f'<w:vMerge w:val="{vmerge}"/>' if vmerge else "<w:vMerge/>"
    if bottom:
        tcpr += f'<w:tcBorders><w:bottom w:val="single" w:sz="{bottom}" w:space="0" w:color="000000"/></w:tcBorders>'
    tcpr += f'<w:vAlign w:val="{valign}"/>' if valign else ""
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{content or para()}</w:tc>"


def row(
    cells: Sequence[str],
    *,
    height: int | None = None,
    rule: str = "exact",
    header: bool = False,
    cant_split: bool = False,
) -> str:
    trpr = "<w:cantSplit/>" if cant_split else ""
    trpr += f'<w:trHeight w:val="{height}" w:hRule="{rule}"/>' if height else ""
    trpr += "<w:tblHeader/>" if header else ""
    return f"<w:tr>{f'<w:trPr>{trpr}</w:trPr>' if trpr else ''}{''.join(cells)}</w:tr>"


def table(
    rows: Sequence[str],
    grid: Sequence[int],
    *,
    borders: Borders = Borders(),
    margins: Margins = Margins(),
    indent: int | None = None,
    jc: str | None = None,
) -> str:
    tblpr = f'<w:tblW w:w="{sum(grid)}" w:type="dxa"/>'
    tblpr += f'<w:jc w:val="{jc}"/>' if jc else ""
    tblpr += f'<w:tblInd w:w="{indent}" w:type="dxa"/>' if indent is not None else ""
    tblpr += borders.xml() + '<w:tblLayout w:type="fixed"/>' + margins.xml()
    cols = "".join(f'<w:gridCol w:w="{w}"/>' for w in grid)
    return f"<w:tbl><w:tblPr>{tblpr}</w:tblPr><w:tblGrid>{cols}</w:tblGrid>{''.join(rows)}</w:tbl>"


def page_number_footer(document: docx.document.Document) -> str:
    """A footer part with docgen's page number line (exact 280, off the grid, right-aligned, PAGE field, 14 pt):
    its relationship id."""
    part, rel_id = document.part.add_footer_part()
    for child in list(part.element):
        part.element.remove(child)
    field_run = run("1", 14)
    xml = (
        f'<w:p {NAMESPACES}><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="280" '
        f'w:lineRule="exact"/><w:jc w:val="right"/></w:pPr><w:fldSimple w:instr=" PAGE ">{field_run}</w:fldSimple>'
        "</w:p>"
    )
    part.element.append(etree.fromstring(xml))
    return rel_id


def write_docx(path: Path, body: str | Callable[[str], str], page: Page = PORTRAIT, *, footer: bool = False) -> Path:
    """python-docx's default package with its defaults neutralised (exact 579 lines, no spacing, docgen's faces),
    the page (the last section's), and ``body`` (XML, or a function of the footer's relationship id)."""
    document = blank_document(line=PITCH, line_rule="exact", fonts=(FANGSONG, LATIN))
    rel_id = page_number_footer(document) if footer else ""
    xml = body(rel_id) if callable(body) else body
    return save_docx(path, document, page.sect(footer=rel_id or None), xml, namespaces=NAMESPACES)


# ---------------------------------------------------------------------------------------------------------------
# Converting and measuring


class Lab(lo_lab.Lab):
    """lo_lab's, converting under docgen's fontconfig file (up to 15 minutes a run)."""

    fonts: Fonts

    def __init__(self, folder: Path) -> None:
        # docgen's face names are aliases in its fontconfig file: a substitute is the answer, not a missing font
        super().__init__(folder, Fonts(docgen_fontconfig(folder), accept_substitutes=True), timeout=900)
        self.offset16 = self.fonts.offset(16)


def find(page: pdfplumber.page.Page, label: str, nth: int = 0) -> dict | None:
    found = [c for c in page.chars if c["text"] == label]
    return found[nth] if len(found) > nth else None


def locate(pages: Sequence[pdfplumber.page.Page], label: str) -> tuple[int, float, dict] | None:
    """(page index, baseline, char) of the first character ``label`` in these pages."""
    for index, page in enumerate(pages):
        char = find(page, label)
        if char is not None:
            return index, baseline(page, char), char
    return None


def rules(page: pdfplumber.page.Page, horizontal: bool = True) -> list[dict]:
    """Border lines drawn on the page: horizontal ones by y (their centre), or vertical ones by x."""
    if horizontal:
        found = [line for line in page.lines if abs(line["top"] - line["bottom"]) < 0.01]
        return sorted(found, key=lambda line: (line["top"], line["x0"]))
    found = [line for line in page.lines if abs(line["x0"] - line["x1"]) < 0.01]
    return sorted(found, key=lambda line: (line["x0"], line["top"]))


def rule_rows(page: pdfplumber.page.Page) -> list[tuple[float, float]]:
    """Distinct horizontal rules: (centre y in pt from the page top, width in pt)."""
    seen: dict[float, float] = {}
    for line in rules(page):
        seen.setdefault(round(line["top"], 2), float(line["linewidth"]))
    return sorted(seen.items())


# ---------------------------------------------------------------------------------------------------------------
# The table model (twips): what docs/libreoffice-tables.md states, used here as the prediction.


@dataclass(frozen=True)
class RowSpec:
    """A row for the model: its content height (the tallest cell: lines × line height), w:trHeight, flags."""

    content: int = PITCH
    height: int | None = None
    rule: str = "exact"
    header: bool = False
    cant_split: bool = False
    line: int = PITCH  # one line's height in the tallest cell (for splitting an auto row)


@dataclass
class Placed:
    index: int  # row index in the table (repeated header rows: their index)
    page: int
    top: int  # the row's top edge, twips from the page top
    height: int  # the row's height on this page (borders inside it included)
    top_border: int  # width of the border drawn at the row's top (inside the row), twips
    lines: tuple[int, int] = (0, 0)  # the lines of the tallest cell on this page (first, end) for split rows
    repeated: bool = False


def row_height(spec: RowSpec, top_border: int, margins: Margins) -> int:
    """exact: as written, borders inside; auto: top border + margins + content; atLeast: the larger of the two."""
    natural = top_border + margins.value("top") + spec.content + margins.value("bottom")
    if spec.height and spec.rule == "exact":
        return spec.height
    if spec.height and spec.rule == "atLeast":
        return max(spec.height, natural)
    return natural


def place_table(
    rows: Sequence[RowSpec], start: int, page: Page, borders: Borders, margins: Margins, start_page: int = 0
) -> tuple[list[Placed], int, int]:
    """Rows placed from ``start`` (twips from the page top) as LibreOffice 7.4 does: each row's top border inside
    it (the table's top border on the first row and on the first repeated header row of a page, insideH on every
    other row); under the last row of a page the insideH border (at a break) or the bottom border (the table's end),
    outside the row, and it must fit too. A row that does not fit goes to the next page after the repeated header
    rows; an auto-height row without cantSplit is split between its lines. Returns the placed rows, the page and
    the y where what follows the table starts."""
    placed: list[Placed] = []
    y, page_no = start, start_page
    bottom_limit = page.body_bottom
    headers = [i for i, spec in enumerate(rows) if spec.header and all(s.header for s in rows[:i])]
    first_on_page = True

    def new_page() -> None:
        nonlocal y, page_no, first_on_page
        page_no += 1
        y = page.body_top
        first_on_page = True
        for i in headers:
            border = tw(borders.top) if first_on_page else tw(borders.inside_h)
            height = row_height(rows[i], border, margins)
            placed.append(Placed(i, page_no, y, height, border, repeated=True))
            y += height
            first_on_page = False

    for i, spec in enumerate(rows):
        last = i == len(rows) - 1
        below = tw(borders.bottom) if last else tw(borders.inside_h)
        border = tw(borders.top) if i == 0 else tw(borders.inside_h)
        height = row_height(spec, border, margins)
        if y + height + below <= bottom_limit:
            placed.append(Placed(i, page_no, y, height, border, (0, spec.content // spec.line)))
            y += height
            first_on_page = False
            continue
        splittable = not spec.cant_split and not (spec.height and spec.rule == "exact")
        room = bottom_limit - y - tw(borders.inside_h) - border - margins.value("top")
        fits = room // spec.line if splittable and not first_on_page else 0
        lines = spec.content // spec.line
        if splittable and 0 < fits < lines:
            part = border + margins.value("top") + fits * spec.line
            placed.append(Placed(i, page_no, y, part, border, (0, fits)))
            new_page()
            border = tw(borders.inside_h)
            rest = border + (lines - fits) * spec.line + margins.value("bottom")
            placed.append(Placed(i, page_no, y, rest, border, (fits, lines)))
            y += rest
            first_on_page = False
            continue
        new_page()
        border = tw(borders.inside_h)  # a continuation row at a page's top, after the header rows or not
        height = row_height(spec, border, margins)
        placed.append(Placed(i, page_no, y, height, border, (0, lines)))
        y += height
        first_on_page = False
    return placed, page_no, y + tw(borders.bottom)


# ---------------------------------------------------------------------------------------------------------------
# Units


def pt(twips: float) -> float:
    return twips / 20


# ---------------------------------------------------------------------------------------------------------------
# Experiments. Each returns a Markdown section.

GRID2 = [2000, 6845]  # two columns, the type width


@dataclass(frozen=True)
class Probe:
    """A table of one-line (or n-line) rows on a page of its own, between a line 前 (row 0) and a line 后."""

    borders: Borders = Borders()
    margins: Margins = Margins()
    height: int | None = None
    rule: str = "exact"
    size: float = 16
    snap: int | None = None  # in the cell paragraphs; 0: exact lines of ``line`` twips
    line: int = PITCH
    lines: int = 1  # lines in the first column's cells
    valign: str | None = None
    rows: int = 3
    cell_bottom: int = 0  # w:tcBorders bottom on every cell (w:sz)

    def effective(self) -> Borders:
        """The borders the model sees: a cell's bottom border is laid out as the top border of the row below."""
        if not self.cell_bottom:
            return self.borders
        b = self.borders
        return replace(b, inside_h=max(b.inside_h, self.cell_bottom), bottom=max(b.bottom, self.cell_bottom))


def probe_text(probe: Probe, index: int) -> str:
    """Row ``index``'s first cell: ``lines`` lines, each starting with a label (the row's label first)."""
    per_line = fit_count(GRID2[0] - probe.margins.value("left") - probe.margins.value("right"), probe.size)
    labels = LABELS[index * 4 : index * 4 + probe.lines]
    return "".join(label + FILL * (per_line - 1) for label in labels)


def fit_count(width: int, size: float, tracking: int | None = None) -> int:
    """How many full-width characters fit on a line ``width`` twips wide: n·20·size + (n − 1)·tracking ≤ width
    (no letter spacing after the line's last character)."""
    spacing = tracking_for(size) if tracking is None else tracking
    return int((width + spacing) // (20 * size + spacing))


def probe_xml(probe: Probe, lab: Lab) -> str:
    body = para(run(BEFORE), page_break=True)
    rows = []
    for i in range(probe.rows):
        text = run(probe_text(probe, i), probe.size)
        paragraph = para(run(FILL * 2, probe.size), snap=probe.snap, line=probe.line)
        first = cell(
            para(text, snap=probe.snap, line=probe.line), GRID2[0], valign=probe.valign, bottom=probe.cell_bottom
        )
        second = cell(paragraph, GRID2[1], valign=probe.valign, bottom=probe.cell_bottom)
        rows.append(row([first, second], height=probe.height, rule=probe.rule))
    body += table(rows, GRID2, borders=probe.borders, margins=probe.margins)
    return body + para(run(AFTER))


def probe_line(probe: Probe, lab: Lab) -> tuple[float, int]:
    """(baseline below the line's top, line height) of a cell line, twips."""
    if probe.snap == 0:
        return exact_ascent(probe.line), probe.line
    return grid_line([(lab.fonts.vmetrics(FANGSONG), probe.size)])


def predict_probe(probe: Probe, lab: Lab) -> tuple[list[Placed], list[list[float | None]], float, int]:
    """Placed rows, each row's line baselines (twips from the page top; None: a line starting below the cell's
    bottom, which LibreOffice does not draw), 后's baseline, table end."""
    offset, line = probe_line(probe, lab)
    spec = RowSpec(content=probe.lines * line, height=probe.height, rule=probe.rule, line=line)
    start = PORTRAIT.body_top + PITCH
    placed, _, end = place_table([spec] * probe.rows, start, PORTRAIT, probe.effective(), probe.margins)
    baselines = []
    for p in placed:
        top = p.top + p.top_border + probe.margins.value("top")
        inner = p.height - p.top_border - probe.margins.value("top") - probe.margins.value("bottom")
        if probe.valign in ("center", "bottom") and inner > spec.content:
            top += (inner - spec.content) // (2 if probe.valign == "center" else 1)
        bottom = p.top + p.height
        baselines.append([top + k * line + offset if top + k * line < bottom else None for k in range(probe.lines)])
    return placed, baselines, end + lab.offset16, end


def measure_probe(probe: Probe, page: pdfplumber.page.Page) -> tuple[list[list[float | None]], float | None]:
    baselines = []
    for i in range(probe.rows):
        found = []
        for label in LABELS[i * 4 : i * 4 + probe.lines]:
            char = find(page, label)
            found.append(baseline(page, char) if char else None)
        baselines.append(found)
    after = find(page, AFTER)
    return baselines, (baseline(page, after) if after else None)


def exp_rows(lab: Lab) -> str:
    """Q1: one-line rows. Row height and baseline for borders, cell margins, w:trHeight, font size."""
    probes: list[Probe] = []
    for borders in (NO_BORDERS, Borders(), Borders(8, 8, 8, 8, 8, 8), Borders(12, 12, 12, 12, 12, 12)):
        for margins in (Margins(), Margins(None, None, None, None), Margins(57, 108, 57, 108)):
            for height, rule in ((None, "exact"), (579, "atLeast"), (579, "exact"), (1158, "atLeast"), (1158, "exact")):
                probes.append(Probe(borders, margins, height, rule))
    for size in (14, 12):
        for borders in (NO_BORDERS, Borders()):
            for height in (None, 579):
                probes.append(Probe(borders, Margins(), height, "exact", size))
    partial = [
        (Borders(top=0), 0),
        (Borders(inside_h=0), 0),
        (Borders(bottom=0), 0),
        (Borders(top=0, inside_h=0, bottom=0), 0),
        (Borders(top=0, inside_h=0), 4),
        (Borders(top=0, inside_h=0, bottom=0), 4),
        (Borders(12, 12, 4, 4, 4, 4), 0),
    ]
    for borders, cell_bottom in partial:
        for height in (None, 579):
            probes.append(Probe(borders, Margins(), height, "exact", cell_bottom=cell_bottom))
    for top in (-10, -57):
        probes.append(Probe(Borders(), Margins(top, 108, 0, 108), 579, "exact"))
    (pages,) = lab.pages([write_docx(lab.path("rows.docx"), "".join(probe_xml(p, lab) for p in probes))])
    rows, errors, rule_errors = [], [], []
    for probe, page in zip(probes, pages, strict=True):
        placed, predicted, after_predicted, end = predict_probe(probe, lab)
        measured, after = measure_probe(probe, page)
        deltas = [
            m - pt(p)
            for ms, ps in zip(measured, predicted, strict=True)
            for m, p in zip(ms, ps, strict=True)
            if m is not None and p is not None
        ]
        deltas.append((after or 0) - pt(after_predicted))
        errors += deltas
        drawn = [y for y, _ in rule_rows(page)]
        expected = [pt(p.top + p.top_border / 2) for p in placed if p.top_border]
        if probe.effective().bottom:
            expected.append(pt(end - tw(probe.effective().bottom) / 2))
        if len(drawn) == len(expected):
            rule_errors += [d - e for d, e in zip(drawn, expected, strict=True)]
        else:
            rule_errors.append(99.0)
        first = measured[0][0]
        row_top = pt(PORTRAIT.body_top + PITCH)
        pitch = (measured[2][0] or 0) - (measured[1][0] or 0)
        after_top = (after or 0) - pt(lab.offset16)
        rest = (after_top - pt(PORTRAIT.body_top)) % pt(PITCH)
        off_grid = rest if rest < pt(PITCH) / 2 else rest - pt(PITCH)
        rest_predicted = (end - PORTRAIT.body_top) % PITCH
        margins = probe.margins
        rows.append(
            [
                f"{probe.size:g}",
                probe.borders.label() + (f", cells' bottom {probe.cell_bottom}" if probe.cell_bottom else ""),
                "not written" if margins.top is None else f"{margins.top}/{margins.bottom}",
                f"{probe.rule} {probe.height}" if probe.height else "auto",
                f"{(first or 0) - row_top:.2f}",
                f"{pt(predicted[0][0] or 0) - row_top:.2f}",
                f"{pitch:.2f}",
                f"{pt(placed[1].height):.2f}",
                f"{after_top - row_top:.2f}",
                f"{pt(end - PORTRAIT.body_top - PITCH):.2f}",
                f"{off_grid:+.2f} ({rest_predicted})",
                f"{max(deltas, key=abs):+.2f}",
            ]
        )
    return "\n\n".join(
        [
            "### One-line rows (Q1)",
            "A page: `前` on grid row 0, a 2-column table (2000 + 6845 twips, fixed layout) of three rows, `后`. Cell "
            "text 仿宋 (AR PL SungtiL GB) at the given size, snapToGrid on. Borders: w:sz in eighths of a point, all "
            "six sides. Cell margins top/bottom in twips (left/right 108; *not written*: no w:tblCellMar, "
            "TableNormal's 0/108/0/108 apply). Baselines are measured from the table's top (= the bottom of row 0); "
            "row pitch = second row's baseline − first row's; table height = top of 后's row − table top; *后 off "
            "grid* = how far (pt) 后's row starts below the nearest grid row, measured (predicted, twips). Δ = the "
            "worst |measured − predicted| of the page's baselines (pt).",
            md_table(
                [
                    "size",
                    "borders",
                    "margins t/b",
                    "trHeight",
                    "1st baseline",
                    "predicted",
                    "row pitch",
                    "predicted",
                    "table height",
                    "predicted",
                    "后 off grid",
                    "Δ",
                ],
                rows,
            ),
            summary(errors, "Baselines in one-line rows (and 后)"),
            summary(rule_errors, "Horizontal borders (line centre; 99 = a border missing or extra)"),
        ]
    )


def exp_spacing(lab: Lab) -> str:
    """Q1: paragraph spacing around a table and inside a cell, and a table that starts a page."""
    cases = [
        ("前 w:after 300", 300, 0, 0, False),
        ("后 w:before 300", 0, 300, 0, False),
        ("前 after 300, 后 before 200", 300, 200, 0, False),
        ("cell paragraphs w:before 300 (exact rows)", 0, 0, 300, False),
        ("pageBreakBefore in the first cell's paragraph", 0, 0, 0, True),
    ]
    body = ""
    for _, after, before, cell_before, page_break in cases:
        rows = []
        for i in range(2):
            first = para(run(LABELS[i] + FILL), before=cell_before, page_break=page_break and i == 0)
            rows.append(row([cell(first, GRID2[0]), cell(para(run(FILL)), GRID2[1])], height=PITCH))
        body += para(run(BEFORE), page_break=True, after=after) + table(rows, GRID2)
        body += para(run(AFTER), before=before)
    (pages,) = lab.pages([write_docx(lab.path("spacing.docx"), body)])
    out, errors = [], []
    index = 0
    w = tw(Borders().top)
    for name, after, before, cell_before, page_break in cases:
        if page_break:
            page = pages[index + 1]
            table_top = PORTRAIT.body_top
            index += 2
        else:
            page = pages[index]
            table_top = PORTRAIT.body_top + PITCH + after
            index += 1
        first = baseline(page, find(page, LABELS[0]))  # type: ignore[arg-type]
        predicted_first = table_top + w + cell_before + lab.offset16
        after_line = baseline(page, find(page, AFTER))  # type: ignore[arg-type]
        predicted_after = table_top + 2 * PITCH + w + before + lab.offset16
        errors += [first - pt(predicted_first), after_line - pt(predicted_after)]
        out.append(
            [
                name,
                f"{first - pt(PORTRAIT.body_top):.2f}",
                f"{pt(predicted_first - PORTRAIT.body_top):.2f}",
                f"{after_line - pt(PORTRAIT.body_top):.2f}",
                f"{pt(predicted_after - PORTRAIT.body_top):.2f}",
            ]
        )
    return "\n\n".join(
        [
            "### Spacing around and inside a table (Q1)",
            "`前`, a two-row table (borders 4, exact 579 rows), `后`; baselines (pt) below the body top B. Predicted: "
            "the table starts at 前's bottom + 前's space after (never collapsed with 后's space before, which is "
            "added after the table's bottom border); a cell paragraph's space before moves its text down inside an "
            "exact row without changing the row; a page break before the first cell's paragraph puts the table at "
            "the next page's body top.",
            md_table(["case", "row 1 baseline", "predicted", "后 baseline", "predicted"], out),
            summary(errors, "Spacing around tables"),
        ]
    )


def exp_lines(lab: Lab) -> str:
    """Q2: cells of three lines (snapped, or exact lines with snapToGrid=0), and w:vAlign in rows taller than their
    content."""
    probes: list[Probe] = []
    for size in (16, 14, 12):
        for snap, line in ((None, PITCH), (0, PITCH), (0, 600)):
            for borders in (NO_BORDERS, Borders()):
                for height in (None, 3 * PITCH, 2 * PITCH):
                    probes.append(Probe(borders, Margins(), height, "exact", size, snap, line, lines=3))
    for borders in (NO_BORDERS, Borders(), Borders(12, 12, 12, 12, 12, 12)):
        for margins in (Margins(), Margins(57, 108, 57, 108)):
            for valign in ("top", "center", "bottom"):
                for height in (2 * PITCH, 3 * PITCH):
                    probes.append(Probe(borders, margins, height, "exact", valign=valign))
            probes.append(Probe(borders, margins, PITCH, "exact", valign="bottom"))
    (pages,) = lab.pages([write_docx(lab.path("lines.docx"), "".join(probe_xml(p, lab) for p in probes))])
    multi, aligned, errors = [], [], []
    for probe, page in zip(probes, pages, strict=True):
        placed, predicted, after_predicted, _ = predict_probe(probe, lab)
        measured, after = measure_probe(probe, page)
        deltas = [
            (0.0 if m is None else 99.0) if p is None else (99.0 if m is None else m - pt(p))
            for ms, ps in zip(measured, predicted, strict=True)
            for m, p in zip(ms, ps, strict=True)
        ]
        deltas.append((after or 0) - pt(after_predicted))
        errors += deltas
        row_top = pt(placed[0].top)
        first = measured[0]
        if probe.valign is None:
            pitches = [b - a for a, b in itertools.pairwise(first) if a is not None and b is not None]
            drawn = sum(1 for m in first if m is not None)
            multi.append(
                [
                    f"{probe.size:g}",
                    "on" if probe.snap is None else f"off, exact {probe.line}",
                    probe.borders.label(),
                    f"exact {probe.height}" if probe.height else "auto",
                    f"{(first[0] or 0) - row_top:.2f}",
                    f"{pt((predicted[0][0] or 0) - placed[0].top):.2f}",
                    " / ".join(f"{p:.2f}" for p in pitches),
                    f"{pt(probe_line(probe, lab)[1]):.2f}",
                    f"{drawn} ({sum(1 for p in predicted[0] if p is not None)})",
                    f"{pt(placed[1].top - placed[0].top):.2f}",
                    f"{max(deltas, key=abs):+.2f}",
                ]
            )
        else:
            aligned.append(
                [
                    probe.borders.label(),
                    f"{probe.margins.value('top')}/{probe.margins.value('bottom')}",
                    probe.height,
                    probe.valign,
                    f"{(first[0] or 0) - row_top:.2f}",
                    f"{pt((predicted[0][0] or 0) - placed[0].top):.2f}",
                    f"{(measured[1][0] or 0) - pt(placed[1].top):.2f}",
                    f"{pt((predicted[1][0] or 0) - placed[1].top):.2f}",
                    f"{max(deltas, key=abs):+.2f}",
                ]
            )
    return "\n\n".join(
        [
            "### Cells of several lines (Q2)",
            "The first cell of each of the three rows holds three lines (characters per line from the width rule of "
            "Q3, each line starting with a label); the other cell one line. Cell margins 0/108/0/108. Baselines in "
            "pt below the row's top; line pitch = the cell's consecutive baselines; row height = next row's top − "
            "this row's top (predicted); lines drawn (predicted): an exact row too short for its cell's lines.",
            md_table(
                [
                    "size",
                    "snapToGrid",
                    "borders",
                    "trHeight",
                    "1st baseline",
                    "predicted",
                    "line pitch",
                    "predicted",
                    "lines drawn",
                    "row height",
                    "Δ",
                ],
                multi,
            ),
            "w:vAlign in exact rows taller than one line (one line of 16 pt in every cell). Baseline below the row's "
            "top, first row (table top border above it) and second row (insideH above it).",
            md_table(
                [
                    "borders",
                    "margins t/b",
                    "trHeight",
                    "vAlign",
                    "row 1 baseline",
                    "predicted",
                    "row 2 baseline",
                    "predicted",
                    "Δ",
                ],
                aligned,
            ),
            summary(errors, "Baselines in multi-line and aligned cells (and 后)"),
        ]
    )


def half(eighths: int) -> int:
    """Half a border's width, twips (what the text keeps from a border when the cell margin is smaller)."""
    return tw(eighths) // 2


def text_inset(margin: int, border: int) -> int:
    """Distance from a column line (border centre) to the text box: the cell margin, at least half the border."""
    return max(margin, half(border))


def column_edges(grid: Sequence[int]) -> list[int]:
    """Where LibreOffice puts the column lines, twips from the table's left line: it keeps each boundary as a
    fraction of the table width in units of 1/10000 (rounded half up, computed as S / W · 10000 in doubles) and
    turns it back into twips by truncation. A column can so come out a twip narrower or wider than its gridCol."""
    total = sum(grid)
    edges = []
    for j in range(len(grid) + 1):
        relative = math.floor(sum(grid[:j]) / total * 10000 + 0.5)
        edges.append(relative * total // 10000)
    return edges


def exp_horizontal(lab: Lab) -> str:
    """Q3: where a cell's text starts, where the borders are, how much text fits a cell, justification."""
    grid3 = [2000, 3000, 3845]
    placement_cases, body = [], para(run(BEFORE))
    for mar in (0, 20, 108, 200):
        for sz in (0, 4, 12):
            for where, width in (("left", 8845), ("tblInd 108", 8845), ("center", 8845), ("center", 6000)):
                cols = grid3 if width == 8845 else [2000, 2000, 2000]
                placement_cases.append((mar, sz, where, cols))
                cells = [cell(para(run(LABELS[j] + FILL)), w) for j, w in enumerate(cols)]
                body += table(
                    [row(cells, height=PITCH)],
                    cols,
                    borders=Borders(sz, sz, sz, sz, sz, sz),
                    margins=Margins(0, mar, 0, mar),
                    indent=108 if where.startswith("tblInd") else None,
                    jc="center" if where == "center" else None,
                ) + para(run(GAP), page_break=True)
    wrap_cases = []
    wraps = ""
    for mar, sz in ((108, 0), (108, 12), (0, 0), (0, 12), (20, 12)):
        for size, tracking in ((16, -5), (16, 0), (14, 0), (12, 0)):
            for n in (3, 5, 9):
                needed = n * 20 * size + (n - 1) * tracking
                for slack in (-1, 0):
                    width = round(needed + slack + 2 * text_inset(mar, sz))
                    wrap_cases.append((mar, sz, size, tracking, n, slack, width))
                    wraps += table(
                        [row([cell(para(run(FILL * (n + 2), size, tracking=tracking)), width)])],
                        [width],
                        borders=Borders(sz, sz, sz, sz, sz, sz),
                        margins=Margins(0, mar, 0, mar),
                    ) + para(run(GAP))
    sweep_cases = []
    sweep = ""
    for total in (8845, 8000, 7777):
        for n in range(3, 17):
            needed = n * 315 + 5
            first = 500 + (n * 97 + total) % 900  # a first column of some width, so that the boundaries vary
            for slack in (-1, 0, 1):
                width = needed + 216 + slack
                cols = [first, width, total - first - width]
                sweep_cases.append((n, needed, cols))
                cells = [
                    cell(para(run(GAP)), cols[0]),
                    cell(para(run(FILL * (n + 1))), width),
                    cell(para(run(GAP)), cols[2]),
                ]
                sweep += table([row(cells)], cols) + para(run(GAP))
    justify_cases = []
    justify = ""
    for jc in ("both", "distribute", "left", "center", "right"):
        for slack in (0, 20, 100, 400):
            width = 1580 + slack + 216
            justify_cases.append((jc, slack, width))
            first = cell(para(run(FILL * 7), jc=jc), width)
            justify += table([row([first, cell(para(run(GAP)), 8845 - width)])], [width, 8845 - width])
            justify += para(run(GAP))
    docs = [
        write_docx(lab.path("horizontal-placement.docx"), body),
        write_docx(lab.path("horizontal-wrap.docx"), para(run(BEFORE)) + wraps),
        write_docx(lab.path("horizontal-justify.docx"), para(run(BEFORE)) + justify),
        write_docx(lab.path("horizontal-columns.docx"), para(run(BEFORE)) + sweep),
    ]
    placement_pages, wrap_pages, justify_pages, sweep_pages = lab.pages(docs)

    margin = PORTRAIT.left
    place_rows, text_errors, rule_errors = [], [], []
    for (mar, sz, where, cols), page in zip(placement_cases, placement_pages, strict=False):
        if where == "center":
            x0 = margin + (PORTRAIT.type_width - sum(cols)) // 2
        else:
            x0 = margin + (108 if where.startswith("tblInd") else 0) - text_inset(mar, sz)
        edges = column_edges(cols)
        lines_x = [x0 + edge for edge in edges]
        texts = [x0 + edges[j] + text_inset(mar, sz) + 2 for j in range(len(cols))]
        measured_text = [find(page, LABELS[j])["x0"] for j in range(len(cols))]  # type: ignore[index]
        text_errors += [m - pt(p) for m, p in zip(measured_text, texts, strict=True)]
        drawn = sorted({round(line["x0"], 2) for line in rules(page, horizontal=False)})
        if sz:
            if len(drawn) == len(lines_x):
                rule_errors += [d - pt(p) for d, p in zip(drawn, lines_x, strict=True)]
            else:
                rule_errors.append(99.0)
        place_rows.append(
            [
                mar,
                sz,
                f"{where}, width {sum(cols)}",
                " / ".join(f"{x:.2f}" for x in measured_text),
                " / ".join(f"{pt(x):.2f}" for x in texts),
                " / ".join(f"{x:.2f}" for x in drawn) if sz else "—",
                " / ".join(f"{pt(x):.2f}" for x in lines_x) if sz else "—",
            ]
        )

    lines_in_order: list[list[dict]] = [chars for page in wrap_pages for _, chars in lines_of(page)]
    lines_in_order = [chars for chars in lines_in_order if chars[0]["text"] not in (BEFORE,)]
    wrap_rows, wrong = [], 0
    cursor = 0
    for mar, sz, size, tracking, n, slack, width in wrap_cases:
        first = lines_in_order[cursor]
        count = len(first)
        while lines_in_order[cursor][0]["text"] != GAP:
            cursor += 1
        cursor += 1
        expected = n if slack >= 0 else n - 1
        wrong += count != expected
        if slack == 0 or count != expected:
            wrap_rows.append(
                [mar, sz, f"{size:g}", tracking, n, width, width - 2 * text_inset(mar, sz), count, expected]
            )

    sweep_lines = [chars for page in sweep_pages for _, chars in lines_of(page)][1:]
    by_model = {"as written": 0, "rounded edges": 0}
    fitted, cursor = 0, 0
    for n, needed, cols in sweep_cases:
        count = sum(1 for c in sweep_lines[cursor] if c["text"] == FILL)
        while not (len(sweep_lines[cursor]) == 1 and sweep_lines[cursor][0]["x0"] < pt(margin + 20)):
            cursor += 1
        cursor += 1
        edges = column_edges(cols)
        fits = count >= n
        fitted += fits
        by_model["as written"] += fits != (cols[1] - 216 >= needed)
        by_model["rounded edges"] += fits != (edges[2] - edges[1] - 216 >= needed)

    justify_rows, justify_errors = [], []
    page_lines = [(page, y, chars) for page in justify_pages for y, chars in lines_of(page)]
    index = 1
    for jc, slack, width in justify_cases:
        _, _, chars = page_lines[index]
        glyphs = [c for c in chars if c["text"] == FILL]
        second = [c for c in page_lines[index + 1][2] if c["text"] == FILL]
        index += 3
        left = pt(margin + 2)
        right = pt(margin + width - 216 + 2)
        advances = [b["x0"] - a["x0"] for a, b in itertools.pairwise(glyphs)]
        if jc in ("both", "distribute"):
            justify_errors += [glyphs[0]["x0"] - left, glyphs[-1]["x1"] - right]
        justify_rows.append(
            [
                jc,
                slack,
                len(glyphs),
                f"{glyphs[0]['x0'] - pt(margin):.2f}",
                f"{glyphs[-1]['x1'] - pt(margin + width - 216):+.2f}",
                f"{sum(advances) / len(advances):.3f}",
                f"{(pt(width - 216) - 16) / (len(glyphs) - 1):.3f}",
                f"{second[0]['x0'] - pt(margin):.2f}…{second[-1]['x1'] - pt(margin + width - 216):+.2f}",
            ]
        )
    return "\n\n".join(
        [
            "### Horizontal: text start, borders, width (Q3)",
            "One-row tables of three columns (2000/3000/3845 twips, or 3 × 2000 for the narrow centred table), cell "
            "margins left = right = *mar*, all borders w:sz = *sz*, placed with no w:tblInd (Word's default: 0), "
            "w:tblInd 108, or w:jc center. Text x0 = the label character's left edge (pt from the page's left edge); "
            "predicted: X0 + the column's left edge (`column_edges`: Σ gridCol before it, rounded as LibreOffice "
            "keeps it) + max(mar, w/2) + 2 twips, with the left border's centre "
            "X0 = margin + tblInd − max(mar, w/2) (jc left), margin + (type width − tblW)/2 (jc center). Borders: "
            "the vertical lines' x (centres).",
            md_table(["mar", "sz", "placement", "text x0", "predicted", "vertical borders", "predicted"], place_rows),
            summary(text_errors, "Text start"),
            summary(rule_errors, "Vertical borders"),
            "How many characters fit on a cell's first line (text of n + 2 characters; 16 pt with −5 twips letter "
            "spacing is docgen's body). The text box is gridCol − 2·max(mar, w/2) wide; predicted: n characters fit "
            "when n·20·size + (n − 1)·spacing ≤ the box, i.e. no spacing after the last one. Shown: the cases with "
            "the box exactly that wide, and any case that broke otherwise than predicted (the box one twip narrower "
            "was tested too).",
            md_table(["mar", "sz", "size", "spacing", "n", "gridCol", "box", "on line 1", "predicted"], wrap_rows),
            f"Line fill: {len(wrap_cases)} cases (box = needed − 1 and = needed), {wrong} broken otherwise than "
            "predicted.",
            f"Three-column tables (tblW 8845, 8000, 7777; the middle column 16 pt × n − 5 + 216 + (−1, 0, +1) twips, "
            f"n = 3…16, the first column of varying width): {len(sweep_cases)} cases, {fitted} with n characters on "
            f"the middle cell's first line. Mispredicted when the box is gridCol − 216: {by_model['as written']}; when "
            f"the column's edges are rounded as LibreOffice keeps them (`column_edges`: 1/10000 of the table width, "
            f"half up, truncated back to twips): {by_model['rounded edges']}.",
            "Justification: a 1580 + slack + 216 twips cell (borders 4, mar 108), seven 16 pt characters with −5 "
            "spacing: five on line 1, two on line 2. x0 = first glyph's left − the margin (the box's left), right = "
            "last glyph's right − the box's right (pt). Predicted advance for a justified line of n characters: "
            "(box − 16 pt)/(n − 1).",
            md_table(
                [
                    "jc",
                    "slack (twips)",
                    "chars",
                    "line 1 x0",
                    "line 1 right",
                    "advance",
                    "if justified",
                    "line 2 x0 … right",
                ],
                justify_rows,
            ),
            summary(justify_errors, "Justified lines: both ends against box + 2 twips"),
        ]
    )


GRID_PAGES = [1500, 7345]
SPLIT_LABELS = LABELS[70:80]  # the line starts of the tall cell in the page experiments


@dataclass(frozen=True)
class LongTable:
    """A table longer than a page: ``n`` rows (row i's first cell holds label i), one or two header rows."""

    name: str
    borders: Borders = Borders()
    height: int | None = PITCH
    rule: str = "exact"
    headers: int = 1
    n: int = 40
    lead: int = 1  # body lines before the table
    tall: int | None = None  # the row whose second cell holds 5 lines
    tall_height: int | None = None  # its w:trHeight (exact)
    cant_split: bool = False
    shorten: bool = False  # the last row of each page (and of the table) shortened by the border under it


def grid_pages(rows_k: Sequence[int], start: int, headers: int, per_page: int) -> list[list[int]]:
    """docgen's side: rows of k grid rows each, paginated in whole grid rows (header rows repeated)."""
    pages: list[list[int]] = [[]]
    used = start
    header_rows = sum(rows_k[:headers])
    for i, k in enumerate(rows_k):
        if used + k > per_page:
            pages.append(list(range(headers)))
            used = header_rows
        pages[-1].append(i)
        used += k
    return pages


def long_rows(spec: LongTable) -> tuple[list[RowSpec], list[int]]:
    """RowSpecs and the w:trHeight written for each row (shortened rows included)."""
    rows = []
    for i in range(spec.n):
        lines = 5 if i == spec.tall else 1
        height = spec.tall_height if i == spec.tall else spec.height
        rows.append(RowSpec(lines * PITCH, height, spec.rule, i < spec.headers, spec.cant_split))
    heights = [r.height or 0 for r in rows]
    if spec.shorten:
        ks = [max(1, (r.height or r.content) // PITCH) for r in rows]
        pages = grid_pages(ks, spec.lead, spec.headers, PORTRAIT.rows)
        for number, page_rows in enumerate(pages):
            last = page_rows[-1]
            width = spec.borders.bottom if number == len(pages) - 1 else spec.borders.inside_h
            heights[last] = ks[last] * PITCH - tw(width)
        rows = [replace(r, height=h or None) for r, h in zip(rows, heights, strict=True)]
    return rows, heights


def long_xml(spec: LongTable) -> str:
    rows, heights = long_rows(spec)
    per_line = fit_count(GRID_PAGES[1] - 216, 16)
    xml_rows = []
    for i, (r, height) in enumerate(zip(rows, heights, strict=True)):
        if i == spec.tall:
            second = "".join(label + FILL * (per_line - 1) for label in SPLIT_LABELS[:5])
        else:
            second = FILL
        cells = [cell(para(run(LABELS[i] + FILL)), GRID_PAGES[0]), cell(para(run(second)), GRID_PAGES[1])]
        xml_rows.append(row(cells, height=height or None, rule=r.rule, header=r.header, cant_split=r.cant_split))
    lead = "".join(para(run(BEFORE)) for _ in range(spec.lead))
    return lead + table(xml_rows, GRID_PAGES, borders=spec.borders) + para(run(AFTER))


def describe_pages(pages_rows: Iterable[list[int]], headers: int) -> str:
    """'h + 1–20; h + 21–39': the rows on each page, h for the header row(s)."""
    parts = []
    for rows_on in pages_rows:
        if not rows_on:
            continue
        unique = sorted(set(rows_on))
        head = [i for i in unique if i < headers]
        body = [i for i in unique if i >= headers]
        text = "h + " if len(head) == 1 else f"h×{len(head)} + " if head else ""
        parts.append(text + (f"{body[0]}–{body[-1]}" if body else ""))
    return "; ".join(parts)


def exp_pages(lab: Lab) -> str:
    """Q4: tables longer than a page: which rows go to the next page, the repeated header, borders at the break."""
    thick = Borders(12, 12, 4, 4, 4, 4)
    specs = [
        LongTable("no borders, exact 579", NO_BORDERS),
        LongTable("borders 4, exact 579", Borders()),
        LongTable("borders 4, exact 579, last row of a page shortened", Borders(), shorten=True),
        LongTable("top/bottom 12, inside 4, exact, shortened", thick, shorten=True),
        LongTable("top/bottom 12, inside 4, exact, shortened, no header row", thick, headers=0, shorten=True),
        LongTable("top/bottom 12, inside 4, exact, shortened, 2 header rows", thick, headers=2, shorten=True),
        LongTable("borders 4, auto rows", Borders(), height=None),
        LongTable("table first in the document, borders 4, exact, shortened", Borders(), lead=0, shorten=True),
        LongTable("no borders, auto, 5-line row at the page end", NO_BORDERS, height=None, tall=20),
        LongTable("no borders, auto, 5-line row, cantSplit", NO_BORDERS, height=None, tall=20, cant_split=True),
        LongTable("no borders, atLeast 579, 5-line row", NO_BORDERS, rule="atLeast", tall=20),
        LongTable("no borders, exact, 5-line row exact 2895", NO_BORDERS, tall=20, tall_height=5 * PITCH),
        LongTable("borders 4, auto, 5-line row at the page end", Borders(), height=None, tall=19),
    ]
    docs = [write_docx(lab.path(f"pages-{i}.docx"), long_xml(spec)) for i, spec in enumerate(specs)]
    converted = lab.pages(docs)
    result_rows, errors, rule_errors = [], [], []
    offset = lab.offset16
    for spec, pages in zip(specs, converted, strict=True):
        rows, _ = long_rows(spec)
        start = PORTRAIT.body_top + spec.lead * PITCH
        placed, last_page, end = place_table(rows, start, PORTRAIT, spec.borders, Margins())
        deltas = []
        predicted_pages: dict[int, list[int]] = {}
        for p in placed:
            if p.lines[0] == 0:
                predicted_pages.setdefault(p.page, []).append(p.index)
            labels = [LABELS[p.index]] if p.lines[0] == 0 else []
            if p.index == spec.tall:
                labels += list(SPLIT_LABELS[p.lines[0] : p.lines[1]])
            for k, label in enumerate(labels):
                line = k - (1 if p.lines[0] == 0 and k > 0 else 0) if p.index == spec.tall else 0
                expected = pt(p.top + p.top_border + line * PITCH + offset)
                chars = [c for c in pages[p.page].chars if c["text"] == label] if p.page < len(pages) else []
                if not chars:
                    deltas.append(99.0)
                    continue
                deltas.append(min((baseline(pages[p.page], c) - expected for c in chars), key=abs))
        after = locate(pages, AFTER)
        after_page, after_top = (
            (last_page, end) if end + PITCH <= PORTRAIT.body_bottom else (last_page + 1, PORTRAIT.body_top)
        )
        if after is None or after[0] != after_page:
            deltas.append(99.0)
        else:
            deltas.append(after[1] - pt(after_top + offset))
        errors += deltas
        measured_pages = []
        for page in pages:
            found = sorted(
                (LABELS.index(c["text"]) for c in page.chars if c["text"] in LABELS[: spec.n]),
            )
            measured_pages.append(found)
        for number, page in enumerate(pages):
            drawn = rule_rows(page)
            on_page = [p for p in placed if p.page == number]
            if not drawn or not on_page:
                continue
            last = on_page[-1]
            width = spec.borders.bottom if number == last_page else spec.borders.inside_h
            rule_errors.append(drawn[-1][0] - pt(last.top + last.height + tw(width) / 2))
            rule_errors.append(drawn[0][0] - pt(on_page[0].top + on_page[0].top_border / 2))

        found_second = [baseline(pages[1], c) for c in pages[1].chars if c["text"] in LABELS] if len(pages) > 1 else []
        second_top = min(found_second) - pt(PORTRAIT.body_top) if found_second else float("nan")
        after_rows = (after_top - PORTRAIT.body_top) % PITCH
        result_rows.append(
            [
                spec.name,
                describe_pages(measured_pages, spec.headers),
                describe_pages(predicted_pages.values(), spec.headers),
                f"{second_top:.2f}",
                f"{after[1] - pt(PORTRAIT.body_top + offset):.2f} (p{after[0] + 1})" if after else "—",
                after_rows,
                f"{max(deltas, key=abs):+.2f}",
            ]
        )
    return "\n\n".join(
        [
            "### Tables over a page break (Q4)",
            "40 rows of 2 columns (1500 + 7345), one line each unless said, after one body line (`前`); cell margins "
            "0/108/0/108; the first row(s) w:tblHeader. *Shortened*: the last row of each page written "
            "579·k − (insideH width) and the table's last row 579·k − (bottom width), the pages being counted in whole "
            "grid rows. Rows per page (by the label in each row's first line): h = the header row(s); measured "
            "(from the labels found on each page) and "
            "predicted (by `place_table`). Page 2 = the first baseline on page 2 − B (pt, measured). 后 = its "
            "row's top − B on its page (pt), and its offset from the grid predicted (twips). Δ: the worst |measured − "
            "predicted| over every row's baseline on every page, the split row's lines and 后 (99: found on another "
            "page than predicted).",
            md_table(
                ["table", "rows per page (measured)", "predicted", "page 2", "后 row top", "off grid", "Δ"], result_rows
            ),
            summary(errors, "Baselines of long tables"),
            summary(rule_errors, "First and last horizontal border of every page"),
        ]
    )


# Columns 1–2 together: a box of 3470 twips (as LibreOffice rounds the edges, see column_edges), exactly eleven
# 16 pt characters; written as 2186 the second column would come out a twip narrower and hold only ten.
GRID3 = [1500, 2187, 5158]


@dataclass(frozen=True)
class Merge:
    borders: Borders = Borders()
    height: int | None = PITCH  # exact height of every row; None: auto
    valign: str | None = None
    lines: int = 1  # lines in the merged cell (4 characters a line)


def merge_xml(spec: Merge) -> str:
    """Row 0: a cell over columns 1–2 (13 characters: 12 fit) and one in column 3; rows 1–3: column 1 merged
    (w:vMerge), its text ``lines`` lines starting with labels; row 4: three cells."""
    per_line = fit_count(GRID3[0] - 216, 16)
    v = spec.valign
    h = spec.height
    rows = [
        row(
            [cell(para(run(LABELS[0] + FILL * 10)), GRID3[0] + GRID3[1], span=2), cell(para(run(LABELS[1])), GRID3[2])],
            height=h,
        ),
    ]
    merged = "".join(label + FILL * (per_line - 1) for label in LABELS[10 : 10 + spec.lines])
    for r in range(3):
        first = cell(para(run(merged)) if r == 0 else "", GRID3[0], vmerge="restart" if r == 0 else "", valign=v)
        rows.append(row([first, cell(para(run(LABELS[20 + r])), GRID3[1]), cell(para(run(FILL)), GRID3[2])], height=h))
    rows.append(row([cell(para(run(LABELS[30 + c])), w) for c, w in enumerate(GRID3)], height=h))
    spanned = row(
        [cell(para(run(FILL)), GRID3[0]), cell(para(run(LABELS[40] + FILL * 10)), GRID3[1] + GRID3[2], span=2)],
        height=h,
    )
    rows.append(spanned)
    return para(run(BEFORE), page_break=True) + table(rows, GRID3, borders=spec.borders) + para(run(AFTER))


def predict_merge(spec: Merge, offset: float) -> dict[str, float | None]:
    """Label → baseline (twips from the page top); None: not drawn (a line that starts below the cell)."""
    w_top, w_in = tw(spec.borders.top), tw(spec.borders.inside_h)
    borders = [w_top] + [w_in] * 5
    natural = [b + PITCH for b in borders]
    heights = [spec.height or n for n in natural]
    content = spec.lines * PITCH
    if spec.height is None:  # the last merged row grows to hold the merged cell
        need = w_in + content
        have = sum(heights[1:4])
        if need > have:
            heights[3] += need - have
    tops = [PORTRAIT.body_top + PITCH + sum(heights[:i]) for i in range(6)]
    out: dict[str, float | None] = {LABELS[0]: tops[0] + w_top + offset, LABELS[1]: tops[0] + w_top + offset}
    for r in range(3):
        out[LABELS[20 + r]] = tops[1 + r] + w_in + offset
    for c in range(3):
        out[LABELS[30 + c]] = tops[4] + w_in + offset
    out[LABELS[40]] = tops[5] + w_in + offset
    area = tops[1] + w_in
    inner = tops[4] - area
    if spec.valign in ("center", "bottom") and inner > content:
        area += (inner - content) // (2 if spec.valign == "center" else 1)
    for k in range(spec.lines):
        line_top = area + k * PITCH
        out[LABELS[10 + k]] = line_top + offset if line_top < tops[4] else None
    out[AFTER] = tops[5] + heights[5] + tw(spec.borders.bottom) + offset
    return out


def exp_merged(lab: Lab) -> str:
    """Q5: w:gridSpan and w:vMerge: text position, line width, row heights, vertical alignment."""
    specs = [
        Merge(borders, height, valign, lines)
        for borders in (Borders(), NO_BORDERS)
        for height in (PITCH, None)
        for valign in (None, "center", "bottom")
        for lines in (1, 2, 4)
    ]
    (pages,) = lab.pages([write_docx(lab.path("merged.docx"), "".join(merge_xml(s) for s in specs))])
    rows, errors, x_errors, fills = [], [], [], []
    for spec, page in zip(specs, pages, strict=True):
        predicted = predict_merge(spec, lab.offset16)
        deltas = []
        for label, y in predicted.items():
            char = find(page, label)
            if y is None:
                deltas.append(99.0 if char else 0.0)
            else:
                deltas.append(baseline(page, char) - pt(y) if char else 99.0)
        errors += deltas
        x0 = PORTRAIT.left - 108
        for label, column in ((LABELS[0], 0), (LABELS[1], 2), (LABELS[40], 1), (LABELS[10], 0), (LABELS[21], 1)):
            char = find(page, label)
            if char:
                x_errors.append(char["x0"] - pt(x0 + sum(GRID3[:column]) + 108 + 2))
        first = [c for c in page.chars if abs(baseline(page, c) - baseline(page, find(page, LABELS[0]))) < 0.01]
        fills.append(sum(1 for c in first if c["x0"] < pt(x0 + GRID3[0] + GRID3[1])))
        top = pt(PORTRAIT.body_top + PITCH)
        measured_lines = [
            baseline(page, c) - top if (c := find(page, LABELS[10 + k])) else float("nan") for k in range(spec.lines)
        ]
        after = find(page, AFTER)
        rows.append(
            [
                spec.borders.label(),
                f"exact {spec.height}" if spec.height else "auto",
                spec.valign or "top",
                spec.lines,
                " / ".join(f"{y:.2f}" if y == y else "not drawn" for y in measured_lines),
                " / ".join(
                    f"{pt(y) - top:.2f}" if (y := predicted[LABELS[10 + k]]) is not None else "not drawn"
                    for k in range(spec.lines)
                ),
                f"{(baseline(page, after) if after else 0) - top:.2f}",
                f"{pt(predicted[AFTER] or 0) - top:.2f}",
                f"{max(deltas, key=abs):+.2f}",
            ]
        )
    return "\n\n".join(
        [
            "### Merged cells (Q5)",
            "Columns 1500/2187/5158, margins 0/108/0/108. Row 0: one cell over columns 1–2 (w:gridSpan 2) holding 11 "
            "characters, one cell in column 3; rows 1–3: column 1 merged (w:vMerge restart + 2 continuations, "
            "w:vAlign as given), its text *lines* lines; row 4: three cells; row 5: a cell over columns 2–3. Baselines "
            "(pt) below the table's top of the merged cell's lines and of 后; predicted: the merged cell's area "
            "runs from its first row's top + the border above it to the next row's top; auto rows: the last merged "
            "row grows by what the merged cell lacks; exact rows: a line that would start below the merged area is "
            "not drawn.",
            md_table(
                ["borders", "rows", "vAlign", "lines", "merged cell baselines", "predicted", "后", "predicted", "Δ"],
                rows,
            ),
            summary(errors, "Baselines in merged tables (every labelled cell and 后)"),
            summary(x_errors, "Text start in spanned and merged cells (column left + 108 + 2 twips)"),
            f"Characters on the first line of the cell over columns 1–2 (box 3686 (rounded edges) − 216 = 3470 twips: "
            "11 fit): "
            f"{sorted(set(fills))}.",
        ]
    )


LAND_GRID = [1500, 5000, 6256]  # the landscape type width: 16838 − 1984 − 2098 = 12756


def landscape_table(rows: int) -> str:
    """A table of ``rows`` exact one-line rows over the landscape type width, the first a header row."""
    out = []
    for i in range(rows):
        cells = [
            cell(para(run(LABELS[i] + FILL)), LAND_GRID[0]),
            cell(para(run(FILL)), LAND_GRID[1]),
            cell(para(run(FILL)), LAND_GRID[2]),
        ]
        out.append(row(cells, height=PITCH, header=i == 0))
    return table(out, LAND_GRID, borders=NO_BORDERS)


def landscape_doc(
    lab: Lab,
    name: str,
    *,
    land: Page = LANDSCAPE,
    kind: str = "nextPage",
    rows: int = 25,
    lead: bool = True,
    hidden_end: bool = True,
) -> Path:
    """Section 1 portrait (one line), section 2 landscape (a line, then a long table with a header row),
    section 3 portrait (one line). Each section ends in its last paragraph (docgen's way); the landscape section's
    is an empty paragraph after the table, its mark hidden unless ``hidden_end`` is false."""

    def body(footer: str) -> str:
        xml = para(run(BEFORE), sect=PORTRAIT.sect(footer=footer))
        xml += para(run(GAP)) if lead else ""
        xml += landscape_table(rows)
        xml += para(hidden_mark=hidden_end, sect=land.sect(kind=kind))
        return xml + para(run(AFTER))

    return write_docx(lab.path(f"{name}.docx"), body, replace(PORTRAIT), footer=True)


def kind_of(options: dict[str, object]) -> str:
    return str(options.get("kind", "nextPage"))


def exp_landscape(lab: Lab) -> str:
    """Q6: a landscape section between portrait ones: page sizes, type area, grid, page numbers, breaks."""
    variants = [
        ("grid", dict()),
        ("no grid", dict(land=replace(LANDSCAPE, grid=False))),
        ("full page, end mark shown", dict(rows=15, lead=False, hidden_end=False)),
        ("full page, end mark hidden", dict(rows=15, lead=False, hidden_end=True)),
        ("oddPage", dict(kind="oddPage")),
        ("evenPage", dict(kind="evenPage")),
    ]
    docs = [landscape_doc(lab, f"landscape-{i}", **options) for i, (_, options) in enumerate(variants)]  # type: ignore[arg-type]
    converted = lab.pages(docs)
    rows, errors = [], []
    for (name, options), pages in zip(variants, converted, strict=True):
        land: Page = options.get("land", LANDSCAPE)  # type: ignore[assignment]
        described = []
        for page in pages:
            wide = page.width > page.height
            geometry = land if wide else PORTRAIT
            footer_top = pt(geometry.height - 992 - 280)
            numbers = [c for c in page.chars if baseline(page, c) > footer_top]
            body = [c for c in page.chars if baseline(page, c) <= footer_top]
            number = "".join(c["text"] for c in numbers) or "—"
            if body:
                first = min(baseline(page, c) for c in body)
                offset = lab.offset16 if geometry.grid else exact_ascent(PITCH)
                top = first - pt(offset) - pt(geometry.top)
                labels = sorted({LABELS.index(c["text"]) for c in body if c["text"] in LABELS})
                x0 = min(c["x0"] for c in body) - pt(geometry.left)
                lines = len({round(baseline(page, c), 1) for c in body})
                if kind_of(options) == "nextPage":
                    errors.append(first - pt(geometry.body_top + offset))
                    errors.append(x0 - 0.1)
                content = f"{lines} lines, body top T{top:+.2f}, x0 L{x0:+.2f}" + (
                    f", rows {labels[0]}–{labels[-1]}" if labels else ""
                )
            else:
                content = "blank"
            if numbers:
                expected = pt(geometry.height - 992 - 280 + exact_ascent(280))
                errors.append(baseline(page, numbers[0]) - expected)
                right = numbers[-1]["x1"] - pt(geometry.width - geometry.right)
                content += f"; № {number} at {baseline(page, numbers[0]):.2f}, right R{right:+.2f}"
            described.append(f"{'L' if wide else 'P'} {float(page.width):.1f}×{float(page.height):.1f}: {content}")
        rows.append([name, len(pages), "<br>".join(described)])
    grid_note = (
        f"Landscape grid: ({LANDSCAPE.height} − {LANDSCAPE.top} − {LANDSCAPE.bottom}) // {PITCH} = {LANDSCAPE.rows} "
        f"rows, border g = {LANDSCAPE.border} twips, body top B = {LANDSCAPE.body_top} twips = "
        f"{pt(LANDSCAPE.body_top):.2f} pt."
    )
    return "\n\n".join(
        [
            "### Landscape sections (Q6)",
            "Section 1 portrait (`前`, footer with docgen's page number line: exact 280, right-aligned PAGE field), "
            f"section 2 landscape (w:pgSz {LANDSCAPE.width}×{LANDSCAPE.height} w:orient=landscape, margins top "
            f"{LANDSCAPE.top} (the binding side), right {LANDSCAPE.right}, bottom {LANDSCAPE.bottom}, left "
            f"{LANDSCAPE.left}; docGrid 579 unless said; `间`, then 25 exact one-line rows with a header row, "
            "no borders), section 3 portrait (`后`); the sections inherit section 1's footer; every section starts "
            "with w:type nextPage unless said. Per PDF page: L/P and size (pt), body lines, first baseline − its "
            "line's offset − the top margin (`T+`), first glyph − the left margin (`L+`), the table rows on the "
            "page, the page number printed, its baseline and its right edge − the right margin. *Full page*: the "
            "table (header + 14 rows) fills the landscape page and the section's closing empty paragraph follows.",
            grid_note,
            md_table(["variant", "PDF pages", "pages"], rows),
            summary(errors, "Body top, left edge and page-number baseline (nextPage variants)"),
        ]
    )


def exp_raise(lab: Lab) -> str:
    """w:position (raised text) in a bordered exact row: how far the baseline moves on a snapped line."""
    cases, body = [], ""
    for size in (16, 14, 12):
        for position in (0, 1, 2, 4):
            for sz in (4, 8):
                cases.append((size, position, sz))
                text = run(LABELS[0] + FILL, size)
                if position:
                    text = text.replace("<w:sz ", f'<w:position w:val="{position}"/><w:sz ', 1)
                rows = [row([cell(para(text), GRID2[0]), cell(para(run(FILL, size)), GRID2[1])], height=PITCH)]
                body += para(run(BEFORE), page_break=True) + table(rows, GRID2, borders=Borders(sz, sz, sz, sz, sz, sz))
    (pages,) = lab.pages([write_docx(lab.path("raise.docx"), body)])
    rows_out = []
    for (size, position, sz), page in zip(cases, pages, strict=True):
        char = find(page, LABELS[0])
        top = pt(PORTRAIT.body_top + PITCH)
        body_line = pt(lab.fonts.offset(size))
        shift = f"{baseline(page, char) - top - body_line:+.2f}" if char else "—"
        rows_out.append([f"{size:g}", position, f"{position / 2:g}", sz, shift])
    return "\n\n".join(
        [
            "### Raised text (w:position) in bordered rows",
            "One exact 579 row under the table's top border (w:sz given); the first cell's run raised by w:position "
            "(half-points). Shown: its baseline − (row top + the body-line offset at that size), pt: 0 would be a "
            "body line's place.",
            md_table(["size", "w:position", "raise (pt)", "sz", "baseline − body line"], rows_out),
        ]
    )


RECIPE_GRID = [1200, 2400, 3845, 1400]
RECIPE_LINES = [1, 2, 3, 1, 1, 2, 1, 3, 1, 2, 1, 1, 3, 2, 1, 1, 2, 1, 1, 1]
RECIPE_LEAD = 12


def recipe_rows() -> tuple[list[RowSpec], list[int]]:
    """The recommended configuration: exact rows of 579·k, the last row of each page and of the table shorter by
    the border under it (pages counted in whole grid rows)."""
    ks = [1, *RECIPE_LINES]
    pages = grid_pages(ks, RECIPE_LEAD, 1, PORTRAIT.rows)
    heights = [k * PITCH for k in ks]
    for on_page in pages:  # the recipe's borders are all w:sz 4: 10 twips under each page's last row
        heights[on_page[-1]] -= tw(4)
    specs = [RowSpec(k * PITCH, h, "exact", i == 0, True) for i, (k, h) in enumerate(zip(ks, heights, strict=True))]
    return specs, heights


def recipe_xml() -> str:
    _, heights = recipe_rows()
    box = [b - a - 216 for a, b in itertools.pairwise(column_edges(RECIPE_GRID))]
    per_line = fit_count(box[2], 16)
    labels = iter(LABELS)
    heads = ["序号", "单位", "事项", "备注"]
    xml_rows = [
        row(
            [cell(para(run(h, ea=HEITI), jc="center"), w) for h, w in zip(heads, RECIPE_GRID, strict=True)],
            height=heights[0],
            header=True,
            cant_split=True,
        )
    ]
    for i, lines in enumerate(RECIPE_LINES, start=1):
        text = "".join(next(labels) + FILL * (per_line - 1) for _ in range(lines))[: per_line * lines - 2]
        cells = [
            cell(para(run(str(i)), jc="center"), RECIPE_GRID[0]),
            cell(para(run("单位")), RECIPE_GRID[1]),
            cell(para(run(text), jc="both"), RECIPE_GRID[2]),
            cell(para(), RECIPE_GRID[3]),
        ]
        xml_rows.append(row(cells, height=heights[i], cant_split=True))
    lead = "".join(para(run(GAP * 28)) for _ in range(RECIPE_LEAD))
    return lead + table(xml_rows, RECIPE_GRID, borders=Borders(), jc="center") + para(run(AFTER + FILL * 10))


def exp_recipe(lab: Lab) -> str:
    """The recommended configuration used forwards: a 公文 table planned with the formulas, then measured."""
    specs, _ = recipe_rows()
    (pages,) = lab.pages([write_docx(lab.path("recipe.docx"), recipe_xml())])
    start = PORTRAIT.body_top + RECIPE_LEAD * PITCH
    placed, last_page, end = place_table(specs, start, PORTRAIT, Borders(), Margins())
    off_cjk = lab.offset16
    off_digits = lab.fonts.offset(16, LATIN)
    off_head = lab.fonts.offset(16, HEITI)
    labels = iter(LABELS)
    errors: list[float] = []
    counts = {"lines in 事项": 0, "序号 digits": 0, "header 序": 0}
    for p in placed:
        page = pages[p.page]
        top = p.top + p.top_border
        if p.index == 0:
            chars = [c for c in page.chars if c["text"] == "序"]
            errors += [baseline(page, c) - pt(top + off_head) for c in chars]
            counts["header 序"] += len(chars)
            continue
        for k in range(RECIPE_LINES[p.index - 1]):
            char = find(page, next(labels))
            errors.append(baseline(page, char) - pt(top + k * PITCH + off_cjk) if char else 99.0)
            counts["lines in 事项"] += 1
        digits = [c for c in page.chars if c["text"].isdigit() and c["x0"] < pt(PORTRAIT.left + RECIPE_GRID[0])]
        wanted = [c for c in digits if abs(baseline(page, c) - pt(top + off_digits)) < 0.2]
        errors.append(min((baseline(page, c) - pt(top + off_digits) for c in wanted), key=abs) if wanted else 99.0)
        counts["序号 digits"] += 1
    after = locate(pages, AFTER)
    after_error = after[1] - pt(end + off_cjk) if after and after[0] == last_page else 99.0
    errors.append(after_error)
    on_grid = (end - PORTRAIT.body_top) % PITCH
    pages_rows = {}
    for p in placed:
        pages_rows.setdefault(p.page, []).append(p.index)
    layout = "; ".join(f"page {n + 1}: header + rows {r[1]}–{r[-1]}" for n, r in pages_rows.items())
    drawn_bottom = [rule_rows(page)[-1] for page in pages if rule_rows(page)]
    bottoms = ", ".join(f"{y:.2f} pt ({w:g})" for y, w in drawn_bottom)
    return "\n\n".join(
        [
            "### The recommended configuration, used forwards",
            f"{RECIPE_LEAD} body lines, then a table: columns {'/'.join(map(str, RECIPE_GRID))} (= 8845, w:jc center), "
            "borders single 4 all round and inside, cell margins 0/108/0/108, header row in 黑体 (w:tblHeader), then "
            f"{len(RECIPE_LINES)} rows whose 事项 cell holds {', '.join(map(str, RECIPE_LINES))} lines (仿宋 16 pt, "
            "−5 spacing, jc both; characters per line from the box width) and whose 序号 is Latin digits; every row "
            "w:cantSplit and w:trHeight exact 579·k, the last row of each page and of the table 579·k − 10 (pages "
            "counted in whole grid rows); then a body line 后. Every baseline predicted from the formulas (row top + "
            "the border above it + the offset of the fonts on the line) and measured.",
            f"Rows per page (predicted): {layout}. Measured on {len(pages)} pages; the bottom border of each page is "
            f"drawn at {bottoms}. The table ends {on_grid} twips below a grid line; 后 lands "
            f"{after_error:+.2f} pt from its predicted baseline.",
            ", ".join(f"{name}: {count}" for name, count in counts.items()) + ".",
            summary(errors, "Recipe baselines"),
        ]
    )


EXPERIMENTS: dict[str, Callable[[Lab], str]] = {
    "rows": exp_rows,
    "spacing": exp_spacing,
    "lines": exp_lines,
    "horizontal": exp_horizontal,
    "pages": exp_pages,
    "merged": exp_merged,
    "landscape": exp_landscape,
    "raise": exp_raise,
    "recipe": exp_recipe,
}


def main(argv: list[str] | None = None) -> int:
    names, keep = lo_lab.experiment_args(__doc__, EXPERIMENTS, argv)
    with lo_lab.lab_folder(keep, "lo-tables-") as folder:
        lab = Lab(folder)
        faces = ", ".join(f"{name} → {lab.fonts.family(name)}" for name in (FANGSONG, HEITI, LATIN))
        intro = (
            f"{lab.version()}; page A4 {PORTRAIT.width}×{PORTRAIT.height} twips, margins {PORTRAIT.top}/"
            f"{PORTRAIT.bottom}/{PORTRAIT.left}/{PORTRAIT.right}, docGrid lines {PITCH} ({PORTRAIT.rows} rows, grid "
            f"border {PORTRAIT.border} twips: body top B = {PORTRAIT.body_top} twips = {pt(PORTRAIT.body_top):.2f} "
            f"pt). Faces through docgen's fontconfig: {faces}. A 16 pt 仿宋 line's baseline is "
            f"{pt(lab.offset16):.3f} pt below its row's top."
        )
        sections = [partial(EXPERIMENTS[name], lab) for name in names]
        lo_lab.print_report("LibreOffice table measurements", intro, sections)
    return 0


if __name__ == "__main__":
    sys.exit(main())
