"""What the LibreOffice lab scripts (bench/measure_lo_*.py) share: the 公文 page, LibreOffice's line formulas, the
fonts fontconfig gives LibreOffice, a bare DOCX to write experiments into, converting with ``soffice --headless``,
reading baselines back with pdfplumber, and the Markdown the scripts print.

Not a package module: the scripts run as ``python bench/measure_lo_X.py``, which puts bench/ on sys.path, and
import this file as ``lo_lab``.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pdfplumber
from docx.oxml.ns import qn
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from lxml import etree

# ---------------------------------------------------------------------------------------------------------------
# The page (twips: what docgen writes for 公文 A4, margins 37/35/28/26 mm rounded to twips) and the faces

PAGE_W, PAGE_H = 11906, 16838
TOP, BOTTOM, LEFT, RIGHT = 2098, 1984, 1587, 1474
PITCH = 579

# Faces of this machine (fonts-arphic-gbsn00lp, fonts-liberation) that the geometry and keep experiments name.
SUNG, LIB = "AR PL SungtiL GB", "Liberation Serif"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def grid_border(pitch: int = PITCH, top: int = TOP, bottom: int = BOTTOM, height: int = PAGE_H) -> int:
    """LibreOffice shrinks the body to a whole number of grid lines and centres it: the first line starts this far
    below the top margin (9 twips for 579 on 公文 A4; docs/libreoffice-geometry.md §1)."""
    body = height - top - bottom
    return (body - body // pitch * pitch) // 2


@dataclass(frozen=True)
class Page:
    """A page as written in w:pgSz / w:pgMar (twips), with or without a line grid."""

    width: int = PAGE_W
    height: int = PAGE_H
    top: int = TOP
    bottom: int = BOTTOM
    left: int = LEFT
    right: int = RIGHT
    grid: bool = True
    landscape: bool = False
    pitch: int = PITCH

    @property
    def type_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def rows(self) -> int:
        return (self.height - self.top - self.bottom) // self.pitch

    @property
    def border(self) -> int:
        """The grid border (see ``grid_border``); 0 without a grid."""
        return grid_border(self.pitch, self.top, self.bottom, self.height) if self.grid else 0

    @property
    def body_top(self) -> int:
        return self.top + self.border

    @property
    def body_bottom(self) -> int:
        return self.body_top + self.rows * self.pitch if self.grid else self.height - self.bottom

    def sect(self, kind: str | None = None, footer: str | None = None) -> str:
        """The children of a w:sectPr for this page (``kind``: w:type; ``footer``: a footer relationship id)."""
        reference = f'<w:footerReference w:type="default" r:id="{footer}"/>' if footer else ""
        start = f'<w:type w:val="{kind}"/>' if kind else ""
        orient = ' w:orient="landscape"' if self.landscape else ""
        grid = f'<w:docGrid w:type="lines" w:linePitch="{self.pitch}"/>' if self.grid else ""
        return (
            f'{reference}{start}<w:pgSz w:w="{self.width}" w:h="{self.height}"{orient}/>'
            f'<w:pgMar w:top="{self.top}" w:right="{self.right}" w:bottom="{self.bottom}" w:left="{self.left}" '
            f'w:header="1049" w:footer="992" w:gutter="0"/><w:cols w:space="720"/>{grid}'
        )


PORTRAIT = Page()


# ---------------------------------------------------------------------------------------------------------------
# Line formulas (twips): what docs/libreoffice-geometry.md states, used as the predictions.


def exact_ascent(height: int) -> int:
    """Baseline below the top of an exact-height line (no grid, snapToGrid=0, or inside a frame): 80 %, truncated
    (docs/libreoffice-geometry.md §2)."""
    return 4 * height // 5


@dataclass(frozen=True)
class VMetrics:
    """Vertical font metrics as LibreOffice 7.4 on Linux takes them, in em: ascent + line gap, descent
    (docs/libreoffice-geometry.md §3)."""

    ascent: float
    descent: float
    gap: float
    upm: int

    @property
    def above(self) -> float:  # the line gap is added above the ascent
        return self.ascent + self.gap


def font_vmetrics(font: TTFont) -> VMetrics:
    """hhea ascender/descender/lineGap; OS/2 typo values when USE_TYPO_METRICS (fsSelection bit 7) is set; OS/2 win
    values (gap 0) when hhea's ascender and descender are both 0."""
    upm = font["head"].unitsPerEm
    hhea, os2 = font["hhea"], font["OS/2"]
    ascent, descent, gap = hhea.ascent, -hhea.descent, hhea.lineGap
    if ascent == 0 and descent == 0:
        ascent, descent, gap = os2.usWinAscent, os2.usWinDescent, 0
    if os2.fsSelection & (1 << 7) and os2.sTypoAscender >= 0 and os2.sTypoDescender <= 0:
        ascent, descent, gap = os2.sTypoAscender, -os2.sTypoDescender, os2.sTypoLineGap
    return VMetrics(ascent / upm, descent / upm, gap / upm, upm)


