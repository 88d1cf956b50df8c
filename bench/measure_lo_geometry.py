"""Measure where LibreOffice puts things vertically (and a few things horizontally) when it renders DOCX files like
docgen's: baselines of exact-height and grid-snapped lines, paragraph spacing, glyph ink, anchored line shapes and
pictures, framed paragraphs, character scaling and letter spacing. Each experiment writes small DOCX files (python-docx
+ raw OOXML; A4, margins 37/35/28/26 mm, ``w:docGrid w:type="lines" w:linePitch="579"``), converts them with
``soffice --headless --convert-to pdf``, measures the PDF with pdfplumber (and ``pdftoppm`` for ink) and prints
Markdown tables that compare each measurement with the formula in docs/libreoffice-geometry.md.

    python bench/measure_lo_geometry.py                 # every experiment (about a minute)
    python bench/measure_lo_geometry.py exact grid      # some of them (names: see --help)
    python bench/measure_lo_geometry.py --keep DIR      # keep the DOCX and PDF files in DIR

Needs LibreOffice, poppler-utils (pdftoppm), pdfplumber, fontTools, Pillow and the fonts AR PL SungtiL GB,
AR PL KaitiM GB, WenQuanYi Micro Hei and Liberation Serif (fonts-arphic-gbsn00lp fonts-arphic-gkai00mp
fonts-wqy-microhei fonts-liberation). Not a test: nothing here asserts; the tables say how far each formula is off.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

import docx
import pdfplumber
from fontTools import subset
from fontTools.ttLib import TTFont
from lxml import etree
from PIL import Image, ImageChops, ImageDraw

# isort: split
# bench/lo_lab.py, found as this script's folder is on sys.path
import lo_lab
from lo_lab import (
    BOTTOM,
    LEFT,
    LIB,
    PAGE_H,
    PAGE_W,
    PITCH,
    RIGHT,
    SUNG,
    TOP,
    W_NS,
    Page,
    VMetrics,
    baseline,
    blank_document,
    exact_ascent,
    font_vmetrics,
    grid_border,
    grid_line,
    lines_of,
    md_table,
    save_docx,
    summary,
)

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "specs" / "jinan-2023-party-building.yaml"

KAI, WQY = "AR PL KaitiM GB", "WenQuanYi Micro Hei"
SHORT = {SUNG: "Sungti", KAI: "Kaiti", WQY: "WQY Hei", LIB: "Liberation"}

# The page of every experiment is lo_lab's (PAGE_W … PITCH: docgen's 公文 A4).
TYPE_WIDTH_PT = (PAGE_W - LEFT - RIGHT) / 20
EMU_PER_PT = 12700

NAMESPACES = (
    f'xmlns:w="{W_NS}" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)


# ---------------------------------------------------------------------------------------------------------------
# Fonts of this machine


def postscript_files(env: dict[str, str]) -> dict[str, tuple[str, int]]:
    """PostScript name → font file, as fontconfig lists them (to know which font drew a character in a PDF)."""
    out = subprocess.run(
        ["fc-list", "--format", "%{postscriptname}\t%{file}\t%{index}\n"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    ).stdout
    table: dict[str, tuple[str, int]] = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[0]:
            table.setdefault(parts[0], (parts[1], int(parts[2] or 0)))
    return table


# ---------------------------------------------------------------------------------------------------------------
# DOCX building


def run(
    text: str,
    size: float = 16,
    *,
    ea: str = SUNG,
    latin: str = LIB,
    color: str | None = None,
    scale: int | None = None,
    tracking: int | None = None,
) -> str:
    rpr = f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:cs="{latin}" w:eastAsia="{ea}"/>'
    if color:
        rpr += f'<w:color w:val="{color}"/>'
    if tracking is not None:
        rpr += f'<w:spacing w:val="{tracking}"/>'
    if scale is not None:
        rpr += f'<w:w w:val="{scale}"/>'
    rpr += f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>'
    return f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


LINE_BREAK = "<w:r><w:br/></w:r>"


def para(
    content: str,
    *,
    line: int | None = PITCH,
    rule: str = "exact",
    snap: int | None = None,
    before: int = 0,
    after: int = 0,
    page_break: bool = False,
    jc: str | None = None,
    frame: str = "",
) -> str:
    ppr = "<w:pageBreakBefore/>" if page_break else ""
    ppr += frame + '<w:widowControl w:val="0"/>'
    if snap is not None:
        ppr += f'<w:snapToGrid w:val="{snap}"/>'
    spacing = f' w:line="{line}" w:lineRule="{rule}"' if line else ""
    ppr += f'<w:spacing w:before="{before}" w:after="{after}"{spacing}/>'
    if jc:
        ppr += f'<w:jc w:val="{jc}"/>'
    return f"<w:p><w:pPr>{ppr}</w:pPr>{content}</w:p>"


def emu(points: float) -> int:
    return round(points * EMU_PER_PT)


def anchored_line(
    top: float,
    *,
    thickness: float = 1.0,
    width: float = TYPE_WIDTH_PT,
    x: float = 0.0,
    rel_v: str = "margin",
    rel_h: str = "margin",
    shape_id: int = 1,
) -> str:
    """A line shape as docgen writes its rules (docgen/writers/docx/oxml.py anchored_rule), positions in pt."""
    return f"""<w:r><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0"
 relativeHeight="{shape_id}" behindDoc="0" locked="1" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>
<wp:positionH relativeFrom="{rel_h}"><wp:posOffset>{emu(x)}</wp:posOffset></wp:positionH>
<wp:positionV relativeFrom="{rel_v}"><wp:posOffset>{emu(top)}</wp:posOffset></wp:positionV>
<wp:extent cx="{emu(width)}" cy="0"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>
<wp:docPr id="{shape_id}" name="rule {shape_id}"/><wp:cNvGraphicFramePr/><a:graphic>
<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvCnPr/>
<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu(width)}" cy="0"/></a:xfrm><a:prstGeom prst="line"><a:avLst/>
</a:prstGeom><a:ln w="{emu(thickness)}"><a:solidFill><a:srgbClr val="FF0000"/></a:solidFill></a:ln></wps:spPr>
<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"""


def _picture(rel_id: str, width: float, height: float, shape_id: int) -> str:
    return f"""<wp:docPr id="{shape_id}" name="picture {shape_id}"/><wp:cNvGraphicFramePr/><a:graphic>
<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr>
<pic:cNvPr id="{shape_id}" name="seal.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="{rel_id}"/>
<a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>
<a:ext cx="{emu(width)}" cy="{emu(height)}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>
</pic:pic></a:graphicData></a:graphic>"""


def anchored_picture(
    rel_id: str,
    x: float,
    y: float,
    width: float,
    height: float,
    *,
    rel: str = "page",
    behind: int = 1,
    shape_id: int = 50,
) -> str:
    return f"""<w:r><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0"
 relativeHeight="{shape_id}" behindDoc="{behind}" locked="0" layoutInCell="1" allowOverlap="1">
<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="{rel}"><wp:posOffset>{emu(x)}</wp:posOffset></wp:positionH>
<wp:positionV relativeFrom="{rel}"><wp:posOffset>{emu(y)}</wp:posOffset></wp:positionV>
<wp:extent cx="{emu(width)}" cy="{emu(height)}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>
{_picture(rel_id, width, height, shape_id)}</wp:anchor></w:drawing></w:r>"""


def inline_picture(rel_id: str, width: float, height: float, shape_id: int = 60) -> str:
    return f"""<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">
