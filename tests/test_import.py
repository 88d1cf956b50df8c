"""docgen import: the seed text and texts of other shapes become specs of the expected structure, every character
of the input kept but the removed tokens and the fixed punctuation."""

from __future__ import annotations

import difflib
import re
import subprocess
import sys
from pathlib import Path

import docx
import pytest
import yaml

import docgen
from docgen.check import check_spec
from docgen.importer import TITLE_PLACEHOLDER, import_text

from .conftest import ROOT, SEED_SPEC

SEED_TEXT = ROOT / "tests" / "fixtures" / "seed" / "000_5b896afd41c40d31.txt"  # a copy of ../shared/seed
FIXTURES = ROOT / "tests" / "fixtures" / "import"


@pytest.fixture(scope="module")
def seed_text() -> Path:
    return SEED_TEXT


def spec_characters(spec: dict) -> str:  # type: ignore[type-arg]
    """The spec's text in reading order, sections written back as 一、heading。paragraph, as the input has them."""
    parts: list[str] = []
    if spec["title"] != TITLE_PLACEHOLDER:
        parts.append(spec["title"])
    for item in spec["body"]:
        parts.append(item if isinstance(item, str) else item["heading"])
    for attachment in spec.get("attachments", []):
        for speech in attachment["speeches"]:
            parts += speech["lead"]
            for n, section in enumerate(speech.get("sections", [])):
                paragraphs = section["paragraphs"]
                parts.append(
                    "一二三四五六七八九十"[n] + "、" + section["heading"] + "。" + (paragraphs[0] if paragraphs else "")
                )
                parts += paragraphs[1:]
    return "".join(parts)


def test_seed_imports_to_the_seed_structure(seed_text: Path) -> None:
    result = import_text(seed_text)
    spec = yaml.safe_load(result.yaml_text)
    assert spec["title"] == TITLE_PLACEHOLDER  # the seed has no title: a marked placeholder, reported by check
    assert len(spec["body"]) == 4
    (annex,) = spec["attachments"]
    assert [s["unit"] for s in annex["speeches"]] == ["槐荫区", "天桥区", "长清区", "莱芜区", "钢城区", "商河县"]
    assert [len(s["sections"]) for s in annex["speeches"]] == [3, 3, 3, 4, 3, 3]
    assert any(f.code == "S002" and f.key_path == "title" for f in check_spec(result.yaml_text))


def test_seed_import_differs_from_the_seed_spec_only_where_a_human_decides(seed_text: Path) -> None:
    imported = yaml.safe_load(import_text(seed_text).yaml_text)
    clean = yaml.safe_load(SEED_SPEC.read_text(encoding="utf-8"))
    ours = spec_characters(imported)
    theirs = spec_characters({**clean, "title": TITLE_PLACEHOLDER})
    matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=False)
    differences = [(ours[i1:i2], theirs[j1:j2]) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]
    assert sorted(differences) == sorted([("", "近平"), ("", "近平"), ("", "近平总书记"), ("", "共产党")])


def test_no_character_of_the_input_is_lost(seed_text: Path) -> None:
    source = "".join(seed_text.read_text(encoding="utf-8").split())
    result = import_text(seed_text)
    ours = spec_characters(yaml.safe_load(result.yaml_text))
    matcher = difflib.SequenceMatcher(None, source, ours, autojunk=False)
    removed = [source[i1:i2] for op, i1, i2, _, _ in matcher.get_opcodes() if op in ("delete", "replace")]
    added = [ours[j1:j2] for op, _, _, j1, j2 in matcher.get_opcodes() if op in ("insert", "replace")]
    # What went: the injected tokens (and the site name line), and half-width punctuation that came back full-width.
    assert set(re.sub(r"[,;()]", "", "".join(removed)).replace("M6米乐", "").replace("E星新闻", "")) == set()
    assert set("".join(added)) <= set("，；（）")
    assert "".join(removed).count("M6米乐") == 5
    assert result.fixes  # and the clerk is told what was changed


