"""Measure how LibreOffice breaks pages around "keep with next" in DOCX files like docgen's: a body paragraph P
followed by a signature S (name + date) that does not fit where P ends. Each case is a small DOCX (python-docx's
default package + raw OOXML; A4, margins 37/35/28/26 mm, ``w:docGrid w:type="lines" w:linePitch="579"``, exact
579-twip lines, widow control off unless said, AR PL SungtiL GB 16 pt with ``w:spacing w:val="-5"``: 28 characters
and 22 lines a page), converted with ``soffice --headless --convert-to pdf``; pdfplumber then says on which page and
grid row every line landed. Findings: docs/libreoffice-keep-rules.md.

    python bench/measure_lo_keep.py                  # every experiment (about a minute)
    python bench/measure_lo_keep.py keep space       # some of them (names: see --help)
    python bench/measure_lo_keep.py --keep DIR       # keep the DOCX and PDF files in DIR

Every line of the test text is made of one "label" character (甲乙丙… for P's lines, 填 filler, 名 the signature's
name, 日 its date, 尾 a last paragraph), so a line's label names it. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

# isort: split
# bench/lo_lab.py, found as this script's folder is on sys.path
import lo_lab
from lo_lab import LIB, PITCH, PORTRAIT, SUNG, W_NS, blank_document, md_table, save_docx

# The page is lo_lab's (docgen's 公文 A4 with its line grid).
ROWS = PORTRAIT.rows  # 22
BODY_TOP = PORTRAIT.body_top  # the grid border: 9 twips below the margin
LEFT_PT, RIGHT_PT = PORTRAIT.left / 20, (PORTRAIT.width - PORTRAIT.right) / 20

LABELS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙洪荒"  # P's lines, in order
FILL, NAME, DATE, TAIL = "填", "名", "日", "尾"
LATIN_WORD = "Constantinople"  # too wide for the 3 cells left on P's last-but-one line: that line has slack


# ---------------------------------------------------------------------------------------------------------------
# Writing


def run(text: str, *, vanish: bool = False) -> str:
    rpr = f'<w:rFonts w:ascii="{LIB}" w:hAnsi="{LIB}" w:cs="{LIB}" w:eastAsia="{SUNG}"/>'
    if vanish:
        rpr += "<w:vanish/>"
    rpr += '<w:spacing w:val="-5"/><w:sz w:val="32"/><w:szCs w:val="32"/>'
    return f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


def br(kind: str = "", *, vanish: bool = False) -> str:
    rpr = "<w:rPr><w:vanish/></w:rPr>" if vanish else ""
    attr = f' w:type="{kind}"' if kind else ""
    return f"<w:r>{rpr}<w:br{attr}/></w:r>"


def para(
    content: str,
    *,
    before: int = 0,
    jc: str = "both",
    first: int = 0,
    right: int = 0,
    keep_next: bool = False,
    keep_lines: bool = False,
    widow: bool = False,
    page_break: bool = False,
) -> str:
    """A paragraph as docgen writes body text (pPr children in schema order)."""
    ppr = "<w:keepNext/>" if keep_next else ""
    ppr += "<w:keepLines/>" if keep_lines else ""
    ppr += "<w:pageBreakBefore/>" if page_break else ""
    ppr += f'<w:widowControl w:val="{int(widow)}"/>'
    ppr += f'<w:spacing w:before="{before}" w:after="0" w:line="{PITCH}" w:lineRule="exact"/>'
    ppr += f'<w:ind w:firstLine="{first}" w:right="{right}"/>'
    ppr += f'<w:jc w:val="{jc}"/>'
    return f"<w:p><w:pPr>{ppr}</w:pPr>{content}</w:p>"


def fillers(count: int, label: str = FILL) -> str:
    return "".join(para(run(label * 20)) for _ in range(count))


def p_lines(n: int) -> list[str]:
    """The text of P's n lines: 26 characters on the first (2-character first-line indent), 28 on the others; with
    n ≥ 2 the last-but-one line holds 25 and the last starts with a Latin word that did not fit there."""
    lines = [LABELS[i] * (26 if i == 0 else 28) for i in range(n)]
    if n >= 2:
        lines[-2] = lines[-2][:25]
        lines[-1] = LATIN_WORD + LABELS[n - 1] * 8
    return lines


@dataclass(frozen=True)
class PFlags:
    keep_next: bool = False
    keep_lines: bool = False
    widow: bool = False
    before: int = 0


def p_single(n: int, f: PFlags) -> str:
    return para(
        run("".join(p_lines(n))),
        first=640,
        before=f.before,
        keep_next=f.keep_next,
        keep_lines=f.keep_lines,
        widow=f.widow,
    )


SIGNATURES = {
    # one paragraph, name <w:br/> date
    "1 para": lambda: para(run(NAME * 8) + br() + run(DATE * 11), before=PITCH, jc="right", right=1280),
    "1 para keepLines": lambda: para(
        run(NAME * 8) + br() + run(DATE * 11), before=PITCH, jc="right", right=1280, keep_lines=True
    ),
    # two paragraphs
    "2 paras": lambda: (
        para(run(NAME * 8), before=PITCH, jc="right", right=1280) + para(run(DATE * 11), jc="right", right=640)
    ),
    "2 paras, name keepNext": lambda: (
        para(run(NAME * 8), before=PITCH, jc="right", right=1280, keep_next=True)
        + para(run(DATE * 11), jc="right", right=640)
    ),
}


def write_docx(path: Path, body: str, compat: str = "") -> Path:
    """python-docx's default package with its defaults neutralised, the 公文 page and ``body`` (paragraph XML);
    ``compat``: elements added at the start of settings.xml's w:compat."""
    # python-docx's run font defaults stay: every run here names its fonts
    document = blank_document(compat=compat)
    return save_docx(path, document, PORTRAIT.sect(), body, namespaces=f'xmlns:w="{W_NS}"')