<wp:extent cx="{emu(width)}" cy="{emu(height)}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>
{_picture(rel_id, width, height, shape_id)}</wp:inline></w:drawing></w:r>"""


def frame_pr(y: int, wrap: str | None, *, v_anchor: str = "margin", extra: str = "") -> str:
    wrap_attr = f' w:wrap="{wrap}"' if wrap else ""
    return f'<w:framePr{wrap_attr} w:vAnchor="{v_anchor}" w:hAnchor="margin" w:xAlign="center" w:y="{y}"{extra}/>'


def write_docx(
    path: Path,
    body: str | Callable[[docx.document.Document], str],
    *,
    grid: bool = True,
    pitch: int = PITCH,
    left: int = LEFT,
) -> Path:
    """python-docx's default package (as docgen starts from), its defaults neutralised (no space after, single
    spacing, our fonts), the 公文 page, and ``body`` (paragraph XML, or a function of the document returning it)."""
    document = blank_document(fonts=(SUNG, LIB))
    xml = body(document) if callable(body) else body
    section = Page(left=left, grid=grid, pitch=pitch).sect()
    # keep_references: a body function may have given the document a header or footer
    return save_docx(path, document, section, xml, namespaces=NAMESPACES, keep_references=True)


# ---------------------------------------------------------------------------------------------------------------
# Converting and measuring


class Lab(lo_lab.Lab):
    """lo_lab's, with the machine's own fontconfig (a conversion may name a file of its own) and pdftoppm for ink."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        if not shutil.which("pdftoppm"):
            raise SystemExit("pdftoppm (poppler-utils) is not installed")


def strokes(page: pdfplumber.page.Page) -> list[dict]:
    return [obj for kind in ("lines", "rects", "curves") for obj in getattr(page, kind)]


def ink_extent(
    pdf: Path, page_number: int, box: tuple[float, float, float, float], dpi: int, *, red_only: bool = False
) -> tuple[float, float]:
    """(top, bottom) of the ink inside box = (x0, top, x1, bottom), pt from the page top, from a pdftoppm raster:
    the first and last rows with coverage, refined by their coverage (green channel: black and red ink both; with
    red_only, red minus green: red ink only)."""
    scale = dpi / 72
    x, y = int(box[0] * scale), int(box[1] * scale)
    width, height = int((box[2] - box[0]) * scale) + 1, int((box[3] - box[1]) * scale) + 1
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(dpi),
                "-f",
                str(page_number),
                "-l",
                str(page_number),
                "-x",
                str(x),
                "-y",
                str(y),
                "-W",
                str(width),
                "-H",
                str(height),
                "-png",
                str(pdf),
                f"{folder}/p",
            ],
            check=True,
        )
        rgb = Image.open(next(Path(folder).glob("p*.png"))).convert("RGB")
        green = rgb.getchannel("G")
        if red_only:
            image = ImageChops.subtract(rgb.getchannel("R"), green)
            coverage = [image.crop((0, row, width, row + 1)).getextrema()[1] / 255 for row in range(height)]
        else:
            coverage = [(255 - green.crop((0, row, width, row + 1)).getextrema()[0]) / 255 for row in range(height)]
    rows = [row for row, value in enumerate(coverage) if value > 0.02]
    if not rows:
        raise ValueError(f"no ink on page {page_number} in {box}")
    first, last = rows[0], rows[-1]
    return (y + first + 1 - coverage[first]) / scale, (y + last + coverage[last]) / scale


# ---------------------------------------------------------------------------------------------------------------
# Markdown


def err(value: float) -> str:
    return f"{value:+.2f}"


# ---------------------------------------------------------------------------------------------------------------
# Experiments. Each returns a Markdown section.

EXACT_HEIGHTS = [200, 240, 279, 280, 281, 320, 333, 400, 437, 555, 579, 800, 877, 1158, 1234, 1600, 2000]


def exp_exact(lab: Lab) -> str:
    """Exact line height without grid, and with grid but snapToGrid=0: the baseline is 80 % of the line height
    below its top, whatever the font and size."""
    variants = [(SUNG, 10.5), (SUNG, 42), (LIB, 16), (WQY, 22)]
    docs, cases = [], []
    for mode in ("no grid", "grid, snapToGrid=0"):
        body = ""
        for height in EXACT_HEIGHTS:
            for font, size in variants:
                cases.append((mode, height, font, size))
                text = run("国H", size, ea=font, latin=font)
                body += para(text + LINE_BREAK + text, line=height, snap=0 if "snap" in mode else None, page_break=True)
        docs.append(write_docx(lab.path(f"exact-{len(docs)}.docx"), body, grid="grid," in mode))
    pages = [page for pdf in lab.pages(docs) for page in pdf]
    results: dict[tuple[str, int], list[tuple[float, float]]] = {}
    errors = []
    for (mode, height, _font, _size), page in zip(cases, pages, strict=True):
        first, second = (line for line, _ in lines_of(page))
        border = grid_border() if "grid," in mode else 0
        predicted = (TOP + border + exact_ascent(height)) / 20
        results.setdefault((mode, height), []).append((first - predicted, second - first))
        errors.append(first - predicted)
    rows = []
    for height in EXACT_HEIGHTS:
        row: list[object] = [height, f"{height / 20:.2f}", f"{exact_ascent(height) / 20:.2f}"]
        for mode in ("no grid", "grid, snapToGrid=0"):
            found = results[(mode, height)]
            deltas = sorted({round(d, 2) for d, _ in found})
            pitches = sorted({round(p, 2) for _, p in found})
            row += [" / ".join(err(d) for d in deltas), " / ".join(f"{p:.2f}" for p in pitches)]
        rows.append(row)
    fonts = ", ".join(f"{SHORT[f]} {s:g} pt" for f, s in variants)
    return "\n\n".join(
        [
            "### Exact line height (no grid; grid with snapToGrid=0)",
            f"One two-line paragraph per page (`国H`, w:br, `国H`), first on its page, in each of: {fonts}. "
            "Predicted first baseline: top margin + grid border (0 without grid, "
            f"{grid_border()} twips with it) + floor(4·H/5) twips. Δ = measured − predicted (pt; every font and size "
            "gave the same value when one is shown); pitch = second baseline − first.",
            md_table(
                [
                    "H (twips)",
                    "H (pt)",
                    "floor(0.8·H) (pt)",
                    "Δ no grid",
                    "pitch no grid",
                    "Δ grid snap=0",
                    "pitch grid snap=0",
                ],
                rows,
            ),
            summary(errors, "Exact lines"),
        ]
    )


GRID_VARIANTS = [
    (SUNG, SUNG, "国国"),
    (SUNG, LIB, "国国"),
    (SUNG, LIB, "国1"),
    (KAI, LIB, "国国"),
    (WQY, LIB, "国国"),
    (WQY, LIB, "国1"),
    (LIB, LIB, "HH"),
]
GRID_SIZES = [7.5, 9, 10.5, 12, 14, 15, 16, 18, 20, 22, 24, 26, 28, 30, 36, 42, 48, 54, 60]


def _fonts_drawing(ea: str, latin: str, text: str) -> list[str]:
    fonts = []
    if any(ord(c) > 0x2E80 for c in text):
        fonts.append(ea)
    if any(ord(c) < 0x2E80 for c in text):
        fonts.append(latin)
    return fonts


