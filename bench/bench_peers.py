"""Benchmark: docgen beside its peers — Typst (a compiled typesetter, through its Python bindings, `pip install
typst`) and LibreOffice (converting docgen's DOCX) — for the seed spec and specs 10× and 50× its size (scaled as
bench_build.py scales them: body and speeches repeated).

For Typst the script writes a Typst document from the spec: the same text (numbers, dates and labels worded as docgen
words them), the same font files (those `docgen fonts` lists; Typst gets their folders as `font_paths`, no system
fonts, and their family names as Typst reads them), the same page: A4, margins 37/35/28/26 mm, 22 rows of 225/22 mm,
every line exactly one row (or two: the masthead) with its em box centred in it, 16 pt body text with docgen's
−0.25 pt letter spacing (28 characters a line), first-line indent 2 字, justified, 2号 titles (the 小标宋 stand-in
thickened as docgen thickens it), headings in 黑体/楷体/仿宋, `— n —` page numbers in 4号 at the outside corner,
attachments on new pages, the 版记 at the foot of the last page. Line breaking is Typst's own, first fit
(`linebreaks: "simple"`, as docgen's). One choice: the text is tagged zh-TW, whose punctuation style Typst sets on
full cells; with zh-CN Typst halves a ，。 at a line's end and squeezes adjacent marks (clreq practice, not the 公文
grid), which changes about one line in five of the seed. The script prints how many of docgen's lines Typst's PDF
holds with the same text on the same page and row.

Measured, whole process (a small wrapper process reads the peak RSS and CPU time of the command it runs from
RUSAGE_CHILDREN, as in bench_build.py), every contender in turn, run after run, medians taken (this machine's speed
drifts):
- `docgen build SPEC -f pdf` and `docgen build SPEC -f docx -f pdf`;
- Typst compiling the generated .typ to PDF in a fresh `python -c "import typst; typst.compile(…)"` (pip's package
  has no command-line program), and `python -c "import typst"` alone: the part of that which is not typesetting;
- `python -c "import yaml, jinja2, reportlab…"`: importing the libraries a PDF build needs, before docgen's own
  code and any work (the floor of docgen's whole-process time while it is written on them);
- LibreOffice converting docgen's DOCX to PDF (`soffice --headless --convert-to pdf`, its own profile folder, with
  the fontconfig file of `docgen fonts --fontconfig` so that it draws with the same font files).
In one process, after a warm-up: `docgen.render(spec)` + `to_pdf()` + `to_docx()` of the seed, and Typst compiling the
seed's document — the same document again and again (Typst memoizes layout across compilations in a process, so this
is partly incremental) and a different document each time (the seed with a number before every paragraph), as a
service would see them.

    python bench/bench_peers.py                       # Markdown; --runs 5 --sizes 1,10,50 by default
    python bench/bench_peers.py --runs 3 --sizes 1,10 --json
    python bench/bench_peers.py --keep /tmp/peers     # keep the specs, .typ files and PDFs to look at

Needs `pip install typst pdfplumber pypdf` (the last two are docgen's test extras) and, for its columns,
LibreOffice. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import compileall
import copy
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import SEED, scaled_spec

# ----------------------------------------------------------------------------------------------------------------
# The page, as GB/T 9704 and docgen's profile (docgen/style/profiles/gbt9704.yaml) give it.

PAGE = {"top": "37mm", "bottom": "35mm", "left": "28mm", "right": "26mm"}
TYPE_HEIGHT = "225mm"
ROWS = 22  # grid rows a page (28 characters a line follow from the width, the size and TRACKING)
BODY_SIZE = 16.0  # 3号
TRACKING = -0.25  # pt: docgen's letter spacing for body-size text (Word's 1/20 pt steps: 28 × 15.75 pt ≤ 156 mm)
ASCENT = 0.88  # the ideographic em box: 0.88 em above the baseline, 0.12 below; docgen centres it in its row(s)
SIZES = {"初号": 42.0, "2号": 22.0, "3号": 16.0, "4号": 14.0}
EMBOLDEN = 0.03  # em: docgen thickens the 小标宋 stand-in by this stroke (only when it is a stand-in)
DASH_HEIGHT = 0.35  # em: the page number's dashes' centre above the baseline (docgen's value for CJK fonts)
PAGE_NUMBER_DISTANCE = "7mm"  # from the 版心's bottom edge to the dashes


# ----------------------------------------------------------------------------------------------------------------
# Fonts: the files docgen uses on this machine, named as Typst sees them.


def docgen_fonts() -> dict[str, tuple[Path, int, str]]:
    """Face → (font file, index in a collection, status) that docgen's PDF uses on this machine, as `docgen fonts`
    prints them (rows ``face（roles） | requested | family | file[#index] | status``)."""
    out = subprocess.run([sys.executable, "-m", "docgen", "fonts"], capture_output=True, text=True, check=True).stdout
    status = {"正式": "official", "替代": "substitute", "默认": "default", "指定": "configured"}
    fonts = {}
    for line in out.splitlines()[1:]:
        cells = line.split(" | ")
        if len(cells) == 5 and cells[4] in status:
            file, _, index = cells[3].rpartition("#") if "#" in cells[3] else (cells[3], "", "0")
            fonts[cells[0].split("（")[0]] = (Path(file), int(index), status[cells[4]])
    if not {"fangsong", "xiaobiaosong", "heiti", "kaiti", "songti", "latin"} <= fonts.keys():
        raise SystemExit(f"could not read the faces from `docgen fonts`:\n{out}")
    return fonts


def typst_families(fonts: dict[str, tuple[Path, int, str]]) -> tuple[dict[str, str], list[str]]:
    """Face → the family name Typst gives that file, and the font folders to pass as ``font_paths``."""
    import typst

    folders = sorted({str(path.parent) for path, _, _ in fonts.values()})
    seen = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=folders).fonts()
    by_file = {(Path(info.path).resolve(), info.index): info.family for info in seen if info.path}
    families = {}
    for key, (path, index, _) in fonts.items():
        family = by_file.get((path.resolve(), index))
        if family is None:
            raise SystemExit(f"Typst does not read the font docgen uses for {key}: {path}#{index}")
        families[key] = family
    return families, folders


# ----------------------------------------------------------------------------------------------------------------
# The Typst document.

_CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def heading_label(level: int, number: int) -> str:
    """一、 （一） 1. （1）, as docgen numbers headings (GB/T 9704 §7.3.3)."""
    return {1: f"{chinese_numeral(number)}、", 2: f"（{chinese_numeral(number)}）", 3: f"{number}."}.get(
        level, f"（{number}）"
    )


def cn_date(value: Any) -> str:
    """2023-03-15 → 2023年3月15日; text already in that form stays."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            return value
    return f"{value.year}年{value.month}月{value.day}日"


def typst_string(text: str) -> str:
    """A Typst string literal: in markup, ``#"…"`` is set as plain text, whatever characters it holds."""
    out = []
    for ch in text:
        if ch in '\\"':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _font_list(face: str, families: dict[str, str]) -> str:
    """Latin letters and digits in the Latin face, everything else (punctuation too) in the Chinese one."""
    return f'((name: {typst_string(families["latin"])}, covers: "latin-in-cjk"), {typst_string(families[face])})'


def _preamble(families: dict[str, str], fonts: dict[str, tuple[Path, int, str]]) -> str:
    def stroke(size: str) -> str:  # docgen's embolden of a stand-in 小标宋, as a stroke around the outlines
        return f"{EMBOLDEN * SIZES[size]:.3f}pt" if fonts["xiaobiaosong"][2] in ("substitute", "default") else "none"

    margins = ", ".join(f"{side}: {value}" for side, value in PAGE.items())
    return f"""// Generated by docgen's bench/bench_peers.py from a docgen spec: GB/T 9704 page and grid.
#let P = {TYPE_HEIGHT} / {ROWS}  // one grid row
#let fangsong = {_font_list("fangsong", families)}
#let heiti = {_font_list("heiti", families)}
#let kaiti = {_font_list("kaiti", families)}
#let xiaobiaosong = {_font_list("xiaobiaosong", families)}
#let songti = ({typst_string(families["songti"])},)
// Every line is exactly k rows high, its em box centred in them (docgen: 0.88 em above the baseline, 0.12 below).
#let row-top(k) = k * P / 2 + {ASCENT - 0.5}em
#let row-bottom(k) = {ASCENT - 0.5}em - k * P / 2
#let gap(k) = v(k * P, weak: true)  // blank rows; dropped at the top of a page that text flowed onto
#set page(
  paper: "a4",
  margin: ({margins}),
  foreground: context {{
    let n = counter(page).get().first()
    let y = {PAGE["top"]} + {TYPE_HEIGHT} + {PAGE_NUMBER_DISTANCE} + {DASH_HEIGHT} * {SIZES["4号"]}pt
    let number = text(font: songti, size: {SIZES["4号"]}pt, tracking: 0pt, top-edge: "baseline",
      bottom-edge: "baseline")[— #n —]
    if calc.odd(n) {{
      place(top + right, dx: -({PAGE["right"]} + {SIZES["4号"]}pt), dy: y, number)
    }} else {{
      place(top + left, dx: {PAGE["left"]} + {SIZES["4号"]}pt, dy: y, number)
    }}
  }},
)
// zh-TW: Typst's punctuation style that keeps every mark on a full cell, as the 公文 grid does (see the docstring).
#set text(font: fangsong, size: {BODY_SIZE}pt, lang: "zh", region: "tw", tracking: {TRACKING}pt,
  top-edge: row-top(1), bottom-edge: row-bottom(1), costs: (widow: 0%, orphan: 0%))
#set par(justify: true, linebreaks: "simple", leading: 0pt, spacing: 0pt,
  first-line-indent: (amount: 2em, all: true))
#set block(spacing: 0pt)
// A centred line (or lines) of one role: `k` rows each.
#let centred(font, size: {BODY_SIZE}pt, k: 1, fill: black, stroke: none, sticky: false, body) = block(
  width: 100%, sticky: sticky, {{
    set text(font: font, size: size, fill: fill, stroke: if stroke == none {{ none }} else {{ stroke + fill }},
      top-edge: row-top(k), bottom-edge: row-bottom(k),
      tracking: if size == {BODY_SIZE}pt {{ {TRACKING}pt }} else {{ 0pt }})
    set par(justify: false, first-line-indent: 0pt)
    align(center, par(body))
  }})
#let doc-title(body) = centred(xiaobiaosong, size: {SIZES["2号"]}pt, stroke: {stroke("2号")}, sticky: true, body)
#let numbered(font, body) = block(sticky: true, par(text(font: font, body)))
#let masthead(name, issue, issuer, date) = {{
  v(P)
  centred(xiaobiaosong, size: {SIZES["初号"]}pt, k: 2, fill: rgb("#FF0000"), stroke: {stroke("初号")}, name)
  if issue != "" {{ centred(fangsong, issue) }}
  block(width: 100%, {{
    set par(justify: false, first-line-indent: 0pt)
    pad(x: 1em, par[#issuer #h(1fr) #date])
    place(bottom, line(length: 100%, stroke: 1.5pt + rgb("#FF0000")))
  }})
  gap(2)
}}
// 附件说明: 附件：title, or 附件：1.title / 2.title with the titles aligned, continuation lines under the title.
#let attachment-note(items) = {{
  gap(1)
  set par(justify: false, first-line-indent: 0pt)
  pad(left: 2em, grid(columns: (auto, 1fr), ..items.enumerate().map(((i, item)) => (
    if i == 0 [附件：] else [],
    grid(columns: (auto, 1fr), item.at(0), item.at(1)),
  )).flatten()))
}}
// Unsealed signature (§7.3.5.2): issuer 右空二字, the date starting two characters right of the issuer.
#let signature(issuer, date) = context {{
  gap(1)
  set par(justify: false, first-line-indent: 0pt)
  let two = 2 * {BODY_SIZE}pt
  let name = measure(issuer).width
  let when = measure(date).width
  let name-right = calc.max(two, two + when + two - name)
  align(right, pad(right: name-right, par(issuer)))
  if date != "" {{ align(right, pad(right: name-right + name - two - when, par(date))) }}
}}
// 附件 on a new page: its label in 黑体 on row 1, its title centred on row 3.
#let annex(label, name) = {{
  pagebreak()
  block(par(first-line-indent: 0pt, text(font: heiti, label)))
  gap(1)
  doc-title(name)
  gap(1)
}}
#let speech(unit, name, first) = {{
  if not first {{ gap(1) }}
  if name != "" {{
    centred(heiti, sticky: true, name)
    centred(kaiti, sticky: true, unit)
  }} else {{
    centred(heiti, sticky: true, unit)
  }}
}}
// 版记 at the foot of the last page: 4号, 空一字 both sides, thick rules above and below, a thin one between.
#let distribution(cc, by, on) = {{
  v(1fr)
  block(breakable: false, width: 100%, stroke: (top: 0.35mm, bottom: 0.35mm), {{
    set text(size: {SIZES["4号"]}pt, tracking: 0pt)
    set par(justify: false, first-line-indent: 0pt)
    if cc != "" {{
      block(width: 100%, stroke: if by + on != "" {{ (bottom: 0.25mm) }} else {{ none }},
        pad(x: 1em, grid(columns: (auto, 1fr), [抄送：], cc)))
    }}
    if by + on != "" {{ pad(x: 1em, par[#by #h(1fr) #on]) }}
  }})
}}
"""


def typst_document(spec: dict[str, Any], families: dict[str, str], fonts: dict[str, tuple[Path, int, str]]) -> str:
    """The Typst source for a docgen spec (the meeting-summary kind: masthead, title, body with headings,
    attachments with paragraphs and speeches, signature, 版记)."""
    s = typst_string
    out = [_preamble(families, fonts)]
    if masthead := spec.get("masthead"):
        parts = (masthead.get("name", ""), masthead.get("issue") or "", masthead.get("issuer") or "")
        out.append(f"#masthead({', '.join(map(s, parts))}, {s(cn_date(masthead.get('date')))})")
    lines = "#linebreak()".join(f"#{s(part)}" for part in str(spec["title"]).split("\n"))
    out += [f"#doc-title[{lines}]", "#gap(1)"]
    heading_font = {1: "heiti", 2: "kaiti", 3: "fangsong", 4: "fangsong"}
    counters = [0, 0, 0, 0]
    for item in spec.get("body") or []:
        if isinstance(item, dict):
            level = item.get("level", 1)
            counters[level - 1] += 1
            counters[level:] = [0] * (4 - level)
            label = heading_label(level, counters[level - 1])
            out.append(f"#numbered({heading_font[level]}, {s(label + str(item['heading']))})")
        else:
            out.append(f"#par({s(str(item))})")
    attachments = spec.get("attachments") or []
    if attachments:
        many = len(attachments) > 1
        items = [f"({s(f'{i}.' if many else '')}, {s(a['title'])})" for i, a in enumerate(attachments, 1)]
        out.append(f"#attachment-note(({', '.join(items)},))")
    if signature := spec.get("signature"):
        out.append(f"#signature({s(signature['issuer'])}, {s(cn_date(signature.get('date')))})")
    for number, attachment in enumerate(attachments, 1):
        out.append(f"#annex({s('附件' + (str(number) if len(attachments) > 1 else ''))}, {s(attachment['title'])})")
        out += [f"#par({s(str(p))})" for p in attachment.get("paragraphs") or []]
        for i, speech in enumerate(attachment.get("speeches") or []):
            first = "true" if i == 0 and not attachment.get("paragraphs") else "false"
            out.append(f"#speech({s(speech['unit'])}, {s(speech.get('title') or '')}, {first})")
            out += [f"#par({s(str(p))})" for p in speech.get("lead") or []]
            for n, section in enumerate(speech.get("sections") or [], 1):
                heading = str(section["heading"])
                if heading and heading[-1] not in "。！？：；…":
                    heading += "。"
                paragraphs = [str(p) for p in section.get("paragraphs") or []]
                run_in = f"#text(font: heiti, {s(heading_label(1, n) + heading)})"
                out.append(f"#par[{run_in}#{s(paragraphs[0] if paragraphs else '')}]")
                out += [f"#par({s(p)})" for p in paragraphs[1:]]
    if distribution := spec.get("distribution"):
        cc = distribution.get("cc") or []
        on = cn_date(distribution.get("printed_on"))
        parts = ("，".join(cc) + "。" if cc else "", distribution.get("printed_by") or "", on + "印发" if on else "")
        out.append(f"#distribution({', '.join(map(s, parts))})")
    return "\n".join(out) + "\n"


def write_typst(
    spec_path: Path, families: dict[str, str], fonts: dict[str, tuple[Path, int, str]], path: Path | None = None
) -> Path:
    """Write the Typst document for a spec file (beside it, NAME.typ, unless ``path`` is given)."""
    data = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    path = path or spec_path.with_suffix(".typ")
    path.write_text(typst_document(data, families, fonts), encoding="utf-8")
    return path


def varied(spec: dict[str, Any], number: int) -> dict[str, Any]:
    """The spec with ``number`` written before every paragraph: a different document of the same size, for a
    process that renders one document after another (Typst memoizes layout, so the same document again is cheap)."""
    out = copy.deepcopy(spec)

    def vary(mapping: dict[str, Any], key: str) -> None:
        if mapping.get(key):
            mapping[key] = [f"{number}{p}" if isinstance(p, str) else p for p in mapping[key]]

    vary(out, "body")
    for attachment in out.get("attachments") or []:
        vary(attachment, "paragraphs")
        for speech in attachment.get("speeches") or []:
            vary(speech, "lead")
            for section in speech.get("sections") or []:
                vary(section, "paragraphs")
    return out


# ----------------------------------------------------------------------------------------------------------------
# Fidelity: what the PDFs hold, page by page and line by line.


def page_count(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def text_lines(pdf: Path) -> list[tuple[int, int, str]]:
    """(page, grid row, text) of every line inside the 版心, by pdfplumber: each glyph goes to the row its middle is
    in, and a row's glyphs are read left to right (spaces dropped)."""
    import pdfplumber

    mm = 72 / 25.4
    top, pitch = 37 * mm, 225 / ROWS * mm
    lines = []
    with pdfplumber.open(pdf) as doc:
        for number, page in enumerate(doc.pages, 1):
            rows: dict[int, list[tuple[float, str]]] = {}
            for ch in page.chars:
                row = int(((ch["top"] + ch["bottom"]) / 2 - top) // pitch)
                if 0 <= row < ROWS and not ch["text"].isspace():
                    rows.setdefault(row, []).append((ch["x0"], ch["text"]))
            lines += [(number, row, "".join(t for _, t in sorted(chars))) for row, chars in sorted(rows.items())]
    return lines


def layout_profile(pdf: Path, reference: list[tuple[int, int, str]] | None = None) -> dict[str, Any]:
    """Pages, lines, lines per page, characters per line of paragraph text (27 characters or more; digits and
    Latin letters count one each); against ``reference`` (docgen's lines): how many of its lines hold the same
    text (the same line breaks), and how many of those are also on the same page and row."""
    lines = text_lines(pdf)
    pages = max((page for page, _, _ in lines), default=0)
    per_page = Counter(page for page, _, _ in lines if page < pages)
    out = {
        "pages": pages,
        "lines": len(lines),
        "characters": sum(len(text) for _, _, text in lines),
        "lines per page (all but the last)": dict(sorted(Counter(per_page.values()).items())),
        "characters per full line": dict(sorted(Counter(len(t) for _, _, t in lines if len(t) >= 27).items())),
    }
    if reference is not None:
        out["same text as docgen's line"] = sum(
            (Counter(t for _, _, t in reference) & Counter(t for *_, t in lines)).values()
        )
        out["same text, page and row"] = len(set(reference) & set(lines))
    return out


# ----------------------------------------------------------------------------------------------------------------
# Measuring.

# As bench_build.py's wrapper (the command is its only child, so RUSAGE_CHILDREN's maxrss is that command's peak),
# and the CPU time of the command and everything it waited for (user + system).
_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
elapsed = time.perf_counter() - start
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": code, "seconds": elapsed, "peak_kb": use.ru_maxrss, "cpu": use.ru_utime + use.ru_stime}))
"""


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds of one run of ``command`` in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True, env=env
    )
    result = json.loads(out.stdout)
    if result["code"] != 0:
        raise SystemExit(f"failed (exit status {result['code']}): {' '.join(command)}")
    return result["seconds"], result["peak_kb"] / 1024, result["cpu"]


_TYPST_COMPILE = (
    "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], font_paths=sys.argv[3:], "
    "ignore_system_fonts=True)"
)

_IN_PROCESS = """
import json, statistics, sys, time
runs, kind, args = int(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
if kind == "docgen":
    import yaml, docgen
    inputs = [yaml.safe_load(open(path, encoding="utf-8")) for path in args["inputs"]]
    def work(spec):
        doc = docgen.render(spec)
        doc.to_pdf(), doc.to_docx()
else:
    import typst
    compiler = typst.Compiler(font_paths=args["fonts"], ignore_system_fonts=True)
    inputs = [open(path, "rb").read() for path in args["inputs"]]
    def work(source):
        compiler.compile(input=source, format="pdf")
for _ in range(2):  # warm-up
    work(inputs[0])
same, different = [], []
for run in range(1, runs + 1):  # alternated, so that both see the same drift of the machine's speed
    for samples, source in ((same, inputs[0]), (different, inputs[run])):
        start = time.perf_counter()
        work(source)
        samples.append(time.perf_counter() - start)
print(json.dumps({"same": statistics.median(same), "different": statistics.median(different)}))
"""


def in_process(kind: str, runs: int, inputs: list[Path], fonts: list[str] | None = None) -> dict[str, float]:
    """Median seconds of ``runs`` renders in one process after a warm-up: of the first input again and again
    ("same"), and of the others, one each ("different")."""
    args = json.dumps({"inputs": [str(path) for path in inputs], "fonts": fonts})
    out = subprocess.run(
        [sys.executable, "-c", _IN_PROCESS, str(runs), kind, args], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    soffice = shutil.which("soffice")
    lo = subprocess.run([soffice, "--version"], capture_output=True, text=True).stdout.strip() if soffice else "—"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "typst": typst_version(),
        "libreoffice": lo or "?",
    }


def round_robin(commands: dict[str, tuple[list[str], dict[str, str] | None]], runs: int) -> dict[str, list[float]]:
    """Each command once, in turn, ``runs`` times over (the machine's speed drifts; every command should see the
    same drift): label → medians of (seconds, peak MB, CPU seconds)."""
    samples: dict[str, list[tuple[float, float, float]]] = {label: [] for label in commands}
    for i in range(runs):
        for label, (command, env) in commands.items():
            samples[label].append(measure(command, env))
        print(f"  run {i + 1}/{runs} done", file=sys.stderr)
    return {label: [statistics.median(column) for column in zip(*got, strict=True)] for label, got in samples.items()}


def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else "—"


def fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def typst_version() -> str:
    """typst-py's version, and the Typst compiler it embeds (from the wheel's software bill of materials)."""
    from importlib import metadata

    import typst

    version = f"typst (PyPI) {typst.__version__}"
    try:
        sbom = json.loads(metadata.distribution("typst").read_text("sboms/typst-py.cyclonedx.json") or "{}")
        core = next(c["version"] for c in sbom.get("components", []) if c.get("name") == "typst")
        return f"{version}, Typst {core}"
    except (StopIteration, ValueError, OSError):
        return version


# ----------------------------------------------------------------------------------------------------------------
# The run.


def prepare(sizes: list[int], folder: Path, families: dict[str, str], fonts: dict[str, Any]) -> dict[int, Any]:
    """Size → (spec, its .typ, seconds to write the .typ). ×1 is the seed itself."""
    prepared = {}
    for n in sizes:
        spec = scaled_spec(n, folder) if n != 1 else Path(shutil.copy(SEED, folder / "seed-x1.yaml"))
        start = time.perf_counter()
        typ = write_typst(spec, families, fonts)
        prepared[n] = (spec, typ, time.perf_counter() - start)
    return prepared


#: the third-party modules every PDF build imports (the spec, the template, the PDF objects and fonts)
_LIBRARIES = "import yaml, jinja2.sandbox, reportlab.pdfgen.canvas, reportlab.pdfbase.ttfonts"


def whole_process_commands(
    prepared: dict[int, Any], out: dict[str, Path], font_folders: list[str], lo_sizes: list[int], folder: Path
) -> dict[str, tuple[list[str], dict[str, str] | None]]:
    """Label → (command, environment) of every whole-process measurement."""
    build = [sys.executable, "-m", "docgen", "build"]
    commands: dict[str, tuple[list[str], dict[str, str] | None]] = {
        "python start-up": ([sys.executable, "-c", "pass"], None),
        "python + import typst": ([sys.executable, "-c", "import typst"], None),
        "python + docgen's libraries": ([sys.executable, "-c", _LIBRARIES], None),
    }
    for n, (spec, typ, _) in prepared.items():
        commands[f"docgen pdf ×{n}"] = ([*build, str(spec), "-f", "pdf", "-o", str(out["docgen"])], None)
        commands[f"docgen docx+pdf ×{n}"] = (
            [*build, str(spec), "-f", "docx", "-f", "pdf", "-o", str(out["docgen"])],
            None,
        )
        pdf = out["typst"] / f"{spec.stem}.pdf"
        commands[f"typst ×{n}"] = ([sys.executable, "-c", _TYPST_COMPILE, str(typ), str(pdf), *font_folders], None)
    soffice = shutil.which("soffice")
    if soffice:
        # LibreOffice draws with the font files docgen's PDF uses (the tests convert the same way).
        fontconfig = folder / "fonts.conf"
        command = [sys.executable, "-m", "docgen", "fonts", "--fontconfig", str(fontconfig)]
        subprocess.run(command, check=True, capture_output=True)
        env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig))
        convert = [soffice, "--headless", f"-env:UserInstallation={(folder / 'lo-profile').resolve().as_uri()}"]
        for n in lo_sizes:
            docx = out["docgen"] / f"{prepared[n][0].stem}.docx"
            commands[f"libreoffice ×{n}"] = (
                [*convert, "--convert-to", "pdf", "--outdir", str(out["lo"]), str(docx)],
                env,
            )
    return commands


def in_one_process(
    folder: Path, runs: int, families: dict[str, str], fonts: dict[str, Any], font_folders: list[str]
) -> dict[str, dict[str, float]]:
    """docgen's and Typst's render of the seed in one process: the same document again and again, and a different
    one (``varied``) each time."""
    seed = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    specs, typs = [SEED], [write_typst(SEED, families, fonts, folder / "service-0.typ")]
    for number in range(1, runs + 1):
        path = folder / f"service-{number}.yaml"
        path.write_text(yaml.safe_dump(varied(seed, number), allow_unicode=True, sort_keys=False), encoding="utf-8")
        specs.append(path)
        typs.append(write_typst(path, families, fonts))
    return {"docgen": in_process("docgen", runs, specs), "typst": in_process("typst", runs, typs, font_folders)}


def fidelity(prepared: dict[int, Any], out: dict[str, Path], lo_sizes: list[int]) -> dict[str, Any]:
    """Pages and PDF sizes of every output; the drawn layout of the smallest size, line by line, against docgen's."""
    pdfs = {
        n: {
            "docgen": out["docgen"] / f"{spec.stem}.pdf",
            "typst": out["typst"] / f"{spec.stem}.pdf",
            **({"libreoffice": out["lo"] / f"{spec.stem}.pdf"} if n in lo_sizes else {}),
        }
        for n, (spec, _, _) in prepared.items()
    }
    pages = {n: {who: page_count(pdf) for who, pdf in row.items() if pdf.exists()} for n, row in pdfs.items()}
    kb = {n: {who: pdf.stat().st_size / 1024 for who, pdf in row.items() if pdf.exists()} for n, row in pdfs.items()}
    first = min(prepared)
    reference = text_lines(pdfs[first]["docgen"])
    layout = {
        who: layout_profile(pdf, None if who == "docgen" else reference)
        for who, pdf in pdfs[first].items()
        if pdf.exists()
    }
    return {"pages": pages, "pdf_kb": kb, "layout": {"size": first, **layout}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="whole-process runs of each command (medians)")
    parser.add_argument("--sizes", default="1,10,50", help="seed multiples, comma-separated (default 1,10,50)")
    parser.add_argument("--lo-sizes", help="the sizes LibreOffice converts (default: all of --sizes)")
    parser.add_argument("--service-runs", type=int, default=10, help="timed renders in one process (medians)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of Markdown")
    parser.add_argument("--keep", type=Path, help="write the specs, .typ files and PDFs here and keep them")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    lo_sizes = [int(x) for x in args.lo_sizes.split(",")] if args.lo_sizes else sizes
    if not set(lo_sizes) <= set(sizes):
        parser.error("--lo-sizes must be among --sizes")
    if not shutil.which("soffice"):
        print("LibreOffice (soffice) not found: its columns stay empty", file=sys.stderr)
        lo_sizes = []

    # pip writes .pyc files when it installs docgen; measure what an installed docgen does (see bench_build.py).
    package = importlib.util.find_spec("docgen")
    if package is None or not package.submodule_search_locations:
        raise SystemExit("docgen is not importable here")
    compileall.compile_dir(package.submodule_search_locations[0], quiet=1)
    fonts = docgen_fonts()
    families, font_folders = typst_families(fonts)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        out = {name: folder / name for name in ("docgen", "typst", "lo")}
        for path in out.values():
            path.mkdir(parents=True, exist_ok=True)
        prepared = prepare(sizes, folder, families, fonts)
        commands = whole_process_commands(prepared, out, font_folders, lo_sizes, folder)
        print("warming up (font caches, page cache, LibreOffice's profile) …", file=sys.stderr)
        for _, (command, env) in sorted(commands.items(), key=lambda item: item[0].startswith("libreoffice")):
            measure(command, env)  # docgen's builds first: they write the DOCX files LibreOffice converts
        medians = round_robin(commands, args.runs)
        print("in one process …", file=sys.stderr)
        service = in_one_process(folder, args.service_runs, families, fonts, font_folders)
        print("fidelity …", file=sys.stderr)
        checked = fidelity(prepared, out, lo_sizes)

    results = {
        "machine": machine(),
        "command": "python bench/bench_peers.py " + " ".join(sys.argv[1:]),
        "runs": args.runs,
        "sizes": sizes,
        "whole_process": {
            label: {"seconds": s, "peak_mb": p, "cpu_seconds": c} for label, (s, p, c) in medians.items()
        },
        "typ_writing_seconds": {n: seconds for n, (_, _, seconds) in prepared.items()},
        "in_process": {"runs": args.service_runs, **service},
        **checked,
        "fonts": {
            key: {"file": f"{path}#{index}", "typst_family": families[key]} for key, (path, index, _) in fonts.items()
        },
    }
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        print_markdown(results)


def print_markdown(r: dict[str, Any]) -> None:
    wp = r["whole_process"]

    def cell(label: str) -> str:
        return f"{wp[label]['seconds']:.2f} ({wp[label]['peak_mb']:.0f})" if label in wp else "—"

    def sec(label: str) -> float | None:
        return wp[label]["seconds"] if label in wp else None

    m = r["machine"]
    print(f"Machine: {m['cpu']}, {m['cores']} cores; Python {m['python']}; {m['typst']}; {m['libreoffice']}.")
    print(f"Rerun: `{r['command']}`\n")
    print(
        f"Whole process, median of {r['runs']} runs taken in turn: seconds (peak RSS in MB). Ratios are docgen / "
        "peer: below 1 docgen is faster.\n"
    )
    print(
        "| spec | pages docgen / Typst / LO | docgen → PDF | Typst → PDF | docgen / Typst | docgen → DOCX + PDF "
        "| LibreOffice DOCX → PDF | docgen / LO |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for n in r["sizes"]:
        pages = " / ".join(str(r["pages"][n].get(who, "—")) for who in ("docgen", "typst", "libreoffice"))
        d, t, both, lo = f"docgen pdf ×{n}", f"typst ×{n}", f"docgen docx+pdf ×{n}", f"libreoffice ×{n}"
        print(
            f"| seed ×{n} | {pages} | {cell(d)} | {cell(t)} | {ratio(sec(d), sec(t))} | {cell(both)} | {cell(lo)} "
            f"| {ratio(sec(both), sec(lo))} |"
        )
    cpu = {
        n: ", ".join(
            f"{who} {wp[label]['cpu_seconds']:.2f}"
            for who, label in (
                ("docgen → PDF", f"docgen pdf ×{n}"),
                ("Typst", f"typst ×{n}"),
                ("docgen → DOCX + PDF", f"docgen docx+pdf ×{n}"),
                ("LibreOffice", f"libreoffice ×{n}"),
            )
            if label in wp
        )
        for n in r["sizes"]
    }
    print(
        "\nCPU seconds of the same runs (user + system, children included): "
        + "; ".join(f"×{n}: {c}" for n, c in cpu.items())
        + "."
    )
    startup = sec("python + import typst") or 0.0
    libraries = cell("python + docgen's libraries")
    typesetting = ", ".join(f"{(sec(f'typst ×{n}') or 0) - startup:.2f} s (×{n})" for n in r["sizes"])
    writing = ", ".join(f"{seconds * 1000:.0f} ms (×{n})" for n, seconds in r["typ_writing_seconds"].items())
    print(
        f'\nTypst\'s times include starting Python and importing typst: `python -c "import typst"` takes '
        f"{cell('python + import typst')}, Python alone {cell('python start-up')}; docgen's times include the same "
        f"Python start-up. Typst's typesetting alone is about {typesetting}. Writing the .typ from the spec (in "
        f"Python, not in Typst's times): {writing}. Importing the libraries docgen builds a PDF with (PyYAML, "
        f"Jinja2, reportlab), before any of docgen's own code: {libraries}."
    )
    sizes = "; ".join(
        f"×{n} " + " / ".join(fmt(r["pdf_kb"][n].get(who), 0) for who in ("docgen", "typst", "libreoffice"))
        for n in r["sizes"]
    )
    print(f"PDF sizes, KB, docgen / Typst / LibreOffice: {sizes}.")
    s = r["in_process"]
    print(f"\nIn one process, after a warm-up, the seed (median of {s['runs']}), seconds:\n")
    print("| | the same document again | a different document each time |")
    print("|---|---:|---:|")
    for who, what in (
        ("docgen", "docgen `render(spec)` + `to_pdf()` + `to_docx()`"),
        ("typst", "Typst `compile` → PDF"),
    ):
        print(f"| {what} | {s[who]['same']:.3f} | {s[who]['different']:.3f} |")
    print(
        f"| docgen / Typst | {ratio(s['docgen']['same'], s['typst']['same'])} "
        f"| {ratio(s['docgen']['different'], s['typst']['different'])} |"
    )
    lay = r["layout"]
    print(f"\nLayout of the seed ×{lay['size']} as drawn (pdfplumber; text inside the 版心, by grid row):\n")
    print(
        "| | pages | lines | characters | lines a page (but the last): pages | characters a line (27+): lines "
        "| lines as docgen's | … on the same page and row |"
    )
    print("|---|---:|---:|---:|---|---|---:|---:|")
    for who in ("docgen", "typst", "libreoffice"):
        if who in lay:
            x = lay[who]
            per_page = ", ".join(f"{k}: {v}" for k, v in x["lines per page (all but the last)"].items())
            per_line = ", ".join(f"{k}: {v}" for k, v in x["characters per full line"].items())
            same = [str(x.get(key, "—")) for key in ("same text as docgen's line", "same text, page and row")]
            print(
                f"| {who} | {x['pages']} | {x['lines']} | {x['characters']} | {per_page} | {per_line} "
                f"| {same[0]} | {same[1]} |"
            )
    print(
        "\nFonts (docgen's files, as Typst names them): "
        + "; ".join(f"{key} {v['typst_family']} ({v['file']})" for key, v in r["fonts"].items())
        + "."
    )


if __name__ == "__main__":
    main()
