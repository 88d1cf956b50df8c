"""docgen import from the files a clerk really has: docgen's own DOCX (the spec comes back; an edited text is read
again with the edit kept), a text PDF (lines joined into paragraphs, page numbers dropped), a web page's text (its
residue dropped with a note), a 文件's 版头, 主送, signature, 附注 and 版记; what cannot be imported is a clear
error (exit 2)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml

import docgen
from docgen.importer import import_text

from .conftest import ROOT

SPECS = ROOT / "specs"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def notice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("notice")
    document = docgen.render(SPECS / "notice.yaml")
    files = {"docx": folder / "notice.docx", "pdf": folder / "notice.pdf"}
    files["docx"].write_bytes(document.to_docx())
    files["pdf"].write_bytes(document.to_pdf())
    return files


@pytest.mark.parametrize("name", ["notice", "request", "jinan-2023-party-building", "minutes", "notice-tables"])
def test_docgens_own_docx_gives_back_its_spec(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.docx"
    path.write_bytes(docgen.render(SPECS / f"{name}.yaml").to_docx())
    result = import_text(path)
    expected = yaml.safe_load((SPECS / f"{name}.yaml").read_text(encoding="utf-8"))
    assert _plain(result.spec) == _plain(expected)
    assert result.yaml_text.startswith("# 由 docgen import 从")
    assert _plain(yaml.safe_load(result.yaml_text)) == _plain(expected)
    part = zipfile.ZipFile(path).read("customXml/item1.xml")
    assert b"urn:docgen:spec:1" in part and "某某".encode() not in part, "the spec is kept encoded, not as text"


def test_an_edited_docx_keeps_the_edit_and_the_structure(tmp_path: Path) -> None:
    source = tmp_path / "seed.docx"
    source.write_bytes(docgen.render(SPECS / "jinan-2023-party-building.yaml").to_docx())
    word = docx.Document(str(source))
    target = next(p for p in word.paragraphs if p.text.startswith("会议强调"))
    target.runs[0].text = "会议特别强调" + target.runs[0].text.removeprefix("会议强调")
    edited = tmp_path / "edited.docx"
    word.save(str(edited))
    result = import_text(edited)
    expected = _plain(yaml.safe_load((SPECS / "jinan-2023-party-building.yaml").read_text(encoding="utf-8")))
    got = _plain(result.spec)
    changed = [n for n, (a, b) in enumerate(zip(got["body"], expected["body"], strict=True)) if a != b]
    assert len(changed) == 1 and got["body"][changed[0]] == "会议特别" + expected["body"][changed[0]][2:]
    assert {k: v for k, v in got.items() if k != "body"} == {k: v for k, v in expected.items() if k != "body"}
    assert any("改动已写回" in note for note in result.notes)


def test_an_added_paragraph_reads_the_text_again_and_keeps_the_settings(tmp_path: Path) -> None:
    source = tmp_path / "notice.docx"
    source.write_bytes(docgen.render(SPECS / "notice.yaml").to_docx())
    word = docx.Document(str(source))
    anchor = next(p for p in word.paragraphs if p.text.startswith("各级各部门要坚持"))
    anchor.insert_paragraph_before("各单位要在12月20日前完成自查。")
    edited = tmp_path / "added.docx"
    word.save(str(edited))
    result = import_text(edited)
    got = _plain(result.spec)
    assert "各单位要在12月20日前完成自查。" in got["body"]
    expected = yaml.safe_load((SPECS / "notice.yaml").read_text(encoding="utf-8"))
    assert got["signature"]["seals"] == expected["signature"]["seals"], "what only the spec knew is carried over"
    assert got["header"]["urgency"] == "加急"
    assert any("重新识别结构" in note for note in result.notes)


SPEC_WITH_COMMENTS = """# 我的通知：注释要留着
kind: 通知
header:
  issuers: 某某市人民政府办公室   # 标志
  number: 某政办发〔2026〕38号
title: 某某市人民政府办公室关于做好安全生产工作的通知
recipients: [各区县人民政府, 市政府各部门]
body:
  - 为做好安全生产工作，现就有关事项通知如下。   # 导语
  - heading: 压实安全责任
  - 各级各部门要坚持人民至上、生命至上。
signature:
  date: 2026-11-26