def exp_grid(lab: Lab) -> str:
    """Grid-snapped lines (docGrid lines, snapToGrid on): line spacing ignored, font box centred in whole rows."""
    body, cases = "", []
    for ea, latin, text in GRID_VARIANTS:
        for size in GRID_SIZES:
            cases.append(("sweep", ea, latin, text, size, PITCH, "exact"))
            body += para(run(text, size, ea=ea, latin=latin), line=PITCH, page_break=True)
    for line, rule in ((280, "exact"), (1158, "exact"), (2000, "exact"), (240, "auto"), (1600, "atLeast")):
        cases.append(("spacing", SUNG, LIB, "国国", 16, line, rule))
        body += para(run("国国", 16) + LINE_BREAK + run("国国", 16), line=line, rule=rule, page_break=True)
    (pages,) = lab.pages([write_docx(lab.path("grid.docx"), body)])
    errors, sweep, spacing_rows = [], {}, []
    for (kind, ea, latin, text, size, line, rule), page in zip(cases, pages, strict=True):
        found = lines_of(page)
        runs = [(lab.fonts.vmetrics(f), size) for f in _fonts_drawing(ea, latin, text)]
        offset, rows = grid_line(runs)
        measured = found[0][0] - (TOP + grid_border()) / 20
        errors.append(measured - offset / 20)
        if kind == "sweep":
            sweep[(ea, latin, text, size)] = (measured, offset / 20, rows // PITCH)
        else:
            pitch = found[1][0] - found[0][0]
            spacing_rows.append(
                [f'w:line="{line}" w:lineRule="{rule}"', f"{measured:.2f}", f"{offset / 20:.2f}", f"{pitch:.2f}"]
            )
    header = ["size (pt)"] + [f"{SHORT[ea]}/{SHORT[latin]} `{text}`" for ea, latin, text in GRID_VARIANTS]
    rows = []
    for size in GRID_SIZES:
        row: list[object] = [f"{size:g}"]
        for ea, latin, text in GRID_VARIANTS:
            measured, predicted, n = sweep[(ea, latin, text, size)]
            row.append(f"{measured:.2f} ({err(measured - predicted)}){f' ×{n}' if n > 1 else ''}")
        rows.append(row)
    metrics_rows = []
    for family in (SUNG, KAI, WQY, LIB):
        m = lab.fonts.vmetrics(family)
        metrics_rows.append(
            [
                SHORT[family],
                m.upm,
                f"{m.ascent:.4f}",
                f"{m.descent:.4f}",
                f"{m.gap:.4f}",
                f"{(m.above - m.descent) / 2:.4f}",
            ]
        )
    return "\n\n".join(
        [
            "### Grid-snapped lines (docGrid type=lines, snapToGrid on)",
            "Font metrics used (hhea, em): (A−D)/2 is the baseline's offset below the row's middle, per pt of size.",
            md_table(["font", "upm", "ascent", "descent", "line gap", "(ascent+gap−descent)/2"], metrics_rows),
            "Baseline below the top of its grid row(s), pt: measured (measured − predicted); ×n = the line took n grid "
            "rows. "
            "`国1`: the 1 is in the Latin font, so both fonts' metrics count.",
            md_table(header, rows),
            "Line spacing of a snapped line (Sungti 16 pt, two lines): w:spacing is ignored.",
            md_table(["w:spacing", "baseline below row top", "predicted", "line pitch"], spacing_rows),
            summary(errors, "Snapped lines"),
        ]
    )


def exp_metrics(lab: Lab) -> str:
    """Which table LibreOffice reads ascent/descent from: three copies of Sungti (subset) with different hhea,
    OS/2 typo and OS/2 win values, served through a fontconfig file of our own."""
    folder = lab.path("probe-fonts")
    folder.mkdir(exist_ok=True)
    source = lab.fonts.file(SUNG)
    if source is None:
        return "### Which metrics\n\nskipped: AR PL SungtiL GB is not installed."
    probes = {
        "Probe Hhea": ((1000, -300, 100), False),
        "Probe Typo": ((1000, -300, 100), True),
        "Probe Zero": ((0, 0, 0), False),
    }
    for name, (hhea, use_typo) in probes.items():
        font = TTFont(source[0], fontNumber=source[1])
        options = subset.Options()
        options.name_IDs, options.name_languages, options.notdef_outline = ["*"], ["*"], True
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="国一H")
        subsetter.subset(font)
        font["hhea"].ascent, font["hhea"].descent, font["hhea"].lineGap = hhea
        os2 = font["OS/2"]
        os2.sTypoAscender, os2.sTypoDescender, os2.sTypoLineGap = 800, -200, 50
        os2.usWinAscent, os2.usWinDescent = 1100, 400
        if os2.version < 4:
            os2.version, os2.sxHeight, os2.sCapHeight = 4, 500, 700
            os2.usDefaultChar, os2.usBreakChar, os2.usMaxContext = 0, 32, 1
        os2.fsSelection = os2.fsSelection | 128 if use_typo else os2.fsSelection & ~128
        for record in font["name"].names:
            if record.nameID in (1, 4, 16):
                record.string = name
            elif record.nameID in (3, 6):
                record.string = name.replace(" ", "")
        font.save(folder / f"{name.replace(' ', '')}.ttf")
    config = lab.path("probe-fonts.conf")
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{folder}</dir>\n  <cachedir>{lab.path('fc-cache')}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    body, cases = "", []
    for name in probes:
        for size in (10.5, 16, 22):
            cases.append((name, size))
            body += para(run("国一", size, ea=name, latin=name), page_break=True)
    (pages,) = lab.pages([write_docx(lab.path("metrics.docx"), body)], fontconfig=config)
    rows, errors = [], []
    for (name, size), page in zip(cases, pages, strict=True):
        font = TTFont(folder / f"{name.replace(' ', '')}.ttf")
        measured = lines_of(page)[0][0] - (TOP + grid_border()) / 20
        candidates = {}
        upm = font["head"].unitsPerEm
        os2 = font["OS/2"]
        hh = font["hhea"]
        for label, (a, d, g) in {
            "hhea": (hh.ascent, -hh.descent, hh.lineGap),
            "typo": (os2.sTypoAscender, -os2.sTypoDescender, os2.sTypoLineGap),
            "win": (os2.usWinAscent, os2.usWinDescent, 0),
        }.items():
            metrics = VMetrics(a / upm, d / upm, g / upm, upm)
            candidates[label] = grid_line([(metrics, size)])[0] / 20
        chosen = grid_line([(font_vmetrics(font), size)])[0] / 20
        errors.append(measured - chosen)
        rows.append([name, f"{size:g}", f"{measured:.2f}", *(f"{v:.2f}" for v in candidates.values()), f"{chosen:.2f}"])
    return "\n\n".join(
        [
            "### Which font metrics",
            "Copies of Sungti with hhea = 1000/−300/100, OS/2 typo = 800/−200/50, OS/2 win = 1100/400 (upm 1024); "
            "*Typo* sets USE_TYPO_METRICS, *Zero* has hhea ascender = descender = 0. Baseline below the row top (pt) "
            "on a 579-twip grid, and what each table would give; the last column is the rule in `font_vmetrics`.",
            md_table(["font", "size", "measured", "if hhea", "if typo", "if win", "rule"], rows),
            summary(errors, "Metric source rule"),
        ]
    )


SPACING_PAIRS = [(0, 0), (100, 0), (0, 100), (290, 0), (0, 290), (300, 200), (200, 300), (579, 0), (600, 0), (1000, 0)]