# ---------------------------------------------------------------------------------------------------------------
# Converting and measuring


@dataclass(frozen=True)
class Line:
    page: int  # 1-based
    row: int  # 0-based grid row
    text: str
    x0: float  # left edge of the first character, pt
    x1: float  # right edge of the last character, pt
    xs: tuple[float, ...] = ()  # left edge of every character, pt

    @property
    def label(self) -> str:
        return next((c for c in self.text if "\u4e00" <= c <= "\u9fff"), "?")


class Lab(lo_lab.Lab):
    """lo_lab's, collecting the cases first and converting them all at once (some 400 files)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.cases: dict[str, tuple[str, str]] = {}

    def add(self, body: str, compat: str = "") -> str:
        key = f"c{len(self.cases):03d}"
        self.cases[key] = (body, compat)
        return key

    def run_all(self) -> dict[str, list[Line]]:
        docs = [write_docx(self.folder / f"{key}.docx", *case) for key, case in self.cases.items()]
        # In batches (one soffice run over a few hundred files sometimes stops early), then once more one by one
        # for any file that did not come out.
        batches = [docs[i : i + 40] for i in range(0, len(docs), 40)]
        for attempt in (batches, [[doc] for doc in docs]):
            for batch in attempt:
                todo = [doc for doc in batch if not doc.with_suffix(".pdf").exists()]
                if todo:
                    self.convert(todo, check=False)
        return {key: lines_of(self.folder / f"{key}.pdf") for key in self.cases}


def lines_of(pdf_path: Path) -> list[Line]:
    """Every text line of the PDF: its page, its grid row (from the top of the character box, which for one font
    and size sits at the same height in every row), its text and horizontal extent."""
    out = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            by_top: dict[float, list[dict]] = {}
            for char in page.chars:
                by_top.setdefault(round(char["top"], 1), []).append(char)
            for top, chars in sorted(by_top.items()):
                chars.sort(key=lambda c: c["x0"])
                row = int((top - BODY_TOP / 20) // (PITCH / 20))
                text = "".join(c["text"] for c in chars)
                xs = tuple(c["x0"] for c in chars)
                out.append(Line(number, row, text, chars[0]["x0"], chars[-1]["x1"], xs))
    return out


def p_split(lines: list[Line]) -> str:
    """How many of P's lines are on each page, e.g. "4 + 1" (4 on the page where P starts, 1 on the next)."""
    pages: dict[int, int] = {}
    for line in lines:
        if line.label in LABELS:
            pages[line.page] = pages.get(line.page, 0) + 1
    return " + ".join(str(pages[p]) for p in sorted(pages))


