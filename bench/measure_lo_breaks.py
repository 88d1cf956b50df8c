"""Measure between which adjacent characters LibreOffice will not end a line of Chinese body text in docgen's DOCX,
and compare with docgen's own rule (``docgen.layout.linebreak.clusters``). Findings: docs/libreoffice-line-breaks.md.

    python bench/measure_lo_breaks.py                 # the tables as Markdown (about two minutes)
    python bench/measure_lo_breaks.py --keep DIR      # also keep the DOCX and PDF files in DIR
    python bench/measure_lo_breaks.py --json FILE     # also write every case (texts, lines, verdicts) to FILE
    python bench/measure_lo_breaks.py --scan specs/*.yaml bench/corpus/*.txt   # rules vs model on real text

Every case is one body paragraph of a notice: hanzi fillers, then a *lead* that ends with the pair's first character
X, then a *tail* that starts with its second character Y. The fillers are chosen so that the first line (after 2
characters of indent) is full up to X: X still fits, with at least ``MARGIN`` pt to spare, and Y does not, by at least
``MARGIN`` pt. So the first line ends between X and Y exactly when LibreOffice allows a break there. Widths are
docgen's own metrics, except where LibreOffice is known to set a character differently (``LO_NARROW``). A *control*
paragraph for each case puts a zero-width space between X and Y (``control_insert``: before a kinsoku mark after
Chinese text, where LibreOffice does not break at a zero-width space, a no wider character that may start a line
takes Y's place): its first line must end exactly after X, which shows that in LibreOffice too X fits and Y does
not. A case whose control fails is undecided.

Each case also gets the break that ``lo_model`` predicts: the model of LibreOffice 7.4's line breaking described in
docs/libreoffice-line-breaks.md (kinsoku lists where the last letter or digit before the overflow is Chinese, the
UAX #14 rules of LibreOffice's line.txt where it is Latin). docgen's verdict is read from ``clusters()``, and its own
layout of the same paragraph is checked against it.

The documents are built with ``docgen.render`` and converted with ``soffice --headless --convert-to pdf`` under the
fontconfig file docgen writes for LibreOffice (as tests/conftest.py does); pdfplumber reads the lines back. Not a
test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
from docgen.layout.chars import is_wide
from docgen.layout.linebreak import clusters, text_width
from docgen.layout.metrics import GridMetrics, latin_width

# isort: split
# bench/lo_lab.py, found as this script's folder is on sys.path
import lo_lab

MM = 72 / 25.4
TYPE_BOTTOM = (37 + 225) * MM  # below it: the page number
BODY_SIZE = 16.0
MARGIN = 0.5  # points: X must fit, and Y overflow, by at least this much (LibreOffice rounds to twips)
ENOUGH = 2.0  # points: beyond this much room either way, fewer tuning characters are better than more room
PER_DOCUMENT = 150  # paragraphs a document
ROLE = "body"
ZWSP = "\u200b"
#: Characters LibreOffice 7.4 draws from the Latin face although docgen sets them full width (measured).
LO_NARROW = frozenset("\u00b7")

_REST = "文件收悉，经研究同意。"

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
    # The same closing marks after a digit instead of a hanzi (what LibreOffice decides by can depend on it).
    *[(f"{ch} after digit", "5" + ch) for ch in "，。、；：？！”’"],
    *[(f"{ch} after digit", "1" + ch) for ch in "〕）》」』】〉〗"],
    ("…… after digit", "5……"),
    ("—— after digit", "5——"),
]

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

#: Marks that docgen keeps off the start of a line, as the second character after a hanzi, a digit, a letter.
NOSTART_FIRST: list[tuple[str, str]] = [("hanzi", "经"), ("digit 5", "5"), ("Latin A", "A"), ("full-width ５", "５")]
NOSTART_SECOND: list[tuple[str, str]] = [
    *[(ch, ch + _REST) for ch in "，。、；：？！〕）》」』】〉〗”’"],
    ("……", "……" + _REST),
    ("——", "——" + _REST),
    *[(ch, ch + _REST) for ch in "·％℃‰～"],
    *[(f"ASCII {ch}", ch + _REST) for ch in ",.;:)]%?!"],
]

#: Single cases: the inside of —— and ……, and sequences where the character after the pair decides (label, lead,
#: tail); the line is full up to the end of the lead.
EXTRA: list[tuple[str, str, str]] = [
    ("…|… inside ……", "经…", "…" + _REST),
    ("—|— inside ——", "经—", "—" + _REST),
    ("“|5G: the overflow is a digit", "经“", "5G”" + _REST),
    ("“|通: the overflow is a hanzi", "经“", "通知”" + _REST),
    ("，“|5G: the overflow is a digit", "经，“", "5G”" + _REST),
    ("《|5G: the overflow is a digit", "经《", "5G》" + _REST),
    ("（|2026: the overflow is a digit", "经（", "2026）" + _REST),
    ("5|（一: digit before a full-width parenthesis", "第5", "（一）" + _REST),
    ("G|（: letter before a full-width parenthesis", "5G", "（第五代）" + _REST),
    ("，|2026 inside 〔2026〕", "〔2026〕", "1号" + _REST),
    ("）|（ after a digit", "（1）", "（2）" + _REST),
    ("-|0 in a date 2024-04-12", "2024-", "04-12" + _REST),
    ("-|1 in a telephone number", "0531-", "12345678" + _REST),
    ("/|2 in X/2024", "7270X/", "2024" + _REST),
    ("日|— in 15日—30日", "15日", "—30日" + _REST),
    ("4|— in 2024—2026年", "（2024", "—2026年）" + _REST),
    ("，|…… after a comma", "精神，", "……" + _REST),
    ("。|…… after a full stop", "精神。", "……" + _REST),
    ("…|… after a comma", "精神，…", "…" + _REST),
    ("—|— after a digit", "2026—", "—" + _REST),
    ("…|… after a digit", "2026…", "…" + _REST),
]

FILLER = "一二三四五六七八九十"
#: Half-width pieces set between two fillers early in the line to fine-tune its width (each brings Chinese–Western
#: space on both sides).
TUNING = ["", "i", "l", "1", "a", "W", "m", "ii", "11", "iW"]
TUNING_SLOTS = (3, 7)  # after this many fillers

HEADER = {"issuers": "某某市人民政府", "number": "某政〔2026〕1号"}

# ---------------------------------------------------------------------------------------------------------------
# A model of LibreOffice 7.4's line breaking (sw SwTextGuess::Guess + i18npool break iterators)

#: LibreOffice's zh-CN forbidden characters (i18npool localedata zh_CN.xml, as compiled into
#: liblocaledata_others.so of LibreOffice 7.4); DOCX files without w:noLineBreaksBefore/After get these.
ZH_BEGIN = frozenset(":!),.:;?]}¢'\"、。〉》」』】〕〗〞︰︱︳﹐､﹒﹔﹕﹖﹗﹚﹜﹞") | frozenset(
    "！），．：；？｜｝︴︶︸︺︼︾﹀﹂﹄﹏､～￠々‖•·ˇˉ―-′’”"
)
ZH_END = frozenset("([{£¥'\"‵〈《「『【〔〖（［｛￡￥〝︵︷︹︻︽︿﹁﹃﹙﹛﹝（｛“‘")

#: UAX #14 line-break classes of the characters used here (Unicode LineBreak.txt); anything else wide is ID,
#: anything else narrow AL. LibreOffice's line.txt counts CP as CL and resolves AI (· ★) to AL.
_LB_CLASSES = {
    **dict.fromkeys("，。、〕）》」』】〉〗)]", "CL"),
    **dict.fromkeys("；：", "NS"),
    **dict.fromkeys("？！?!", "EX"),
    **dict.fromkeys(",.;:", "IS"),
    **dict.fromkeys("%％℃‰", "PO"),
    **dict.fromkeys("（〔《「『【〈〖([", "OP"),
    **dict.fromkeys("“”‘’", "QU"),
    **dict.fromkeys("·★", "AL"),
    "…": "IN",
    "—": "B2",
    "～": "ID",
    "-": "HY",
    "/": "SY",
    **dict.fromkeys("+$¥￥", "PR"),
    **dict.fromkeys("'\"", "QU"),
    " ": "SP",
    ZWSP: "ZW",
}
#: Pairs LibreOffice's line.txt (UAX #14 5.0 with CL ∪ CP) never breaks: LB 23, 24, 28, 29, 30.
_NO_BREAK_PAIRS = frozenset(
    [
        *[("ID", "PO"), ("AL", "NU"), ("NU", "AL"), ("PR", "ID"), ("AL", "PR"), ("PR", "AL"), ("PO", "AL")],
        *[("AL", "AL"), ("IS", "AL"), ("IS", "NU"), ("AL", "OP"), ("NU", "OP"), ("CL", "AL"), ("CL", "NU")],
    ]
)
#: LB 25, numbers: (PR|PO)? OP? NU (NU|SY|IS)* CL? (PR|PO)? is never broken (one letter a class).
_LB25 = re.compile(r"[ro]?p?n[nyi]*c?[ro]?")
_LB25_LETTERS = {"PR": "r", "PO": "o", "OP": "p", "NU": "n", "SY": "y", "IS": "i", "CL": "c"}


def lb_class(ch: str) -> str:
    if ch in _LB_CLASSES:
        return _LB_CLASSES[ch]
    if ch.isascii() and ch.isdigit():
        return "NU"
    return "ID" if is_wide(ch) else "AL"


def uax14_breaks(text: str) -> set[int]:
    """Positions i (a break between text[i - 1] and text[i]) that LibreOffice's line.txt allows."""
    cls = [lb_class(ch) for ch in text]
    allowed = set()
    for i in range(1, len(text)):
        a, b = cls[i - 1], cls[i]
        before = next((c for c in reversed(cls[:i]) if c != "SP"), "")  # the class before any spaces
        if b in ("SP", "ZW"):  # LB 7
            continue
        if a == "ZW":  # LB 8
            allowed.add(i)
            continue
        if b in ("CL", "EX", "IS", "SY") or before == "OP" or (before, b) in (("CL", "NS"), ("B2", "B2")):
            continue  # LB 13, 14, 16, 17 (also across spaces)
        if a == "SP":  # LB 18
            allowed.add(i)
            continue
        if b == "QU" or a == "QU":  # LB 19
            continue
        if b in ("BA", "HY", "NS") or a == "BB":  # LB 21
            continue
        if b == "IN" and a in ("AL", "ID", "IN", "NU"):  # LB 22
            continue
        if (a, b) not in _NO_BREAK_PAIRS:
            allowed.add(i)
    letters = "".join(_LB25_LETTERS.get(c, "x") for c in cls)
    for start in range(len(text)):
        match = _LB25.match(letters, start)
        if match:
            allowed -= set(range(start + 1, match.end()))
    return allowed