def grid_line(runs: Iterable[tuple[VMetrics, float]], pitch: int = PITCH) -> tuple[float, int]:
    """A snapped line on a docGrid page: (baseline below the line's top, line height), twips. ``runs`` are the
    (metrics, size in pt) of the fonts that draw characters on the line. The line's font box (max ascent+gap over
    max descent) is centred in the smallest whole number of grid rows that holds it; w:spacing w:line is ignored."""
    above = max(m.above * size * 20 for m, size in runs)
    below = max(m.descent * size * 20 for m, size in runs)
    rows = pitch * math.ceil((above + below) / pitch)
    return above + (rows - above - below) / 2, rows


# ---------------------------------------------------------------------------------------------------------------
# Fonts as fontconfig gives them to LibreOffice


def fontconfig_env(fontconfig: Path | None) -> dict[str, str]:
    """This process's environment, with FONTCONFIG_FILE set when a fontconfig file is given."""
    env = dict(os.environ)
    if fontconfig:
        env["FONTCONFIG_FILE"] = str(fontconfig)
    return env


@dataclass
class Fonts:
    """The font files fontconfig (``fontconfig``: a file of our own, or the machine's) gives a family name, and
    their metrics.

    ``accept_substitutes``: whether a family may come back as another family. The geometry experiments name real
    families and must know when one is missing (fontconfig would substitute it: ``file`` says None). The table
    experiments name docgen's families (仿宋_GB2312 …), which docgen's fontconfig file maps onto other families by
    design; there a failed fc-match has no "missing" to report, so it stops the run instead."""

    fontconfig: Path | None = None
    accept_substitutes: bool = False
    _matches: dict[str, tuple[list[str], str, int]] = field(default_factory=dict)
    _fonts: dict[str, TTFont] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        return fontconfig_env(self.fontconfig)

    def match(self, family: str) -> tuple[list[str], str, int]:
        """(family names of the face, file, face index) fc-match gives for a family name; file "" when none."""
        if family not in self._matches:
            out = subprocess.run(
                ["fc-match", "-f", "%{family}\t%{file}\t%{index}", family],
                capture_output=True,
                text=True,
                env=self.env(),
                check=self.accept_substitutes,
            ).stdout
            names, path, index = [*out.split("\t"), "", "", "0"][:3]
            self._matches[family] = [name.strip() for name in names.split(",")], path, int(index or 0)
        return self._matches[family]

    def family(self, family: str) -> str:
        """The (first) name of the family fontconfig resolves ``family`` to."""
        return self.match(family)[0][0]

    def file(self, family: str) -> tuple[str, int] | None:
        """The file (path, face index) fontconfig gives LibreOffice for a family name; None when there is none, or
        when fontconfig would substitute another family and substitutes are not accepted."""
        names, path, index = self.match(family)
        found = self.accept_substitutes or family.lower() in [name.lower() for name in names]
        return (path, index) if path and found else None

    def font(self, family: str) -> TTFont:
        if family not in self._fonts:
            where = self.file(family)
            if where is None:
                raise LookupError(family)
            self._fonts[family] = TTFont(where[0], fontNumber=where[1], lazy=True)
        return self._fonts[family]

    def vmetrics(self, family: str) -> VMetrics:
        return font_vmetrics(self.font(family))

    def glyph_bounds(self, family: str, char: str) -> tuple[float, float]:
        """(yMin, yMax) of a character's outline, in em."""
        font = self.font(family)
        glyphs = font.getGlyphSet()
        pen = BoundsPen(glyphs)
        glyphs[font.getBestCmap()[ord(char)]].draw(pen)
        assert pen.bounds is not None
        return pen.bounds[1] / font["head"].unitsPerEm, pen.bounds[3] / font["head"].unitsPerEm


