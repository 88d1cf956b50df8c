"""docgen check: each rule with a failing and a passing example, positions in the YAML, grouping, JSON, --fix on the
raw seed, the clean seed, precision and recall on damaged copies of clean reports, and the build integration."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from docgen.check import apply_fixes, check_spec, format_findings, load_lexicons
from docgen.spec import load_spec

from .check_damage import evaluate
from .conftest import ROOT, SEED_SPEC

RAW_SEED = ROOT / "tests" / "fixtures" / "seed-raw.yaml"
CLEAN = [ROOT / "tests" / "fixtures" / "check" / name for name in ("clean-safety.yaml", "clean-education.yaml")]


def spec_file(tmp_path: Path, body: list[str] | str, title: str = "会议纪要", extra: str = "") -> Path:
    items = [body] if isinstance(body, str) else body
    text = f"title: {title}\nbody:\n" + "".join(f"  - {json.dumps(item, ensure_ascii=False)}\n" for item in items)
    path = tmp_path / "spec.yaml"
    path.write_text(text + extra, encoding="utf-8")
    return path


def codes(path: Path) -> list[tuple[str, str]]:
    return [(f.code, f.level) for f in check_spec(path)]


@pytest.mark.parametrize(
    ("bad", "good", "code"),
    [
        ("会议强调,要抓好落实(具体见通知);确保实效!", "会议强调，要抓好落实（具体见通知）；确保实效！", "D001"),
        ("交流工作经验K8体育，研究破解难题。", "交流工作经验，研究破解难题。", "D002"),
        ("要做好“三件事。", "要做好“三件事”。", "D003"),
        ("要抓好落实，，确保实效。。", "要抓好落实，确保实效。", "D004"),
        ("以习新时代中国特色社会主义思想为指导。", "以习近平新时代中国特色社会主义思想为指导。", "L001"),
        ("表彰优秀员10名。", "表彰优秀员工10名。", "L001"),
        ("一是抓学习。三是抓落实。", "一是抓学习。二是抓落实。", "N002"),
        ("一、抓学习；一、抓落实。", "一、抓学习；二、抓落实。", "N003"),
        ("请于XXX前报送，联系人：××。", "请于5月10日前报送，联系人：张明。", "S002"),
        ("2023年03月05日召开会议。", "2023年3月5日召开会议。", "T002"),
    ],
)
def test_each_rule_fails_the_bad_and_passes_the_good(tmp_path: Path, bad: str, good: str, code: str) -> None:
    assert code in [c for c, _ in codes(spec_file(tmp_path, bad))]
    assert code not in [c for c, _ in codes(spec_file(tmp_path, good))]


def test_title_final_punctuation(tmp_path: Path) -> None:
    assert ("H001", "error") in codes(spec_file(tmp_path, "正文。", title="关于召开会议的通知。"))
    assert "H001" not in [c for c, _ in codes(spec_file(tmp_path, "正文。", title="关于召开会议的通知"))]


def test_hand_numbered_headings(tmp_path: Path) -> None:
    bad = spec_file(
        tmp_path,
        "正文。",
        extra="attachments:\n  - title: 摘登\n    speeches:\n      - unit: 甲区\n"
        "        sections:\n          - heading: 一、抓学习\n",
    )
    (finding,) = [f for f in check_spec(bad) if f.code == "N001"]
    assert finding.excerpt == "一、" and finding.line == 9 and finding.column == 22
    good = spec_file(
        tmp_path,
        "正文。",
        extra="attachments:\n  - title: 摘登\n    speeches:\n      - unit: 甲区\n"
        "        sections:\n          - heading: 抓学习\n",
    )
    assert "N001" not in [c for c, _ in codes(good)]


def test_mixed_arabic_numbering(tmp_path: Path) -> None:
    assert "N004" in [c for c, _ in codes(spec_file(tmp_path, ["1.抓学习。", "2、抓落实。"]))]
    assert "N004" not in [c for c, _ in codes(spec_file(tmp_path, ["1.抓学习。", "2.抓落实。"]))]


def test_dates_are_consistent(tmp_path: Path) -> None:
    extra = (
        "signature: {issuer: 某局, date: 2024-03-10}\ndistribution: {printed_by: 某局办公室, printed_on: 2024-03-09}\n"
    )
    found = {(f.code, f.key_path) for f in check_spec(spec_file(tmp_path, "3月12日，召开会议。", extra=extra))}
    assert ("T004", "signature.date") in found  # signed before the meeting
    assert ("T004", "distribution.printed_on") in found  # printed before it was signed
    good = (
        "signature: {issuer: 某局, date: 2024-03-12}\ndistribution: {printed_by: 某局办公室, printed_on: 2024-03-13}\n"
    )
    assert "T004" not in [c for c, _ in codes(spec_file(tmp_path, "3月12日，召开会议。", extra=good))]
    assert ("T001", "error") in codes(spec_file(tmp_path, "2月30日召开会议。", extra=good))


def test_mentioned_attachments_exist(tmp_path: Path) -> None:
    assert ("S001", "error") in codes(spec_file(tmp_path, "具体名单见附件。"))
    with_annex = "attachments:\n  - title: 名单\n    paragraphs: [张三]\n"
    assert "S001" not in [c for c, _ in codes(spec_file(tmp_path, "具体名单见附件。", extra=with_annex))]
    assert ("S001", "error") in codes(spec_file(tmp_path, "具体名单见附件2。", extra=with_annex))


def test_positions_point_at_the_character(tmp_path: Path) -> None:
    path = spec_file(tmp_path, "会议强调,要抓好落实。")
    (finding,) = check_spec(path)
    assert (finding.line, finding.column) == (3, 10)
    assert path.read_text(encoding="utf-8").splitlines()[2][finding.column - 1] == ","


def test_a_clerks_lexicon_adds_local_terms(tmp_path: Path) -> None:
    lexicon = tmp_path / "mine.yaml"
    lexicon.write_text(
        "version: 1\nphrases:\n  - correct: 济南市委组织部\n    wrong: [济南市组织部]\n", encoding="utf-8"
    )
    path = spec_file(tmp_path, "济南市组织部召开会议。")
    assert not check_spec(path)
    (finding,) = check_spec(path, load_lexicons((lexicon,)))
    assert finding.code == "L001" and "济南市委组织部" in finding.message


# -- the seed --------------------------------------------------------------------------------------------------


def test_raw_seed_findings() -> None:
    findings = check_spec(RAW_SEED)
    tokens = [f.excerpt for f in findings if f.code == "D002"]
    assert sorted(tokens) == ["E星新闻"] + ["M6米乐"] * 5
    assert all(f.level == "error" and f.fix is not None for f in findings if f.code == "D002")
    phrases = sorted(f.excerpt for f in findings if f.code == "L001")
    assert phrases == ["习指出", "习新时代中国特色社会主义思想", "习新时代中国特色社会主义思想", "优秀员"]
    commas = [f for f in findings if f.code == "D001" and f.excerpt == ","]
    assert len(commas) == 452
    assert len([f for f in findings if f.code == "D001"]) == 452 + 9 + 14 + 14
    lines = format_findings(findings)
    comma_line = next(line for line in lines if "“,”" in line)
    assert "共 452 处" in comma_line and comma_line.startswith(f"{RAW_SEED}:15:10: D001 必错")
    assert len(lines) < 15  # grouped, not 489 lines


def test_fix_leaves_only_the_phrases_a_human_must_restore(tmp_path: Path) -> None:
    copy = tmp_path / "raw.yaml"
    shutil.copy(RAW_SEED, copy)
    original = copy.read_text(encoding="utf-8")
    spec = load_spec(copy)
    changes = apply_fixes(spec, check_spec(spec))
    assert len(changes) == 452 + 9 + 14 + 14 + 6
    remaining = check_spec(copy)
    assert {f.code for f in remaining} == {"L001"}
    # Comments, key order and layout are the clerk's: only the fixed characters changed.
    fixed = copy.read_text(encoding="utf-8")
    assert fixed.splitlines()[:14] == original.splitlines()[:14]
    assert len(fixed.splitlines()) == len(original.splitlines())
    # The fixed text is the clean seed spec's but for the dropped characters.
    clean = yaml.safe_load(SEED_SPEC.read_text(encoding="utf-8"))
    ours = yaml.safe_load(fixed)
    restored = [
        p.replace("习新时代", "习近平新时代").replace("习指出", "习近平总书记指出").replace("优秀员", "优秀共产党员")
        for p in ours["body"]
    ]
    assert restored == clean["body"]
    speeches = ours["attachments"][0]["speeches"]
    assert [s["lead"] for s in speeches][1:4] == [s["lead"] for s in clean["attachments"][0]["speeches"]][1:4]


def test_clean_texts_have_no_errors_or_warnings() -> None:
    for path in (SEED_SPEC, *CLEAN):
        findings = [f for f in check_spec(path) if f.level in ("error", "warning")]
        assert not findings, format_findings(findings)


def test_precision_and_recall_on_damaged_reports(tmp_path: Path) -> None:
    results = evaluate([*CLEAN, SEED_SPEC], tmp_path, range(6))
    for name, (tp, fp, fn) in results.items():
        assert tp > 0, name
        assert tp / (tp + fp) >= 0.95, f"{name}: precision {tp}/{tp + fp}"
        assert tp / (tp + fn) >= 0.9, f"{name}: recall {tp}/{tp + fn}"


# -- the command line ------------------------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "docgen", *args], capture_output=True, text=True, timeout=180)


def test_check_cli_exit_status_and_json(tmp_path: Path) -> None:
    assert run_cli("check", str(SEED_SPEC)).returncode == 0
    result = run_cli("check", str(RAW_SEED), "--format", "json")
    assert result.returncode == 1
    items = json.loads(result.stdout)
    assert len(items) == 489 + 6 + 4
    first = items[0]
    assert {"code", "level", "level_name", "message", "file", "line", "column", "key_path", "fixable"} <= set(first)
    copy = tmp_path / "raw.yaml"
    shutil.copy(RAW_SEED, copy)
    fixed = run_cli("check", "--fix", str(copy))
    assert "已修正 “,” → “，”" in fixed.stdout and "已修正 “M6米乐” → “（删除）”" in fixed.stdout
    assert fixed.returncode == 1  # the dropped-character phrases are still errors


def test_build_prints_findings_and_strict_refuses(tmp_path: Path) -> None:
    path = spec_file(tmp_path, "会议强调,要抓好落实。")
    built = run_cli("build", str(path), "-f", "docx")  # one format: the check runs beside the build
    assert built.returncode == 0 and "D001 必错" in built.stderr
    assert (tmp_path / "spec.docx").is_file()
    (tmp_path / "spec.docx").unlink()
    both = run_cli("build", str(path), "-f", "docx", "-f", "pdf")  # two formats: the check beside them too
    assert both.returncode == 0 and both.stderr.count("D001 必错") == 1
    assert (tmp_path / "spec.pdf").is_file()
    (tmp_path / "spec.docx").unlink()
    strict = run_cli("build", str(path), "-f", "docx", "--strict")
    assert strict.returncode == 2 and "--strict" in strict.stderr
    assert not (tmp_path / "spec.docx").exists()


# -- 文件 kinds: 行文规则, cited 发文字号, dates the text calls past ------------------------------------------------

REQUEST = """kind: 请示
header: {issuers: 某某县人民政府, number: 某政〔2026〕8号, signers: 李某某}
title: 某某县人民政府关于申请拨付农村公路养护补助资金的请示
recipients: 某某市人民政府
body:
  - 恳请市政府拨付我县2026年度农村公路养护补助资金860万元。
  - 妥否，请批示。