def lo_script(ch: str) -> str:
    """LibreOffice's script type of a character (i18npool getScriptClass, by Unicode block): "latin", "asian" or
    "weak" (a weak character takes the script of the one before it)."""
    code = ord(ch)
    if ch in " \u00a0":
        return "weak"
    if code < 0x0250:  # Basic Latin, Latin-1 (· too), Latin Extended
        return "latin"
    if 0x2000 <= code < 0x2C00:  # General Punctuation (“” … — and the zero-width space), symbols (℃ ★)
        return "weak"
    return "asian"


def portions(text: str) -> list[str]:
    """The resolved script of every character: weak characters take the script of the character before them."""
    out: list[str] = []
    for ch in text:
        script = lo_script(ch)
        out.append(out[-1] if script == "weak" and out else script)
    return out


def lo_model(text: str, cut: int, allowed: set[int] | None = None) -> int:
    """Where LibreOffice 7.4 ends a line that starts at 0 when ``text[cut]`` is the first character that does not fit.

    Writer formats a line in portions of one script. In the portion that overflows (SwTextGuess::Guess) the break
    iterator's language is the portion's, unless the last letter or digit at or before the cut lies before the
    portion and has another script: then that one's. For Chinese the break iterator (BreakIterator_CJK) only
    steps back over the kinsoku lists; for English (BreakIterator_Unicode) it applies line.txt (UAX #14), except
    right after a slash. A break before the portion's start is not taken: Writer underflows and breaks the portion
    before, cut at its last character."""
    scripts = portions(text)
    start = cut
    while start > 0 and scripts[start - 1] == scripts[cut]:
        start -= 1
    j = cut
    while j > 0 and not text[j].isalnum():
        j -= 1
    script = scripts[cut] if j >= start else scripts[j]
    position = cut
    if script == "asian":
        while position > 0 and (text[position] in ZH_BEGIN or text[position - 1] in ZH_END):
            position -= 1
    else:
        if allowed is None:
            allowed = uax14_breaks(text)
        if text[position - 1] == "/":  # BreakIterator_Unicode: never at the cut right after a slash (i#17155)
            position -= 1
        while position > 0 and position not in allowed:
            position -= 1
        if position > 0 and text[position - 1] == "/":  # a break after a slash moves back to a space before it
            space = next((k for k in range(position - 2, max(position - 66, 0), -1) if text[k].isspace()), None)
            position = position if space is None else space + 1
    if position >= start or start == 0:
        return position
    return lo_model(text, start - 1, allowed)