def exp_spacing(lab: Lab) -> str:
    """Space before/after: added as written (no snapping to grid rows), after/before collapse to the larger,
    space before kept at the top of a page after a page break and dropped after a page break by flow."""
    docs, all_cases = [], []
    for mode in ("grid", "grid, snapToGrid=0", "no grid"):
        snap = 0 if "snap" in mode else None
        body, cases = "", []
        line = run("国国", 16)
        for after, before in SPACING_PAIRS:
            cases.append(("pair", after, before))
            body += para(line, snap=snap, page_break=True) + para(line, snap=snap, after=after)
            body += para(line, snap=snap, before=before) + para(line, snap=snap)
        for before in (100, 579, 600):
            cases.append(("page break", 0, before))
            body += para(line, snap=snap, page_break=True, before=before)
        for before in (100, 579):
            cases.append(("flow", 0, before))
            body += para(line, snap=snap, page_break=True) + "".join(para(line, snap=snap) for _ in range(21))
            body += para(line, snap=snap, before=before)
        cases.append(("first of document", 0, 300))
        docs.append(
            write_docx(
                lab.path(f"spacing-{len(docs)}-first.docx"), para(line, snap=snap, before=300), grid=mode != "no grid"
            )
        )
        docs.append(write_docx(lab.path(f"spacing-{len(docs)}.docx"), body, grid=mode != "no grid"))
        all_cases.append((mode, cases))
    converted = lab.pages(docs)
    rows, errors = [], []
    for index, (mode, cases) in enumerate(all_cases):
        first_doc, pages = converted[2 * index], converted[2 * index + 1]
        border = grid_border() if mode != "no grid" else 0
        snapped = mode == "grid"
        line_offset = (grid_line([(lab.fonts.vmetrics(SUNG), 16)])[0] if snapped else exact_ascent(PITCH)) / 20
        top = (TOP + border) / 20 + line_offset  # baseline of a first line at the top of the body
        cursor = 0
        for kind, after, before in cases:
            if kind == "pair":
                base = [b for b, _ in lines_of(pages[cursor])]
                cursor += 1
                gap = base[2] - base[1]
                predicted = (PITCH + max(after, before)) / 20
                errors.append(gap - predicted)
                rows.append(
                    [mode, f"after {after}, before {before}", f"{gap:.2f}", f"{predicted:.2f}", err(gap - predicted)]
                )
            elif kind == "page break":
                b = lines_of(pages[cursor])[0][0]
                cursor += 1
                errors.append(b - top - before / 20)
                rows.append(
                    [
                        mode,
                        f"pageBreakBefore, before {before}",
                        f"{b - top:.2f}",
                        f"{before / 20:.2f}",
                        err(b - top - before / 20),
                    ]
                )
            elif kind == "flow":
                b = lines_of(pages[cursor + 1])[0][0]
                cursor += 2
                errors.append(b - top)
                rows.append(
                    [mode, f"moved to a new page by flow, before {before}", f"{b - top:.2f}", "0.00", err(b - top)]
                )
            else:
                b = lines_of(first_doc[0])[0][0]
                errors.append(b - top - before / 20)
                rows.append(
                    [
                        mode,
                        f"first paragraph of the document, before {before}",
                        f"{b - top:.2f}",
                        f"{before / 20:.2f}",
                        err(b - top - before / 20),
                    ]
                )
    return "\n\n".join(
        [
            "### Paragraph spacing",
            "Sungti 16 pt, exact 579-twip lines. *pair*: distance between the baselines of paragraph 2 (space after) "
            "and paragraph 3 (space before), predicted pitch + max(after, before). Other rows: how far the first "
            "baseline on the page sits below where a first line without space would sit, predicted = the space before "
            "when it is kept, 0 when it is dropped.",
            md_table(["page", "case", "measured (pt)", "predicted (pt)", "Δ"], rows),
            summary(errors, "Spacing"),
        ]
    )


def exp_pitch(lab: Lab) -> str:
    """The grid border for other pitches, and a header and a footer (docgen writes a footer) do not move it."""
    docs, cases = [], []
    for pitch in (500, 567, 579, 580, 600):
        body = para(run("国国", 16), line=pitch) + para(run("国国", 16), line=pitch, snap=0)
        docs.append(write_docx(lab.path(f"pitch-{pitch}.docx"), body, pitch=pitch))
        cases.append((f"linePitch {pitch}", pitch))

    def with_parts(document: docx.document.Document) -> str:
        section = document.sections[0]
        footer = section.footer.paragraphs[0]
        footer.text = "— 1 —"
        ppr = footer._p.get_or_add_pPr()
        ppr.append(etree.fromstring(f'<w:snapToGrid {NAMESPACES} w:val="0"/>'))
        ppr.append(etree.fromstring(f'<w:spacing {NAMESPACES} w:line="280" w:lineRule="exact"/>'))
        section.header.paragraphs[0].text = "页眉"
        return para(run("国国", 16)) + para(run("国国", 16), snap=0)

    docs.append(write_docx(lab.path("pitch-parts.docx"), with_parts))
    cases.append(("579 with header and footer", PITCH))
    rows, errors = [], []
    sung = lab.fonts.vmetrics(SUNG)
    for (label, pitch), pages in zip(cases, lab.pages(docs), strict=True):
        page = pages[0]
        snapped, exact = (b for b, chars in lines_of(page) if chars[0]["text"] == "国")
        border = grid_border(pitch)
        predicted = (TOP + border + grid_line([(sung, 16)], pitch)[0]) / 20
        predicted_exact = (TOP + border + pitch + exact_ascent(pitch)) / 20
        errors += [snapped - predicted, exact - predicted_exact]
        rows.append(
            [
                label,
                (PAGE_H - TOP - BOTTOM) // pitch,
                border,
                f"{snapped:.2f}",
                f"{predicted:.2f}",
                f"{exact:.2f}",
                f"{predicted_exact:.2f}",
            ]
        )
    return "\n\n".join(
        [
            "### Grid border",
            "Type area 12756 twips high. Lines = floor(12756 / pitch); border = (12756 − lines·pitch) / 2 twips. "
            "First baseline (snapped, Sungti 16 pt) and second (snapToGrid=0, exact = pitch), pt from the page top.",
            md_table(["case", "lines", "border (twips)", "snapped", "predicted", "exact", "predicted"], rows),
            summary(errors, "Grid border"),
        ]
    )


def exp_header_footer(lab: Lab) -> str:
    """One exact-height line in the header and in the footer (docgen's page number is such a footer)."""
    docs, cases = [], []
    for distance in (800, 1433):
        for height in (200, 280, 400):
            for snap in (0, None):

                def parts(document: docx.document.Document, height: int = height, snap: int | None = snap) -> str:
                    section = document.sections[0]
                    for paragraph, text in (
                        (section.header.paragraphs[0], "页眉"),
                        (section.footer.paragraphs[0], "— 1 —"),
                    ):
                        paragraph.text = text
                        ppr = paragraph._p.get_or_add_pPr()
                        if snap is not None:
                            ppr.append(etree.fromstring(f'<w:snapToGrid {NAMESPACES} w:val="{snap}"/>'))
                        ppr.append(etree.fromstring(f'<w:spacing {NAMESPACES} w:line="{height}" w:lineRule="exact"/>'))
                    return para(run("国国"))

                path = write_docx(lab.path(f"parts-{distance}-{height}-{snap}.docx"), parts)
                with zipfile.ZipFile(path) as package:
                    files = {name: package.read(name) for name in package.namelist()}
                files["word/document.xml"] = re.sub(
                    rb'w:header="\d+" w:footer="\d+"',
                    f'w:header="{distance}" w:footer="{distance}"'.encode(),
                    files["word/document.xml"],
                )
                with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
                    for name, data in files.items():
                        package.writestr(name, data)
                docs.append(path)
                cases.append((distance, height, snap))
    rows, errors = [], []
    for (distance, height, snap), pages in zip(cases, lab.pages(docs), strict=True):
        found = {chars[0]["text"]: line for line, chars in lines_of(pages[0])}
        header, footer = found["页"], found["—"]
        predicted_header = (distance + exact_ascent(height)) / 20
        predicted_footer = (PAGE_H - distance - height + exact_ascent(height)) / 20
        errors += [header - predicted_header, footer - predicted_footer]
        rows.append(
            [
                distance,
                height,
                "off" if snap == 0 else "on",
                f"{header:.2f}",
                f"{predicted_header:.2f}",
                f"{footer:.2f}",
                f"{predicted_footer:.2f}",
            ]
        )
    return "\n\n".join(
        [
            "### Header and footer lines",
            "A one-line header and footer (w:spacing exact H; snapToGrid as given; w:header = w:footer = distance). "
            "Predicted baselines: header = distance + floor(0.8·H); footer = page height − distance − H + "
            "floor(0.8·H), pt from the page top (the grid does not apply).",
            md_table(["distance (twips)", "H (twips)", "snap", "header", "predicted", "footer", "predicted"], rows),
            summary(errors, "Header/footer lines"),
        ]
    )