def where(lines: list[Line], label: str) -> str:
    """Page and row of the first line with this label, e.g. "p2 r0"."""
    for line in lines:
        if line.label == label:
            return f"p{line.page} r{line.row}"
    return "—"


def p_pages(lines: list[Line]) -> tuple[int, int]:
    pages = [line.page for line in lines if line.label in LABELS]
    return min(pages), max(pages)


def max_shift(line: Line, reference: Line) -> float:
    """The largest horizontal distance between a character of ``line`` and the same one of ``reference``."""
    if line.text != reference.text:
        return float("inf")
    return max(abs(a - b) for a, b in zip(line.xs, reference.xs, strict=True))


def table(header: list[str], rows: list[list[object]]) -> str:
    """This script's tables: left-aligned, every value as str() gives it."""
    return md_table(header, rows, right_align=False, float_digits=None)


# ---------------------------------------------------------------------------------------------------------------
# Experiments: each adds its cases to the lab and returns a function that turns the measurements into Markdown.

Report = Callable[[dict[str, list[Line]]], str]


def exp_keep(lab: Lab) -> Report:
    """Q1/Q2: P (n lines) then S; P ends `left` rows above the page bottom, S needs 3 (one row of space + 2)."""
    flag_sets = [
        ("none", PFlags()),
        ("keepNext", PFlags(keep_next=True)),
        ("keepNext + keepLines", PFlags(keep_next=True, keep_lines=True)),
        ("keepNext + widowControl", PFlags(keep_next=True, widow=True)),
        ("keepLines", PFlags(keep_lines=True)),
        ("widowControl", PFlags(widow=True)),
    ]
    cases = []
    for n in (2, 3, 5, 12):
        for flag_name, flags in flag_sets:
            for sig in SIGNATURES:
                for left in (0, 1, 2):
                    f = ROWS - n - left
                    body = fillers(f) + p_single(n, flags) + SIGNATURES[sig]() + fillers(1, TAIL)
                    cases.append((n, f, flag_name, sig, left, lab.add(body)))
    # P longer than what is left by far: 30 lines, starting on row 14 - left of page 1, ending `left` rows above
    # the bottom of page 2.
    for flag_name, flags in flag_sets[:4]:
        for sig in ("2 paras", "2 paras, name keepNext"):
            for left in (0, 1, 2):
                f = 2 * ROWS - 30 - left
                body = fillers(f) + p_single(30, flags) + SIGNATURES[sig]() + fillers(1, TAIL)
                cases.append((30, f, flag_name, sig, left, lab.add(body)))

    def report(results: dict[str, list[Line]]) -> str:
        out = [
            "Cell: P's lines on each page it occupies (`5` = all on one page, `4 + 1` = four on the first, one "
            "on the next), then the page and row of the signature's name (名) and date (日). Rows are 0-based; "
            "every page has rows 0–21. P starts on row *start* of page 1 and, laid out alone, would end *left* "
            "rows above the bottom of its last page; S needs 3 rows (1 row of space before + name + date).",
            "",
        ]
        header = ["n", "start", "P's flags", "S"] + [f"left = {left}" for left in (0, 1, 2)]
        rows: dict[tuple, list[object]] = {}
        for n, f, flag_name, sig, _left, key in cases:
            lines = results[key]
            row = rows.setdefault((n, flag_name, sig), [n, "", flag_name, sig])
            row[1] += ("" if not row[1] else " / ") + f"r{f}"
            row.append(f"{p_split(lines)}; 名 {where(lines, NAME)}, 日 {where(lines, DATE)}")
        out.append(table(header, list(rows.values())))
        return "\n".join(out)

    return report


