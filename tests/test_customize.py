"""Clerks' templates and style profiles, the Python API in memory, and batches of documents."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest

import docgen
from docgen.batch import build_many

from .conftest import ROOT
from .docx_xml import NS, DocxXml

EXAMPLE = ROOT / "examples" / "custom-template" / "spec.yaml"
SIMPLE = "title: 标题\nbody:\n  - 正文第一段。\n"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "docgen", *args], capture_output=True, text=True, timeout=180, cwd=cwd)


def clerk_template(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "templates" / "meeting-summary"
    folder.mkdir(parents=True)
    (folder / "document.xml").write_text(
        '{% extends "builtin/meeting-summary/document.xml" %}\n' + body, encoding="utf-8"
    )
    return tmp_path / "templates"


# -- templates ---------------------------------------------------------------------------------------------------


def test_worked_example_overrides_three_blocks_and_keeps_the_rest() -> None:
    doc = DocxXml(docgen.render(EXAMPLE).to_docx())
    paragraphs = doc.paragraphs()
    names = [doc.style_name(p.style_id) for p in paragraphs]
    # 期号 moved onto the issuer line: no paragraph of its own.
    assert "版头期号" not in names
    issuer = paragraphs[names.index("版头发文")]
    assert issuer.text == "第12期\t中共济南市委组织部　2023年3月15日"
    # 编者按 first in the body, as a run-in 楷体 lead, then the spec's paragraphs unchanged.
    body = [p for p in paragraphs if p.style_id == "Normal"]
    assert body[0].runs[0] == ("编者按：", "GwHeading2Char")
    assert body[0].text == "编者按：现将会议情况和典型发言摘登如下，供各单位学习借鉴。"
    assert body[1].text.startswith("3月14日，济南市委组织部")
    # The annex heading says more; what was not overridden (speeches, run-in sections) is as shipped.
    assert paragraphs[names.index("附件标题")].text == "典型发言摘登（按发言顺序）"
    assert paragraphs[names.index("发言标题")].text == "槐荫区"
    assert any(style == "GwHeading1Char" for p in paragraphs for _, style in p.runs)


def test_templates_argument_and_spec_key_both_work(tmp_path: Path) -> None:
    templates = clerk_template(tmp_path, "{% block title %}<title>改过的标题</title>{% endblock %}\n")
    assert "改过的标题" in docgen.render(SIMPLE, templates=templates).model.texts()
    spec = tmp_path / "spec.yaml"
    spec.write_text(SIMPLE + "templates: templates\n", encoding="utf-8")
    assert "改过的标题" in docgen.render(spec).model.texts()


def test_a_block_the_parent_does_not_have_is_an_error(tmp_path: Path) -> None:
    templates = clerk_template(tmp_path, "\n{% block titel %}<title>x</title>{% endblock %}\n")
    with pytest.raises(docgen.TemplateError) as info:
        docgen.render(SIMPLE, templates=templates)
    err = info.value
    assert "titel" in err.message and err.line == 3 and err.file.endswith("document.xml")
    assert "title" in err.hint


def test_every_built_in_template_fills_only_blocks_its_parent_has() -> None:
    # Builds skip this check when only the built-in templates are in play; this is where they are checked.
    from docgen.template import _check_blocks, _environment, builtin_templates_dir, list_kinds
    from docgen.template.loader import TemplateFolders
    from docgen.template.sandbox import Budget, TemplateLimits

    loader = TemplateFolders([], builtin_templates_dir())
    env = _environment(loader, Budget(TemplateLimits()))
    kinds = [kind for kind, _ in list_kinds()]
    assert "meeting-summary" in kinds
    from docgen.kinds import find_kind, kind_folders

    for kind in kinds:
        blocks = _check_blocks(env, loader, f"{kind}/document.xml", ())
        fields = {f.name for f in find_kind(kind, kind_folders(None)).fields.fields}
        # a clerk overrides a part by its block: every part the kind has is one
        assert {name for name in ("title", "body", "attachments") if name in fields} <= blocks, kind


@pytest.mark.parametrize(
    "body",
    [
        "{% block title %}<title>{{ ''.__class__ }}</title>{% endblock %}",
        "{% block title %}<title>{{ spec.__init__.__globals__ }}</title>{% endblock %}",
        "{% block title %}{% include '/etc/passwd' %}{% endblock %}",
        "{% block title %}{% import 'os' as os %}{% endblock %}",
        "{% block title %}<title>{{ cycler.__init__.__globals__.os }}</title>{% endblock %}",
    ],
)
def test_templates_cannot_escape_the_sandbox(tmp_path: Path, body: str) -> None:
    templates = clerk_template(tmp_path, body + "\n")
    with pytest.raises(docgen.TemplateError) as info:
        docgen.render(SIMPLE, templates=templates)
    assert info.value.file is not None


def test_template_error_from_the_cli_exits_2_with_file_and_line(tmp_path: Path) -> None:
    clerk_template(tmp_path, "{% block title %}\n<title>{{ spec.titel }}</title>\n{% endblock %}\n")
    spec = tmp_path / "spec.yaml"
    spec.write_text(SIMPLE + "templates: templates\n", encoding="utf-8")
    result = run_cli("build", str(spec), "-f", "docx")
    assert result.returncode == 2
    assert "document.xml:3:" in result.stderr and "titel" in result.stderr
    assert "Traceback" not in result.stderr


def test_templates_list_and_export(tmp_path: Path) -> None:
    listed = run_cli("templates", "list")
    assert listed.returncode == 0
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    kinds = {row[0]: row for row in rows}
    expected = {"meeting-summary", "notice", "bulletin", "request", "report", "opinion", "decision", "reply", "letter"}
    expected |= {"letter-format", "order", "minutes", "briefing"}
    assert set(kinds) == expected
    assert kinds["notice"][1] == "通知" and "通知" in kinds["notice"][2]
    exported = run_cli("templates", "export", "meeting-summary", str(tmp_path / "mine"))
    assert exported.returncode == 0
    copy = tmp_path / "mine" / "meeting-summary" / "document.xml"
    assert copy.read_text(encoding="utf-8") == (ROOT / "templates" / "meeting-summary" / "document.xml").read_text(
        encoding="utf-8"
    )
    # The exported copy builds as it is, and a second export refuses to overwrite the clerk's edits.
    assert docgen.render(SIMPLE, templates=tmp_path / "mine").model.texts()[0] == "标题"
    again = run_cli("templates", "export", "meeting-summary", str(tmp_path / "mine"))
    assert again.returncode == 2 and "--force" in again.stderr


# -- style profiles ------------------------------------------------------------------------------------------------


def test_style_change_reaches_both_writers(tmp_path: Path) -> None:
    profile = tmp_path / "mine.yaml"
    profile.write_text(
        "extends: gbt9704\npage:\n  margin_left: 30mm\n  margin_right: 24mm\nroles:\n  body: {size: 小三}\n",
        encoding="utf-8",
    )
    spec = tmp_path / "spec.yaml"
    spec.write_text(SIMPLE + "style: mine.yaml\n", encoding="utf-8")
    document = docgen.render(spec)
    xml = DocxXml(document.to_docx())
    margins = xml.sect_pr.find("w:pgMar", NS)
    assert margins.get(f"{{{NS['w']}}}left") == str(round(30 * 72 / 25.4 * 20))
    body = next(p for p in xml.paragraphs() if p.text == "正文第一段。")
    assert xml.size_pt(body) == 15
    with pdfplumber.open(io.BytesIO(document.to_pdf())) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"] in "正文第一段"]
    assert {round(c["size"], 1) for c in chars} == {15.0}
    first_indent = 2 * 15
    assert min(c["x0"] for c in chars) == pytest.approx(30 * 72 / 25.4 + first_indent, abs=0.5)


def test_spec_overrides_single_style_keys_with_positions(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(SIMPLE + "style:\n  roles:\n    title: {size: 小二}\n", encoding="utf-8")
    assert docgen.render(spec).style.role("title").size == 18
    spec.write_text(SIMPLE + "style:\n  roles:\n    title: {size: 大二}\n", encoding="utf-8")
    with pytest.raises(docgen.StyleError) as info:
        docgen.render(spec)
    assert (info.value.file, info.value.line) == (str(spec), 6)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("extends: gbt9704\nroles:\n  body: {font: fangsong, sise: 16pt}\n", 3, "sise"),
        ("extends: gbt9704\ncolors:\n  red: '#GG0000'\n", 3, "颜色"),
        ("extends: gbt9704\nroles:\n  body: {size: 900pt}\n", 3, "字号"),
        ("extends: gbt9704\ngrid:\n  lines_per_page: 0\n", 3, "整数"),
        ("extends: gbt9704\npage:\n  margin_top: 300mm\n  margin_bottom: 300mm\n", None, "页边距"),
    ],
)
def test_bad_profiles_name_file_and_line(tmp_path: Path, text: str, line: int | None, words: str) -> None:
    profile = tmp_path / "bad.yaml"
    profile.write_text(text, encoding="utf-8")
    with pytest.raises(docgen.StyleError) as info:
        docgen.load_profile(profile)
    assert words in info.value.message + (info.value.hint or "")
    assert info.value.file == str(profile)
    if line:
        assert info.value.line == line


def test_styles_show_prints_the_effective_values() -> None:
    result = run_cli("styles", "show", "gbt9704")
    assert result.returncode == 0
    assert "margin_top: 37mm" in result.stdout and "lines_per_page: 22" in result.stdout
    assert "body: {font: fangsong, size: 16pt（三号）" in result.stdout


# -- the API and batches -------------------------------------------------------------------------------------------


def test_api_round_trip_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    spec = docgen.load_spec({"title": "内存中的公文", "body": ["第一段。", {"heading": "小标题"}, "第二段。"]})
    document = docgen.render(spec)
    docx, pdf = document.to_docx(), document.to_pdf()
    assert [p.text for p in DocxXml(docx).paragraphs()][:4] == ["内存中的公文", "第一段。", "一、小标题", "第二段。"]
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        text = opened.pages[0].extract_text().replace(" ", "")
    assert "内存中的公文" in text and "一、小标题" in text
    assert list(tmp_path.iterdir()) == []


def test_batch_continues_past_a_bad_spec(tmp_path: Path) -> None:
    specs = []
    for i in range(4):
        path = tmp_path / f"s{i}.yaml"
        path.write_text(
            f"title: 标题{i}\nbody: [正文{i}。]\n" + ("atachments: []\n" if i == 1 else ""), encoding="utf-8"
        )
        specs.append(path)
    seen = []
    result = build_many(specs, tmp_path / "out", jobs=2, progress=lambda done, total, failed: seen.append(done))
    assert sorted(seen) == [1, 2, 3, 4]
    assert [spec.name for spec, _ in result.failures] == ["s1.yaml"]
    assert "attachments" in result.failures[0][1]
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["s0.docx", "s0.pdf", "s2.docx", "s2.pdf", "s3.docx", "s3.pdf"]  # and no temporary files
    cli = run_cli("build", *map(str, specs), "-o", str(tmp_path / "cli"), "-j", "2", "-f", "docx")
    assert cli.returncode == 2
    assert "1 个规格文件失败，3 个成功" in cli.stderr
    assert sorted(p.name for p in (tmp_path / "cli").iterdir()) == ["s0.docx", "s2.docx", "s3.docx"]


def test_a_batch_checks_each_spec_in_its_worker_and_prints_the_findings(tmp_path: Path) -> None:
    import functools

    from docgen.cli import _findings_text_of

    specs = []
    for i in range(4):
        path = tmp_path / f"s{i}.yaml"
        body = "会议强调,要抓好落实。" if i in (1, 3) else "会议强调，要抓好落实。"
        path.write_text(f"title: 标题{i}\nbody:\n  - {body}\n", encoding="utf-8")
        specs.append(path)
    check = functools.partial(_findings_text_of, lexicon_files=())
    result = build_many(specs, tmp_path / "out", ["pdf"], jobs=2, check=check)
    assert [spec.name for spec, _ in result.findings] == ["s0.yaml", "s1.yaml", "s2.yaml", "s3.yaml"]
    assert [("D001" in text) for _, text in result.findings] == [False, True, False, True]
    cli = run_cli("build", *map(str, specs), "-o", str(tmp_path / "cli"), "-j", "2", "-f", "pdf")
    assert cli.returncode == 0 and cli.stderr.count("D001 必错") == 2
    assert cli.stderr.index("s1.yaml") < cli.stderr.index("s3.yaml")  # in the order of the specs
    assert sorted(p.name for p in (tmp_path / "cli").iterdir()) == ["s0.pdf", "s1.pdf", "s2.pdf", "s3.pdf"]
    bad_lexicon = tmp_path / "words.yaml"
    bad_lexicon.write_text("phrases: [1]\n", encoding="utf-8")
    refused = run_cli("build", *map(str, specs), "-o", str(tmp_path / "x"), "-j", "2", "--lexicon", str(bad_lexicon))
    assert refused.returncode == 2 and refused.stderr.count("词表条目") == 1  # said once, not once per spec


def test_batch_refuses_two_specs_writing_the_same_file(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for folder in ("a", "b"):
        (tmp_path / folder / "spec.yaml").write_text(SIMPLE, encoding="utf-8")
    with pytest.raises(docgen.OutputError) as info:
        build_many([tmp_path / "a" / "spec.yaml", tmp_path / "b" / "spec.yaml"], tmp_path / "out")
    assert "同一个文件" in info.value.message
    assert not (tmp_path / "out").exists()


def test_example_script_builds_one_bulletin_per_district(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "build_from_python.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "3 documents (6 files)" in result.stdout
    assert sorted(p.name for p in (tmp_path / "out").iterdir())[:2] == ["bulletin-1.docx", "bulletin-1.pdf"]