# ---------------------------------------------------------------------------------------------------------------
# Cases


@dataclass
class Case:
    table: str  # "pairs", "no-start" or "extra"
    first: str  # label
    second: str
    prefix: str  # fillers (and tuning pieces)
    lead: str
    tail: str
    slack: float  # points left on the first line after X (LibreOffice's widths)
    overflow: float  # points Y goes past the line end
    docgen_rule: bool = False  # clusters() lets a line end between X and Y
    docgen_length: int = 0  # characters on docgen's first line
    model_length: int = 0  # characters on the first line by lo_model
    lo_length: int = 0  # characters on LibreOffice's first line
    lo_first_line: str = ""
    control_ok: bool = False  # with a zero-width space between X and Y, LibreOffice's first line ends after X

    @property
    def text(self) -> str:
        return self.prefix + self.lead + self.tail

    @property
    def control(self) -> str:
        return self.prefix + self.lead + control_insert(self.lead, self.tail)

    @property
    def split(self) -> int:
        return len(self.prefix) + len(self.lead)

    @property
    def lo(self) -> str:
        """LibreOffice's verdict on the pair: "break", "no break" or "undecided"."""
        if not self.control_ok or self.lo_length > self.split:
            return "undecided"
        return "break" if self.lo_length == self.split else "no break"

    @property
    def docgen(self) -> str:
        return "break" if self.docgen_rule else "no break"

    @property
    def mismatch(self) -> bool:
        return self.lo != "undecided" and self.lo != self.docgen