def exp_space(lab: Lab) -> Report:
    """Q3: is space before kept at the top of a page?"""
    x = para(run("甲" * 20), before=PITCH)
    cases = [
        ("first paragraph of the document, before 579", x + fillers(1, TAIL)),
        ("after 22 full rows (flowed onto page 2), before 579", fillers(22) + x + fillers(1, TAIL)),
        ("after 21 rows: the space fits on page 1, the line does not", fillers(21) + x + fillers(1, TAIL)),
        ("pageBreakBefore, before 579", fillers(3) + para(run("甲" * 20), before=PITCH, page_break=True)),
        ("pageBreakBefore, before 1158", fillers(3) + para(run("甲" * 20), before=2 * PITCH, page_break=True)),
        (
            "moved by its own keepNext (name keepNext, 2 rows left), before 579",
            fillers(20) + SIGNATURES["2 paras, name keepNext"]() + fillers(1, TAIL),
        ),
        (
            "P (5 lines, keepNext, before 579) moved with S (0 rows left)",
            fillers(16) + p_single(5, PFlags(keep_next=True, before=PITCH)) + SIGNATURES["2 paras"](),
        ),
    ]
    keys = [(name, lab.add(body)) for name, body in cases]

    def report(results: dict[str, list[Line]]) -> str:
        rows = []
        for name, key in keys:
            lines = results[key]
            target = next((line for line in lines if line.label in "甲名"), None)
            if "P (5 lines" in name:
                target = next(line for line in lines if line.label == LABELS[0])
            rows.append([name, f"p{target.page} r{target.row}"])
        return table(["paragraph with space before", "its first line"], rows)

    return report


def exp_nosplit(lab: Lab) -> Report:
    """Q1, the reason: is a keepNext paragraph ever split across pages, when what follows it fits anywhere?"""
    flag_sets = [
        ("none", PFlags()),
        ("keepNext", PFlags(keep_next=True)),
        ("keepLines", PFlags(keep_lines=True)),
        ("keepNext + widowControl", PFlags(keep_next=True, widow=True)),
    ]
    cases = []
    for n, start in ((5, 19), (12, 14), (12, 11), (30, 5)):
        for flag_name, flags in flag_sets:
            body = fillers(start) + p_single(n, flags) + fillers(1, TAIL)
            cases.append((n, start, flag_name, lab.add(body)))

    def report(results: dict[str, list[Line]]) -> str:
        rows = []
        for n, start, flag_name, key in cases:
            lines = results[key]
            rows.append([n, f"p1 r{start}", flag_name, p_split(lines), where(lines, LABELS[0]), where(lines, TAIL)])
        note = "P followed by a one-line paragraph (尾) that fits wherever P ends; no signature."
        header = ["n", "P would start", "P's flags", "P's lines", "P's first line", "尾"]
        return note + "\n\n" + table(header, rows)

    return report


DO_NOT_EXPAND = "<w:doNotExpandShiftReturn/>"


