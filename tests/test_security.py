"""Hostile and careless input, one test per class of failure: templates that reach for files or run forever, files
that never end, fixes that could lose characters, untrusted specs, interrupted batches, shared fonts in threads,
profiles that cannot hold the grid. Each must end in a clear error (or a correct document), bounded, with no
character lost and no file written outside the output folder."""

from __future__ import annotations

import io
import itertools
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
import tracemalloc
import zipfile
from pathlib import Path

import pdfplumber
import pytest
import yaml

import docgen
from docgen.check import apply_fixes, check_spec
from docgen.spec import load_spec
from docgen.template import render_model
from docgen.template.sandbox import TemplateLimits
from docgen.untrusted import Limits, UntrustedInputError

from .conftest import ROOT, use_settings

SIMPLE = "title: 标题\nbody:\n  - 正文第一段。\n"


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "docgen", *args], capture_output=True, text=True, timeout=timeout, cwd=cwd
    )


def clerk_template(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "templates" / "meeting-summary"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "document.xml").write_text(
        '{% extends "builtin/meeting-summary/document.xml" %}\n' + body, encoding="utf-8"
    )
    return tmp_path / "templates"


def render_with(tmp_path: Path, body: str, limits: TemplateLimits | None = None) -> docgen.TemplateError:
    templates = clerk_template(tmp_path, body)
    with pytest.raises(docgen.TemplateError) as info:
        render_model(load_spec(SIMPLE), templates, limits)
    return info.value


# -- templates: data, not objects -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "spec.base_dir.joinpath('/etc/passwd').read_text()",  # the reported escape: no path in the context
        "spec.path.read_text()",
        "spec.title.upper()",  # no method of any value
        "spec.title.__class__.__mro__",
        "spec.body.append('x')",
        "spec.items()",
        "loop.__class__",
        "range.__self__",
        "cycler.__init__.__globals__",
        "namespace.__init__.__globals__",
        "lipsum()",
        "self.__init__",
        "'%s' % spec.title",
    ],
)
def test_templates_reach_nothing_but_data(tmp_path: Path, expression: str) -> None:
    error = render_with(tmp_path, f"{{% block title %}}<title>{{{{ {expression} }}}}</title>{{% endblock %}}\n")
    assert error.line == 2 and error.file.endswith("document.xml")


def test_template_context_is_plain_data() -> None:
    from docgen.template.context import plain_context

    spec = load_spec(ROOT / "tests" / "specs" / "spec-example.yaml")

    def kinds(value: object) -> set[type]:
        if isinstance(value, dict):
            return {dict}.union(*(kinds(v) for v in value.values()))
        if isinstance(value, list):
            return {list}.union(*(kinds(v) for v in value)) if value else {list}
        return {type(value)}

    assert kinds(plain_context(spec)) <= {dict, list, str, int, float, bool, type(None)}


def test_includes_cannot_follow_a_link_out_of_the_folder(tmp_path: Path) -> None:
    templates = clerk_template(
        tmp_path, "{% block title %}<title>{% include 'meeting-summary/x.xml' %}</title>{% endblock %}\n"
    )
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容", encoding="utf-8")
    (templates / "meeting-summary" / "x.xml").symlink_to(secret)
    with pytest.raises(docgen.TemplateError) as info:
        docgen.render(SIMPLE, templates=templates)
    assert "链接" in info.value.message
    assert "机密" not in str(info.value)


@pytest.mark.parametrize(
    "body",
    [
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "{% for a in spec.body %}{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
        "{% endfor %}",
        "{% macro d(n) %}{% if n %}{{ d(n-1) }}{{ d(n-1) }}{% endif %}{% endmacro %}{{ d(60) }}",
    ],
)
def test_templates_stop_at_their_time_limit(tmp_path: Path, body: str) -> None:
    start = time.monotonic()
    error = render_with(tmp_path, f"{{% block title %}}<title>{body}</title>{{% endblock %}}\n", TemplateLimits(1.0))
    assert "秒" in error.message and error.line == 2
    assert time.monotonic() - start < 30  # a generous bound: the limit was 1 s