signature: {date: 2026-05-10}
note: 联系人：赵某某，电话：0531-11112222
"""


def _official(tmp_path: Path, text: str) -> list[tuple[str, str | None]]:
    path = tmp_path / "request.yaml"
    path.write_text(text, encoding="utf-8")
    import datetime as dt

    from docgen.check import Finding  # noqa: F401  (the type of what check_spec returns)
    from docgen.check.rules import RULES, CheckContext
    from docgen.check.texts import spec_texts

    spec = load_spec(path)
    context = CheckContext(spec, spec_texts(spec), load_lexicons(), today=dt.date(2026, 6, 1))
    return [(f.code, f.key_path) for rule in RULES for f in rule(context)]


def test_a_clean_request_has_no_findings(tmp_path: Path) -> None:
    assert _official(tmp_path, REQUEST) == []


def test_writing_rules_of_a_request(tmp_path: Path) -> None:
    two = REQUEST.replace("recipients: 某某市人民政府", "recipients: [某某市人民政府, 某某市财政局]")
    assert ("G001", "recipients") in _official(tmp_path, two)
    unsigned = REQUEST.replace(", signers: 李某某", "")
    assert ("G002", "header") in _official(tmp_path, unsigned)
    no_contact = REQUEST.replace("note: 联系人：赵某某，电话：0531-11112222\n", "")
    assert ("G003", "note") in _official(tmp_path, no_contact)
    # a 通知 may have many recipients and no 签发人
    notice = two.replace("kind: 请示", "kind: 通知").replace(", signers: 李某某", "")
    assert [c for c, _ in _official(tmp_path, notice) if c.startswith("G")] == []


@pytest.mark.parametrize(
    ("cited", "fixed"),
    [
        ("某政发[2025]07号", "〔2025〕7号"),
        ("某政办发【2024】第5号", "〔2024〕5号"),
        ("某政发（2025）3号", "〔2025〕3号"),
    ],
)
def test_a_cited_document_number_in_the_wrong_form_is_fixed(tmp_path: Path, cited: str, fixed: str) -> None:
    text = REQUEST.replace("恳请市政府", f"根据《关于支持农村公路建设的意见》（{cited}），恳请市政府")
    path = tmp_path / "request.yaml"
    path.write_text(text, encoding="utf-8")
    found = [f for f in check_spec(path) if f.code == "F001"]
    assert len(found) == 1 and found[0].line == 6
    apply_fixes(load_spec(path), found)
    assert fixed in path.read_text(encoding="utf-8") and cited not in path.read_text(encoding="utf-8")
    right = REQUEST.replace("恳请市政府", "根据《关于支持农村公路建设的意见》（某政发〔2025〕3号），恳请市政府")
    assert "F001" not in [c for c, _ in _official(tmp_path, right)]
    year = REQUEST.replace(
        "恳请市政府", "（2025）年度资金已拨付3号楼维修，恳请市政府"
    )  # a year in parentheses in prose
    assert "F001" not in [c for c, _ in _official(tmp_path, year)]


def test_deadlines_and_plans_are_not_past_dates(tmp_path: Path) -> None:
    deadline = REQUEST.replace("妥否，请批示。", "请于2026年6月30日前报送，定于2026年7月5日召开评审会。")
    assert "T004" not in [c for c, _ in _official(tmp_path, deadline)]
    for status in (
        "截至2026年6月30日，已完成投资80%。",
        "截止到2026年6月30日，共召开了3次会议。",
        "务必于2026年8月31日以前全部整改到位。",
    ):
        assert "T004" not in [c for c, _ in _official(tmp_path, REQUEST.replace("妥否，请批示。", status))], status
    past = REQUEST.replace("妥否，请批示。", "2026年5月20日，市交通运输局召开了专题会议。")
    assert ("T004", "signature.date") in _official(tmp_path, past)


def test_a_signing_date_after_today_is_flagged(tmp_path: Path) -> None:
    later = REQUEST.replace("signature: {date: 2026-05-10}", "signature: {date: 2026-07-10}")
    assert ("T005", "signature.date") in _official(tmp_path, later)


@pytest.mark.parametrize(
    "token",
    ["K6快讯", "Z7视界", "Qx热点", "AB资讯", "9W速递"],
)
def test_a_latin_run_glued_between_hanzi_once_mid_clause_is_suspect(tmp_path: Path, token: str) -> None:
    """An advert token the lexicon does not list, once, between two hanzi in the middle of a clause: 疑似."""
    text = f"会议{token}要求各单位抓好落实。"
    found = [(f.code, f.level, f.excerpt) for f in check_spec(spec_file(tmp_path, text))]
    assert ("D002", "warning", token) in found


@pytest.mark.parametrize(
    "text",
    [
        "推进5G基站建设和AI应用，全年GDP增长5.2%。",
        "创建AAAA级景区，推动A股上市，建设PM2.5监测站。",
        "开发政务APP和O2O平台，新增LED路灯300盏，年发电量1.2亿kWh。",
        "改造S215省道和G3高速连接线。",
    ],
)
def test_known_terms_and_codes_are_not_suspect(tmp_path: Path, text: str) -> None:
    assert "D002" not in [c for c, _ in codes(spec_file(tmp_path, text))]


def test_fix_prints_a_summary_per_kind_of_change(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = spec_file(tmp_path, ["会议强调,要抓好落实,确保实效,不走过场。", "一要,二要,三要。"])
    run = subprocess.run(
        [sys.executable, "-m", "docgen", "check", "--fix", str(path)], capture_output=True, text=True, timeout=60
    )
    lines = [line for line in run.stdout.splitlines() if "已修正" in line]
    assert lines[0].endswith("5 处（3:10、3:16、3:21……）") and "“,” → “，”" in lines[0]
    assert "共修正 5 处" in run.stdout and len(run.stdout.splitlines()) <= 4
    path = spec_file(tmp_path, ["会议强调,要抓好落实,确保实效,不走过场。", "一要,二要,三要。"])
    verbose = subprocess.run(
        [sys.executable, "-m", "docgen", "check", "--fix", "--verbose", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert sum("已修正" in line for line in verbose.stdout.splitlines()) == 5