# ---------------------------------------------------------------------------------------------------------------
# Writing DOCX: python-docx's default package (as docgen starts from) stripped bare, then raw OOXML


def blank_document(
    *,
    line: int = 240,
    line_rule: str = "auto",
    fonts: tuple[str, str] | None = None,
    compat: str = "",
) -> docx.document.Document:
    """python-docx's default document without its paragraph and with its paragraph defaults neutralised: no space
    before or after, lines of ``line`` / ``line_rule`` (the default: single spacing). ``fonts`` = (East Asian,
    Latin): the run font defaults instead of python-docx's; ``compat``: elements put first in settings.xml's
    w:compat."""
    document = docx.Document()
    if compat:
        compat_element = document.settings.element.find(qn("w:compat"))
        for index, child in enumerate(etree.fromstring(f'<x xmlns:w="{W_NS}">{compat}</x>')):
            compat_element.insert(index, child)
    for paragraph in list(document.paragraphs):
        paragraph._p.getparent().remove(paragraph._p)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.attrib.clear()
    for name, value in (("before", "0"), ("after", "0"), ("line", str(line)), ("lineRule", line_rule)):
        spacing.set(qn(f"w:{name}"), value)
    if fonts:
        east_asian, latin = fonts
        run_fonts = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
        run_fonts.attrib.clear()
        for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
            run_fonts.set(qn(f"w:{slot}"), east_asian if slot == "eastAsia" else latin)
    return document


def save_docx(
    path: Path,
    document: docx.document.Document,
    section: str,
    body: str,
    *,
    namespaces: str,
    keep_references: bool = False,
) -> Path:
    """The document's (only) section replaced by ``section`` (w:sectPr children, e.g. ``Page.sect()``), ``body``
    (paragraph and table XML) put before it, saved to ``path``. ``namespaces``: the xmlns declarations the XML
    needs; ``keep_references``: keep the section's header and footer references (python-docx's default has none,
    but the document may have got some)."""
    sect = document.sections[0]._sectPr
    for child in list(sect):
        if not (keep_references and child.tag.endswith(("headerReference", "footerReference"))):
            sect.remove(child)
    for child in etree.fromstring(f"<x {namespaces}>{section}</x>"):
        sect.append(child)
    container = document.element.body
    for child in etree.fromstring(f"<x {namespaces}>{body}</x>"):
        container.insert(len(container) - 1, child)
    document.save(path)
    return path


# ---------------------------------------------------------------------------------------------------------------
# Converting with LibreOffice


def find_soffice() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    return soffice


def convert_to_pdf(
    soffice: str,
    docs: Sequence[Path],
    outdir: Path,
    profile: Path,
    *,
    env: dict[str, str] | None = None,
    check: bool = True,
    timeout: int = 600,
) -> list[Path]:
    """Convert ``docs`` with one ``soffice --headless --convert-to pdf`` run into ``outdir``, with the user profile
    in ``profile`` (an absolute folder; one soffice at a time may use it). Returns where the PDFs are to be: with
    check=False a file that did not convert is not there."""
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, docs),
        ],
        check=check,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=timeout,
    )
    return [outdir / f"{doc.stem}.pdf" for doc in docs]


class Lab:
    """A folder of experiment files, the LibreOffice that converts them there, and the fonts it gets.
    ``timeout``: seconds one conversion run may take."""

    def __init__(self, folder: Path, fonts: Fonts | None = None, *, timeout: int = 600) -> None:
        self.folder = folder
        self.fonts = fonts or Fonts()
        self.timeout = timeout
        self.soffice = find_soffice()

    def version(self) -> str:
        out = subprocess.run([self.soffice, "--version"], capture_output=True, text=True, check=False).stdout
        return out.strip()

    def path(self, name: str) -> Path:
        return self.folder / name

    def convert(self, docs: list[Path], fontconfig: Path | None = None, *, check: bool = True) -> list[Path]:
        """The PDFs of ``docs``, converted under ``fontconfig`` (default: the lab's fonts' file, if any)."""
        env = fontconfig_env(fontconfig or self.fonts.fontconfig)
        profile = self.folder / "lo-profile"
        return convert_to_pdf(self.soffice, docs, self.folder, profile, env=env, check=check, timeout=self.timeout)

    def pages(self, docs: list[Path], fontconfig: Path | None = None) -> list[list[pdfplumber.page.Page]]:
        return [list(pdfplumber.open(pdf).pages) for pdf in self.convert(docs, fontconfig)]