"""


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_into_updates_the_spec_in_place(tmp_path: Path, newline: str) -> None:
    spec = tmp_path / "notice.yaml"
    spec.write_bytes(SPEC_WITH_COMMENTS.replace("\n", newline).encode("utf-8"))
    docx_path = tmp_path / "notice.docx"
    docx_path.write_bytes(docgen.render(spec).to_docx())
    word = docx.Document(str(docx_path))
    target = next(p for p in word.paragraphs if p.text.startswith("各级各部门要坚持"))
    target.runs[0].text = target.runs[0].text.replace("要坚持", "必须坚持")
    word.save(str(docx_path))
    run = subprocess.run(
        [sys.executable, "-m", "docgen", "import", str(docx_path), "--into", str(spec)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert "body[2]" in run.stdout and "必须坚持" in run.stdout
    after = spec.read_bytes().decode("utf-8")
    assert after == SPEC_WITH_COMMENTS.replace("要坚持", "必须坚持").replace("\n", newline)


def test_into_rewrites_only_the_block_whose_structure_changed(tmp_path: Path) -> None:
    from docgen.import_into import update_spec

    spec = tmp_path / "notice.yaml"
    spec.write_text(SPEC_WITH_COMMENTS, encoding="utf-8")
    data = yaml.safe_load(SPEC_WITH_COMMENTS)
    data["body"].append("新加的一段。")
    update = update_spec(spec, data)
    after = spec.read_text(encoding="utf-8")
    assert update.written and any("body" in c and "整段" in c for c in update.changes)
    assert "# 我的通知：注释要留着" in after and "# 标志" in after, "comments outside the block stay"
    assert _plain(yaml.safe_load(after)) == _plain(data)


def test_into_refuses_a_file_changed_meanwhile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from docgen import import_into

    spec = tmp_path / "notice.yaml"
    spec.write_text(SPEC_WITH_COMMENTS, encoding="utf-8")
    data = yaml.safe_load(SPEC_WITH_COMMENTS)
    data["title"] = "新标题的通知"
    real = import_into.load_yaml

    def edited_meanwhile(text: str, file: str | None = None, **kw: object):  # type: ignore[no-untyped-def]
        spec.write_text(SPEC_WITH_COMMENTS + "# 别人刚加的\n", encoding="utf-8")
        monkeypatch.setattr(import_into, "load_yaml", real)
        return real(text, file)

    monkeypatch.setattr(import_into, "load_yaml", edited_meanwhile)
    with pytest.raises(docgen.DocgenError):
        import_into.update_spec(spec, data)
    assert spec.read_text(encoding="utf-8").endswith("# 别人刚加的\n")


def test_a_damaged_kept_spec_is_ignored(tmp_path: Path, notice: dict[str, Path]) -> None:
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(notice["docx"]) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "customXml/item1.xml":
                data = data.replace(b"<spec", b"<spec x='1'").replace(b'encoding="base64">', b'encoding="base64">!!')
            target.writestr(info, data)
    result = import_text(broken)  # read as text: the structure found from the paragraphs
    assert result.spec["kind"] == "notice"
    assert result.spec["title"] == "某某市人民政府办公室关于做好2027年元旦春节期间安全生产工作的通知"


def test_a_text_pdf_becomes_the_spec_it_was_built_from(notice: dict[str, Path]) -> None:
    got = _plain(import_text(notice["pdf"]).spec)
    expected = _plain(yaml.safe_load((SPECS / "notice.yaml").read_text(encoding="utf-8")))
    assert got["kind"] == "notice" and got["title"] == expected["title"]
    assert got["header"] == {
        "urgency": "加急",
        "issuers": ["某某市人民政府办公室"],
        "number": expected["header"]["number"],
    }
    assert got["recipients"] == expected["recipients"]
    assert got["body"] == expected["body"], "lines joined into paragraphs, headings by level, across pages"
    assert got["signature"]["date"] == expected["signature"]["date"]
    assert got["note"] == expected["note"]
    assert got["distribution"] == expected["distribution"], "抄送 wrapped under its first unit is one line"
    assert [a["title"] for a in got["attachments"]] == [a["title"] for a in expected["attachments"]]


def _scan(path: Path) -> Path:
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = path.with_suffix(".png")
    Image.new("RGB", (200, 100), "white").save(image)
    page = canvas.Canvas(str(path))
    page.drawImage(ImageReader(str(image)), 50, 500, 200, 100)
    page.save()
    return path


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: _scan(p / "scan.pdf"), "没有文字层"),
        (lambda p: (p / "x.pdf").write_bytes(b"%PDF-1.4\n%broken") and p / "x.pdf", "无法读取 PDF"),
        (lambda p: (p / "y.pdf").write_bytes(b"PK\x03\x04 not a pdf") and p / "y.pdf", "不是 PDF"),
        (lambda p: p, "目录"),
    ],
    ids=["scanned", "damaged", "not-a-pdf", "folder"],
)
def test_what_cannot_be_imported_is_exit_2(tmp_path: Path, make, words: str) -> None:  # type: ignore[no-untyped-def]
    target = make(tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "docgen", "import", str(target)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 2, run.stderr
    assert words in run.stderr and "Traceback" not in run.stderr


WEB = """泓川发布
关于开展2025年全市农村供水安全排查的通知
发布时间：2025-03-02 来源：市水利局
【字号 大 中 小】
各区县水利局，市直有关单位：
为保障农村群众饮水安全，现就有关事项通知如下。
一、排查范围
全市已建成的集中供水工程。
二、工作要求
各单位要于3月20日前报送排查情况。
附件：1.排查台账
2.联络员回执
泓川市水利局
2025年3月1日
（联系人：李某，电话：0000-1234567）
责任编辑：王某
分享到：微信 微博
"""


def test_a_web_copy_of_a_notice(tmp_path: Path) -> None:
    path = tmp_path / "web.txt"
    path.write_text(WEB, encoding="utf-8")
    result = import_text(path)
    spec = _plain(result.spec)
    assert spec["kind"] == "notice"
    assert spec["title"] == "关于开展2025年全市农村供水安全排查的通知"
    assert spec["recipients"] == ["各区县水利局", "市直有关单位"]
    assert spec["body"] == [
        "为保障农村群众饮水安全，现就有关事项通知如下。",
        {"heading": "排查范围"},
        "全市已建成的集中供水工程。",
        {"heading": "工作要求"},
        "各单位要于3月20日前报送排查情况。",
    ]
    assert spec["attachments"] == [{"title": "排查台账"}, {"title": "联络员回执"}]
    assert spec["signature"] == {"date": "2025-03-01"}
    assert spec["header"] == {"issuers": ["泓川市水利局"]}
    assert spec["note"] == "联系人：李某，电话：0000-1234567"
    assert any("泓川发布" in note for note in result.notes), "the outlet's name removed with a note"
    for residue in ("发布时间", "字号", "责任编辑", "分享到"):
        assert residue in "".join(result.fixes) and residue not in result.yaml_text.split("\n", 1)[1].replace("#", "")


SPEECHES = """全县乡村振兴工作推进会召开
会议召开，东坝镇、西河乡作交流发言。
东坝镇坚持产业强镇，发展茶叶种植。
一、建强支部。按照产业链建立支部。
镇党委还建立了帮带机制，每名党员联系3户群众。
二、培育能人。实施双培双带工程。
近年来，在县委组织部的指导下，西河乡针对村干部年龄偏大问题，拓宽选人渠道。
一、拓宽渠道选。从致富能手中选人。
二、严格程序育。建立后备干部库。
"""


def test_a_continuation_belongs_to_its_section_and_a_unit_is_found_by_evidence(tmp_path: Path) -> None:
    path = tmp_path / "speeches.txt"
    path.write_text(SPEECHES, encoding="utf-8")
    spec = import_text(path).spec
    speeches = spec["attachments"][0]["speeches"]
    assert [s["unit"] for s in speeches] == ["东坝镇", "西河乡"], "镇党委… continues a section; 县委组织部 is no unit"
    assert [len(s["sections"]) for s in speeches] == [2, 2]
    assert speeches[0]["sections"][0]["paragraphs"] == [
        "按照产业链建立支部。",
        "镇党委还建立了帮带机制，每名党员联系3户群众。",
    ]


def test_reading_a_pdf_is_bounded_in_time_and_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A small hostile PDF (nested forms drawn twice each, a flate bomb) may make pdfminer run for minutes or take
    gigabytes: on the command line the reading runs in a child process under an alarm and a memory cap."""
    import time

    from docgen import import_pdf

    monkeypatch.setattr(import_pdf, "PDF_SECONDS", 1)
    started = time.monotonic()
    with pytest.raises(docgen.DocgenError, match="PDF 太复杂"):
        import_pdf._bounded(lambda: time.sleep(30), tmp_path / "x.pdf")
    assert time.monotonic() - started < 10
    monkeypatch.setattr(import_pdf, "PDF_MEMORY", 300 * 1024 * 1024)
    with pytest.raises(docgen.DocgenError, match="PDF 太复杂"):
        import_pdf._bounded(lambda: bytearray(1024 * 1024 * 1024), tmp_path / "x.pdf")
    assert import_pdf._bounded(lambda: ([], 0), tmp_path / "x.pdf") == ([], 0)


REPEATED = (
    """kind: 通知
header: {issuers: 某某县人民政府办公室, number: 某政办发〔2026〕3号}
title: 关于做好某项工作的通知
recipients: [各乡镇人民政府]
body:
"""
    + "".join(
        f"  - 第{n}项工作要抓紧推进，各乡镇要明确责任人，细化工作措施，确保按期完成。\n  - 请各单位抓好落实。\n"
        for n in range(1, 30)
    )
    + "signature: {date: 2026-11-20}\n"
)


def test_a_line_repeated_in_the_text_is_text_not_a_running_head(tmp_path: Path) -> None:
    spec = tmp_path / "repeated.yaml"
    spec.write_text(REPEATED, encoding="utf-8")
    pdf = tmp_path / "repeated.pdf"
    pdf.write_bytes(docgen.render(spec).to_pdf())
    result = import_text(pdf)
    assert sum(item == "请各单位抓好落实。" for item in result.spec["body"]) == 29
    dropped = [fix for fix in result.fixes if "页眉页脚" in fix]
    assert dropped and all("—" in fix for fix in dropped), "only the page numbers are left out, and listed"
    assert any("PDF" in note and "核对" in note for note in result.notes)
