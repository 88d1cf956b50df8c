"""Measure between which adjacent characters LibreOffice will not break a line of Chinese body text in docgen's DOCX,
and compare with docgen's own rule (``docgen.layout.linebreak.clusters``). Findings: docs/libreoffice-line-breaks.md.

    python bench/measure_lo_breaks.py                 # the whole table as Markdown (a few minutes)
    python bench/measure_lo_breaks.py --keep DIR      # also keep the DOCX and PDF files in DIR
    python bench/measure_lo_breaks.py --json FILE     # also write every case (texts, lines, verdicts) to FILE

Every case is one body paragraph of a notice: hanzi fillers, then a *lead* that ends with the pair's first character
X, then a *tail* that starts with its second character Y. The fillers are chosen, with docgen's own metrics, so that
the first line (2 characters of indent) is full up to X: X still fits (at least ``MARGIN`` pt to spare) and Y does
not (it overflows by at least ``MARGIN`` pt). So the first line ends after X exactly when a break between X and Y is
allowed. A *control* paragraph for each (fillers, lead) puts a space and a hanzi after X instead: its first line must
reach X, which shows that X fits in LibreOffice too. A case is undecided when the control fails or when LibreOffice
puts Y on the first line (its widths differ from docgen's). docgen's verdict is read from ``clusters()`` and checked
against docgen's own layout of the same paragraph.

The documents are built with ``docgen.render`` and converted with ``soffice --headless --convert-to pdf`` under the
fontconfig file docgen writes for LibreOffice (as tests/conftest.py does); pdfplumber reads the lines back. Not a
test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from itertools import product
from pathlib import Path

import pdfplumber

import docgen
from docgen.fonts.book import latin_advances
from docgen.fonts.fontconfig import fontconfig_file
from docgen.layout.linebreak import clusters, text_width
from docgen.layout.metrics import GridMetrics

MM = 72 / 25.4
TYPE_BOTTOM = (37 + 225) * MM  # below it: the page number
BODY_SIZE = 16.0
MARGIN = 0.5  # points: X must fit, and Y overflow, by at least this much (LibreOffice rounds to twips)
ENOUGH = 2.0  # points: beyond this much room either way, fewer tuning characters are better than more room
PER_DOCUMENT = 150  # paragraphs a document
ROLE = "body"

#: The pair's first character, as the last character of a lead (after a hanzi filler): (label, lead).
FIRST: list[tuple[str, str]] = [
    ("hanzi", "经"),
    *[(ch, ch) for ch in "，。、；：？！〕）》」』】〉〗”’"],
    ("……", "……"),
    ("——", "——"),
    ("·", "·"),
    ("digit 5", "5"),
    ("Latin A", "A"),
    ("ASCII ,", ","),
    ("ASCII .", "."),
    ("ASCII ;", ";"),
    ("ASCII :", ":"),
    ("ASCII ) in (1)", "(1)"),
    ("ASCII ] in [1]", "[1]"),
    ("ASCII % in 5%", "5%"),
    ("％ in 5％", "5％"),
    ("℃ in 5℃", "5℃"),
    ("★", "★"),
    ("full-width ５", "５"),
]

_REST = "文件收悉，经研究同意。"
#: The pair's second character, as the first character of a tail: (label, tail).
SECOND: list[tuple[str, str]] = [
    ("hanzi", _REST),
    ("digit", "2026年" + _REST),
    ("Latin", "ABC" + _REST),
    ("（", "（一）" + _REST),
    ("〔", "〔2026〕1号" + _REST),
    ("《", "《通知》" + _REST),
    ("「", "「通知」" + _REST),
    ("『", "『通知』" + _REST),
    ("【", "【通知】" + _REST),
    ("“", "“通知”" + _REST),
    ("‘", "‘通知’" + _REST),
    ("ASCII (", "(1)" + _REST),
    ("ASCII [", "[1]" + _REST),
    ("０-９", "２０２６年" + _REST),
    ("％", "％的" + _REST),
]

FILLER = "一二三四五六七八九十"
#: Half-width pieces set between two fillers early in the line to fine-tune its width (each brings Chinese–Western
#: space on both sides).
TUNING = ["", "i", "l", "1", "a", "W", "m", "ii", "11", "iW"]
TUNING_SLOTS = (3, 7)  # after this many fillers
CONTROL_TAIL = " " + _REST

HEADER = {"issuers": "某某市人民政府", "number": "某政〔2026〕1号"}


@dataclass
class Case:
    first: str  # label
    second: str
    prefix: str  # fillers (and tuning pieces)
    lead: str
    tail: str
    slack: float  # points left on the first line after X, by docgen's metrics
    overflow: float  # points Y goes past the line end
    docgen_rule: bool = False  # clusters() lets a line end between X and Y
    docgen_layout: str = ""  # "break", "no break" or "undecided", from docgen's layout of the paragraph
    lo: str = ""  # the same, from LibreOffice's PDF
    lo_first_line: str = ""
    control_ok: bool | None = None

    @property
    def text(self) -> str:
        return self.prefix + self.lead + self.tail

    @property
    def control(self) -> str:
        return self.prefix + self.lead + CONTROL_TAIL

    @property
    def split(self) -> int:
        return len(self.prefix) + len(self.lead)


@dataclass
class Setup:
    metrics: GridMetrics
    width: float  # of a body line, points
    indent: float  # first-line indent, points
    fontconfig: Path
    soffice: str


def setup() -> Setup:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        sys.exit("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    doc = docgen.render({"kind": "notice", "header": HEADER, "title": "测试", "body": ["正文。"]})
    style = doc.style
    role = style.role(ROLE)
    metrics = GridMetrics(style, latin_advances(doc.fonts["latin"]))
    width = style.type_width - (role.indent_left + role.indent_right) * role.size
    folder = Path(tempfile.mkdtemp(prefix="docgen-fontconfig-"))
    conf = folder / "fonts.conf"
    conf.write_text(fontconfig_file(style, doc.fonts), encoding="utf-8")
    return Setup(metrics, width, role.first_indent * role.size, conf, exe)


def prefixes() -> Iterator[tuple[int, str]]:
    """(number of tuning characters, prefix) for every filler count and tuning choice."""
    for count in range(8, 28):
        fillers = (FILLER * 3)[:count]
        for a, b in product(TUNING, repeat=2):
            cut_a, cut_b = TUNING_SLOTS
            yield len(a + b), fillers[:cut_a] + a + fillers[cut_a:cut_b] + b + fillers[cut_b:]


def fit(s: Setup, lead: str, tail: str) -> tuple[str, float, float]:
    """The prefix that puts X at the end of the first line with the most room either way: (prefix, slack, overflow)."""
    best: tuple[float, int, str, float, float] | None = None
    for tuning, prefix in prefixes():
        to_x = s.indent + text_width(prefix + lead, ROLE, s.metrics)
        to_y = s.indent + text_width(prefix + lead + tail[0], ROLE, s.metrics)
        slack, overflow = s.width - to_x, to_y - s.width
        key = (min(slack, overflow, ENOUGH), -tuning, prefix, slack, overflow)
        if best is None or key[:2] > best[:2]:
            best = key
    assert best is not None
    return best[2], best[3], best[4]


def cases(s: Setup) -> list[Case]:
    out = []
    for (first, lead), (second, tail) in product(FIRST, SECOND):
        prefix, slack, overflow = fit(s, lead, tail)
        case = Case(first, second, prefix, lead, tail, round(slack, 2), round(overflow, 2))
        bounds = {0}
        for cluster in clusters([(ch, ROLE) for ch in case.text]):
            bounds.add(max(bounds) + len(cluster))
        case.docgen_rule = case.split in bounds
        out.append(case)
    return out


def verdict(first_line: str, text: str, split: int) -> str:
    """From the text of a paragraph's first line: did the line end between X and Y?"""
    expected = text.replace(" ", "")
    length = len(first_line)
    if expected[:length] != first_line:
        return "unreadable"
    split = len(text[:split].replace(" ", ""))
    return "break" if length == split else "no break" if length < split else "undecided"