class LoWidths:
    """docgen's metrics, with LibreOffice's widths for the characters it sets from the Latin face (``LO_NARROW``)."""

    def __init__(self, base: GridMetrics) -> None:
        self.base = base

    def _narrow(self, ch: str) -> bool:
        return ch in LO_NARROW or not is_wide(ch)

    def advance(self, ch: str, role: str) -> float:
        return latin_width(ch, self.base.sizes[role]) if ch in LO_NARROW else self.base.advance(ch, role)

    def gap(self, left: str, left_role: str, right: str, right_role: str) -> float:
        if left not in LO_NARROW and right not in LO_NARROW:
            return self.base.gap(left, left_role, right, right_role)
        same = left_role == right_role and self._narrow(left) == self._narrow(right)
        return self.base.tracking[left_role] if same else 0.0


@dataclass
class Setup:
    metrics: LoWidths
    width: float  # of a body line, points
    indent: float  # first-line indent, points
    fontconfig: Path
    soffice: str


def setup() -> Setup:
    exe = lo_lab.find_soffice()
    doc = docgen.render({"kind": "notice", "header": HEADER, "title": "测试", "body": ["正文。"]})
    style = doc.style
    role = style.role(ROLE)
    metrics = LoWidths(GridMetrics(style, latin_advances(doc.fonts["latin"])))
    width = style.type_width - (role.indent_left + role.indent_right) * role.size
    folder = Path(tempfile.mkdtemp(prefix="docgen-fontconfig-"))
    conf = folder / "fonts.conf"
    conf.write_text(fontconfig_file(style, doc.fonts), encoding="utf-8")
    return Setup(metrics, width, role.first_indent * role.size, conf, exe)