def test_speeches_without_numbered_sections() -> None:
    spec = yaml.safe_load(import_text(FIXTURES / "speeches-without-sections.txt").yaml_text)
    assert spec["title"] == "全市社区治理工作交流会召开"
    assert len(spec["body"]) == 1
    speeches = spec["attachments"][0]["speeches"]
    assert [s["unit"] for s in speeches] == ["城南区", "城北区", "高新区"]
    assert all("sections" not in s and len(s["lead"]) == 1 for s in speeches)


def test_units_that_are_not_districts() -> None:
    spec = yaml.safe_load(import_text(FIXTURES / "units-not-districts.txt").yaml_text)
    assert len(spec["body"]) == 2
    speeches = spec["attachments"][0]["speeches"]
    assert [s["unit"] for s in speeches] == ["市发展改革委", "市数据局", "市税务局"]
    assert [len(s["sections"]) for s in speeches] == [2, 3, 2]
    assert speeches[0]["sections"][0]["heading"] == "推进“高效办成一件事”"


def test_report_with_no_annex_keeps_its_headings_in_the_body() -> None:
    spec = yaml.safe_load(import_text(FIXTURES / "report-no-annex.txt").yaml_text)
    assert "attachments" not in spec
    headings = [item["heading"] for item in spec["body"] if isinstance(item, dict)]
    assert headings == ["主要工作", "存在的问题", "下一步打算"]
    assert spec["kind"] == "report", "a title ending in 报告 makes a 报告"
    assert "一、主要工作" in docgen.render(spec).model.texts()


def test_speeches_start_lets_the_clerk_say_where_the_annex_begins() -> None:
    text = FIXTURES / "speeches-without-sections.txt"
    spec = yaml.safe_load(import_text(text, speeches_start=4).yaml_text)
    assert len(spec["body"]) == 2
    assert [s["unit"] for s in spec["attachments"][0]["speeches"]] == ["城北区", "高新区"]


def test_unsure_guesses_are_comments_at_their_place(seed_text: Path) -> None:
    text = import_text(seed_text).yaml_text
    lines = text.splitlines()
    changqing = next(i for i, line in enumerate(lines) if line.strip() == "- unit: 长清区")
    assert "请核对" in lines[changqing - 1] and "长清区" in lines[changqing - 1]
    phrase = next(i for i, line in enumerate(lines) if "习指出" in line and not line.lstrip().startswith("#"))
    assert "L001" in lines[phrase - 1]


def test_readable_yaml(seed_text: Path) -> None:
    text = import_text(seed_text).yaml_text
    assert "\\u" not in text  # Chinese unescaped
    keys = [line.split(":")[0] for line in text.splitlines() if re.match(r"^[a-z]", line)]
    assert keys == ["kind", "title", "body", "attachments"]  # the order of the public spec example
    assert yaml.safe_load(text)["body"][0].startswith("3月14日，济南市委组织部")


def test_docx_input(tmp_path: Path) -> None:
    document = docx.Document()
    for line in (FIXTURES / "units-not-districts.txt").read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    path = tmp_path / "report.docx"
    document.save(str(path))
    spec = yaml.safe_load(import_text(path).yaml_text)
    assert [s["unit"] for s in spec["attachments"][0]["speeches"]] == ["市发展改革委", "市数据局", "市税务局"]


def test_cli_import_then_build(tmp_path: Path, seed_text: Path) -> None:
    out = tmp_path / "seed.yaml"
    result = subprocess.run(
        [sys.executable, "-m", "docgen", "import", str(seed_text), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "正文 4 段，发言 6 篇" in result.stderr and "“,” → “，” 452 处" in result.stderr
    again = subprocess.run(
        [sys.executable, "-m", "docgen", "import", str(seed_text), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 2 and "--force" in again.stderr
    paths = docgen.build(out, out_dir=tmp_path, formats=["docx"])
    assert paths[0].is_file()