def docgen_lines(doc: docgen.Document) -> list[list[str]]:
    blocks: dict[int, list[str]] = defaultdict(list)
    for page in doc.layout.pages:
        for placed in page.lines:
            if placed.text.role == ROLE:
                blocks[placed.text.block].append(placed.text.line.text.replace(" ", ""))
    return [blocks[b] for b in sorted(blocks)]


def pdf_lines(pdf: Path) -> list[str]:
    """Body-size lines of text, top to bottom, page after page (spaces dropped)."""
    out = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            rows: dict[float, list[dict]] = defaultdict(list)  # type: ignore[type-arg]
            for c in page.chars:
                if not c["text"].strip() or abs(c["size"] - BODY_SIZE) > 0.2:
                    continue
                baseline = float(page.height) - c["matrix"][5]
                if baseline > TYPE_BOTTOM + 3:
                    continue
                key = next((k for k in rows if abs(k - baseline) < 1.5), baseline)
                rows[key].append(c)
            for key in sorted(rows):
                out.append("".join(c["text"] for c in sorted(rows[key], key=lambda c: c["x0"])))
    return out


def split_paragraphs(lines: Sequence[str], texts: Sequence[str]) -> list[list[str]]:
    """The lines of each paragraph in ``texts`` (which follow one another), found in ``lines``."""
    expected = [t.replace(" ", "") for t in texts]
    i = next(i for i, line in enumerate(lines) if expected[0].startswith(line))
    out = []
    for text in expected:
        got: list[str] = []
        while "".join(got) != text:
            if i >= len(lines) or not text.startswith("".join(got) + lines[i]):
                raise ValueError(f"cannot find {text!r} in LibreOffice's lines (at {lines[i : i + 2]!r})")
            got.append(lines[i])
            i += 1
        out.append(got)
    return out