INK_CASES = [(SUNG, "国"), (SUNG, "一"), (SUNG, "永"), (KAI, "国"), (WQY, "国"), (LIB, "H")]


def exp_ink(lab: Lab) -> str:
    """Ink of a glyph against its baseline: the outline's yMax/yMin times the size."""
    body, cases = "", []
    for font, char in INK_CASES:
        for size in (16, 22, 42):
            for snap, height in ((None, PITCH), (0, 1400)):
                cases.append((font, char, size, snap, height))
                body += para(
                    run(char, size, ea=font, latin=font, color="FF0000"), line=height, snap=snap, page_break=True
                )
    for size in (22, 42):  # taller than the exact line: is the glyph clipped?
        cases.append((SUNG, "国", size, 0, PITCH))
        body += para(run("国", size, color="FF0000"), line=PITCH, snap=0, page_break=True)
    pdf_path = lab.convert([write_docx(lab.path("ink.docx"), body)])[0]
    pages = list(pdfplumber.open(pdf_path).pages)
    rows = []
    errors: dict[int, list[float]] = {600: [], 2400: []}
    for number, ((font, char, size, snap, height), page) in enumerate(zip(cases, pages, strict=True), 1):
        glyph = page.chars[0]
        base = baseline(page, glyph)
        y_min, y_max = lab.fonts.glyph_bounds(font, char)
        top, bottom = base - y_max * size, base - y_min * size
        row: list[object] = [
            SHORT[font],
            char,
            f"{size:g}",
            "on" if snap is None else f"off, H={height}",
            f"{base:.2f}",
            f"{y_max * size:.3f}",
        ]
        for dpi in (600, 2400):
            box = (glyph["x0"] - 2, base - 1.2 * size, glyph["x1"] + 2, base + 0.4 * size)
            ink_top, ink_bottom = ink_extent(pdf_path, number, box, dpi)
            errors[dpi] += [ink_top - top, ink_bottom - bottom]
            row += [err(ink_top - top), err(ink_bottom - bottom)]
        rows.append(row)
    return "\n\n".join(
        [
            "### Glyph ink",
            "Red glyph, one per page. Predicted ink top = baseline − yMax·size, bottom = baseline − yMin·size (the "
            "glyph's outline bounds, em). Δ = ink (first/last row of pdftoppm coverage, refined by the coverage) − "
            "predicted, pt. The last two rows put a 22/42 pt glyph in an exact 579-twip line (snapToGrid=0).",
            md_table(
                [
                    "font",
                    "glyph",
                    "size",
                    "snap",
                    "baseline",
                    "yMax·size",
                    "Δtop 600 dpi",
                    "Δbottom 600 dpi",
                    "Δtop 2400 dpi",
                    "Δbottom 2400 dpi",
                ],
                rows,
            ),
            summary(errors[600], "Ink at 600 dpi"),
            summary(errors[2400], "Ink at 2400 dpi"),
        ]
    )


def exp_rules(lab: Lab) -> str:
    """Anchored line shapes: where the stroke is drawn against posOffset, for thicknesses and relativeFrom."""
    body, cases = "", []
    shape = 1
    for rel in ("margin", "page"):
        for thickness in (0.25, 0.5, 0.75, 1.0, 1.5):
            for top in (100.0, 200.37):
                shape += 1
                cases.append(("abs", rel, thickness, top, 0))
                x = 0.0 if rel == "margin" else LEFT / 20
                body += para(
                    run("国国") + anchored_line(top, thickness=thickness, rel_v=rel, rel_h=rel, x=x, shape_id=shape),
                    page_break=True,
                )
    for rel in ("paragraph", "line", "topMargin"):
        for before in (0, 300):
            for offset in (0.0, 20.0):
                shape += 1
                cases.append(("rel", rel, 1.0, offset, before))
                body += para(run("国国"), page_break=True) + para(run("国国"))
                body += para(run("国国") + anchored_line(offset, rel_v=rel, shape_id=shape), before=before)
    shape += 1
    cases.append(("rel", "line (anchor on 2nd line)", 1.0, 0.0, 0))
    body += para(run("国" * 27) + run("国国") + anchored_line(0.0, rel_v="line", shape_id=shape), page_break=True)
    pdf_path = lab.convert([write_docx(lab.path("rules.docx"), body)])[0]
    pages = list(pdfplumber.open(pdf_path).pages)
    rows_abs, rows_rel, errors = [], [], []
    body_top = (TOP + grid_border()) / 20
    for number, ((kind, rel, thickness, offset, before), page) in enumerate(zip(cases, pages, strict=True), 1):
        (stroke,) = strokes(page)
        y_left, y_right = stroke["pts"][0][1], stroke["pts"][-1][1]  # pdfplumber's pts are (x, top)
        if kind == "abs":
            ref = TOP / 20 if rel == "margin" else 0.0
            predicted = ref + offset
            ink_top, ink_bottom = ink_extent(pdf_path, number, (200, predicted - 3, 300, predicted + 3), 2400)
            errors.append((y_left + y_right) / 2 - predicted)
            rows_abs.append(
                [
                    rel,
                    f"{thickness:g}",
                    f"{offset:g}",
                    f"{y_left - predicted:+.3f}",
                    f"{y_right - predicted:+.3f}",
                    f"{stroke['linewidth']:g}",
                    f"{ink_top - predicted:+.3f}",
                    f"{ink_bottom - predicted:+.3f}",
                    f"{stroke['x0']:.2f}–{stroke['x1']:.2f}",
                ]
            )
        else:
            ref = {
                "paragraph": body_top + 2 * PITCH / 20,
                "line": body_top + (2 * PITCH + before) / 20,
                "line (anchor on 2nd line)": body_top + PITCH / 20,
                "topMargin": 0.0,
            }[rel]
            errors.append(y_left - ref - offset)
            rows_rel.append(
                [rel, before, f"{offset:g}", f"{y_left:.2f}", f"{ref + offset:.2f}", err(y_left - ref - offset)]
            )
    return "\n\n".join(
        [
            "### Anchored line shapes",
            f"A red line shape as docgen writes it (wp:anchor, wps:wsp prst=line, cy=0), {TYPE_WIDTH_PT:.2f} pt long. "
            "Δ = drawn path (left end / right end) − (reference + posOffset), pt; ink from a 2400 dpi raster relative "
            "to the same position; x = the path's extent.",
            md_table(
                [
                    "relativeFrom",
                    "w (pt)",
                    "posOffset (pt)",
                    "Δ left",
                    "Δ right",
                    "PDF line width",
                    "ink top",
                    "ink bottom",
                    "x (pt)",
                ],
                rows_abs,
            ),
            "relativeFrom paragraph / line / topMargin: the anchor is in the third paragraph of a page (the third "
            "grid row), which has the given space before; predicted reference: paragraph = top of the paragraph's area "
            "(where the space before starts), line = top of the anchor's line (after the space before), topMargin = "
            "the page's top edge.",
            md_table(["relativeFrom", "space before", "posOffset (pt)", "drawn (pt)", "predicted (pt)", "Δ"], rows_rel),
            summary(errors, "Rules"),
        ]
    )