def exp_split(lab: Lab) -> Report:
    """Q4: make LibreOffice move exactly P's last line with S, and keep P's last-but-one line justified."""
    n = 5
    lines = p_lines(n)
    head, last = "".join(lines[:-1]), lines[-1]
    first_part = "".join(lines[:-2])
    variants: list[tuple[str, Callable[[], str], str]] = [
        ("one paragraph (reference)", lambda: p_single(n, PFlags()), ""),
        ("one paragraph, keepNext", lambda: p_single(n, PFlags(keep_next=True)), ""),
        ("P1 both + P2 both keepNext", lambda: para(run(head), first=640) + para(run(last), keep_next=True), ""),
        (
            "P1 distribute + P2 both keepNext",
            lambda: para(run(head), first=640, jc="distribute") + para(run(last), keep_next=True),
            "",
        ),
        (
            "P0 both + P1 (its one line) distribute + P2 keepNext",
            lambda: (
                para(run(first_part), first=640)
                + para(run(lines[-2]), jc="distribute")
                + para(run(last), keep_next=True)
            ),
            "",
        ),
        (
            "P1 both ending in <w:br/> + P2 keepNext",
            lambda: para(run(head) + br(), first=640) + para(run(last), keep_next=True),
            "",
        ),
        (
            "P1 both ending in <w:br/> + P2 keepNext, settings: doNotExpandShiftReturn",
            lambda: para(run(head) + br(), first=640) + para(run(last), keep_next=True),
            DO_NOT_EXPAND,
        ),
        (
            "P1 both ending in <w:br/> + P2 pageBreakBefore",
            lambda: para(run(head) + br(), first=640) + para(run(last), page_break=True),
            "",
        ),
        (
            "P1 both ending in hidden <w:br/> + P2 keepNext",
            lambda: para(run(head) + br(vanish=True), first=640) + para(run(last), keep_next=True),
            "",
        ),
        ("one paragraph, <w:br/> before the last line", lambda: para(run(head) + br() + run(last), first=640), ""),
        (
            "one paragraph, <w:br/> before the last line, keepNext",
            lambda: para(run(head) + br() + run(last), first=640, keep_next=True),
            "",
        ),
        (
            'one paragraph, <w:br w:type="page"/> before the last line',
            lambda: para(run(head) + br("page") + run(last), first=640),
            "",
        ),
        (
            "P1 both + P2 both pageBreakBefore",
            lambda: para(run(head), first=640) + para(run(last), page_break=True),
            "",
        ),
    ]
    sig = "2 paras, name keepNext"
    keys = []
    for name, make, compat in variants:
        for left in (0, 1, 2, 5):
            body = fillers(ROWS - n - left) + make() + SIGNATURES[sig]() + fillers(1, TAIL)
            keys.append((name, left, lab.add(body, compat)))

    def line_of(lines: list[Line], number: int) -> Line:
        """P's line ``number`` (1-based); the last one starts with the Latin word."""
        if number == n:
            return next(line for line in lines if line.text.startswith(LATIN_WORD))
        return next(line for line in lines if line.label == LABELS[number - 1])

    def report(results: dict[str, list[Line]]) -> str:
        reference = results[keys[0][2]]
        ref4, ref5 = line_of(reference, n - 1), line_of(reference, n)
        header = ["P written as", "left", "P's lines", "名", "line 4: x1 − right edge", "Δx line 4", "Δx line 5"]
        rows = []
        for name, left, key in keys:
            lines = results[key]
            fourth, fifth = line_of(lines, n - 1), line_of(lines, n)
            pages = sorted(line.page for line in lines if line.label in LABELS or line.text.startswith(LATIN_WORD))
            split = p_split(lines) + ("" if pages[0] == pages[-1] else f" (p{pages[0]}–p{pages[-1]})")
            if fifth.page == fourth.page and fifth.row != fourth.row + 1:
                split += f" (line 5 on row {fifth.row}, {fifth.row - fourth.row - 1} blank row between)"
            elif fifth.page != fourth.page and fourth.row != ROWS - 1:
                split += f" (line 4 on row {fourth.row})"
            rows.append(
                [
                    name,
                    left,
                    split,
                    where(lines, NAME),
                    f"{fourth.x1 - RIGHT_PT:+.2f}",
                    f"{max_shift(fourth, ref4):.2f}",
                    f"{max_shift(fifth, ref5):.2f}",
                ]
            )
        note = (
            f"S = the signature as two paragraphs, the name with keepNext and 1 row of space before. P has {n} "
            f"lines; line 4 (丁) holds 25 characters and has ~47 pt of slack because line 5 starts with "
            f"“{LATIN_WORD}”: justified, its last character ends at the right edge (x1 − right edge −0.44 pt, as in "
            "the reference); flush left, −48.24 pt. Δx: the largest horizontal distance (pt) between a character of "
            "the line and the same character in the reference (one paragraph, P and S on one page)."
        )
        return note + "\n\n" + table(header, rows)

    return report


EXPERIMENTS: dict[str, Callable[[Lab], Report]] = {
    "keep": exp_keep,
    "nosplit": exp_nosplit,
    "space": exp_space,
    "split": exp_split,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("experiments", nargs="*", help=f"default: all ({', '.join(EXPERIMENTS)})")
    parser.add_argument("--keep", type=Path, help="keep the DOCX and PDF files in this folder")
    args = parser.parse_args(argv)
    names = args.experiments or list(EXPERIMENTS)
    for name in names:
        if name not in EXPERIMENTS:
            parser.error(f"unknown experiment {name!r}: choose from {', '.join(EXPERIMENTS)}")
    with lo_lab.lab_folder(args.keep, "lo-keep-", ignore_cleanup_errors=True) as folder:
        lab = Lab(folder)
        reports = [(name, EXPERIMENTS[name](lab)) for name in names]
        results = lab.run_all()
        print(lab.version() + "\n")
        for name, report in reports:
            print(f"## {name}\n\n{report(results)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