def prefixes() -> Iterator[tuple[int, str]]:
    """(number of tuning characters, prefix) for every filler count and tuning choice."""
    cut_a, cut_b = TUNING_SLOTS
    for count in range(8, 28):
        fillers = (FILLER * 3)[:count]
        for a, b in product(TUNING, repeat=2):
            yield len(a + b), fillers[:cut_a] + a + fillers[cut_a:cut_b] + b + fillers[cut_b:]


def control_insert(lead: str, tail: str) -> str:
    """What the control paragraph has after X instead of the tail. Normally a zero-width space before the tail: a
    break there is always allowed. But LibreOffice does not break at a zero-width space before a mark of its
    kinsoku list when the text before is Chinese; there the mark is replaced by one that may start a line and is no
    wider: a hanzi for a full-width mark, | for a half-width one."""
    if tail[0] in ZH_BEGIN and lo_script(lead[-1]) != "latin":
        return ("文" if is_wide(tail[0]) else "|") + tail[1:]
    return ZWSP + tail


def fit(s: Setup, lead: str, tail: str) -> tuple[str, float, float]:
    """The prefix that puts X at the end of the first line with the most room either way: (prefix, slack, overflow).
    Both Y and the control's character after X must overflow."""
    best: tuple[float, int, str, float, float] | None = None
    probes = {tail[0], control_insert(lead, tail).lstrip(ZWSP)[0]}
    for tuning, prefix in prefixes():
        to_x = s.indent + text_width(prefix + lead, ROLE, s.metrics)
        to_y = min(s.indent + text_width(prefix + lead + probe, ROLE, s.metrics) for probe in probes)
        slack, overflow = s.width - to_x, to_y - s.width
        key = (min(slack, overflow, ENOUGH), -tuning, prefix, slack, overflow)
        if best is None or key[:2] > best[:2]:
            best = key
    assert best is not None
    return best[2], best[3], best[4]


def make_case(s: Setup, table: str, first: str, second: str, lead: str, tail: str) -> Case:
    prefix, slack, overflow = fit(s, lead, tail)
    case = Case(table, first, second, prefix, lead, tail, round(slack, 2), round(overflow, 2))
    bounds, position = {0}, 0
    for cluster in clusters([(ch, ROLE) for ch in case.text]):
        position += len(cluster)
        bounds.add(position)
    case.docgen_rule = case.split in bounds
    case.model_length = lo_model(case.text, case.split)
    return case


def cases(s: Setup) -> list[Case]:
    out = [make_case(s, "pairs", f, t, lead, tail) for (f, lead), (t, tail) in product(FIRST, SECOND)]
    out += [
        make_case(s, "no-start", f, t, lead, tail) for (f, lead), (t, tail) in product(NOSTART_FIRST, NOSTART_SECOND)
    ]
    out += [make_case(s, "extra", label, "", lead, tail) for label, lead, tail in EXTRA]
    return out


# ---------------------------------------------------------------------------------------------------------------
# Running LibreOffice and reading its lines


def visible(text: str) -> str:
    return text.replace(" ", "").replace(ZWSP, "")


def docgen_lines(doc: docgen.Document) -> list[list[str]]:
    blocks: dict[int, list[str]] = defaultdict(list)
    for page in doc.layout.pages:
        for placed in page.lines:
            if placed.text.role == ROLE:
                blocks[placed.text.block].append(visible(placed.text.line.text))
    return [blocks[b] for b in sorted(blocks)]