def exp_split_anchor(lab: Lab) -> str:
    """A shape (or picture) anchored in the part of a paragraph that continues on the next page."""

    def body(document: docx.document.Document) -> str:
        rel_id, _ = document.part.get_or_add_image(str(lab.path("seal.png")))
        xml = ""
        long = "国" * (27 * 5)
        for index, (where, what, rel) in enumerate(_split_cases()):
            if what == "line":
                anchor = anchored_line(300.0 if rel in ("margin", "page") else 10.0, rel_v=rel, shape_id=300 + index)
            else:
                anchor = anchored_picture(rel_id, 300.0, 300.0, 60.0, 60.0, rel=rel, shape_id=300 + index)
            if where == "locked=0":
                anchor = anchor.replace('locked="1"', 'locked="0"')
            xml += para(run("国国"), page_break=True) + "".join(para(run("国国")) for _ in range(19))
            if where == "start":
                xml += para(anchor + run(long)) + para(run("后"))
            elif where == "next paragraph":
                xml += para(run(long)) + para(run("后") + anchor)
            elif where == "middle of page-2 part":
                xml += para(run(long[:86]) + anchor + run(long[86:])) + para(run("后"))
            else:
                xml += para(run(long) + anchor) + para(run("后"))
        return xml

    _seal(lab.path("seal.png"))
    (pages,) = lab.pages([write_docx(lab.path("split.docx"), body)])
    rows = []
    for index, (where, what, rel) in enumerate(_split_cases()):
        first, second = pages[2 * index], pages[2 * index + 1]

        found = [strokes(page) if what == "line" else page.images for page in (first, second)]
        shown = [", ".join(f"y={obj['top']:.2f}" for obj in items) or "—" for items in found]
        rows.append([what, rel, where, len(lines_of(second)), *shown])
    return "\n\n".join(
        [
            "### An anchor in a paragraph that runs over a page break",
            "20 one-line paragraphs, then a paragraph of 5 lines (2 on page 1, 3 on page 2), then one more line. The "
            "anchor run is at the paragraph's start (page 1 part), at its end or in its middle (page 2 part), or in "
            "the next paragraph (page 2). Shapes found on each page (y = top, pt).",
            md_table(["object", "relativeFrom", "anchor run", "lines on page 2", "page 1", "page 2"], rows),
        ]
    )


def _split_cases() -> list[tuple[str, str, str]]:
    cases = [
        (where, "line", rel)
        for where in ("start", "end", "middle of page-2 part", "locked=0")
        for rel in ("margin", "page", "paragraph", "line")
    ]
    cases += [("next paragraph", "line", rel) for rel in ("margin", "page")]
    cases += [(where, "picture", "page") for where in ("start", "end", "next paragraph")]
    return cases


def _seal(path: Path) -> None:
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 392, 392), outline=(230, 0, 0, 255), width=16)
    draw.rectangle((150, 150, 250, 250), fill=(230, 0, 0, 255))
    image.save(path)
    Image.new("RGB", (100, 100), (0, 0, 255)).save(path.with_name("blue.png"))


def exp_pictures(lab: Lab) -> str:
    """Anchored pictures at absolute positions, behind or in front of the text; inline pictures on a line."""
    _seal(lab.path("seal.png"))
    cases = []

    def body(document: docx.document.Document) -> str:
        seal, _ = document.part.get_or_add_image(str(lab.path("seal.png")))
        blue, _ = document.part.get_or_add_image(str(lab.path("blue.png")))
        xml, shape = "", 500
        for rel, x, y, side in (
            ("page", 300.0, 500.0, 119.06),
            ("margin", 300.0, 500.0, 119.06),
            ("paragraph", 300.0, 10.0, 119.06),
            ("page", 77.77, 123.45, 119.06),
            ("page", 77.77, 400.01, 50.0),
        ):
            for behind in (1, 0):
                shape += 1
                cases.append(("anchor", rel, x, y, behind))
                text = run("国" * 27 * 3)
                xml += para(run("国国"), page_break=True)
                xml += para(text + anchored_picture(seal, x, y, side, side, rel=rel, behind=behind, shape_id=shape))
        for snap in (None, 0):
            for size in (10.0, 20.0, 40.0):
                shape += 1
                cases.append(("inline", snap, size, size, 0))
                xml += para(run("国国"), snap=snap, page_break=True)
                xml += para(run("国") + inline_picture(blue, size, size, shape) + run("国"), snap=snap)
                xml += para(run("国国"), snap=snap)
        return xml

    pdf_path = lab.convert([write_docx(lab.path("pictures.docx"), body)])[0]
    pdf = pdfplumber.open(pdf_path)
    rows_anchor, rows_inline, errors = [], [], []
    for (kind, rel, x, y, behind), page in zip(cases, pdf.pages, strict=True):
        (image,) = page.images
        order = _paint_order(pdf_path, page.page_number)
        if kind == "anchor":
            ref_x, ref_y = {
                "page": (0.0, 0.0),
                "margin": (LEFT / 20, TOP / 20),
                "paragraph": (LEFT / 20, (TOP + grid_border() + PITCH) / 20),
            }[rel]
            dx, dy = image["x0"] - ref_x - x, image["top"] - ref_y - y
            errors += [dx, dy]
            rows_anchor.append(
                [
                    rel,
                    behind,
                    f"{x:g}, {y:g}",
                    f"{image['x0']:.2f}, {image['top']:.2f}",
                    f"{dx:+.2f}, {dy:+.2f}",
                    f"{image['x1'] - image['x0']:.2f}",
                    "image first" if order == "image" else "text first",
                    "yes" if image["stream"].get("SMask") is not None else "no",
                    f"{image['srcsize'][0]}×{image['srcsize'][1]}",
                ]
            )
        else:
            found = lines_of(page)
            rows_inline.append(
                [
                    "on" if rel is None else "off",
                    f"{x:g}",
                    f"{found[1][0]:.2f}",
                    f"{image['bottom']:.2f}",
                    f"{image['top']:.2f}",
                    f"{found[2][0] - found[1][0]:.2f}",
                    f"{found[1][0] - found[0][0]:.2f}",
                ]
            )
    return "\n\n".join(
        [
            "### Pictures",
            "Anchored PNG (400×400 px, transparent background), 119.06 pt square (42 mm; the last two: 50 pt), "
            "wrapNone. Predicted top-left = "
            "reference + posOffset (page: page corner; margin: left/top margin; paragraph: left margin and the top of "
            "the anchor paragraph's area). Paint order from the page's content stream.",
            md_table(
                [
                    "relativeFrom",
                    "behindDoc",
                    "posOffset x, y",
                    "drawn x0, top",
                    "Δx, Δy",
                    "width",
                    "paint order",
                    "alpha kept",
                    "pixels in PDF",
                ],
                rows_anchor,
            ),
            "Inline picture (blue square) between two 16 pt characters on the second line of a page; snap = "
            "snapToGrid of these paragraphs (exact 579-twip lines).",
            md_table(
                [
                    "snap",
                    "picture (pt)",
                    "baseline",
                    "picture bottom",
                    "picture top",
                    "next line − this",
                    "this line − previous",
                ],
                rows_inline,
            ),
            summary(errors, "Anchored pictures"),
        ]
    )


def _paint_order(pdf_path: Path, page_number: int) -> str:
    from pypdf import PdfReader

    content = PdfReader(str(pdf_path)).pages[page_number - 1].get_contents().get_data().decode("latin-1")
    image_at = content.find(" Do")
    text_at = content.find("BT")
    return "image" if 0 <= image_at < text_at or text_at < 0 else "text"


