"""The attack table: every failure of the security issue, re-run against the installed docgen, one row each.

    python bench/attacks.py                  # a Markdown table: | # | attack | expected | result now | ok? |
    python bench/attacks.py --only 12        # one row (also: --only 3,7-9)
    python bench/attacks.py --timeout 60     # wall-clock limit of each attack's process (default 20 s)
    python bench/attacks.py --json           # machine-readable results

Each attack runs in a fresh temporary folder, in a subprocess (the ``docgen`` command, or ``python -c`` for the API
cases) started in a session of its own, with an address-space cap (RLIMIT_AS, default 1.5 GB) and a wall-clock
timeout after which the whole process group is killed. Peak memory is the child's ``ru_maxrss`` from ``wait4``
(its own and its waited-for children's). A row is "ok" only when the outcome the issue demands is checked and seen:
exit 0 or 2 with a clear message, never exit 70 or a traceback, no file written outside the output folder, no
character lost, bounded time and memory. Many rows fail while the fixes are under way; the table is meant to be
re-run until every row says ok.

Not a test suite: nothing here is collected by pytest. The font cache is the user's normal one (fonts are not
converted again for each row), except in the two `'a' * 10**n` template rows, which must see a cache of their own
(they build only a DOCX, so no font is converted into it). The thread row converts a few random characters on
demand, so each run adds a few small supplement fonts to the user's cache.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "specs" / "jinan-2023-party-building.yaml"
TINY = "title: 标题\nbody:\n  - 正文。\n"
SECRET = "SECRET7F3A"  # the content of the file the sandbox attacks try to read; must never reach an output
MEMORY_CAP = 1536 << 20  # RLIMIT_AS of every attack's process
BOUNDED_MB = 500  # "bounded memory": a fixed docgen refuses these inputs long before this
TRACEBACK = "Traceback (most recent call last)"
INTERNAL = "docgen 内部错误"

# The issue's headings, in its order; every row belongs to one.
G_SANDBOX = "Sandbox escape (critical)"
G_FIX = "`check --fix` deletes characters (critical, data loss)"
G_LOST = "Text silently lost"
G_UNTRUSTED = "Untrusted mode"
G_RESOURCES = "Unbounded resources"
G_TRACEBACK = "About 30 inputs end in a traceback (exit 70)"
G_SIGNALS = "Signals and concurrency"
G_GRID = "Layouts that cannot hold the grid are accepted"
G_FRIENDLY = "Friendlier errors"


# ----------------------------------------------------------------------------------------------------------------
# Running one process


@dataclass
class Run:
    """How one process ended."""

    argv: list[str]
    code: int | None  # exit status; negative: killed by that signal
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float
    timed_out: bool
    folder: Path

    @property
    def traceback(self) -> bool:
        return self.code == 70 or TRACEBACK in self.stderr or INTERNAL in self.stderr

    def clean(self, *codes: int) -> bool:
        """Ended in time with one of ``codes`` and without a traceback."""
        return not self.timed_out and self.code in codes and not self.traceback

    def message(self) -> str:
        """The line that says what happened: the exception of a traceback, else the first line that is not a font
        notice or a progress line."""
        lines = [line.strip() for line in self.stderr.splitlines() if line.strip()]
        if self.traceback:
            errors = [line for line in lines if re.match(r"^[\w.]*(Error|Exception|Exit|Interrupt|error)\b", line)]
            return "traceback: " + (errors[-1] if errors else (lines[-1] if lines else ""))
        noise = ("未找到正式字体", "PDF 中改用", "PDF 中会显示为空框", "已完成", "首次使用字体")
        useful = [line for line in lines if not any(n in line for n in noise)]
        if useful:
            return useful[0]
        out = self.stdout.strip().splitlines()
        return out[0] if out else ""

    def describe(self, note: str = "") -> str:
        if self.timed_out:
            head = f"killed at the {self.seconds:.0f} s timeout"
        elif self.code is not None and self.code < 0:
            head = f"killed by signal {-self.code}"
        else:
            head = f"exit {self.code}"
        text = self.message().replace(str(self.folder) + "/", "").replace(str(self.folder), ".")
        parts = [head + (f": {shorten(text)}" if text else "")]
        if note:
            parts.append(note)
        parts.append(f"{self.seconds:.1f} s, {self.peak_mb:.0f} MB")
        return "; ".join(parts)


def shorten(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass
class Outcome:
    ok: bool
    result: str
    seconds: float | None = None
    peak_mb: float | None = None


def outcome(ok: bool, run: Run, note: str = "") -> Outcome:
    return Outcome(ok, run.describe(note), run.seconds, run.peak_mb)


def docgen_command() -> list[str]:
    found = shutil.which("docgen")
    return [found] if found else [sys.executable, "-m", "docgen"]


# Prepended to every `python -c` attack: `report(...)` prints the row's facts as one JSON line.
API_PRELUDE = """\
import json, sys
def report(**fields):
    print("ATTACK-RESULT " + json.dumps(fields, ensure_ascii=False, default=str), flush=True)
"""


class Ctx:
    """One attack's temporary folder and its way of starting processes."""

    def __init__(self, folder: Path, timeout: float, memory: int) -> None:
        self.dir = folder
        self.timeout = timeout
        self.memory = memory

    # files

    def write(self, name: str, content: str | bytes) -> Path:
        path = self.dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def spec(self, name: str = "x.yaml", extra: str = "", base: str = TINY) -> Path:
        return self.write(name, base + extra)

    def secret(self) -> Path:
        """A private file outside every folder an attack may read: the stand-in for /etc/passwd."""
        return self.write("private/token.txt", SECRET)

    def templates(self, blocks: str, folder: str = "tpl") -> Path:
        """A clerk templates folder whose meeting-summary/document.xml extends the built-in one."""
        self.write(
            f"{folder}/meeting-summary/document.xml", '{% extends "builtin/meeting-summary/document.xml" %}\n' + blocks
        )
        return self.dir / folder

    # processes

    def start(
        self,
        argv: list[str],
        *,
        env: dict[str, str] | None = None,
        umask: int | None = None,
        stdout: int | None = None,
        cwd: Path | None = None,
    ) -> tuple[subprocess.Popen[bytes], float, Any, Any]:
        out = tempfile.TemporaryFile(dir=self.dir)
        err = tempfile.TemporaryFile(dir=self.dir)
        memory = self.memory

        def limits() -> None:  # runs in the child between fork and exec
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash leaves no core file in the temp folder
            if umask is not None:
                os.umask(umask)

        full_env = {**os.environ, **(env or {})}
        proc = subprocess.Popen(
            argv,
            cwd=cwd or self.dir,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=out if stdout is None else stdout,
            stderr=err,
            preexec_fn=limits,
            start_new_session=True,  # its own process group, so a timeout kills forked children and pool workers
        )
        return proc, time.monotonic(), out, err

    def finish(
        self,
        proc: subprocess.Popen[bytes],
        started: float,
        out: Any,
        err: Any,
        timeout: float | None = None,
        *,
        kill_leftovers: bool = True,
    ) -> Run:
        deadline = started + (timeout or self.timeout)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                timed_out = True
                kill_group(proc.pid)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if kill_leftovers:  # whatever it left running in its group (a forked child, pool workers)
            kill_group(proc.pid)
        texts = []
        for handle in (out, err):
            handle.seek(0)
            texts.append(handle.read().decode("utf-8", errors="replace"))
            handle.close()
        code = None if timed_out else proc.returncode
        return Run(proc.args, code, texts[0], texts[1], seconds, usage.ru_maxrss / 1024, timed_out, self.dir)

    def run(self, argv: list[str], *, timeout: float | None = None, **kwargs: Any) -> Run:
        proc, started, out, err = self.start(argv, **kwargs)
        return self.finish(proc, started, out, err, timeout)

    def docgen(self, *args: str | Path, **kwargs: Any) -> Run:
        return self.run([*docgen_command(), *map(str, args)], **kwargs)

    def api(self, code: str, *args: str | Path, **kwargs: Any) -> tuple[Run, dict[str, Any] | None]:
        """Run Python code (with ``report``) in a child; the facts it reported, or None if it never got there."""
        run = self.run([sys.executable, "-c", API_PRELUDE + textwrap.dedent(code), *map(str, args)], **kwargs)
        facts = None
        for line in run.stdout.splitlines():
            if line.startswith("ATTACK-RESULT "):
                facts = json.loads(line.removeprefix("ATTACK-RESULT "))
        return run, facts


def kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def running(proc: subprocess.Popen[bytes]) -> bool:
    """Not exited yet; unlike ``proc.poll()`` this does not reap it, so ``Ctx.finish`` still gets its rusage."""
    return os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None


Facts = dict[str, Any]


def api_result(
    run: Run, facts: Facts | None, check: Callable[[Facts], bool], summary: Callable[[Facts], str]
) -> Outcome:
    """An API row's outcome: ``check`` and ``summary`` of the facts it reported, or, when the code never got as far
    as reporting, a failure saying how the process ended."""
    if facts is None:
        return outcome(False, run, "no result reported")
    ok, text = check(facts), summary(facts).replace(str(run.folder) + "/", "")
    return Outcome(ok, f"{shorten(text, 110)}; {run.seconds:.1f} s, {run.peak_mb:.0f} MB", run.seconds, run.peak_mb)


# ----------------------------------------------------------------------------------------------------------------
# Reading outputs


def pdf_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "".join(page.extract_text() or "" for page in pdf.pages)


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return re.sub(r"<[^>]+>", "", package.read("word/document.xml").decode("utf-8"))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def leaked_into(folder: Path, marker: str) -> list[str]:
    """The outputs in ``folder`` whose text contains ``marker``."""
    found = []
    for path in sorted(folder.glob("*.pdf")):
        if marker in squash(pdf_text(path)):
            found.append(path.name)
    for path in sorted(folder.glob("*.docx")):
        if marker in squash(docx_text(path)):
            found.append(path.name)
    return found


def hanzi(text: str) -> str:
    return "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")


# ----------------------------------------------------------------------------------------------------------------
# The registry


@dataclass
class Attack:
    group: str
    title: str
    expected: str
    func: Callable[[Ctx], Outcome]
    timeout: float | None = None  # a cap below --timeout for rows that would otherwise just wait (a FIFO)


AttackFunc = Callable[[Ctx], Outcome]
REGISTRY: list[Attack] = []


def attack(
    group: str, title: str, expected: str, *, timeout: float | None = None
) -> Callable[[AttackFunc], AttackFunc]:
    """Register a row; rows are numbered in the order they are defined here, grouped by the issue's headings."""

    def register(func: AttackFunc) -> AttackFunc:
        REGISTRY.append(Attack(group, title, expected, func, timeout))
        return func

    return register


def user_error(run: Run, *codes: int) -> Outcome:
    """The common check of the traceback rows: ends in time, with one of ``codes`` (default 2), a message, no
    traceback."""
    wanted = codes or (2,)
    ok = run.clean(*wanted) and (run.code == 0 or bool(run.message()))
    return outcome(ok, run)


# ================================================================================================================
# Sandbox escape (critical)
# Templates see spec.base_dir / spec.path as pathlib.Path objects; the sandbox lets them call read_text/write_text.


@attack(
    G_SANDBOX,
    "template `{{ spec.base_dir.joinpath(FILE).read_text() }}` in `{% block title %}` (FILE outside, as /etc/passwd)",
    "exit 2 (模板错误); the file's text in neither DOCX nor PDF",
)
def sandbox_read_base_dir(ctx: Ctx) -> Outcome:
    secret = ctx.secret()
    ctx.templates(
        "{% block title %}<title>{{ spec.base_dir.joinpath('" + str(secret) + "').read_text()[:200] }}"
        "</title>{% endblock %}\n"
    )
    spec = ctx.spec("doc/spec.yaml")
    run = ctx.docgen("build", "--templates", "tpl", spec, "-o", "out")
    leaks = leaked_into(ctx.dir / "out", SECRET)
    return outcome(run.clean(2) and not leaks, run, f"leaked into {', '.join(leaks)}" if leaks else "no leak")


@attack(
    G_SANDBOX,
    "template `spec.base_dir.joinpath(…).write_text()` writes a file (a `.pth` in the issue; here in the temp dir)",
    "exit 2; no file created outside the out folder",
)
def sandbox_write(ctx: Ctx) -> Outcome:
    target = ctx.dir / "elsewhere" / "evil.pth"
    target.parent.mkdir()
    ctx.templates(
        "{% block title %}<title>x{{ spec.base_dir.joinpath('" + str(target) + "').write_text('import os') }}"
        "</title>{% endblock %}\n"
    )
    spec = ctx.spec("doc/spec.yaml")
    run = ctx.docgen("build", "--templates", "tpl", spec, "-o", "out", "-f", "pdf")
    written = target.exists()
    return outcome(run.clean(2) and not written, run, "file WRITTEN outside" if written else "nothing written outside")


@attack(
    G_SANDBOX,
    "template `spec.path.parent.parent.joinpath(FILE).read_text()` (the other Path object)",
    "exit 2; the file's text in no output",
)
def sandbox_read_path(ctx: Ctx) -> Outcome:
    ctx.secret()
    ctx.templates(
        "{% block title %}<title>{{ spec.path.parent.parent.joinpath('private/token.txt').read_text() }}"
        "</title>{% endblock %}\n"
    )
    spec = ctx.spec("doc/spec.yaml")
    run = ctx.docgen("build", "--templates", "tpl", spec, "-o", "out")
    leaks = leaked_into(ctx.dir / "out", SECRET)
    return outcome(run.clean(2) and not leaks, run, f"leaked into {', '.join(leaks)}" if leaks else "no leak")


def refused_without_leak(facts: Facts) -> bool:
    return facts["status"] == "refused" and not facts["leaked"]


def leak_summary(facts: Facts) -> str:
    return f"{facts['status']}, leaked={facts['leaked']}"


UNTRUSTED_RENDER = """
import docgen
spec, root = sys.argv[1], sys.argv[2]
try:
    doc = docgen.render(spec, trusted=False, roots=[root])
    report(status="accepted", leaked=sys.argv[3] in repr(doc.model))
except docgen.DocgenError as error:
    report(status="refused", leaked=False, message=str(error).splitlines()[0])
"""


@attack(
    G_SANDBOX,
    "same read under `render(trusted=False, roots=[R])`, spec and templates inside R",
    "DocgenError (refused); nothing of the file in the document",
)
def sandbox_untrusted(ctx: Ctx) -> Outcome:
    secret = ctx.secret()
    ctx.templates(
        "{% block title %}<title>{{ spec.base_dir.joinpath('" + str(secret) + "').read_text() }}</title>"
        "{% endblock %}\n",
        folder="root/tpl",
    )
    spec = ctx.spec("root/spec.yaml", "templates: tpl\n")
    run, facts = ctx.api(UNTRUSTED_RENDER, spec, ctx.dir / "root", SECRET)
    return api_result(run, facts, refused_without_leak, leak_summary)


@attack(
    G_SANDBOX,
    "symlink in the template folder (`leak.xml` → a file outside) read by `{% include %}`, trusted=False, roots=[R]",
    "refused; the linked file's text in no output",
)
def sandbox_symlink_include(ctx: Ctx) -> Outcome:
    secret = ctx.secret()
    folder = ctx.templates(
        '{% block title %}<title>{% include "meeting-summary/leak.xml" %}</title>{% endblock %}\n', folder="root/tpl"
    )
    (folder / "meeting-summary" / "leak.xml").symlink_to(secret)
    spec = ctx.spec("root/spec.yaml", "templates: tpl\n")
    run, facts = ctx.api(UNTRUSTED_RENDER, spec, ctx.dir / "root", SECRET)
    return api_result(run, facts, refused_without_leak, leak_summary)


# ================================================================================================================
# check --fix deletes characters (critical, data loss)

FIX_LINE = "会议指出,要加强领导,落实责任。"
FIXED_LINE = "会议指出，要加强领导，落实责任。"


