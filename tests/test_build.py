"""Building files: names, the Python API in memory, atomic output, template errors pointing at template lines, and the
seed spec holding the whole seed text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import docgen
from docgen.forked import run_beside
from docgen.spec import load_spec

from .conftest import ROOT, SEED_SPEC


def test_build_writes_docx_next_to_the_spec_or_into_out_dir(tmp_path: Path) -> None:
    spec = tmp_path / "会议.yaml"
    spec.write_text("title: 标题\nbody:\n  - 正文第一段。\n", encoding="utf-8")
    assert docgen.build(spec) == [tmp_path / "会议.docx", tmp_path / "会议.pdf"]
    assert (tmp_path / "会议.docx").read_bytes()[:2] == b"PK"
    assert (tmp_path / "会议.pdf").read_bytes()[:5] == b"%PDF-"
    out = tmp_path / "out" / "deeper"
    assert docgen.build(spec, out_dir=out, formats=["docx"]) == [out / "会议.docx"]


def test_render_in_memory_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    document = docgen.render({"title": "标题", "body": ["正文。"], "signature": {"issuer": "某单位"}})
    data = document.to_docx()
    assert data[:2] == b"PK" and len(data) > 5000
    assert list(tmp_path.iterdir()) == []
    assert document.page_count == 1


def test_failed_build_leaves_no_output_and_no_temp_file(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("title: 标题\nbody:\n  - 正文\nsignature:\n  date: 2023-02-30\n", encoding="utf-8")
    with pytest.raises(docgen.SpecError):
        docgen.build(spec, out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_write_failure_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "spec.yaml").write_text("title: 标题\nbody: [正文]\n", encoding="utf-8")
    (tmp_path / "spec.docx").write_bytes(b"old")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(docgen.OutputError) as info:
        docgen.build(tmp_path / "spec.yaml")
    assert "写入失败" in info.value.message
    assert (tmp_path / "spec.docx").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spec.docx", "spec.yaml"]  # no .pdf, no temp file


def test_unknown_format_is_a_user_error() -> None:
    with pytest.raises(docgen.DocgenError):
        docgen.build(SEED_SPEC, formats=["odt"])


def test_seed_spec_holds_the_whole_seed() -> None:
    """Every character of the seed text (tests/fixtures/seed, a copy of ../shared/seed) is in the spec, in order,
    changed only as the cleaning allows: ASCII punctuation made full-width, the two advert tokens removed, the
    dropped characters of three fixed phrases restored, the site-name first line dropped."""
    import difflib
    import re

    import yaml

    seed = (ROOT / "tests" / "fixtures" / "seed" / "000_5b896afd41c40d31.txt").read_text(encoding="utf-8")

    def normalized(text: str) -> str:
        text = text.translate(str.maketrans(",;:()?!", "，；：（）？！"))
        for token in ("M6米乐", "E星新闻"):
            text = text.replace(token, "")
        restored = (("习新时代", "习近平新时代"), ("习指出", "习近平总书记指出"), ("优秀员", "优秀共产党员"))
        for dropped, whole in restored:
            text = text.replace(whole, dropped)
        return re.sub(r"\s+", "", text)

    data = yaml.safe_load(SEED_SPEC.read_text(encoding="utf-8"))
    parts = list(data["body"])
    for attachment in data["attachments"]:
        for speech in attachment.get("speeches", []):
            parts += speech.get("lead", [])
            for number, section in zip("一二三四五六七八九十", speech.get("sections", []), strict=False):
                paragraphs = section.get("paragraphs", [])
                parts.append(f"{number}、{section['heading']}。" + (paragraphs[0] if paragraphs else ""))
                parts += paragraphs[1:]
    want = normalized("".join(seed.splitlines()[1:]))
    got = normalized("".join(parts))
    matcher = difflib.SequenceMatcher(None, want, got, autojunk=False)
    differences = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    assert len(want) == 11344 and differences == []


def test_seed_spec_structure() -> None:
    spec = load_spec(SEED_SPEC)
    assert len(spec.body) == 4
    (annex,) = spec.attachments
    assert annex.title == "典型发言摘登"
    assert [s.unit for s in annex.speeches] == ["槐荫区", "天桥区", "长清区", "莱芜区", "钢城区", "商河县"]
    assert [len(s.sections) for s in annex.speeches] == [3, 3, 3, 4, 3, 3]
    assert annex.speeches[0].sections[0].heading == "聚焦强化党建引领，搭建区域赋能平台"
    text = "".join(str(p) for p in spec.body) + "".join(
        p for s in annex.speeches for p in (*s.lead, *(x for sec in s.sections for x in (sec.heading, *sec.paragraphs)))
    )
    for damage in ("M6米乐", "E星新闻", ",", ";", "(", ")", "习新时代", "习指出", "优秀员"):
        assert damage not in text
    assert "习近平新时代中国特色社会主义思想" in text and "习近平总书记指出" in text and "优秀共产党员" in text


# -- templates -------------------------------------------------------------------------------------------------------


def custom_templates(tmp_path: Path, document: str) -> Path:
    folder = tmp_path / "templates" / "meeting-summary"
    folder.mkdir(parents=True)
    (folder / "document.xml").write_text(document, encoding="utf-8")
    return tmp_path / "templates"


SIMPLE = "title: 标题\nbody: [正文]\n"


def test_template_unknown_block_points_at_the_template_line(tmp_path: Path) -> None:
    templates = custom_templates(
        tmp_path, '{% extends "base.xml" %}\n{% block title %}\n<titel>{{ spec.title }}</titel>\n{% endblock %}\n'
    )
    with pytest.raises(docgen.TemplateError) as info:
        docgen.render(SIMPLE, templates=templates)
    err = info.value
    assert "titel" in err.message
    assert err.file.endswith("document.xml") and err.line == 3
    assert "title" in err.hint


def test_template_undefined_variable(tmp_path: Path) -> None:
    templates = custom_templates(
        tmp_path, '{% extends "base.xml" %}\n{% block title %}\n<title>{{ spec.titel }}</title>\n{% endblock %}\n'
    )
    with pytest.raises(docgen.TemplateError) as info:
        docgen.render(SIMPLE, templates=templates)
    assert "titel" in info.value.message and info.value.line == 3


def test_template_syntax_error(tmp_path: Path) -> None:
    templates = custom_templates(
        tmp_path, '{% extends "base.xml" %}\n{% block title %}\n<title>{{ spec.title }</title>\n'
    )
    with pytest.raises(docgen.TemplateError) as info:
        docgen.render(SIMPLE, templates=templates)
    assert info.value.line is not None and "语法" in info.value.message


def test_template_cannot_reach_python_internals(tmp_path: Path) -> None:
    templates = custom_templates(
        tmp_path,
        '{% extends "base.xml" %}\n{% block title %}\n<title>{{ "".__class__.__mro__[1].__subclasses__() }}</title>\n'
        "{% endblock %}\n",
    )
    with pytest.raises(docgen.TemplateError) as info:
        docgen.render(SIMPLE, templates=templates)
    assert "不允许" in info.value.message and info.value.line == 3


def test_unknown_kind_lists_the_available_ones() -> None:
    with pytest.raises(docgen.SpecError) as info:
        docgen.render("kind: notise-x\ntitle: 标题\nbody: [正文]\n")
    assert "meeting-summary" in info.value.hint
    assert info.value.key_path == "kind"


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT"])
def test_interrupted_build_leaves_no_partial_or_temporary_file(tmp_path: Path, sig: str) -> None:
    import signal
    import time

    import yaml

    data = yaml.safe_load(SEED_SPEC.read_text(encoding="utf-8"))
    data["attachments"][0]["speeches"] = data["attachments"][0]["speeches"] * 30  # a few seconds of work
    big = tmp_path / "big.yaml"
    big.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "docgen", "build", str(big), "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2.0)
    process.send_signal(getattr(signal, sig))
    _, stderr = process.communicate(timeout=60)
    leftovers = sorted(p.name for p in out.iterdir()) if out.exists() else []
    assert not [name for name in leftovers if name.endswith(".tmp") or name.startswith(".")], leftovers
    for name in leftovers:  # whatever was finished before the signal is whole
        data_bytes = (out / name).read_bytes()
        assert data_bytes[:2] == b"PK" if name.endswith(".docx") else data_bytes.rstrip().endswith(b"%%EOF")
    assert process.returncode != 0 or len(leftovers) == 2
    assert "Traceback" not in stderr


def test_same_spec_same_bytes_in_separate_processes(tmp_path: Path) -> None:
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run
        subprocess.run(
            [sys.executable, "-m", "docgen", "build", str(SEED_SPEC), "-o", str(out)],
            check=True,
            capture_output=True,
            timeout=180,
        )
        outputs.append(((out / f"{SEED_SPEC.stem}.docx").read_bytes(), (out / f"{SEED_SPEC.stem}.pdf").read_bytes()))
    assert outputs[0] == outputs[1]


def test_untrusted_specs_cannot_name_files_outside_the_roots(tmp_path: Path) -> None:
    from docgen.untrusted import Limits, UntrustedInputError

    (tmp_path / "tpl" / "meeting-summary").mkdir(parents=True)
    (tmp_path / "tpl" / "meeting-summary" / "document.xml").write_text(
        '{% extends "builtin/meeting-summary/document.xml" %}\n', encoding="utf-8"
    )
    outside = "title: 标题\nbody: [正文]\ntemplates: /etc\n"
    with pytest.raises(UntrustedInputError) as info:
        docgen.render(outside, trusted=False, roots=[tmp_path])
    assert "/etc" in info.value.message
    with pytest.raises(UntrustedInputError):
        docgen.render("title: 标题\nbody: [正文]\nstyle: ../../etc/profile.yaml\n", trusted=False, roots=[tmp_path])
    with pytest.raises(UntrustedInputError):
        docgen.render(
            {"title": "标题", "body": ["正文"], "style": {"fonts": {"heiti": {"file": "/etc/passwd"}}}},
            trusted=False,
            roots=[tmp_path],
        )
    spec = tmp_path / "spec.yaml"
    spec.write_text("title: 标题\nbody: [正文]\ntemplates: tpl\n", encoding="utf-8")
    assert docgen.render(spec, trusted=False, roots=[tmp_path]).model.texts()[0] == "标题"
    assert docgen.render(outside.replace("templates: /etc\n", ""), trusted=False).model.texts()[0] == "标题"
    with pytest.raises(docgen.DocgenError) as too_big:
        docgen.render({"title": "标题", "body": ["字" * 30_000]}, trusted=False)
    assert "太长" in too_big.value.message
    with pytest.raises(UntrustedInputError):
        docgen.render({"title": "标题", "body": ["一段。"] * 11}, trusted=False, limits=Limits(max_paragraphs=10))


def test_limits_for_everyone() -> None:
    from docgen.kinds.validate import MAX_TEXT_CHARS

    with pytest.raises(docgen.SpecError) as info:
        docgen.load_spec({"title": "标题", "body": ["字" * (MAX_TEXT_CHARS + 1)]})
    assert "太长" in info.value.message and info.value.key_path == "body[0]"
    long = docgen.render({"title": "标题", "body": ["会议强调" * 25_000]})  # 100,000 characters still build
    assert long.page_count > 100


def test_docx_beside_pdf_gives_the_same_files_as_one_after_the_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import docgen.document

    forks = []
    monkeypatch.setattr(docgen.document, "can_fork", lambda: True)
    monkeypatch.setattr(
        docgen.document, "run_beside", lambda *jobs: forks.append(getattr(jobs[0], "__name__", "")) or run_beside(*jobs)
    )
    forked = docgen.build(SEED_SPEC, tmp_path / "forked", parallel=True)
    serial = docgen.build(SEED_SPEC, tmp_path / "serial")  # a library call never forks its caller's process
    assert forks[-1:] == ["to_docx"]  # after the fonts' first conversions, if this machine had not made them yet
    assert [p.read_bytes() for p in forked] == [p.read_bytes() for p in serial]


def test_a_first_build_converts_two_faces_side_by_side(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A bare machine converts each CFF face (3–5 s): with parallel (the command line), half in a forked child. A
    # conversion that fails, here or there, is left to the build, which reports it at its face.
    import docgen.document
    import docgen.fonts.convert as convert
    from docgen.fonts import ResolvedFace

    def face(key: str, name: str) -> ResolvedFace:
        return ResolvedFace(key, name, name, tmp_path / f"{name}.otf", 0, "default")

    fonts = {"fangsong": face("fangsong", "serif"), "heiti": face("heiti", "sans"), "kaiti": face("kaiti", "serif")}
    monkeypatch.setattr(convert, "needs_conversion", lambda path, index: path.stem != "done")

    def converted(path: Path, index: int) -> Path:
        (tmp_path / f"{path.stem}.{os.getpid()}").write_text("")
        if path.stem == "sans":
            raise ValueError("不是字体")
        return path

    monkeypatch.setattr(convert, "converted", converted)
    docgen.document._convert_fonts_beside(fonts)
    made = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".otf"))
    assert [name.split(".")[0] for name in made] == ["sans", "serif"]  # each source once, though two faces use serif
    assert len({name.split(".")[1] for name in made}) == 2  # in two processes
    assert f"sans.{os.getpid()}" in made or f"serif.{os.getpid()}" in made
    for path in tmp_path.iterdir():
        path.unlink()
    docgen.document._convert_fonts_beside({"fangsong": face("fangsong", "serif"), "heiti": face("heiti", "done")})
    assert [p.name for p in tmp_path.iterdir()] == []  # one face to convert: nothing forked, the build converts it


def test_an_error_in_the_forked_writer_reaches_the_caller() -> None:
    def failing() -> bytes:
        raise docgen.SpecError("子进程里的错误")

    with pytest.raises(docgen.SpecError, match="子进程里的错误"):
        run_beside(failing, lambda: b"pdf")
    assert run_beside(lambda: b"docx", lambda: b"pdf") == (b"docx", b"pdf")


def test_a_failure_here_stops_the_forked_writer(tmp_path: Path) -> None:
    import time

    pid_file = tmp_path / "child.pid"

    def slow_child() -> bytes:
        pid_file.write_text(str(os.getpid()))
        time.sleep(60)
        return b""

    def failing_here() -> bytes:
        while not pid_file.exists() or not pid_file.read_text():
            time.sleep(0.01)
        raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_beside(slow_child, failing_here)
    assert time.monotonic() - started < 30
    with pytest.raises(ProcessLookupError):  # killed and reaped, not left running
        os.kill(int(pid_file.read_text()), 0)


# -- settings: the environment is read by the command line only ------------------------------------------------


def _created(docx: bytes) -> str:
    import io
    import re
    import zipfile

    core = zipfile.ZipFile(io.BytesIO(docx)).read("docProps/core.xml").decode()
    return re.search(r"<dcterms:created[^>]*>([^<]*)<", core).group(1)  # type: ignore[union-attr]


def test_the_command_line_reads_the_environment_and_the_library_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("title: 标题\nbody: [正文。]\n", encoding="utf-8")
    cache = tmp_path / "cli-cache"
    env = dict(os.environ, SOURCE_DATE_EPOCH="1678838400", DOCGEN_CACHE_DIR=str(cache))
    done = subprocess.run(
        [sys.executable, "-m", "docgen", "build", str(spec), "-f", "docx"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert _created((tmp_path / "spec.docx").read_bytes()).startswith("2023-03-15")
    assert cache.is_dir()  # compiled templates went to the folder the environment named
    # A program's environment is not the library's business: the same variables change nothing in a render() call.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1678838400")
    assert _created(docgen.render(spec).to_docx()).startswith("2000-01-01")
    previous = docgen.configure(timestamp=1678838400)
    try:
        assert _created(docgen.render(spec).to_docx()).startswith("2023-03-15")
    finally:
        docgen.configure(timestamp=previous.timestamp)


def test_a_bad_environment_is_a_user_error(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("title: 标题\nbody: [正文。]\n", encoding="utf-8")
    env = dict(os.environ, SOURCE_DATE_EPOCH="yesterday")
    done = subprocess.run([sys.executable, "-m", "docgen", "build", str(spec)], env=env, capture_output=True, text=True)
    assert done.returncode == 2 and "SOURCE_DATE_EPOCH" in done.stderr and "Traceback" not in done.stderr
    env = dict(os.environ, DOCGEN_FONT_HEITI=str(tmp_path / "missing.ttf"))
    done = subprocess.run(
        [sys.executable, "-m", "docgen", "build", str(spec), "-f", "pdf"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 2 and "DOCGEN_FONT_HEITI" in done.stderr


def test_an_error_about_the_whole_document_names_its_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A writer's error (more characters than a PDF font can number) has no line to point at: the spec is named.
    import docgen.batch

    spec = tmp_path / "通知.yaml"
    spec.write_text("title: 标题\nbody:\n  - 正文。\n", encoding="utf-8")

    def failing(*args: object, **kwargs: object) -> list[Path]:
        raise docgen.DocgenError("字符太多", hint="分成几份")

    monkeypatch.setattr(docgen.batch, "build", failing)
    result = docgen.batch.build_many([spec], tmp_path / "out")
    ((path, message),) = result.failures
    assert path == spec and message == f"{spec}: 错误：字符太多\n  提示：分成几份"