def exp_frames(lab: Lab) -> str:
    """w:framePr paragraphs: where the frame's text lands and what the following body text does."""
    body, cases = "", []
    for wrap in ("none", "around", "notBeside", "auto", None):
        for extra in ("", ' w:w="8845" w:hRule="exact" w:h="1158"'):
            for y in (0, 1000):
                for snap, height in ((None, 1158), (0, 800)):
                    if (snap, height) != (None, 1158) and (extra or wrap not in ("none", None)):
                        continue
                    cases.append((wrap, extra, y, snap, height, "margin"))
                    body += para(run("前"), page_break=True)
                    body += para(
                        run("国国国", 42, color="FF0000"),
                        line=height,
                        snap=snap,
                        frame=frame_pr(y, wrap, extra=extra),
                        jc="center",
                    )
                    body += "".join(para(run("国" * 54)) for _ in range(3))
    for anchor in ("page", "text"):
        cases.append(("none", "", 3000, None, 1158, anchor))
        body += para(run("前"), page_break=True) + para(run("前"))
        body += para(
            run("国国国", 42, color="FF0000"), line=1158, frame=frame_pr(3000, "none", v_anchor=anchor), jc="center"
        )
        body += "".join(para(run("国" * 54)) for _ in range(3))
    (pages,) = lab.pages([write_docx(lab.path("frames.docx"), body)])
    rows, errors = [], []
    centre = (LEFT + (PAGE_W - LEFT - RIGHT) / 2) / 20
    for (wrap, extra, y, snap, height, anchor), page in zip(cases, pages, strict=True):
        big = [c for c in page.chars if c["size"] > 40]
        # vAnchor=text: the top of the body paragraph the frame stands before (here the third grid row)
        ref = {"margin": TOP / 20, "page": 0.0, "text": (TOP + grid_border() + 2 * PITCH) / 20}[anchor]
        frame_base = baseline(page, big[0])
        predicted = ref + y / 20 + exact_ascent(height) / 20
        errors.append(frame_base - predicted)
        small = [(b - TOP / 20, chars) for b, chars in lines_of(page) if chars[0]["size"] < 20]
        body_lines = ", ".join(f"{b:.1f}" + (f" ({len(chars)})" if len(chars) != 27 else "") for b, chars in small)
        x_centre = (big[0]["x0"] + big[-1]["x1"]) / 2
        rows.append(
            [
                wrap or "(absent)",
                "w=type width, h=1158 exact" if extra else "auto",
                anchor,
                y,
                "on" if snap is None else "off",
                height,
                f"{frame_base:.2f}",
                f"{predicted:.2f}",
                f"{x_centre - centre:+.2f}",
                body_lines,
            ]
        )
    return "\n\n".join(
        [
            "### Framed paragraphs (w:framePr)",
            "Page: one line `前`, then the framed paragraph (`国国国`, 42 pt red, jc=center; w:framePr hAnchor=margin "
            "xAlign=center, vAnchor and w:y as given; its own w:spacing exact H, snapToGrid as given), then three "
            "two-line paragraphs of 27-character lines. Predicted frame baseline = anchor + y + floor(0.8·H). "
            "Body lines: baselines below the top margin (pt), with the number of characters when not a full line.",
            md_table(
                [
                    "wrap",
                    "size",
                    "vAnchor",
                    "y (twips)",
                    "snap",
                    "H",
                    "frame baseline",
                    "predicted",
                    "frame text centre − type-area centre",
                    "body lines",
                ],
                rows,
            ),
            summary(errors, "Frame text"),
        ]
    )


def exp_horizontal(lab: Lab) -> str:
    """w:w character scaling and w:spacing letter spacing on CJK text; where text starts against the margin."""
    body, cases = "", []
    for size in (22, 26, 42):
        for scale in (None, 80, 50, 120):
            for tracking in (None, -5, 40, 200):
                for jc in ("center", "right"):
                    cases.append((size, scale, tracking, jc))
                    body += para(
                        run("国国国国国", size, scale=scale, tracking=tracking),
                        line=1158,
                        snap=0,
                        page_break=True,
                        jc=jc,
                    )
    docs = [write_docx(lab.path("horizontal.docx"), body)]
    for left in (1440, 1587, 1600, 1701):
        docs.append(
            write_docx(
                lab.path(f"left-{left}.docx"),
                para(run("国国") + anchored_line(10.0, width=100.0), jc="left"),
                left=left,
            )
        )
    converted = lab.pages(docs)
    pages = converted[0]
    rows, errors_adv, errors_pos = [], [], []
    centre = (LEFT + (PAGE_W - LEFT - RIGHT) / 2) / 20
    right_edge = (PAGE_W - RIGHT) / 20
    for (size, scale, tracking, jc), page in zip(cases, pages, strict=True):
        chars = page.chars
        advances = [b["x0"] - a["x0"] for a, b in itertools.pairwise(chars)]
        mean = sum(advances) / len(advances)
        predicted = size * (scale or 100) / 100 + (tracking or 0) / 20
        errors_adv += [a - predicted for a in advances]
        width = chars[-1]["x1"] - chars[0]["x0"]
        natural = 4 * predicted + size * (scale or 100) / 100
        if jc == "center":
            position = (chars[0]["x0"] + chars[-1]["x1"]) / 2 - centre
        else:
            position = chars[-1]["x1"] - right_edge
        errors_pos.append(position)
        if (jc == "center" and size != 26) or (jc == "right" and tracking == 200 and scale is None):
            rows.append(
                [
                    f"{size:g}",
                    scale or 100,
                    tracking or 0,
                    jc,
                    f"{mean:.3f}",
                    f"{predicted:.3f}",
                    f"{min(advances) - predicted:+.3f}…{max(advances) - predicted:+.3f}",
                    f"{width:.2f}",
                    f"{natural:.2f}",
                    f"{chars[0]['matrix'][0]:g}",
                    f"{position:+.2f}",
                ]
            )
    left_rows = []
    for left, pdf_pages in zip((1440, 1587, 1600, 1701), converted[1:], strict=True):
        page = pdf_pages[0]
        left_rows.append([left, f"{left / 20:.2f}", f"{page.chars[0]['x0']:.2f}", f"{strokes(page)[0]['x0']:.2f}"])
    return "\n\n".join(
        [
            "### Character scaling and letter spacing",
            "Five 国 (Sungti), exact 1158-twip line, snapToGrid=0. Predicted advance = size·w/100 + spacing/20. "
            "Width = "
            "first glyph's left to last glyph's right; 'natural' = 4 advances + one scaled glyph (no spacing after the "
            "last). Position: centred text: text centre − type-area centre; right-aligned: last glyph's right − right "
            "margin. Rows for 26 pt and most right-aligned cases are measured (in the summaries) but not shown.",
            md_table(
                [
                    "size",
                    "w (%)",
                    "spacing (twips)",
                    "jc",
                    "mean advance",
                    "predicted",
                    "Δ range",
                    "width",
                    "natural",
                    "PDF x-scale",
                    "position",
                ],
                rows,
            ),
            summary(errors_adv, "Advances"),
            summary(errors_pos, "Alignment position (centred / right, against the margins; see the next table)"),
            "Left margin: first glyph's left edge against an anchored line at posOffset 0 (relativeFrom margin).",
            md_table(["w:left (twips)", "margin (pt)", "text x0", "rule x0"], left_rows),
        ]
    )