def pdf_lines(pdf: Path) -> list[str]:
    """Body-size lines of text, top to bottom, page after page (spaces dropped)."""
    out = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            rows: dict[float, list[dict]] = defaultdict(list)  # type: ignore[type-arg]
            for c in page.chars:
                if not visible(c["text"]).strip() or abs(c["size"] - BODY_SIZE) > 0.2:
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
    expected = [visible(t) for t in texts]
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
    """One document, with a profile of its own: the documents convert in parallel."""
    out = docx.parent / "lo"
    out.mkdir(exist_ok=True)
    profile = docx.parent / f"profile-{docx.stem}"
    (pdf,) = lo_lab.convert_to_pdf(s.soffice, [docx], out, profile, env=lo_lab.fontconfig_env(s.fontconfig))
    return pdf


def measure(s: Setup, all_cases: list[Case], folder: Path) -> None:
    texts = list(dict.fromkeys([c.text for c in all_cases] + [c.control for c in all_cases]))
    chunks = [texts[i : i + PER_DOCUMENT] for i in range(0, len(texts), PER_DOCUMENT)]
    docxs = []
    mine: dict[str, list[str]] = {}
    for n, chunk in enumerate(chunks):
        doc = docgen.render({"kind": "notice", "header": HEADER, "title": "测试", "body": chunk})
        for text, lines in zip(chunk, docgen_lines(doc), strict=True):
            mine[text] = lines
        path = folder / f"breaks{n:02}.docx"
        path.write_bytes(doc.to_docx())
        docxs.append(path.resolve())
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        pdfs = list(pool.map(lambda p: convert(s, p), docxs))
    theirs: dict[str, list[str]] = {}
    for chunk, pdf in zip(chunks, pdfs, strict=True):
        for text, lines in zip(chunk, split_paragraphs(pdf_lines(pdf), chunk), strict=True):
            theirs[text] = lines
    for c in all_cases:
        c.docgen_length = len(mine[c.text][0])
        c.lo_first_line = theirs[c.text][0]
        c.lo_length = len(c.lo_first_line)
        c.control_ok = theirs[c.control][0] == visible(c.prefix + c.lead)


# ---------------------------------------------------------------------------------------------------------------
# Report


def cell(c: Case) -> str:
    mark = {"break": "✓", "no break": "✗"}.get(c.lo, "?")
    return f"**{mark}≠**" if c.mismatch else mark