# ---------------------------------------------------------------------------------------------------------------
# Reading the PDF


def from_top(page: pdfplumber.page.Page, y: float) -> float:
    """A PDF y (from the bottom) → pt from the top of the page."""
    return float(page.height) - y


def baseline(page: pdfplumber.page.Page, char: dict) -> float:
    """A character's baseline, pt from the page's top edge."""
    return from_top(page, char["matrix"][5])


def lines_of(page: pdfplumber.page.Page, min_size: float = 0) -> list[tuple[float, list[dict]]]:
    """Characters (of at least ``min_size`` pt) grouped by baseline (pt from the page top), top to bottom."""
    rows: dict[float, list[dict]] = {}
    for char in page.chars:
        if char["size"] >= min_size:
            rows.setdefault(round(baseline(page, char), 2), []).append(char)
    return sorted(rows.items())


# ---------------------------------------------------------------------------------------------------------------
# Markdown


def md_table(
    header: list[str], rows: list[list[object]], *, right_align: bool = True, float_digits: int | None = 2
) -> str:
    """A Markdown table: columns right-aligned unless not ``right_align``; floats with ``float_digits`` decimals
    (None: as ``str`` gives them)."""

    def show(value: object) -> str:
        if float_digits is not None and isinstance(value, float):
            return f"{value:.{float_digits}f}"
        return str(value)

    rule = "---:" if right_align else "---"
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule for _ in header) + "|"]
    lines += ["| " + " | ".join(show(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def wrap(markdown: str) -> str:
    """Prose blocks filled to 120 columns; tables and headings as they are."""
    blocks = markdown.split("\n\n")
    return "\n\n".join(
        block if block.startswith(("|", "#")) else textwrap.fill(block, 120, break_long_words=False) for block in blocks
    )


def summary(errors: list[float], what: str) -> str:
    if not errors:
        return f"{what}: nothing measured."
    worst = max(errors, key=abs)
    return f"{what}: {len(errors)} cases, largest |measured − predicted| = {abs(worst):.3f} pt."


# ---------------------------------------------------------------------------------------------------------------
# Running: the command line and the report of the geometry and table scripts


def experiment_args(
    doc: str | None, experiments: Iterable[str], argv: Sequence[str] | None
) -> tuple[list[str], Path | None]:
    """Parse ``[only ...] [--keep DIR]``: (the experiments to run, in the order asked; the folder to keep)."""
    known = list(experiments)
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("only", nargs="*", help=f"experiments to run (default: all): {', '.join(known)}")
    parser.add_argument("--keep", type=Path, help="write the DOCX/PDF files here and keep them")
    args = parser.parse_args(argv)
    names = args.only or known
    unknown = [name for name in names if name not in known]
    if unknown:
        parser.error(f"unknown experiment(s): {', '.join(unknown)}; choose from {', '.join(known)}")
    return names, args.keep


@contextmanager
def lab_folder(keep: Path | None, prefix: str, *, ignore_cleanup_errors: bool = False) -> Iterator[Path]:
    """The folder to work in: ``keep`` (made if need be; absolute, as soffice's profile must be a file URI), or a
    temporary folder removed afterwards."""
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep.resolve()
        return
    with tempfile.TemporaryDirectory(prefix=prefix, ignore_cleanup_errors=ignore_cleanup_errors) as folder:
        yield Path(folder)


def print_report(title: str, intro: str, sections: Iterable[Callable[[], str]]) -> None:
    """``# title``, the intro, then each section as soon as it is measured (the runs are long)."""
    print(f"# {title}\n\n{wrap(intro)}\n")
    for section in sections:
        print(wrap(section()), end="\n\n", flush=True)