def exp_seed(lab: Lab) -> str:
    """docgen's own DOCX of the seed, rendered with the fontconfig docgen writes: every body line's baseline
    against the grid-line formula, every rule against posOffset."""
    title = "### docgen's seed DOCX"
    folder = lab.path("seed")
    folder.mkdir(exist_ok=True)
    config = lab.path("docgen-fonts.conf")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    steps = [
        [sys.executable, "-m", "docgen", "fonts", "--fontconfig", str(config)],
        [sys.executable, "-m", "docgen", "build", str(SEED), "-o", str(folder), "-f", "docx", "-f", "pdf"],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["?"])[-1]
            return f"{title}\n\nskipped: `{' '.join(step[1:4])}` failed here ({last})."
    docx_path = folder / f"{SEED.stem}.docx"
    pdf_path = lab.convert([docx_path], fontconfig=config)[0]
    fonts = postscript_files(dict(os.environ, FONTCONFIG_FILE=str(config)))
    metrics: dict[str, VMetrics] = {}

    def of(char: dict) -> VMetrics:
        name = char["fontname"].split("+", 1)[-1]
        if name not in metrics:
            path, index = fonts[name]
            metrics[name] = font_vmetrics(TTFont(path, fontNumber=index, lazy=True))
        return metrics[name]

    body_top = (TOP + grid_border()) / 20
    body_bottom = (PAGE_H - BOTTOM) / 20
    residuals: list[float] = []
    by_kind: dict[str, list[float]] = {}
    pages = list(pdfplumber.open(pdf_path).pages)
    for page in pages:
        for line, chars in lines_of(page):
            if line > body_bottom:
                continue  # the page number, in the footer
            offset, _ = grid_line({(of(c), c["size"]) for c in chars})
            rest = (line - body_top - offset / 20) % (PITCH / 20)
            residual = rest if rest < PITCH / 40 else rest - PITCH / 20
            residuals.append(residual)
            names = "+".join(sorted({c["fontname"].split("+", 1)[-1] for c in chars}))
            by_kind.setdefault(f"{names} {max(c['size'] for c in chars):g}", []).append(residual)
    rows = [[kind, len(values), f"{min(values):+.3f}", f"{max(values):+.3f}"] for kind, values in by_kind.items()]
    # docgen anchors its rules to their paragraphs (relativeFrom line or paragraph), so where LibreOffice draws one
    # is compared with where docgen's own PDF draws it: the nearest rule on the same page.
    own = {
        page.page_number: [s["pts"][0][1] for s in strokes(page)]
        for page in pdfplumber.open(folder / f"{SEED.stem}.pdf").pages
    }
    drawn = [(page.page_number, s["pts"][0][1]) for page in pages for s in strokes(page)]
    rule_errors = [
        min((y - mine for mine in own.get(number, [])), key=abs, default=float("inf")) for number, y in drawn
    ]
    return "\n\n".join(
        [
            title,
            f"{len(pages)} pages, {len(residuals)} lines in the type area. Residual = measured baseline − (body top + "
            "grid-line offset of the fonts on the line), modulo the 28.95 pt pitch (every docgen paragraph starts on a "
            "row boundary), pt.",
            md_table(["fonts on the line, size", "lines", "min residual", "max residual"], rows),
            summary(residuals, "Seed lines"),
            f"Rules: {len(drawn)} drawn, each compared with the nearest rule on the same page of docgen's own PDF "
            f"({sum(map(len, own.values()))} rules). " + summary(rule_errors, "Seed rules"),
        ]
    )


MM = 72 / 25.4


def exp_recipe(lab: Lab) -> str:
    """The formulas used forwards: a red 42 pt issuer mark whose ink top is 35 mm below the top of the type area
    (a framed paragraph, wrap none), a red rule 4 mm below its baseline, a rule 4 mm below the baseline of a
    snapped body line, and a seal picture centred on a point."""
    name = "济南市委组织部文件"
    size, height = 42.0, 1158
    y_max = max(lab.fonts.glyph_bounds(SUNG, char)[1] for char in name)
    baseline_pt = 35 * MM + y_max * size  # below the top margin
    frame_y = round(baseline_pt * 20) - exact_ascent(height)
    mark_baseline = (frame_y + exact_ascent(height)) / 20
    row = 6  # a body line on grid row 6 (0-based), Sungti 16 pt
    body_baseline = (grid_border() + row * PITCH + grid_line([(lab.fonts.vmetrics(SUNG), 16)])[0]) / 20
    seal_centre = (400.0, 600.0)  # pt from the page's top-left corner
    seal = 119.06
    _seal(lab.path("seal.png"))

    def body(document: docx.document.Document) -> str:
        rel_id, _ = document.part.get_or_add_image(str(lab.path("seal.png")))
        xml = para(run(name, size, color="FF0000"), line=height, frame=frame_pr(frame_y, "none"), jc="center")
        xml += para(
            run("国国")
            + anchored_line(mark_baseline + 4 * MM, thickness=1.0, shape_id=2)
            + anchored_line(body_baseline + 4 * MM, thickness=0.5, shape_id=3)
            + anchored_picture(rel_id, seal_centre[0] - seal / 2, seal_centre[1] - seal / 2, seal, seal, shape_id=4)
        )
        return xml + "".join(para(run("国" * 20)) for _ in range(row))

    pdf_path = lab.convert([write_docx(lab.path("recipe.docx"), body)])[0]
    page = pdfplumber.open(pdf_path).pages[0]
    marks = [c for c in page.chars if c["size"] > 40]
    box = (marks[0]["x0"], TOP / 20 + 35 * MM - 3, marks[-1]["x1"], TOP / 20 + 35 * MM + 3)
    ink_top = ink_extent(pdf_path, 1, box, 2400, red_only=True)[0] - TOP / 20
    body_line = max(line for line, chars in lines_of(page) if len(chars) == 20) - TOP / 20
    rules = sorted(stroke["pts"][0][1] - TOP / 20 for stroke in strokes(page))
    (image,) = page.images
    centre = ((image["x0"] + image["x1"]) / 2, (image["top"] + image["bottom"]) / 2)
    rows = [
        ["issuer mark ink top below the top margin (mm)", f"{ink_top / MM:.3f}", "35.000"],
        [
            "its baseline below the top margin (pt)",
            f"{baseline(page, marks[0]) - TOP / 20:.2f}",
            f"{mark_baseline:.2f}",
        ],
        ["rule 4 mm under that baseline (pt)", f"{rules[0]:.2f}", f"{mark_baseline + 4 * MM:.2f}"],
        ["body line on row 6: baseline (pt)", f"{body_line:.2f}", f"{body_baseline:.2f}"],
        ["rule 4 mm under it (pt)", f"{rules[1]:.2f}", f"{body_baseline + 4 * MM:.2f}"],
        [
            "seal centre (pt from page corner)",
            f"{centre[0]:.2f}, {centre[1]:.2f}",
            f"{seal_centre[0]:.2f}, {seal_centre[1]:.2f}",
        ],
    ]
    return "\n\n".join(
        [
            "### The formulas used forwards",
            f"`{name}` 42 pt red (Sungti; tallest glyph yMax = {y_max:.4f} em) in a framed paragraph "
            f"(wrap=none, vAnchor=margin, exact H = {height}): w:y = round(20·(35 mm + yMax·size)) − floor(0.8·H) = "
            f"{frame_y} twips. Ink top from a 2400 dpi raster (red ink only: the body text runs under the mark)."
            " Body: `国国` on row 0 (it anchors the rules and the seal), six lines of 20 characters on rows 1–6.",
            md_table(["what", "measured", "planned"], rows),
        ]
    )


EXPERIMENTS: dict[str, Callable[[Lab], str]] = {
    "exact": exp_exact,
    "grid": exp_grid,
    "metrics": exp_metrics,
    "pitch": exp_pitch,
    "spacing": exp_spacing,
    "header-footer": exp_header_footer,
    "ink": exp_ink,
    "rules": exp_rules,
    "split": exp_split_anchor,
    "pictures": exp_pictures,
    "frames": exp_frames,
    "horizontal": exp_horizontal,
    "recipe": exp_recipe,
    "seed": exp_seed,
}


def main(argv: list[str] | None = None) -> int:
    names, keep = lo_lab.experiment_args(__doc__, EXPERIMENTS, argv)
    logging.getLogger("fontTools").setLevel(logging.ERROR)  # the arphic fonts' glyf table is 4 bytes long
    with lo_lab.lab_folder(keep, "lo-geometry-") as folder:
        lab = Lab(folder)
        missing = [family for family in (SUNG, KAI, WQY, LIB) if lab.fonts.file(family) is None]
        if missing:
            raise SystemExit(f"fonts missing: {', '.join(missing)}")
        intro = (
            f"{lab.version()}; page A4 {PAGE_W}×{PAGE_H} twips, margins {TOP}/{BOTTOM}/{LEFT}/{RIGHT} twips, docGrid "
            f"lines {PITCH} (grid border {grid_border()} twips)."
        )
        sections = [partial(EXPERIMENTS[name], lab) for name in names]
        lo_lab.print_report("LibreOffice geometry measurements", intro, sections)
    return 0


if __name__ == "__main__":
    sys.exit(main())