def table(all_cases: list[Case], name: str, rows: list[tuple[str, str]], columns: list[tuple[str, str]]) -> list[str]:
    by_pair = {(c.first, c.second): c for c in all_cases if c.table == name}
    labels = [label for label, _ in columns]
    out = ["| first ↓ / second → | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]
    for first, _ in rows:
        out.append(f"| {first} | " + " | ".join(cell(by_pair[first, second]) for second in labels) + " |")
    return out


def describe(c: Case) -> str:
    pair = f"{c.lead[-1]}|{c.tail[0]}"
    where = f"{c.first} → {c.second}" if c.second else c.first
    return f"{pair} ({where}): LibreOffice {c.lo}, docgen {c.docgen}"


def markdown(all_cases: list[Case]) -> str:
    out = ["✓ LibreOffice breaks between the two, ✗ it does not, ? undecided; ≠ docgen's clusters() differs.", ""]
    out += ["### Pairs", "", *table(all_cases, "pairs", FIRST, SECOND)]
    out += ["", "### Marks docgen keeps off the start of a line", ""]
    out += table(all_cases, "no-start", NOSTART_FIRST, NOSTART_SECOND)
    out += ["", "### Single cases", "", "| case | LibreOffice line 1 ends | docgen | model |", "|---|---|---|---|"]
    for c in (c for c in all_cases if c.table == "extra"):
        ends = f"…{c.lo_first_line[-3:]}" if c.control_ok else "? (control failed)"
        model = "same" if c.model_length == c.lo_length else f"…{c.text[: c.model_length][-3:]}"
        docgen_ends = "same" if c.docgen_length == c.lo_length else f"…{c.text[: c.docgen_length][-3:]}"
        label = c.first.replace("|", "\\|")  # a pipe would end the table cell
        out.append(f"| {label} | {ends} | {docgen_ends} | {model} |")
    mismatches = [c for c in all_cases if c.mismatch]
    out += ["", f"Pair mismatches ({len(mismatches)}):", ""] + [f"- {describe(c)}" for c in mismatches]
    decided = [c for c in all_cases if c.control_ok]
    wrong_model = [c for c in decided if c.model_length != c.lo_length]
    right = len(decided) - len(wrong_model)
    out += ["", f"lo_model predicts LibreOffice's first line in {right} of {len(decided)} decided cases"]
    out += [f"- model wrong: {c.first} → {c.second}: LibreOffice {c.lo_first_line!r}" for c in wrong_model]
    undecided = [c for c in all_cases if not c.control_ok]
    out += ["", f"Undecided (control failed): {len(undecided)}"]
    out += [f"- {c.first} → {c.second}: slack {c.slack} pt, overflow {c.overflow} pt" for c in undecided]
    odd = [c for c in all_cases if c.control_ok and (c.docgen_length == c.split) != c.docgen_rule]
    out += ["", f"docgen's layout disagrees with its clusters() (widths differ from LibreOffice's): {len(odd)}"]
    out += [f"- {c.first} → {c.second}" for c in odd]
    return "\n".join(out)


def texts_of(path: Path) -> Iterator[str]:
    """Paragraphs of Chinese text in a YAML spec (every string value) or a text file (every line)."""
    import yaml

    def strings(value: object) -> Iterator[str]:
        if isinstance(value, str):
            yield from value.splitlines()
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    data = path.read_bytes()
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError:
        raw = data.decode("gb18030")
    lines = strings(yaml.safe_load(raw)) if path.suffix in (".yaml", ".yml") else iter(raw.splitlines())
    for line in lines:
        line = line.strip()
        if len(line) >= 10 and any(is_wide(ch) for ch in line):
            yield line


def scan(paths: Sequence[Path]) -> str:
    """Where in real text docgen's clusters() and lo_model disagree about a break, if the line were full there."""
    found: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    paragraphs = places = 0
    for path in paths:
        for text in texts_of(path):
            paragraphs += 1
            places += len(text) - 1
            bounds, position = set(), 0
            for cluster in clusters([(ch, ROLE) for ch in text]):
                position += len(cluster)
                bounds.add(position)
            allowed = uax14_breaks(text)
            for i in range(1, len(text)):
                if text[i].isspace() or text[i - 1].isspace():
                    continue  # a space never overflows a line (it hangs), so neither rule decides there
                lo, mine = lo_model(text, i, allowed) == i, i in bounds
                if lo != mine:
                    verdict = "LibreOffice breaks, docgen not" if lo else "docgen breaks, LibreOffice not"
                    found[text[i - 1], text[i], verdict].append(text[max(0, i - 6) : i] + "|" + text[i : i + 6])
    out = [f"{paragraphs} paragraphs, {places} places between two characters; where the two rules differ:", ""]
    for (left, right, verdict), where in sorted(found.items(), key=lambda item: -len(item[1])):
        out.append(f"- {left}|{right}: {verdict}, {len(where)}×, e.g. {where[0]}")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="keep the DOCX and PDF files in this folder")
    parser.add_argument("--json", type=Path, help="write every case to this file")
    parser.add_argument("--scan", type=Path, nargs="+", help="only compare the two rules on real text (YAML, txt)")
    args = parser.parse_args(argv)
    if args.scan:
        print(scan(args.scan))
        return
    s = setup()
    all_cases = cases(s)
    for c in all_cases:
        if min(c.slack, c.overflow) < MARGIN:
            print(f"note: {c.first} → {c.second} fits by only {min(c.slack, c.overflow)} pt", file=sys.stderr)
    with lo_lab.lab_folder(args.keep, "lo-breaks-") as folder:
        measure(s, all_cases, folder)
    if args.json:
        rows = [{**asdict(c), "lo": c.lo, "text": c.text} for c in all_cases]
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print(markdown(all_cases))


if __name__ == "__main__":
    main()