@pytest.mark.parametrize(
    "expression",
    [
        "'a' * 10**9",
        "[1] * 10**9",
        "2 ** 10000000",
        "(10**5000) * (10**5000) * (10**5000) * (10**5000) * (10**5000) * (10**5000) * (10**5000)",
        "spec.title | replace('', 'xxxxxxxxxx') | replace('', 'xxxxxxxxxx') | replace('', 'xxxxxxxxxx')"
        " | replace('', 'xxxxxxxxxx') | replace('', 'xxxxxxxxxx') | replace('', 'xxxxxxxxxx')"
        " | replace('', 'xxxxxxxxxx') | replace('', 'xxxxxxxxxx')",
        "(['x'] * 900000) | join('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')",
    ],
)
def test_templates_cannot_make_huge_values(tmp_path: Path, expression: str) -> None:
    tracemalloc.start()
    try:
        error = render_with(tmp_path, f"{{% block title %}}<title>{{{{ {expression} }}}}</title>{{% endblock %}}\n")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.line == 2
    assert peak < 200_000_000


@pytest.mark.parametrize(
    "body",
    [
        "{% set ns = namespace(x='ab') %}{% for i in range(40) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}",
        "{% set ns = namespace(x=['ab']) %}{% for i in range(60) %}{% set ns.x = ns.x + ns.x %}{% endfor %}",
        "{% macro m(s, n) %}{% if n %}{{ m(s ~ s, n - 1) }}{% endif %}{% endmacro %}{{ m('ab', 40) }}",
    ],
)
def test_templates_cannot_grow_values_in_loops(tmp_path: Path, body: str) -> None:
    tracemalloc.start()
    try:
        render_with(tmp_path, f"{{% block title %}}<title>{body}</title>{{% endblock %}}\n", TemplateLimits(5.0))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 600_000_000


def test_no_huge_compiled_template_is_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_settings(monkeypatch, cache_dir=tmp_path / "cache")
    render_with(tmp_path, "{% block title %}<title>{{ 'a' * 10**9 }}</title>{% endblock %}\n")
    cached = [p.stat().st_size for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert cached and max(cached) < 100_000


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("{% block title %}<title>{{ 1/0 }}</title>{% endblock %}", "ZeroDivisionError"),
        ("{% block title %}<title>{{ spec.body | sum }}</title>{% endblock %}", "模板运行出错"),
        ("{% block title %}<title>{% for i in range(10**9) %}{% endfor %}</title>{% endblock %}", "range"),
        ("{% block title %}<title>{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}</title>{% endblock %}", "递归"),
        ("{% block title %}<title>{{ 'x' | center(10**9) }}</title>{% endblock %}", "center"),
        ("{% block title %}<title>{{ spec.title | cn_date }}</title>{% endblock %}", "cn_date"),
    ],
)
def test_any_failure_inside_a_template_is_a_template_error(tmp_path: Path, body: str, words: str) -> None:
    error = render_with(tmp_path, body + "\n")
    assert words in error.message and error.line == 2


def test_a_template_that_extends_itself_or_is_empty(tmp_path: Path) -> None:
    folder = tmp_path / "templates" / "meeting-summary"
    folder.mkdir(parents=True)
    document = folder / "document.xml"
    document.write_text('{% extends "meeting-summary/document.xml" %}\n', encoding="utf-8")
    with pytest.raises(docgen.TemplateError) as info:
        docgen.render(SIMPLE, templates=tmp_path / "templates")
    assert "成环" in info.value.message
    document.write_text("", encoding="utf-8")
    with pytest.raises(docgen.TemplateError):
        docgen.render(SIMPLE, templates=tmp_path / "templates")


# -- every read bounded -------------------------------------------------------------------------------------------