def convert(s: Setup, docx: Path) -> Path:
    out = docx.parent / "lo"
    out.mkdir(exist_ok=True)
    profile = docx.parent / f"profile-{docx.stem}"
    subprocess.run(
        [
            s.soffice,
            "--headless",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(docx),
        ],
        check=True,
        env=dict(os.environ, FONTCONFIG_FILE=str(s.fontconfig)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=600,
    )
    return out / (docx.stem + ".pdf")


def measure(s: Setup, all_cases: list[Case], folder: Path) -> None:
    controls = sorted({c.control for c in all_cases})
    texts = [c.text for c in all_cases] + controls
    chunks = [texts[i : i + PER_DOCUMENT] for i in range(0, len(texts), PER_DOCUMENT)]
    docxs = []
    mine: dict[str, list[str]] = {}
    for n, chunk in enumerate(chunks):
        doc = docgen.render({"kind": "notice", "header": HEADER, "title": "测试", "body": chunk})
        for text, lines in zip(chunk, docgen_lines(doc), strict=True):
            mine[text] = lines
        path = folder / f"breaks{n:02}.docx"
        path.write_bytes(doc.to_docx())
        docxs.append(path)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        pdfs = list(pool.map(lambda p: convert(s, p), docxs))
    theirs: dict[str, list[str]] = {}
    for chunk, pdf in zip(chunks, pdfs, strict=True):
        for text, lines in zip(chunk, split_paragraphs(pdf_lines(pdf), chunk), strict=True):
            theirs[text] = lines
    for c in all_cases:
        c.docgen_layout = verdict(mine[c.text][0], c.text, c.split)
        c.lo_first_line = theirs[c.text][0]
        c.control_ok = verdict(theirs[c.control][0], c.control, c.split) in ("break", "undecided")
        c.lo = verdict(c.lo_first_line, c.text, c.split)
        if c.lo == "no break" and not c.control_ok:
            c.lo = "undecided"


def cell(c: Case) -> str:
    lo = {"break": "✓", "no break": "✗"}.get(c.lo, "?")
    if c.lo in ("break", "no break") and (c.lo == "break") != c.docgen_rule:
        return f"**{lo}≠**"
    return lo


def markdown(all_cases: list[Case]) -> str:
    by_pair = {(c.first, c.second): c for c in all_cases}
    seconds = [label for label, _ in SECOND]
    rows = ["| first ↓ / second → | " + " | ".join(seconds) + " |", "|---|" + "---|" * len(seconds)]
    for first, _ in FIRST:
        rows.append(f"| {first} | " + " | ".join(cell(by_pair[first, second]) for second in seconds) + " |")
    mismatches = [c for c in all_cases if c.lo in ("break", "no break") and (c.lo == "break") != c.docgen_rule]
    odd = [c for c in all_cases if c.lo not in ("break", "no break") or c.docgen_layout != _rule(c)]
    out = ["✓ LibreOffice breaks between the two, ✗ it does not, ? undecided; ≠ docgen's clusters() differs.", ""]
    out += rows
    out += ["", f"Mismatches ({len(mismatches)}):", ""]
    for c in mismatches:
        docgen_says = "allows" if c.docgen_rule else "forbids"
        out.append(f"- {c.lead[-1]}|{c.tail[0]} ({c.first} → {c.second}): LibreOffice {c.lo}, docgen {docgen_says} it")
    if odd:
        out += ["", f"Undecided or inconsistent cases ({len(odd)}):", ""]
        for c in odd:
            out.append(
                f"- {c.first} → {c.second}: LibreOffice {c.lo} (control {'ok' if c.control_ok else 'failed'}), "
                f"docgen layout {c.docgen_layout}, slack {c.slack} pt, overflow {c.overflow} pt, "
                f"first line {c.lo_first_line!r}"
            )
    return "\n".join(out)


def _rule(c: Case) -> str:
    return "break" if c.docgen_rule else "no break"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="keep the DOCX and PDF files in this folder")
    parser.add_argument("--json", type=Path, help="write every case to this file")
    args = parser.parse_args(argv)
    s = setup()
    all_cases = cases(s)
    tight = [c for c in all_cases if min(c.slack, c.overflow) < MARGIN]
    for c in tight:
        print(f"note: {c.first} → {c.second} fits by only {min(c.slack, c.overflow)} pt", file=sys.stderr)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        measure(s, all_cases, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="lo-breaks-") as folder:
            measure(s, all_cases, Path(folder))
    if args.json:
        args.json.write_text(json.dumps([asdict(c) for c in all_cases], ensure_ascii=False, indent=1), encoding="utf-8")
    print(markdown(all_cases))


if __name__ == "__main__":
    main()