@attack(
    G_FIX,
    f"`check --fix` on a CRLF file: `{FIX_LINE}` after 5 lines",
    f"`{FIXED_LINE}` (领 and 任 kept), CRLF endings kept",
)
def fix_crlf(ctx: Ctx) -> Outcome:
    lines = ["# 会议纪要", "# 草稿，待审", "title: 标题", "body:", "  - 第一段。", f"  - {FIX_LINE}"]
    path = ctx.write("x.yaml", "".join(line + "\r\n" for line in lines).encode("utf-8"))
    run = ctx.docgen("check", "--fix", path)
    raw = path.read_bytes()
    want = "".join(line + "\r\n" for line in lines).replace(FIX_LINE, FIXED_LINE).encode("utf-8")
    text = raw.decode("utf-8", errors="replace")
    last = text.replace("\r", "").splitlines()[-1].removeprefix("  - ")
    endings = "CRLF kept" if raw.count(b"\r\n") == len(lines) and raw.count(b"\n") == len(lines) else "CRLF LOST"
    lost = [ch for ch in "领任" if ch not in last]
    note = f"now `{last}`, {endings}" + (f", lost {''.join(lost)}" if lost else "")
    return outcome(raw == want and not run.traceback, run, note)


@attack(
    G_FIX,
    "file edited between check and fix (API: findings, then the title gains 2 characters, then `apply_fixes`), "
    "2,000 paragraphs",
    "fixes land on the new text, or refused (file unchanged); no 指 lost",
)
def fix_concurrent_edit(ctx: Ctx) -> Outcome:
    code = """
    import inspect
    from pathlib import Path
    import docgen
    from docgen.check import apply_fixes, check_spec
    path, n = Path(sys.argv[1]), int(sys.argv[2])
    path.write_text("title: 标题\\nbody:\\n" + "  - 会议指出,要加强领导。\\n" * n, encoding="utf-8")
    spec = docgen.load_spec(path)
    findings = check_spec(spec)
    edited = "title: 标题草稿\\nbody:\\n" + "  - 会议指出,要加强领导。\\n" * n  # the clerk saves meanwhile
    path.write_text(edited, encoding="utf-8")
    try:
        # apply_fixes(path, findings) before the fixes began, apply_fixes(spec, findings) since
        first = next(iter(inspect.signature(apply_fixes).parameters))
        apply_fixes(spec if first == "spec" else path, findings)
        status = "applied"
    except docgen.DocgenError as error:
        status = "refused: " + error.message
    after = path.read_text(encoding="utf-8")
    report(status=status, lost=edited.count("指") - after.count("指"),
           correct=after in (edited, edited.replace(",", "，")))
    """
    run, facts = ctx.api(code, ctx.dir / "x.yaml", 2000)
    return api_result(
        run,
        facts,
        lambda f: f["correct"],
        lambda f: f"{shorten(f['status'], 50)}; 指 lost: {f['lost']}; text as expected: {f['correct']}",
    )