def _special_files(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    return {"device": Path("/dev/zero"), "fifo": fifo, "directory": tmp_path, "proc": Path("/proc/self/environ")}


@pytest.mark.parametrize("kind", ["device", "fifo", "directory", "proc"])
def test_special_files_are_refused_everywhere(tmp_path: Path, kind: str) -> None:
    target = _special_files(tmp_path)[kind]
    attempts = {
        "spec": lambda: load_spec(target),
        "style": lambda: docgen.load_profile(str(target) if kind != "directory" else "/"),
        "lexicon": lambda: check_spec(
            load_spec(SIMPLE), __import__("docgen.check", fromlist=["x"]).load_lexicons((target,))
        ),
        "import": lambda: __import__("docgen.importer", fromlist=["x"]).import_text(target),
        "font": lambda: docgen.render(
            SIMPLE, style=docgen.load_profile(overrides={"fonts": {"heiti": {"file": str(target)}}})
        ).to_pdf(),
    }
    for name, attempt in attempts.items():
        start = time.monotonic()
        with pytest.raises(docgen.DocgenError):
            attempt()
        assert time.monotonic() - start < 10, name


def test_alias_text_bomb_stops_early(tmp_path: Path) -> None:
    text = "a: &x " + "字" * 100_000 + "\ntitle: 标题\nbody:\n" + "".join("  - *x\n" for _ in range(2_000))
    path = tmp_path / "bomb.yaml"
    path.write_text(text, encoding="utf-8")
    tracemalloc.start()
    try:
        with pytest.raises(docgen.SpecError) as info:
            load_spec(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "字符" in info.value.message
    assert peak < 400_000_000


@pytest.mark.parametrize(
    "text",
    [
        "title: !!float abc\nbody: [x]\n",
        "title: !!int 1x\nbody: [x]\n",
        "title: " + "[" * 500 + "\n",
        "title: t\nbody:\n" + "".join("  " * i + "- \n" for i in range(1, 120)),
        "title: t\nbody: [x]\nstyle: /\n",
        "title: t\nbody: [x]\nstyle: {page: {margin_bottom: 5mm}}\n",
        "title: t\nbody: [x]\nstyle: {page_number: {distance: .nan}}\n",
        'title: t\nbody: [x]\nstyle: {page_number: {format: "\\x01{n}"}}\n',
        "title: t\nbody: [x]\nstyle: {roles: {body: {font: [a]}}}\n",
        "title: t\nbody: [x]\nstyle: {roles: {body: {color: [a]}}}\n",
        "title: t\nbody: [x]\nstyle: {extends: [a]}\n",
        "title: t\nbody: [x]\nkind: ../../etc\n",
        "title: t\nbody:\n  - 会议时间: 3月15日\n",
    ],
)
def test_bad_specs_are_user_errors_in_the_cli(tmp_path: Path, text: str) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(text, encoding="utf-8")
    result = run_cli("build", str(spec), "-o", str(tmp_path / "out"), "-f", "docx")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "bad.yaml" in result.stderr


def test_an_ascii_colon_in_a_paragraph_is_explained() -> None:
    with pytest.raises(docgen.SpecError) as info:
        load_spec("title: 标题\nbody:\n  - 会议时间: 3月15日\n")
    assert "半角冒号" in info.value.message and "全角冒号" in info.value.hint and info.value.line == 3


@pytest.mark.parametrize("data", [{1: "x", "title": "t", "body": ["x"]}, {"title": object(), "body": ["x"]}])
def test_dict_specs_with_foreign_values_are_spec_errors(data: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(docgen.SpecError):
        docgen.render(data)
    looped: dict = {"title": "t", "body": []}  # type: ignore[type-arg]
    looped["body"].append(looped)
    with pytest.raises(docgen.SpecError):
        docgen.render(looped)


@pytest.mark.parametrize(
    "payload",
    [
        random.Random(3000).randbytes(3000),  # fixed: every test worker collects the same tests
        b"\x80\x80\x80",
        "标题\n正文。\n".encode("utf-16"),
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        b"PK\x03\x04" + random.Random(200).randbytes(200),
    ],
)
@pytest.mark.parametrize("suffix", [".txt", ".docx", ".pdf"])
def test_import_never_crashes(tmp_path: Path, payload: bytes, suffix: str) -> None:
    source = tmp_path / f"in{suffix}"
    source.write_bytes(payload)
    result = run_cli("import", str(source))
    assert result.returncode in (0, 2) and "Traceback" not in result.stderr


def test_import_refuses_a_docx_zip_bomb(tmp_path: Path) -> None:
    source = tmp_path / "bomb.docx"
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("word/document.xml", b"\0" * 400_000_000)
    assert source.stat().st_size < 2_000_000
    from docgen.importer import import_text

    tracemalloc.start()
    try:
        with pytest.raises(docgen.SpecError) as info:
            import_text(source)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "解压" in info.value.message and peak < 100_000_000


# -- --fix never loses a character --------------------------------------------------------------------------------


def _fix(path: Path) -> list:  # type: ignore[type-arg]
    spec = load_spec(path)
    return apply_fixes(spec, check_spec(spec))


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_fix_keeps_line_endings_bom_and_every_other_character(tmp_path: Path, newline: str, bom: bytes) -> None:
    lines = ["# 注释", "title: 标题", "body:", "  - 会议指出,要加强领导,落实责任。", "  - 第二段(内容)。", ""]
    path = tmp_path / "spec.yaml"
    path.write_bytes(bom + newline.join(lines).encode("utf-8"))
    changes = _fix(path)
    assert len(changes) == 4
    expected = newline.join(lines).replace("出,要", "出，要").replace("导,落", "导，落").replace("(内容)", "（内容）")
    assert path.read_bytes() == bom + expected.encode("utf-8")


def test_fix_refuses_a_file_changed_since_it_was_checked(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("title: 标题\nbody:\n" + "".join(f"  - 会议指出,第{i}段。\n" for i in range(200)), encoding="utf-8")
    spec = load_spec(path)
    findings = check_spec(spec)
    edited = "title: 标题\nbody:\n  - 插入的一段。\n" + path.read_text(encoding="utf-8").split("body:\n", 1)[1]
    path.write_text(edited, encoding="utf-8")
    with pytest.raises(docgen.SpecError) as info:
        apply_fixes(spec, findings)
    assert "修改过" in info.value.message
    assert path.read_text(encoding="utf-8") == edited


def test_fix_writes_through_a_link_and_keeps_the_mode(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("title: 标题\nbody:\n  - 会议指出,要加强。\n", encoding="utf-8")
    real.chmod(0o600)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    assert len(_fix(link)) == 1
    assert link.is_symlink() and "，" in real.read_text(encoding="utf-8")
    assert stat.S_IMODE(real.stat().st_mode) == 0o600


def test_outputs_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        (path,) = docgen.build(SIMPLE, out_dir=tmp_path, formats=["docx"])
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_stale_temporary_files_of_killed_processes_are_removed(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftover = tmp_path / f".document.docx.{dead.stdout.strip()}.0badc0de.tmp"
    leftover.write_bytes(b"half a file")
    docgen.build({"title": "标题", "body": ["正文。"]}, out_dir=tmp_path, formats=["docx"])
    assert not leftover.exists()


# -- text silently lost -------------------------------------------------------------------------------------------


def test_a_long_distribution_list_stays_on_the_page(tmp_path: Path) -> None:
    units = [f"第{i}区人民政府办公室" for i in range(80)]
    spec = {"title": "标题", "body": ["正文。"], "distribution": {"cc": units, "printed_by": "办公室"}}
    pdf = docgen.render(spec).to_pdf()
    type_bottom = (37 + 225) * 72 / 25.4
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        drawn = ""
        for page in opened.pages:
            for char in page.chars:
                assert 0 <= char["top"] and char["bottom"] <= page.height, char["text"]
                if char["top"] < type_bottom:  # not the page number
                    drawn += char["text"]
    for unit in units:
        assert unit in drawn


def test_a_linked_spec_writes_under_its_own_name(tmp_path: Path) -> None:
    real = tmp_path / "a.yaml"
    real.write_text(SIMPLE, encoding="utf-8")
    (tmp_path / "b.yaml").symlink_to(real)
    from docgen.batch import build_many

    written = build_many([real, tmp_path / "b.yaml"], tmp_path / "out", ["docx"]).written
    assert sorted(p.name for p in written) == ["a.docx", "b.docx"]


def test_check_warns_about_text_yaml_swallowed() -> None:
    findings = check_spec(
        "title: 标题\nbody:\n  - 参加人员 #各单位负责人\n  - 正文\n   - 第二段\n  - '引号 #不是注释'\n"
    )
    codes = {(f.code, f.line) for f in findings}
    assert ("Y001", 3) in codes and ("Y002", 5) in codes
    assert not any(f.line == 6 for f in findings)


# -- untrusted mode ----------------------------------------------------------------------------------------------


def test_roots_given_as_one_string_confine(tmp_path: Path) -> None:
    with pytest.raises(UntrustedInputError):
        docgen.render({"title": "t", "body": ["x"], "templates": "/etc"}, trusted=False, roots=str(tmp_path))


def test_a_profile_inside_roots_cannot_extend_one_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("extends: gbt9704\n", encoding="utf-8")
    (tmp_path / "roots").mkdir()
    (tmp_path / "roots" / "p.yaml").write_text(f"extends: {outside}\n", encoding="utf-8")
    spec = {"title": "t", "body": ["x"], "style": str(tmp_path / "roots" / "p.yaml")}
    with pytest.raises(UntrustedInputError):
        docgen.render(spec, trusted=False, roots=[tmp_path / "roots"])
    assert docgen.render(spec).model.texts()[0] == "t"


@pytest.mark.parametrize(
    "path",
    [
        ("title",),
        ("attachments", 0, "speeches", 0, "sections", 0, "heading"),
        ("attachments", 0, "speeches", 0, "unit"),
        ("attachments", 0, "speeches", 0, "title"),
        ("distribution", "cc", 0),
    ],
)
def test_untrusted_limits_count_every_text(path: tuple) -> None:  # type: ignore[type-arg]
    spec = yaml.safe_load((ROOT / "tests" / "specs" / "spec-example.yaml").read_text(encoding="utf-8"))
    target = spec
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = "字" * 30_000
    with pytest.raises(docgen.DocgenError) as info:
        docgen.render(spec, trusted=False, limits=Limits())
    assert "太长" in info.value.message


# -- signals, processes and threads ------------------------------------------------------------------------------


def test_signals_after_the_first_cannot_cut_the_clean_up_short() -> None:
    # A key held down or a supervisor signalling again sent KeyboardInterrupts into the clean-up and the exit
    # ("Exception ignored in: WeakSet._remove"): the first signal interrupts, the next ones are ignored.
    script = (
        "import os, signal\n"
        "from docgen.cli import _interrupt_once\n"
        "_interrupt_once()\n"
        "try:\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    for _ in range(10**6): pass\n"
        "except KeyboardInterrupt:\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    for _ in range(10**6): pass\n"
        "    print('cleaned up')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "cleaned up", "")


def test_sigterm_stops_a_parallel_batch_at_once(tmp_path: Path) -> None:
    seed = (ROOT / "specs" / "jinan-2023-party-building.yaml").read_text(encoding="utf-8")
    specs = []
    for i in range(12):
        path = tmp_path / f"s{i}.yaml"
        path.write_text(seed, encoding="utf-8")
        specs.append(str(path))
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "docgen", "build", *specs, "-j", "2", "-o", str(out), "-f", "pdf"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not (out.exists() and any(out.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    signalled = time.time()
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130 and "Traceback" not in stderr, (process.returncode, stderr[-2000:])
    finished = [p for p in out.iterdir()]
    # a file whose rename was already under way may land just after the signal on a loaded machine; no spec that
    # had not started is built (fewer files than specs, none written long after)
    late = {p.name: round(p.stat().st_mtime - signalled, 2) for p in finished}
    assert all(delay <= 1.5 for delay in late.values()), late
    assert not [p for p in finished if p.name.startswith(".")], late
    assert len(finished) < len(specs), late


def test_the_forked_writer_dies_with_its_parent(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2:
        pytest.skip("the DOCX is written beside the PDF only on Linux machines with two cores or more")
    script = (
        "import os, sys, docgen.forked as f\n"
        "def child():\n    import time; time.sleep(60); return b''\n"
        "def own():\n    print(os.getpid(), flush=True); os.kill(os.getpid(), 9)\n"
        "f.run_beside(child, own)\n"
    )
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) as process:
        parent = int(process.stdout.readline())
        process.wait(timeout=30)
    deadline = time.monotonic() + 10
    children = True
    while children and time.monotonic() < deadline:
        children = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _ppid_was(p, parent)]
        time.sleep(0.1)
    assert not children


def _ppid_was(proc: Path, parent: int) -> bool:
    try:
        fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return int(fields[1]) in (parent,) and fields[0] != "Z"


def test_threads_rendering_rare_characters_share_fonts_safely(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A cache with the faces' GB2312 conversions (made once per machine, ~10 s a face) but none of the supplements
    # for rare characters: the threads race to convert and register those.
    from docgen.cache import cache_root

    docgen.render({"title": "标题", "body": ["正文"]}).to_pdf()  # the user's cache holds the GB2312 sets now
    (tmp_path / "cache" / "fonts").mkdir(parents=True)
    for font in (cache_root() / "fonts").glob("*-gb2312-*.ttf"):
        shutil.copy(font, tmp_path / "cache" / "fonts" / font.name)
    use_settings(monkeypatch, cache_dir=tmp_path / "cache")
    errors: list[str] = []

    def work(i: int) -> None:
        try:
            document = docgen.render({"title": "标题", "body": ["䶮𠮷𡈽龘靐齉" + chr(0x9FA0 + i) + "☃✓αβ"]})
            document.to_pdf()
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def _a_cjk_face():  # type: ignore[no-untyped-def]
    """A registered LeanFace holding the first CJK block (whatever this machine's faces are)."""
    from reportlab.pdfbase import pdfmetrics

    from docgen.fonts.leanface import LeanFace

    docgen.render({"title": "标题", "body": ["正文"]}).to_pdf()
    faces = [pdfmetrics.getFont(name).face for name in pdfmetrics.getRegisteredFontNames()]
    return next(f for f in faces if isinstance(f, LeanFace) and all(c in f.charToGlyph for c in range(0x4E00, 0x5800)))


def _pairs(face, codes: range) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    return [(code, face.charToGlyph[code]) for code in codes]


def test_threads_cutting_subsets_of_one_face_get_the_programs_one_thread_gets() -> None:
    # reportlab's subsetting moves the face's single read position: two threads cutting subsets of a shared face at
    # once would read each other's glyphs (a KeyError, or a wrong font program in a PDF). A switch interval of a
    # microsecond makes the threads interleave within a subset.
    from reportlab.pdfbase.ttfonts import TTFontFace

    face = _a_cjk_face()
    pair_lists = [_pairs(face, range(0x4E00 + 160 * i + 1, 0x4E00 + 160 * (i + 1))) for i in range(16)]
    expected = [TTFontFace.makeSubset(face, [code for code, _ in pairs]) for pairs in pair_lists]  # one at a time
    got: dict[int, bytes] = {}
    errors: list[str] = []

    def work(i: int) -> None:
        try:
            got[i] = face.subset_program(pair_lists[i])
        except Exception as exc:
            errors.append(repr(exc))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(pair_lists))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert [got[i] == expected[i] for i in range(len(pair_lists))] == [True] * len(pair_lists)


def test_a_process_keeps_few_subsets_and_few_bytes_of_them(monkeypatch: pytest.MonkeyPatch) -> None:
    # A service fed documents of every rare character (a new face for each set of them) must not keep a subset per
    # document: the bound is the process's, whatever the number of faces.
    from docgen.cache import KeptBytes
    from docgen.fonts import leanface

    face = _a_cjk_face()
    programs = KeptBytes(leanface.SUBSETS.count, leanface.SUBSETS.size)
    monkeypatch.setattr(leanface, "SUBSETS", programs)
    small = [_pairs(face, range(0x4E00 + 10 * i + 1, 0x4E00 + 10 * (i + 1))) for i in range(programs.count + 3)]
    for pairs in small:
        face.subset_program(pairs)
    assert len(programs) == programs.count
    programs.size = programs.bytes_kept() // 2
    large = _pairs(face, range(0x5000, 0x5800))
    face.subset_program(large)  # larger than the bound: given, not kept
    face.subset_program(small[0])
    assert 0 < programs.bytes_kept() <= programs.size
    assert len(programs) < programs.count


def test_a_document_draws_the_same_after_another_took_private_codes() -> None:
    # Arabic is drawn with joining forms no character maps to, each given a code from plane 15's private use area.
    # A document that types such a code point itself (U+F0000, drawn as an empty box) must come out the same before
    # and after, and as in a fresh process: the kept subset and the character map are not changed by other
    # documents' codes.
    typed = {"title": "通知", "body": ["Report ABC\U000f0000XYZ 2026 abc"]}
    arabic = {"title": "通知", "body": ["مرحبا بالعالم"]}
    before = docgen.render(typed).to_pdf()
    docgen.render(arabic).to_pdf()
    after = docgen.render(typed).to_pdf()
    script = f"import sys, docgen; sys.stdout.buffer.write(docgen.render({typed!r}).to_pdf())"
    fresh = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True, timeout=120).stdout
    assert before == after == fresh


def test_rare_characters_are_converted_by_block_so_a_service_holds_a_bounded_number_of_fonts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A supplement converted for each document's exact rare characters made a font file and a registered font per
    # document: a service sent random rare characters grew without end. By block of code points, documents whose
    # rare characters share a block share one font.
    from docgen.cache import cache_root
    from docgen.fonts import book, default_font
    from docgen.fonts.convert import gb2312_characters

    docgen.render({"title": "标题", "body": ["正文"]}).to_pdf()  # the user's cache holds the GB2312 sets now
    (tmp_path / "cache" / "fonts").mkdir(parents=True)
    for font in (cache_root() / "fonts").glob("*-gb2312-*.ttf"):
        shutil.copy(font, tmp_path / "cache" / "fonts" / font.name)
    use_settings(monkeypatch, cache_dir=tmp_path / "cache")
    serif = book._source_chars(default_font("serif")[1], 0)
    gb2312 = {ord(ch) for ch in gb2312_characters()}
    rare = [code for code in range(0x4E00, 0x9FA6) if code in serif and code not in gb2312]
    block = book.SUPPLEMENT_BLOCK
    first, second = next((a, b) for a, b in itertools.pairwise(rare) if a // block == b // block)
    other = next(code for code in rare if code // block != first // block)

    def supplements() -> list[str]:
        return sorted(p.name for p in (tmp_path / "cache" / "fonts").glob("*-x*.ttf"))

    pdfs = []
    for code in (first, second, other):
        pdf = docgen.render({"title": "标题", "body": [f"姓名：{chr(code)}某。"]}).to_pdf()
        pdfs.append(pdf)
        with pdfplumber.open(io.BytesIO(pdf)) as opened:
            assert chr(code) in opened.pages[0].extract_text()  # drawn, and copied out as itself
        if code == second:
            assert len(supplements()) == 1  # the first's block held the second's character
    assert len(supplements()) == 2


def test_the_font_for_a_character_is_the_first_of_its_chain_that_has_it() -> None:
    # The book works out each prepared character's font once; it must be the font the chain's order gives.
    from docgen.fonts.book import FontBook

    text = "正文ABC，“引号”……𠮷田😀☃✓αβ䶮龘靐齉مرحبا" + chr(0xF0000)
    document = docgen.render({"title": "标题", "body": [text]})
    document.frame  # noqa: B018 - prepares the book
    books = []
    original = FontBook.prepare

    def keep(self: FontBook, needs) -> None:  # type: ignore[no-untyped-def]
        books.append(self)
        original(self, needs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(FontBook, "prepare", keep)
        docgen.render({"title": "标题", "body": [text]}).frame  # noqa: B018
    (fonts,) = books
    for key, chain in fonts._chains.items():
        for ch in set(text) | set("标题"):
            first = next((font.name for font in chain if FontBook._has(font, ch)), chain[0].name)
            assert fonts.font_for(key, ch) == first, (key, ch)


# -- layouts that cannot hold the grid ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "words"),
    [
        ({"margin_top": "200mm"}, "放不下 22 行"),
        ({"margin_left": "180mm"}, "版心宽 4.0 mm"),
        ({"margin_left": "190mm"}, "超过了纸张大小"),
        ({"width": "100mm"}, "放不下每行 28 个"),
        ({"margin_left": "35mm", "margin_right": "35mm"}, "140.0 mm"),
    ],
)
def test_profiles_that_cannot_hold_the_grid_are_refused(page: dict, words: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(docgen.StyleError) as info:
        docgen.load_profile(overrides={"page": page})
    assert words in info.value.message


# -- friendlier errors -------------------------------------------------------------------------------------------


def test_the_cli_speaks_chinese_and_suggests(tmp_path: Path) -> None:
    result = run_cli("biuld", "x.yaml")
    assert result.returncode == 2 and "用法" in result.stderr and "是不是要用“build”" in result.stderr
    assert "usage" not in result.stderr and "error" not in result.stderr
    missing = run_cli("build")
    assert missing.returncode == 2 and "缺少参数" in missing.stderr


def test_a_style_that_does_not_exist_is_reported_at_the_spec(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("title: 标题\nbody: [正文]\nstyle: gbt9705\n", encoding="utf-8")
    with pytest.raises(docgen.StyleError) as info:
        docgen.render(spec)
    assert info.value.file == str(spec) and info.value.line == 3


def test_broken_pipe_is_quiet() -> None:
    command = f"{sys.executable} -m docgen styles show gbt9704 | head -1"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "Error" not in result.stderr


def test_templates_export_onto_a_file_or_into_proc(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    for where in (target, Path("/proc/x")):
        result = run_cli("templates", "export", "meeting-summary", str(where))
        assert result.returncode == 2 and "Traceback" not in result.stderr
