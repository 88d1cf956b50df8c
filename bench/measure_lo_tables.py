"""Measure how LibreOffice 7.4 lays out tables (w:tbl) in DOCX files like docgen's: where rows start, how tall they
are, where every cell line's baseline is, how borders, cell margins, w:trHeight and w:vAlign change that, where the
text of a cell starts and how wide it may run, how a table breaks over pages (w:tblHeader, w:cantSplit), merged
cells (w:gridSpan, w:vMerge) and landscape sections. Each experiment writes small DOCX files (python-docx's default
package + raw OOXML; A4, margins 37/35/28/26 mm, ``w:docGrid w:type="lines" w:linePitch="579"``, the fonts by
docgen's names), converts them with ``soffice --headless --convert-to pdf`` and the fontconfig file docgen writes,
reads the PDF with pdfplumber and prints Markdown tables that compare every measurement with the formulas of
docs/libreoffice-tables.md.

    python bench/measure_lo_tables.py                 # every experiment (about a minute)
    python bench/measure_lo_tables.py rows pages      # some of them (names: see --help)
    python bench/measure_lo_tables.py --keep DIR      # keep the DOCX and PDF files in DIR

Needs LibreOffice, pdfplumber, fontTools, python-docx and docgen importable (for its fontconfig file). Not a test:
nothing here asserts; the tables say how far each formula is off.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import docx
import pdfplumber
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The faces as docgen names them in its DOCX; docgen's fontconfig file maps them to this machine's files.
FANGSONG, HEITI, LATIN = "仿宋_GB2312", "黑体", "Times New Roman"
PITCH = 579
EMU_PER_PT = 12700

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = f'xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'

# Labels: every row (or cell line) starts with its own character, so that its baseline can be found in the PDF.
LABELS = "天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳云腾致雨露结为霜金生丽水玉出昆冈剑号巨阙珠称夜光果珍李柰菜重芥姜海咸河淡鳞潜羽翔龙师火帝鸟官人皇始制文字乃服衣裳推位让"
FILL = "国"  # filler (never a label)
BEFORE, AFTER, GAP = "前", "后", "间"  # the paragraphs around a table
assert len(set(LABELS)) == len(LABELS) and not set(LABELS) & set(FILL + BEFORE + AFTER + GAP)


# ---------------------------------------------------------------------------------------------------------------
# Pages and fonts


@dataclass(frozen=True)
class Page:
    """A page as written in w:pgSz / w:pgMar (twips), with or without a line grid."""

    width: int = 11906
    height: int = 16838
    top: int = 2098
    bottom: int = 1984
    left: int = 1587
    right: int = 1474
    grid: bool = True
    landscape: bool = False

    @property
    def type_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def rows(self) -> int:
        return (self.height - self.top - self.bottom) // PITCH

    @property
    def border(self) -> int:
        """docs/libreoffice-geometry.md §1: the body is a whole number of grid rows, centred in the type area."""
        if not self.grid:
            return 0
        body = self.height - self.top - self.bottom
        return (body - self.rows * PITCH) // 2

    @property
    def body_top(self) -> int:
        return self.top + self.border

    @property
    def body_bottom(self) -> int:
        return self.body_top + self.rows * PITCH if self.grid else self.height - self.bottom

    def sect(self, kind: str | None = None, footer: str | None = None) -> str:
        reference = f'<w:footerReference w:type="default" r:id="{footer}"/>' if footer else ""
        start = f'<w:type w:val="{kind}"/>' if kind else ""
        orient = ' w:orient="landscape"' if self.landscape else ""
        grid = f'<w:docGrid w:type="lines" w:linePitch="{PITCH}"/>' if self.grid else ""
        return (
            f'{reference}{start}<w:pgSz w:w="{self.width}" w:h="{self.height}"{orient}/>'
            f'<w:pgMar w:top="{self.top}" w:right="{self.right}" w:bottom="{self.bottom}" w:left="{self.left}" '
            f'w:header="1049" w:footer="992" w:gutter="0"/><w:cols w:space="720"/>{grid}'
        )


PORTRAIT = Page()
# GB/T 9704: a landscape table page has its head (the page's top) on the binding side of an odd page, i.e. on the
# sheet's left edge: the portrait margins turned a quarter clockwise (top ← left 28 mm, right ← top 37 mm,
# bottom ← right 26 mm, left ← bottom 35 mm).
LANDSCAPE = Page(width=16838, height=11906, top=1587, right=2098, bottom=1474, left=1984, landscape=True)


@dataclass(frozen=True)
class VMetrics:
    """Vertical metrics in em as LibreOffice takes them (docs/libreoffice-geometry.md §3)."""

    ascent: float
    descent: float
    gap: float

    @property
    def above(self) -> float:
        return self.ascent + self.gap


def font_vmetrics(font: TTFont) -> VMetrics:
    upm = font["head"].unitsPerEm
    hhea, os2 = font["hhea"], font["OS/2"]
    ascent, descent, gap = hhea.ascent, -hhea.descent, hhea.lineGap
    if ascent == 0 and descent == 0:
        ascent, descent, gap = os2.usWinAscent, os2.usWinDescent, 0
    if os2.fsSelection & (1 << 7) and os2.sTypoAscender >= 0 and os2.sTypoDescender <= 0:
        ascent, descent, gap = os2.sTypoAscender, -os2.sTypoDescender, os2.sTypoLineGap
    return VMetrics(ascent / upm, descent / upm, gap / upm)


def grid_line(runs: Iterable[tuple[VMetrics, float]]) -> tuple[float, int]:
    """A snapped line: (baseline below the line's top, line height), twips. The font box of the fonts drawing on
    the line is centred in the smallest whole number of grid rows that holds it (geometry §3)."""
    above = max(m.above * size * 20 for m, size in runs)
    below = max(m.descent * size * 20 for m, size in runs)
    height = PITCH * math.ceil((above + below) / PITCH)
    return above + (height - above - below) / 2, height


def exact_ascent(height: int) -> int:
    """An exact line (snapToGrid=0): baseline floor(4·H/5) below its top (geometry §2)."""
    return 4 * height // 5


@dataclass
class Fonts:
    """docgen's fontconfig file and the metrics of the files it gives LibreOffice."""

    folder: Path
    config: Path = field(init=False)
    _metrics: dict[str, VMetrics] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from docgen.fonts import resolve_fonts
        from docgen.fonts.fontconfig import fontconfig_file
        from docgen.style import load_profile

        style = load_profile()
        self.config = self.folder / "docgen-fonts.conf"
        self.config.write_text(fontconfig_file(style, resolve_fonts(style)), encoding="utf-8")

    def env(self) -> dict[str, str]:
        return dict(os.environ, FONTCONFIG_FILE=str(self.config))

    def file(self, family: str) -> tuple[str, str, int]:
        out = subprocess.run(
            ["fc-match", "-f", "%{family[0]}\t%{file}\t%{index}", family],
            capture_output=True,
            text=True,
            env=self.env(),
            check=True,
        ).stdout
        name, path, index = out.split("\t")
        return name, path, int(index or 0)

    def vmetrics(self, family: str) -> VMetrics:
        if family not in self._metrics:
            _, path, index = self.file(family)
            self._metrics[family] = font_vmetrics(TTFont(path, fontNumber=index, lazy=True))
        return self._metrics[family]

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
        return f"top {self.top}, insideH {self.inside_h}, bottom {self.bottom}, sides {self.left}"


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
        written = getattr(self, side)
        return written if written is not None else {"top": 0, "bottom": 0, "left": 108, "right": 108}[side]


def cell(content: str, width: int, *, span: int = 1, vmerge: str | None = None, valign: str | None = None) -> str:
    tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    tcpr += f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    if vmerge is not None:
        tcpr += f'<w:vMerge w:val="{vmerge}"/>' if vmerge else "<w:vMerge/>"
    tcpr += f'<w:vAlign w:val="{valign}"/>' if valign else ""
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{content or para()}</w:tc>"


def row(cells: Sequence[str], *, height: int | None = None, rule: str = "exact", header: bool = False,
        cant_split: bool = False) -> str:  # fmt: skip
    trpr = "<w:cantSplit/>" if cant_split else ""
    trpr += f'<w:trHeight w:val="{height}" w:hRule="{rule}"/>' if height else ""
    trpr += "<w:tblHeader/>" if header else ""
    return f"<w:tr>{f'<w:trPr>{trpr}</w:trPr>' if trpr else ''}{''.join(cells)}</w:tr>"


def table(rows: Sequence[str], grid: Sequence[int], *, borders: Borders = Borders(),
          margins: Margins = Margins(), indent: int | None = None, jc: str | None = None) -> str:  # fmt: skip
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
    field_run = run("1", 14).replace("<w:r>", "<w:r>", 1)
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
    document = docx.Document()
    for paragraph in list(document.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.attrib.clear()
    for name, value in (("before", "0"), ("after", "0"), ("line", str(PITCH)), ("lineRule", "exact")):
        spacing.set(qn(f"w:{name}"), value)
    fonts = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    fonts.attrib.clear()
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{slot}"), FANGSONG if slot == "eastAsia" else LATIN)
    rel_id = page_number_footer(document) if footer else ""
    sect = document.sections[0]._sectPr
    for child in list(sect):
        sect.remove(child)
    for child in etree.fromstring(f"<x {NAMESPACES}>{page.sect(footer=rel_id or None)}</x>"):
        sect.append(child)
    xml = body(rel_id) if callable(body) else body
    container = document.element.body
    for child in etree.fromstring(f"<x {NAMESPACES}>{xml}</x>"):
        container.insert(len(container) - 1, child)
    document.save(path)
    return path


# ---------------------------------------------------------------------------------------------------------------
# Converting and measuring


class Lab:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.fonts = Fonts(folder)
        self.soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if not self.soffice:
            raise SystemExit("LibreOffice (soffice) is not installed")
        self.offset16 = self.fonts.offset(16)

    def version(self) -> str:
        out = subprocess.run([self.soffice, "--version"], capture_output=True, text=True, check=False).stdout
        return out.strip()

    def path(self, name: str) -> Path:
        return self.folder / name

    def pages(self, docs: list[Path]) -> list[list[pdfplumber.page.Page]]:
        profile = (self.folder / "lo-profile").as_uri()
        subprocess.run(
            [self.soffice, "--headless", f"-env:UserInstallation={profile}", "--convert-to", "pdf", "--outdir",
             str(self.folder), *map(str, docs)],
            check=True,
            env=self.fonts.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=900,
        )  # fmt: skip
        return [list(pdfplumber.open(self.folder / f"{doc.stem}.pdf").pages) for doc in docs]


def baseline(page: pdfplumber.page.Page, char: dict) -> float:
    """pt from the page's top edge."""
    return float(page.height) - char["matrix"][5]


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


def lines_of(page: pdfplumber.page.Page) -> list[tuple[float, list[dict]]]:
    rows: dict[float, list[dict]] = {}
    for char in page.chars:
        rows.setdefault(round(baseline(page, char), 2), []).append(char)
    return sorted(rows.items())


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


def place_table(rows: Sequence[RowSpec], start: int, page: Page, borders: Borders, margins: Margins,
                start_page: int = 0) -> tuple[list[Placed], int, int]:  # fmt: skip
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
        border = tw(borders.inside_h) if headers else tw(borders.inside_h)
        height = row_height(spec, border, margins)
        placed.append(Placed(i, page_no, y, height, border, (0, lines)))
        y += height
        first_on_page = False
    return placed, page_no, y + tw(borders.bottom)


# ---------------------------------------------------------------------------------------------------------------
# Markdown


def md_table(header: list[str], rows: list[list[object]]) -> str:
    def show(value: object) -> str:
        return f"{value:.2f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" for _ in header) + "|"]
    lines += ["| " + " | ".join(show(value) for value in r) + " |" for r in rows]
    return "\n".join(lines)


def wrap(markdown: str) -> str:
    blocks = markdown.split("\n\n")
    return "\n\n".join(
        block if block.startswith(("|", "#")) else textwrap.fill(block, 120, break_long_words=False) for block in blocks
    )


def summary(errors: list[float], what: str) -> str:
    if not errors:
        return f"{what}: nothing measured."
    worst = max(errors, key=abs)
    return f"{what}: {len(errors)} cases, largest |measured − predicted| = {abs(worst):.3f} pt."


def pt(twips: float) -> float:
    return twips / 20