def fixable(ctx: Ctx, name: str = "real/spec.yaml", bom: bool = False) -> Path:
    text = "title: 标题\nbody:\n  - 会议指出,要加强领导。\n"
    return ctx.write(name, (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


@attack(
    G_FIX,
    "`check --fix link.yaml`, link.yaml a symlink to real/spec.yaml",
    "the link stays a link; real/spec.yaml fixed",
)
def fix_symlink(ctx: Ctx) -> Outcome:
    real = fixable(ctx)
    link = ctx.dir / "link.yaml"
    link.symlink_to("real/spec.yaml")
    run = ctx.docgen("check", "--fix", link)
    still_link, fixed = link.is_symlink(), "，" in real.read_text(encoding="utf-8")
    note = f"link {'kept' if still_link else 'REPLACED by a file'}, real file {'fixed' if fixed else 'unchanged'}"
    return outcome(still_link and fixed and not run.traceback, run, note)


@attack(G_FIX, "`check --fix` on a file of mode 0600", "mode stays 0600")
def fix_mode(ctx: Ctx) -> Outcome:
    path = fixable(ctx, "x.yaml")
    path.chmod(0o600)
    run = ctx.docgen("check", "--fix", path)
    mode = path.stat().st_mode & 0o777
    fixed = "，" in path.read_text(encoding="utf-8")
    return outcome(mode == 0o600 and fixed and not run.traceback, run, f"mode now {mode:04o}, fixed={fixed}")


@attack(G_FIX, "`check --fix` on a UTF-8 file with a BOM", "BOM kept, comma fixed")
def fix_bom(ctx: Ctx) -> Outcome:
    path = fixable(ctx, "x.yaml", bom=True)
    run = ctx.docgen("check", "--fix", path)
    raw = path.read_bytes()
    bom, fixed = raw.startswith(b"\xef\xbb\xbf"), "，" in raw.decode("utf-8-sig")
    return outcome(bom and fixed and not run.traceback, run, f"BOM {'kept' if bom else 'DROPPED'}, fixed={fixed}")


@attack(G_FIX, "`docgen build` under umask 077", "outputs are 0600 (the umask is honoured)")
def build_umask(ctx: Ctx) -> Outcome:
    spec = ctx.spec()
    run = ctx.docgen("build", spec, "-o", "out", umask=0o077)
    modes = {p.name: p.stat().st_mode & 0o777 for p in sorted((ctx.dir / "out").glob("x.*"))}
    ok = run.clean(0) and len(modes) == 2 and all(mode & 0o077 == 0 for mode in modes.values())
    return outcome(ok, run, "modes " + ", ".join(f"{name} {mode:04o}" for name, mode in modes.items()))


# ================================================================================================================
# Text silently lost


@attack(
    G_LOST,
    "抄送 (distribution.cc) of 80 units, 954 characters → PDF",
    "exit 0 with every glyph inside the page (pdfplumber), every unit present — or exit 2 saying it does not fit",
)
def cc_80_units(ctx: Ctx) -> Outcome:
    places = [
        "历下区",
        "市中区",
        "槐荫区",
        "天桥区",
        "历城区",
        "长清区",
        "章丘区",
        "济阳区",
        "莱芜区",
        "钢城区",
        "平阴县",
        "商河县",
        "高新区",
        "南部山区",
        "起步区",
        "市直机关",
    ]
    offices = ["党委办公室", "人民政府办公室", "人大常委会办公室", "政协办公室", "纪委监委"]
    units = [f"济南市{place}{office}" for place in places for office in offices][:80]
    lines = ["title: 关于召开会议的通知", "body:", "  - 会议指出，要加强领导。", "distribution:", "  cc:"]
    lines += [f"    - {unit}" for unit in units]
    lines += ["  printed_by: 中共济南市委组织部办公室", "  printed_on: 2023-03-15"]
    spec = ctx.write("cc.yaml", "\n".join(lines) + "\n")
    run = ctx.docgen("build", spec, "-f", "pdf")
    if run.clean(2):
        return outcome(True, run, "refused")
    if not (ctx.dir / "cc.pdf").exists():
        return outcome(False, run, "no PDF")
    import pdfplumber

    lost, inside = 0, []
    with pdfplumber.open(ctx.dir / "cc.pdf") as pdf:
        for page in pdf.pages:
            for char in page.chars:
                if char["top"] < 0 or char["bottom"] > page.height or char["x0"] < 0 or char["x1"] > page.width:
                    lost += 1
                else:
                    inside.append(char["text"])
    drawn = hanzi("".join(inside))  # hanzi only: a unit split by a page break has "— 2 —" between its halves
    missing = [unit for unit in units if unit not in drawn]
    ok = run.clean(0) and lost == 0 and not missing
    return outcome(ok, run, f"{lost} glyphs outside the page, {len(missing)} of 80 units not fully on a page")


@attack(
    G_LOST,
    "`build a/doc.yaml a/other.yaml -o out`, other.yaml a symlink to b/doc.yaml (a different document)",
    "refused before building (exit 2), or both documents written; never one overwritten",
)
def same_name_through_symlink(ctx: Ctx) -> Outcome:
    ctx.write("a/doc.yaml", "title: 甲文件\nbody:\n  - 甲。\n")
    ctx.write("b/doc.yaml", "title: 乙文件\nbody:\n  - 乙。\n")
    (ctx.dir / "a" / "other.yaml").symlink_to("../b/doc.yaml")
    run = ctx.docgen("build", "a/doc.yaml", "a/other.yaml", "-o", "out", "-f", "pdf")
    texts = [squash(pdf_text(p)) for p in sorted((ctx.dir / "out").glob("*.pdf"))]
    found = [title for title in ("甲文件", "乙文件") if any(title in text for text in texts)]
    both = len(found) == 2
    ok = (run.clean(2) and not run.traceback) or (run.clean(0) and both)
    return outcome(ok, run, f"{len(texts)} PDF(s) in out/, documents found: {'、'.join(found) or 'none'}")


def check_finding_on(ctx: Ctx, text: str, lines: Iterable[int]) -> Outcome:
    spec = ctx.write("x.yaml", text)
    run = ctx.docgen("check", spec)
    wanted = tuple(f"x.yaml:{line}:" for line in lines)
    hits = [line for line in (run.stdout + run.stderr).splitlines() if wanted and any(w in line for w in wanted)]
    note = f"finding: {shorten(hits[0].replace(str(ctx.dir) + '/', ''), 60)}" if hits else "no finding on that line"
    return outcome(bool(hits) and run.clean(0, 1), run, note)


@attack(
    G_LOST,
    "`- 参加人员 #各单位负责人` (YAML drops the comment; 参加人员 printed alone)",
    "`docgen check` warns at that line (a `#` comment after text)",
)
def yaml_comment_in_prose(ctx: Ctx) -> Outcome:
    return check_finding_on(ctx, "title: 标题\nbody:\n  - 会议指出，要加强领导。\n  - 参加人员 #各单位负责人\n", [4])


@attack(
    G_LOST,
    "mis-indented `   - 第二段` (folded into the paragraph before: `… - 第二段`)",
    "`docgen check` warns: a paragraph line starting with `- `",
)
def misindented_item(ctx: Ctx) -> Outcome:
    return check_finding_on(ctx, "title: 标题\nbody:\n  - 会议指出，要加强领导。\n   - 第二段。\n", [3, 4])


# ================================================================================================================
# Untrusted mode (API: docgen.render(spec, trusted=False, roots=[...]))


def status_summary(facts: Facts) -> str:
    return f"{facts['status']}: {facts.get('message', '')}"


UNTRUSTED_OUTCOME = """
import docgen
spec, roots = sys.argv[1], sys.argv[2]
roots = json.loads(roots) if roots.startswith("[") else roots
try:
    docgen.render(spec, trusted=False, roots=roots)
    report(status="accepted")
except docgen.DocgenError as error:
    report(status="refused", message=str(error).splitlines()[0])
except (TypeError, ValueError) as error:
    report(status="rejected argument", message=f"{type(error).__name__}: {error}")
"""


@attack(
    G_UNTRUSTED,
    '`roots="/R"` (a string), the spec naming a style outside R',
    "refused (a string is one root, or a clear error); never confinement off",
)
def roots_as_string(ctx: Ctx) -> Outcome:
    ctx.write("outside/evil.yaml", "extends: gbt9704\n")
    spec = ctx.spec("root/spec.yaml", f"style: {ctx.dir / 'outside' / 'evil.yaml'}\n")
    run, facts = ctx.api(UNTRUSTED_OUTCOME, spec, ctx.dir / "root")
    return api_result(run, facts, lambda f: f["status"] != "accepted", status_summary)


@attack(G_UNTRUSTED, "profile inside the roots says `extends: /outside/evil.yaml`", "refused (UntrustedInputError)")
def profile_extends_outside(ctx: Ctx) -> Outcome:
    ctx.write("outside/evil.yaml", "extends: gbt9704\npage: {margin_top: 40mm}\n")
    ctx.write("root/mine.yaml", f"extends: {ctx.dir / 'outside' / 'evil.yaml'}\n")
    spec = ctx.spec("root/spec.yaml", "style: mine.yaml\n")
    run, facts = ctx.api(UNTRUSTED_OUTCOME, spec, json.dumps([str(ctx.dir / "root")]))
    return api_result(run, facts, lambda f: f["status"] == "refused", status_summary)


SIZE_CASES = """
import docgen
big = "长" * int(sys.argv[1])
cases = {
    "title": {"title": big, "body": ["正文。"]},
    "section heading": {"title": "t", "body": ["a"], "attachments": [{"title": "x", "speeches": [
        {"unit": "u", "lead": ["a"], "sections": [{"heading": big, "paragraphs": ["a"]}]}]}]},
    "unit": {"title": "t", "body": ["a"], "attachments": [{"title": "x", "speeches": [{"unit": big, "lead": ["a"]}]}]},
    "speech title": {"title": "t", "body": ["a"], "attachments": [{"title": "x", "speeches": [
        {"unit": "u", "title": big, "lead": ["a"]}]}]},
    "抄送": {"title": "t", "body": ["a"], "distribution": {"cc": [big]}},
}
accepted = []
for name in sys.argv[2].split(","):
    try:
        docgen.render(cases[name], trusted=False, roots=["/nonexistent"])
        accepted.append(name)
    except docgen.DocgenError:
        pass
report(accepted=accepted)
"""


@attack(
    G_UNTRUSTED,
    "trusted=False, a 30,000-character title (limit 20,000 a paragraph; the issue's was 900,000)",
    "refused before layout",
)
def untrusted_long_title(ctx: Ctx) -> Outcome:
    run, facts = ctx.api(SIZE_CASES, 30000, "title")
    return api_result(run, facts, lambda f: not f["accepted"], lambda f: "accepted" if f["accepted"] else "refused")


@attack(
    G_UNTRUSTED,
    "trusted=False, 30,000 characters in a section heading, a unit, a speech title, one 抄送 unit",
    "each refused",
)
def untrusted_long_fields(ctx: Ctx) -> Outcome:
    run, facts = ctx.api(SIZE_CASES, 30000, "section heading,unit,speech title,抄送")
    return api_result(
        run, facts, lambda f: not f["accepted"], lambda f: f"accepted: {'、'.join(f['accepted']) or 'none'}"
    )


# ================================================================================================================
# Unbounded resources


@attack(
    G_RESOURCES,
    "alias text bomb: one 100,000-character anchor, 2,000 aliases (314 KB)",
    f"exit 2 quickly, peak < {BOUNDED_MB} MB",
)
def alias_text_bomb(ctx: Ctx) -> Outcome:
    spec = ctx.write("bomb.yaml", "title: &a " + "长" * 100_000 + "\nbody:\n" + "  - *a\n" * 2000)
    run = ctx.docgen("build", spec, "-f", "pdf")
    return outcome(run.clean(2) and run.peak_mb < BOUNDED_MB, run)


@attack(
    G_RESOURCES,
    "`docgen build /dev/zero` (st_size 0 passes the 16 MB limit)",
    f"exit 2 at once, peak < {BOUNDED_MB} MB",
)
def dev_zero_spec(ctx: Ctx) -> Outcome:
    run = ctx.docgen("build", "/dev/zero", "-f", "pdf")
    return outcome(run.clean(2) and run.peak_mb < BOUNDED_MB, run)


@attack(G_RESOURCES, "`style: /dev/zero` in a spec", f"exit 2 at once, peak < {BOUNDED_MB} MB")
def dev_zero_style(ctx: Ctx) -> Outcome:
    run = ctx.docgen("build", ctx.spec(extra="style: /dev/zero\n"), "-f", "pdf")
    return outcome(run.clean(2) and run.peak_mb < BOUNDED_MB, run)


@attack(
    G_RESOURCES,
    "SIGTERM 0.5 s into `docgen build /dev/zero`",
    "ends on the signal (130/143) or had already refused (2); not a MemoryError",
)
def dev_zero_sigterm(ctx: Ctx) -> Outcome:
    proc, started, out, err = ctx.start([*docgen_command(), "build", "/dev/zero", "-f", "pdf"])
    time.sleep(0.5)
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGTERM)
    run = ctx.finish(proc, started, out, err)
    return outcome(run.clean(2, 130, 143, -signal.SIGTERM), run)


@attack(G_RESOURCES, "a FIFO as the spec (nobody writes to it)", "exit 2 at once (not a regular file)", timeout=5)
def fifo_spec(ctx: Ctx) -> Outcome:
    fifo = ctx.dir / "fifo.yaml"
    os.mkfifo(fifo)
    run = ctx.docgen("build", fifo, "-f", "pdf")
    return outcome(run.clean(2), run)


def padded_yaml(head: str, size: int) -> str:
    """Valid YAML of ``size`` bytes: ``head`` and then comment lines."""
    line = "# " + "填充" * 40 + "\n"
    return head + line * (size // len(line.encode("utf-8")) + 1)


@attack(G_RESOURCES, "a 17 MB style file (`style: big.yaml`)", "exit 2: too large, like a spec over 16 MB")
def big_style(ctx: Ctx) -> Outcome:
    ctx.write("big.yaml", padded_yaml("extends: gbt9704\n", 17 << 20))
    run = ctx.docgen("build", ctx.spec(extra="style: big.yaml\n"), "-f", "pdf")
    return outcome(run.clean(2) and run.peak_mb < BOUNDED_MB, run)


@attack(G_RESOURCES, "a 17 MB lexicon (`check --lexicon big.yaml`)", "exit 2: too large")
def big_lexicon(ctx: Ctx) -> Outcome:
    ctx.write("big.yaml", padded_yaml("version: 1\nphrases: []\n", 17 << 20))
    run = ctx.docgen("check", "--lexicon", "big.yaml", ctx.spec())
    return outcome(run.clean(2) and run.peak_mb < BOUNDED_MB, run)


@attack(
    G_RESOURCES,
    "`docgen check`, one paragraph of `领导,` × 10,000 (70 KB; was 51 s)",
    "linear: done in < 5 s (exit 1, one grouped D001 line)",
)
def check_quadratic(ctx: Ctx) -> Outcome:
    spec = ctx.write("q.yaml", "title: 标题\nbody:\n  - " + "领导," * 10_000 + "\n")
    run = ctx.docgen("check", spec)
    return outcome(run.clean(1) and run.seconds < 5, run)


@attack(
    G_RESOURCES,
    "build a 100,000-character paragraph with 5,000 ASCII commas → PDF (was 93 s)",
    "exit 0 in < 10 s (the README's 100,000-character paragraph: 3.3 s)",
)
def long_paragraph_commas(ctx: Ctx) -> Outcome:
    unit = "会议强调要加强党的建设落实主体责任推动工作" * 2  # 20 characters, then a comma
    text = ((unit[:19] + ",") * 5000)[:100_000]
    spec = ctx.write("long.yaml", "title: 标题\nbody:\n  - " + text + "\n")
    run = ctx.docgen("build", spec, "-f", "pdf")
    return outcome(run.clean(0) and run.seconds < 10, run)


@attack(G_RESOURCES, "template: `range(100000)` nested in `range(100000)`", "exit 2 (time limit) before the timeout")
def template_nested_loops(ctx: Ctx) -> Outcome:
    ctx.templates(
        "{% block title %}<title>{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}"
        "{% endfor %}x</title>{% endblock %}\n"
    )
    run = ctx.docgen("build", "--templates", "tpl", ctx.spec(), "-f", "docx")
    return outcome(run.clean(2), run)


def huge_string_template(ctx: Ctx, power: int) -> tuple[Run, int]:
    """Build with a template printing ``'a' * 10**power``, in a cache folder of its own (DOCX only, so no font is
    converted into it); the run and the size of the largest file left in that cache."""
    ctx.templates("{% block title %}<title>{{ 'a' * 10**" + str(power) + " }}</title>{% endblock %}\n")
    cache = ctx.dir / "cache"
    run = ctx.docgen("build", "--templates", "tpl", ctx.spec(), "-f", "docx", env={"DOCGEN_CACHE_DIR": str(cache)})
    return run, max((p.stat().st_size for p in cache.rglob("*") if p.is_file()), default=0)


@attack(
    G_RESOURCES,
    "template `{{ 'a' * 10**9 }}` (own DOCGEN_CACHE_DIR, DOCX only; was 3.9 GB)",
    f"exit 2, peak < {BOUNDED_MB} MB",
)
def template_huge_string(ctx: Ctx) -> Outcome:
    run, biggest = huge_string_template(ctx, 9)
    return outcome(run.clean(2) and run.peak_mb < BOUNDED_MB, run, f"largest cache file {biggest / 1e6:.1f} MB")


# Under the memory cap 10**9 dies before Jinja writes its compiled template; 10**8 shows the leftover (100 MB).
@attack(
    G_RESOURCES,
    "template `{{ 'a' * 10**8 }}`: the compiled template (constant folded in) left in the cache",
    "exit 2; no file > 10 MB left in the template cache",
)
def template_cache_leftover(ctx: Ctx) -> Outcome:
    run, biggest = huge_string_template(ctx, 8)
    return outcome(run.clean(2) and biggest < 10 << 20, run, f"largest cache file {biggest / 1e6:.1f} MB")


def zip_bomb(path: Path, paragraphs_mb: int = 1024) -> None:
    """A DOCX of about 1 MB whose word/document.xml expands to ``paragraphs_mb`` MB of paragraphs of "aaa…".

    Deflate is written by hand: a chunk compressed after a full flush (which resets the compressor) gives the same
    bytes every time, so the ~1 GB stream is one small compressed piece repeated, made in well under a second."""
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{ns}"><w:body>'.encode()
    tail = b"</w:body></w:document>"
    paragraph = b"<w:p><w:r><w:t>" + b"a" * 16000 + b"</w:t></w:r></w:p>"  # long runs compress ~1000:1
    chunk = paragraph * ((4 << 20) // len(paragraph))
    count = (paragraphs_mb << 20) // len(chunk)

    def flushed(data: bytes, mode: int) -> bytes:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        return compressor.compress(data) + compressor.flush(mode)

    body = flushed(head, zlib.Z_FULL_FLUSH) + flushed(chunk, zlib.Z_FULL_FLUSH) * count + flushed(tail, zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(chunk) * count + len(tail)
    types = (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
        b'+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    entries = [
        ("[Content_Types].xml", 0, types, zlib.crc32(types), len(types)),
        ("_rels/.rels", 0, rels, zlib.crc32(rels), len(rels)),
        ("word/document.xml", 8, body, crc, size),
    ]
    out, central = bytearray(), bytearray()
    for name, method, data, entry_crc, raw_size in entries:
        offset, encoded = len(out), name.encode()
        out += (
            struct.pack(
                "<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, entry_crc, len(data), raw_size, len(encoded), 0
            )
            + encoded
            + data
        )
        central += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                method,
                0,
                0x21,
                entry_crc,
                len(data),
                raw_size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))


@attack(
    G_RESOURCES,
    "`docgen import` of a ~1 MB DOCX zip bomb (document.xml expands to 1 GB)",
    f"exit 2 quickly, peak < {BOUNDED_MB} MB",
)
def import_zip_bomb(ctx: Ctx) -> Outcome:
    bomb = ctx.dir / "bomb.docx"
    zip_bomb(bomb)
    run = ctx.docgen("import", bomb, "-o", "out.yaml")
    return outcome(run.clean(2) and run.peak_mb < BOUNDED_MB, run, f"{bomb.stat().st_size / 1e6:.1f} MB file")


# ================================================================================================================
# About 30 inputs end in a traceback (exit 70). Each: exit 2 with a message (0 where the input may be fine), never
# exit 70. Style keys go under `style:` in the spec; both formats are built, since several crash only in the DOCX.


def build_with(ctx: Ctx, extra: str = "", *args: str, base: str = TINY, env: dict[str, str] | None = None) -> Run:
    return ctx.docgen("build", ctx.spec(extra=extra, base=base), *args, env=env)


@attack(G_TRACEBACK, "`title: !!float abc`", "exit 2")
def tb_float_tag(ctx: Ctx) -> Outcome:
    return user_error(build_with(ctx, base="title: !!float abc\nbody:\n  - 正文。\n"))


@attack(G_TRACEBACK, "500 nested `[` as the title", "exit 2")
def tb_nested_lists(ctx: Ctx) -> Outcome:
    return user_error(build_with(ctx, base="title: " + "[" * 500 + "]" * 500 + "\nbody:\n  - 正文。\n"))


@attack(G_TRACEBACK, "`style: /`", "exit 2")
def tb_style_root(ctx: Ctx) -> Outcome:
    return user_error(build_with(ctx, "style: /\n"))


@attack(G_TRACEBACK, "`style: {page: {margin_bottom: 5mm}}`", "exit 2 (page number off the paper), or 0")
def tb_margin_bottom(ctx: Ctx) -> Outcome:
    return user_error(build_with(ctx, "style: {page: {margin_bottom: 5mm}}\n"), 0, 2)


@attack(G_TRACEBACK, "`style: {page_number: {distance: .nan}}`", "exit 2")
def tb_nan_distance(ctx: Ctx) -> Outcome:
    return user_error(build_with(ctx, "style: {page_number: {distance: .nan}}\n"))


@attack(G_TRACEBACK, 'a control character in `page_number.format` (`"\\x01{n}"`)', "exit 2")
def tb_control_in_format(ctx: Ctx) -> Outcome:
    return user_error(build_with(ctx, 'style: {page_number: {format: "\\x01{n}"}}\n'))


@attack(G_TRACEBACK, "`style: {roles: {body: {font: [a]}}}`", "exit 2")
def tb_font_list(ctx: Ctx) -> Outcome:
    return user_error(build_with(ctx, "style: {roles: {body: {font: [a]}}}\n"))


@attack(G_TRACEBACK, "a font file that is not a font (`fonts: {fangsong: {file: /abs/bad.ttf}}`) → PDF", "exit 2")
def tb_not_a_font(ctx: Ctx) -> Outcome:
    bad = ctx.write("bad.ttf", "this is not a font\n" * 50)
    return user_error(build_with(ctx, f"style: {{fonts: {{fangsong: {{file: {bad}}}}}}}\n", "-f", "pdf"))


def a_truetype_font() -> Path | None:
    """A TrueType file on this machine (fontconfig), or reportlab's Vera."""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        found = subprocess.run(["fc-match", "-f", "%{file}", "serif"], capture_output=True, text=True, timeout=10)
        if found.stdout.lower().endswith(".ttf") and Path(found.stdout).is_file():
            return Path(found.stdout)
    import reportlab

    vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    return vera if vera.is_file() else None


@attack(G_TRACEBACK, "a truncated font file (first 20 KB of a TTF) → PDF", "exit 2")
def tb_truncated_font(ctx: Ctx) -> Outcome:
    source = a_truetype_font()
    if source is None:
        return Outcome(False, "no TrueType font found to truncate")
    cut = ctx.write("cut.ttf", source.read_bytes()[:20_000])
    return user_error(build_with(ctx, f"style: {{fonts: {{fangsong: {{file: {cut}}}}}}}\n", "-f", "pdf"))


@attack(G_TRACEBACK, "`DOCGEN_FONT_FANGSONG=font.ttf#abc` → PDF", "exit 2")
def tb_font_index(ctx: Ctx) -> Outcome:
    source = a_truetype_font()
    if source is None:
        return Outcome(False, "no TrueType font found")
    return user_error(build_with(ctx, "", "-f", "pdf", env={"DOCGEN_FONT_FANGSONG": f"{source}#abc"}))


def build_with_template(ctx: Ctx, document: str) -> Run:
    ctx.write("tpl/meeting-summary/document.xml", document)
    return ctx.docgen("build", "--templates", "tpl", ctx.spec(), "-f", "docx")


@attack(G_TRACEBACK, "an empty template `document.xml`", "exit 2")
def tb_empty_template(ctx: Ctx) -> Outcome:
    return user_error(build_with_template(ctx, ""))


EXTENDS = '{% extends "builtin/meeting-summary/document.xml" %}\n'


@attack(G_TRACEBACK, "template `{% for i in range(10**9) %}`", "exit 2")
def tb_range_too_big(ctx: Ctx) -> Outcome:
    return user_error(
        build_with_template(
            ctx, EXTENDS + "{% block title %}<title>{% for i in range(10**9) %}x{% endfor %}</title>{% endblock %}\n"
        )
    )


@attack(G_TRACEBACK, "template: a recursive macro", "exit 2")
def tb_recursive_macro(ctx: Ctx) -> Outcome:
    return user_error(
        build_with_template(
            ctx,
            EXTENDS + "{% block title %}{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}<title>{{ m(1) }}</title>"
            "{% endblock %}\n",
        )
    )


@attack(G_TRACEBACK, "a template that extends itself", "exit 2")
def tb_extends_itself(ctx: Ctx) -> Outcome:
    return user_error(build_with_template(ctx, '{% extends "meeting-summary/document.xml" %}\n'))


@attack(G_TRACEBACK, "template `{{ 1/0 }}`", "exit 2")
def tb_division_by_zero(ctx: Ctx) -> Outcome:
    return user_error(build_with_template(ctx, EXTENDS + "{% block title %}<title>{{ 1/0 }}</title>{% endblock %}\n"))


@attack(G_TRACEBACK, "`docgen import` of 4,000 random bytes", "exit 2")
def tb_import_random(ctx: Ctx) -> Outcome:
    source = ctx.write("random.txt", random.Random(9704).randbytes(4000))
    return user_error(ctx.docgen("import", source))


@attack(G_TRACEBACK, "`docgen import` of UTF-16 text (with BOM)", "exit 2, or 0 with the text imported")
def tb_import_utf16(ctx: Ctx) -> Outcome:
    source = ctx.write("u16.txt", "关于加强基层党建的报告\n会议指出，要加强领导。\n".encode("utf-16"))
    run = ctx.docgen("import", source)
    if run.clean(0) and "会议指出" not in run.stdout:
        return outcome(False, run, "exit 0 but the text is not in the spec")
    return user_error(run, 0, 2)


@attack(G_TRACEBACK, "`docgen import` of the bytes `\\x80\\x80\\x80`", "exit 2")
def tb_import_x80(ctx: Ctx) -> Outcome:
    return user_error(ctx.docgen("import", ctx.write("bad.txt", b"\x80\x80\x80")))


@attack(G_TRACEBACK, "`docgen import` of a folder", "exit 2")
def tb_import_folder(ctx: Ctx) -> Outcome:
    (ctx.dir / "folder").mkdir()
    return user_error(ctx.docgen("import", "folder"))


@attack(G_TRACEBACK, "`docgen import` of a PDF", "exit 2 (not a text or DOCX)")
def tb_import_pdf(ctx: Ctx) -> Outcome:
    stream = zlib.compress(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET" * 20)
    pdf = (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length "
        + str(len(stream)).encode()
        + b" /Filter /FlateDecode >>\nstream\n"
        + stream
        + b"\x80\xff\nendstream\nendobj\ntrailer\n<< >>\n%%EOF\n"
    )
    return user_error(ctx.docgen("import", ctx.write("report.pdf", pdf)))


@attack(G_TRACEBACK, "`templates export meeting-summary FILE` where FILE is an existing file", "exit 2")
def tb_export_onto_file(ctx: Ctx) -> Outcome:
    ctx.write("existing", "x\n")
    return user_error(ctx.docgen("templates", "export", "meeting-summary", "existing"))


@attack(G_TRACEBACK, "`templates export meeting-summary /proc/x`", "exit 2")
def tb_export_proc(ctx: Ctx) -> Outcome:
    return user_error(ctx.docgen("templates", "export", "meeting-summary", "/proc/x"))


@attack(
    G_TRACEBACK,
    "`docgen styles show gbt9704 | head -2` (stdout a pipe already closed: BrokenPipeError)",
    "no traceback (quiet exit, not 70)",
)
def tb_broken_pipe(ctx: Ctx) -> Outcome:
    read_end, write_end = os.pipe()
    os.close(read_end)  # what `head` does after its lines: the next write gets EPIPE, deterministically
    try:
        proc, started, out, err = ctx.start([*docgen_command(), "styles", "show", "gbt9704"], stdout=write_end)
    finally:
        os.close(write_end)
    run = ctx.finish(proc, started, out, err)
    return outcome(not run.timed_out and not run.traceback, run)


@attack(G_TRACEBACK, '`docgen.render({1: "x", "title": …, "body": …})`', "DocgenError, not TypeError")
def tb_render_int_key(ctx: Ctx) -> Outcome:
    code = """
    import docgen
    try:
        docgen.render({1: "x", "title": "标题", "body": ["正文。"]})
        report(status="accepted")
    except docgen.DocgenError as error:
        report(status="DocgenError", message=str(error).splitlines()[0])
    except Exception as error:
        report(status=type(error).__name__, message=str(error))
    """
    run, facts = ctx.api(code)
    return api_result(run, facts, lambda f: f["status"] == "DocgenError", status_summary)


# A bug in docgen while building one spec of a batch, injected: docgen.document.render raises for the spec titled
# 注入崩溃. The batch must still build the others and report the crash. (If a later refactor bypasses this render,
# the crash spec gets built and the row says the injection failed instead of passing.)
BATCH_CRASH = """
import docgen.document
real = docgen.document.render
def render(spec, *args, **kwargs):
    loaded = docgen.document.load_spec(spec)
    if loaded.title == "注入崩溃":
        raise RuntimeError("injected bug")
    return real(loaded, *args, **kwargs)
docgen.document.render = render
from docgen.cli import main
code = main(sys.argv[1:])
report(code=code)
sys.exit(code)
"""


def batch_crash(ctx: Ctx, jobs: str) -> Outcome:
    names = ["a.yaml", "crash.yaml", "b.yaml", "c.yaml"]
    for name in names:
        title = "注入崩溃" if name == "crash.yaml" else f"文件{name[0]}"
        ctx.write(name, f"title: {title}\nbody:\n  - 正文。\n")
    run, _facts = ctx.api(BATCH_CRASH, "build", *names, "-o", "out", "-f", "pdf", "-j", jobs)
    built = sorted(p.stem for p in (ctx.dir / "out").glob("*.pdf"))
    if "crash" in built:
        return outcome(False, run, "injection failed: crash.yaml was built; update the row")
    others = [n for n in ("a", "b", "c") if n in built]
    reported = "crash.yaml" in run.stderr
    ok = not run.timed_out and others == ["a", "b", "c"] and run.code not in (0, None) and reported
    return outcome(ok, run, f"built: {', '.join(others) or 'none'}; crash named: {reported}")


@attack(
    G_TRACEBACK,
    "a spec that crashes (injected bug) among 4, `build -j 1`",
    "the other 3 built; the crash reported with its spec; exit ≠ 0",
)
def batch_crash_j1(ctx: Ctx) -> Outcome:
    return batch_crash(ctx, "1")


@attack(
    G_TRACEBACK,
    "a spec that crashes (injected bug) among 4, `build -j 2`",
    "the other 3 built; the crash reported with its spec; exit ≠ 0",
)
def batch_crash_j2(ctx: Ctx) -> Outcome:
    return batch_crash(ctx, "2")


# ================================================================================================================
# Signals and concurrency


def seed_copies(ctx: Ctx, count: int) -> list[Path]:
    text = SEED.read_text(encoding="utf-8")
    return [ctx.write(f"s{i:02}.yaml", text) for i in range(count)]


@attack(
    G_SIGNALS,
    "SIGTERM to the parent of `build -j 2` of 40 seed copies, once 2 PDFs exist",
    "exits within 3 s; no PDF started after the signal is written",
)
def sigterm_batch(ctx: Ctx) -> Outcome:
    specs = seed_copies(ctx, 40)
    out = ctx.dir / "out"
    proc, started, stdout, stderr = ctx.start(
        [*docgen_command(), "build", *map(str, specs), "-o", str(out), "-f", "pdf", "-j", "2"]
    )
    while time.monotonic() - started < ctx.timeout and len(list(out.glob("s*.pdf"))) < 2 and running(proc):
        time.sleep(0.02)
    signalled = time.time()
    at_signal = len(list(out.glob("s*.pdf")))
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGTERM)
    signalled_mono = time.monotonic()
    # Workers the parent leaves behind are left alone for 2 s, so that what they would still write is seen.
    run = ctx.finish(proc, started, stdout, stderr, kill_leftovers=False)
    latency = started + run.seconds - signalled_mono
    time.sleep(2.0)
    kill_group(proc.pid)
    later = [p.name for p in out.glob("s*.pdf") if p.stat().st_mtime > signalled + 1.0]
    ok = not run.timed_out and latency < 3 and not later and not run.traceback
    note = f"{at_signal} PDFs at the signal; exited {latency:.1f} s after it; {len(later)} written > 1 s after it"
    return outcome(ok, run, note)


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@attack(
    G_SIGNALS,
    "`kill -9` the parent of a DOCX + PDF build (seed ×25) once its forked DOCX child runs",
    "the child is gone within 0.5 s",
)
def kill9_forked_child(ctx: Ctx) -> Outcome:
    import yaml

    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data["body"] = data["body"] * 25
    data["attachments"][0]["speeches"] = data["attachments"][0]["speeches"] * 25
    spec = ctx.write("big.yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    proc, started, out, err = ctx.start([*docgen_command(), "build", str(spec)])
    children: list[int] = []
    while time.monotonic() - started < ctx.timeout and running(proc) and not children:
        children = children_of(proc.pid)
        time.sleep(0.01)
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGKILL)
    run = ctx.finish(proc, started, out, err, kill_leftovers=False)  # the group is what this row looks at
    time.sleep(0.5)  # with its parent gone it should be gone too, not finish its DOCX
    orphans = [pid for pid in children if alive(pid)]
    kill_group(proc.pid)
    if not children:
        return outcome(True, run, "no forked child seen (nothing to orphan)")
    return outcome(not orphans, run, f"{len(orphans)} of {len(children)} children still running 0.5 s later")


@attack(
    G_SIGNALS,
    "a build killed (SIGKILL) between writing its temporary file and the rename, then a normal build",
    "no hidden temporary file left in the out folder",
)
def kill9_temp_files(ctx: Ctx) -> Outcome:
    code = """
    import os, signal, types
    import docgen, docgen.output
    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)
    names = {name: getattr(os, name) for name in dir(os) if not name.startswith("__")}
    docgen.output.os = types.SimpleNamespace(**{**names, "replace": die, "rename": die, "link": die})
    docgen.build(sys.argv[1], out_dir=sys.argv[2], formats=["pdf"])
    """
    spec = ctx.spec()
    out = ctx.dir / "out"
    killed, _ = ctx.api(code, spec, out)
    left_by_kill = sorted(p.name for p in out.glob("*")) if out.exists() else []
    run = ctx.docgen("build", spec, "-o", out, "-f", "pdf")
    leftovers = sorted(p.name for p in out.glob("*") if p.name != "x.pdf")
    left = ", ".join(left_by_kill) or "nothing"
    note = f"the killed build ({killed.code}) left {left}; after the next build: {', '.join(leftovers) or 'clean'}"
    return outcome(run.clean(0) and not leftovers, run, note)


@attack(
    G_SIGNALS,
    "8 threads `render(...).to_pdf()` of text needing on-demand font conversion (random non-GB2312 "
    "hanzi each run), warm cache",
    "8 of 8 succeed",
)
def threads_font_conversion(ctx: Ctx) -> Outcome:
    code = """
    import random, threading
    import docgen
    def outside_gb2312(ch):
        try:
            ch.encode("gb2312")
            return False
        except UnicodeEncodeError:
            return True
    from docgen.fonts.convert import cache_dir
    cached = set(cache_dir().glob("*"))
    pool = [chr(c) for c in range(0x4E00, 0x9FA6) if outside_gb2312(chr(c))]
    rng = random.Random()
    errors = []
    def work(i, chars):
        try:
            docgen.render({"title": "标题", "body": [f"第{i}段：{chars}。"]}).to_pdf()
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}"[:80])
    threads = [threading.Thread(target=work, args=(i, "".join(rng.sample(pool, 5)))) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report(failed=len(errors), first=errors[:1], converted=len(set(cache_dir().glob("*")) - cached))
    """
    run, facts = ctx.api(code)

    # "converted": new files in the font cache, i.e. that the characters really were converted on demand
    def summary(f: Facts) -> str:
        first = f": {f['first'][0]}" if f["first"] else ""
        return f"{f['failed']} of 8 failed{first}; {f['converted']} fonts converted"

    return api_result(run, facts, lambda f: f["failed"] == 0, summary)


# ================================================================================================================
# Layouts that cannot hold the grid: refuse the profile, with the numbers (mm, pt, characters) in the message.

NUMBERS = re.compile(r"\d+(\.\d+)?\s*(mm|pt|毫米|磅|字|行|个字)")


def grid_refused(ctx: Ctx, style: str) -> Outcome:
    run = build_with(ctx, f"style: {style}\n", "-f", "pdf")
    numbers = bool(NUMBERS.search(run.message()))
    return outcome(run.clean(2) and numbers, run, "" if numbers or not run.clean(2) else "no numbers in the message")


@attack(G_GRID, "`page: {margin_top: 200mm}`", "exit 2, message with the numbers")
def grid_margin_top(ctx: Ctx) -> Outcome:
    return grid_refused(ctx, "{page: {margin_top: 200mm}}")


@attack(G_GRID, "`page: {margin_left: 180mm}`", "exit 2, message with the numbers")
def grid_margin_left(ctx: Ctx) -> Outcome:
    return grid_refused(ctx, "{page: {margin_left: 180mm}}")


@attack(G_GRID, "`page: {width: 100mm}`", "exit 2, message with the numbers")
def grid_page_width(ctx: Ctx) -> Outcome:
    return grid_refused(ctx, "{page: {width: 100mm}}")


@attack(
    G_GRID,
    "`page: {margin_left: 35mm, margin_right: 35mm}` (28 characters by −1.85 pt letter spacing)",
    "exit 2, message with the numbers",
)
def grid_side_margins(ctx: Ctx) -> Outcome:
    return grid_refused(ctx, "{page: {margin_left: 35mm, margin_right: 35mm}}")


# ================================================================================================================
# Friendlier errors

CJK = re.compile(r"[\u4e00-\u9fff]")


@attack(G_FRIENDLY, "`docgen build` with no spec (argparse usage)", "exit 2, the usage and the error in Chinese")
def friendly_usage(ctx: Ctx) -> Outcome:
    run = ctx.docgen("build")
    english = [word for word in ("usage:", "error:", "required", "arguments") if word in run.stderr]
    ok = run.clean(2) and not english and bool(CJK.search(run.stderr))
    return outcome(ok, run, f"English words: {', '.join(english)}" if english else "")


@attack(G_FRIENDLY, "`docgen biuld x.yaml` (unknown command)", "exit 2, in Chinese, suggests `build`")
def friendly_unknown_command(ctx: Ctx) -> Outcome:
    run = ctx.docgen("biuld", ctx.spec())
    english = "invalid choice" in run.stderr
    lines = [line for line in run.stderr.splitlines() if not line.lower().startswith(("usage", "用法"))]
    suggests = any("build" in line for line in lines)
    ok = run.clean(2) and suggests and not english and bool(CJK.search(run.stderr))
    return outcome(ok, run, "" if suggests else "no did-you-mean")


@attack(G_FRIENDLY, "`style: gbt9705` (no such style) on line 4", "reported at x.yaml:4, not at a file of the package")
def friendly_unknown_style(ctx: Ctx) -> Outcome:
    run = build_with(ctx, "style: gbt9705\n", "-f", "pdf")
    message = run.message().replace(str(ctx.dir) + "/", "")
    at_spec = message.startswith("x.yaml:4:")  # the location the error is reported at
    # Only a remark, not a failure: the text may still name the file it looked for inside the package.
    names_package = "/docgen/style/" in message.partition(": ")[2]
    note = "the message still names a file inside the package" if at_spec and names_package else ""
    return outcome(run.clean(2) and at_spec, run, note)


@attack(G_FRIENDLY, "`- 会议时间: 3月15日` (YAML reads a mapping)", "exit 2, says 加引号 or 全角冒号")
def friendly_ascii_colon(ctx: Ctx) -> Outcome:
    run = ctx.docgen("build", ctx.spec(base="title: 标题\nbody:\n  - 会议时间: 3月15日\n"), "-f", "pdf")
    return outcome(run.clean(2) and "引号" in run.stderr and "全角" in run.stderr, run)


@attack(
    G_FRIENDLY,
    "font-substitution notice: `docgen build a.yaml b.yaml -f pdf`, and two `docgen.build()` in one process",
    "printed once per run (process), not once per document",
)
def friendly_notice_once(ctx: Ctx) -> Outcome:
    a, b = ctx.spec("a.yaml"), ctx.spec("b.yaml")
    run = ctx.docgen("build", a, b, "-f", "pdf")
    cli = run.stderr.count("未找到正式字体")
    # The same two builds through the API in one process (a service, a script): the warnings the docgen logger gives.
    code = """
    import logging
    import docgen
    seen = []
    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())
    logging.getLogger("docgen").addHandler(Keep())
    for name in sys.argv[1:]:
        docgen.build(name, out_dir="api", formats=["pdf"])
    report(count=sum("未找到正式字体" in message for message in seen))
    """
    api_run, facts = ctx.api(code, a, b)
    if facts is None:
        return outcome(False, api_run, "the API half reported nothing")
    api = facts["count"]
    note = f"CLI {cli}×, API (2 builds, 1 process) {api}×"
    if cli == 0 and api == 0 and run.clean(0):
        return outcome(True, run, "no notice at all (official fonts on this machine)")
    return outcome(run.clean(0) and cli == 1 and api == 1, run, note)


# ================================================================================================================
# Running the table


@dataclass
class Row:
    number: int
    attack: Attack
    outcome: Outcome = field(default_factory=lambda: Outcome(False, "not run"))


def run_row(row: Row, timeout: float, memory: int) -> Outcome:
    folder = Path(tempfile.mkdtemp(prefix="docgen-attack-"))
    limit = min(timeout, row.attack.timeout) if row.attack.timeout else timeout
    try:
        return row.attack.func(Ctx(folder, limit, memory))
    except Exception as error:  # the runner's own failure is a result too, never a crash of the table
        return Outcome(False, f"runner error: {type(error).__name__}: {shorten(str(error), 80)}")
    finally:
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700)
        shutil.rmtree(folder, ignore_errors=True)


def parse_only(text: str, count: int) -> set[int]:
    """``3`` or ``3,7-9``."""
    wanted: set[int] = set()
    for part in text.split(","):
        low, _, high = part.partition("-")
        wanted.update(range(int(low), int(high or low) + 1))
    unknown = sorted(n for n in wanted if not 1 <= n <= count)
    if unknown:
        raise SystemExit(f"no row {unknown[0]} (rows 1–{count})")
    return wanted


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(rows: list[Row]) -> str:
    lines = ["| # | attack | expected | result now | ok? |", "|---:|---|---|---|:---:|"]
    group = None
    for row in rows:
        if row.attack.group != group:
            group = row.attack.group
            lines.append(f"| | **{cell(group)}** | | | |")
        mark = "ok" if row.outcome.ok else "**FAIL**"
        lines.append(
            f"| {row.number} | {cell(row.attack.title)} | {cell(row.attack.expected)} | {cell(row.outcome.result)} "
            f"| {mark} |"
        )
    passed = sum(row.outcome.ok for row in rows)
    lines.append("")
    lines.append(f"{passed} of {len(rows)} rows ok.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only these rows: N, or a list such as 3,7-9")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds each attack's process may run (20)")
    parser.add_argument("--memory-mb", type=int, default=MEMORY_CAP >> 20, help="address-space cap in MB (1536)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the Markdown table")
    args = parser.parse_args(argv)

    rows = [Row(number, entry) for number, entry in enumerate(REGISTRY, start=1)]
    if args.only:
        wanted = parse_only(args.only, len(rows))
        rows = [row for row in rows if row.number in wanted]
    for row in rows:
        print(f"[{row.number}/{len(REGISTRY)}] {row.attack.title[:90]}", file=sys.stderr, flush=True)
        row.outcome = run_row(row, args.timeout, args.memory_mb << 20)
        print(f"    {'ok' if row.outcome.ok else 'FAIL'}: {row.outcome.result[:150]}", file=sys.stderr, flush=True)
    if args.json:
        items = [
            {
                "number": row.number,
                "group": row.attack.group,
                "attack": row.attack.title,
                "expected": row.attack.expected,
                "result": row.outcome.result,
                "ok": row.outcome.ok,
                "seconds": row.outcome.seconds,
                "peak_mb": row.outcome.peak_mb,
            }
            for row in rows
        ]
        print(json.dumps(items, ensure_ascii=False, indent=2))
    else:
        print(markdown(rows))
    return 0 if all(row.outcome.ok for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
