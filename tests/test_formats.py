"""The special formats of GB/T 9704 §10 and the 简报 with several articles, measured on docgen's PDF and on
LibreOffice's rendering of the DOCX: 信函 (letterhead 30 mm from the paper, red double lines 170 mm long, no number on
page 1), 命令 (标志 20 mm, 令号, body), 纪要 (标志, attendance lines aligned after the colon), 简报 (articles, 报尾)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

import docgen

from .conftest import ROOT, convert_many_with_libreoffice
from .pdf_lines import MM, TYPE_BOTTOM, TYPE_LEFT, TYPE_RIGHT, Page, TextLine, read_pages_cached
from .test_official import CHAR, PITCH, images, middle, red_ink_top, red_rules

KINDS = ("letter-format", "order", "minutes", "briefing")


@dataclass
class Built:
    pdf: Path
    libreoffice: Path
    document: docgen.Document


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    folder = tmp_path_factory.mktemp("formats")
    outputs = {kind: docgen.build(ROOT / "specs" / f"{kind}.yaml", out_dir=folder) for kind in KINDS}
    (folder / "lo").mkdir()
    converted = convert_many_with_libreoffice([docx for docx, _ in outputs.values()], folder / "lo")
    return {
        kind: Built(pdf, lo, docgen.render(ROOT / "specs" / f"{kind}.yaml"))
        for (kind, (_, pdf)), lo in zip(outputs.items(), converted, strict=True)
    }


@pytest.fixture(scope="module", params=["pdf", "libreoffice"])
def renderer(request: pytest.FixtureRequest) -> str:
    return request.param


def pages_of(built: dict[str, Built], kind: str, renderer: str) -> list[Page]:
    return read_pages_cached(getattr(built[kind], renderer))


def line_starting(pages: list[Page], text: str) -> TextLine:
    return next(line for page in pages for line in page.lines if line.text.startswith(text))


def em_top(line: TextLine) -> float:
    return line.bottom - 0.88 * line.size


def em_bottom(line: TextLine) -> float:
    return line.bottom + 0.12 * line.size


# -- 信函格式 (§10.1) ---------------------------------------------------------------------------------------------


def test_letterhead(built: dict[str, Built], renderer: str) -> None:
    path = getattr(built["letter-format"], renderer)
    assert abs(red_ink_top(path) + 37 - 30) <= 0.5, "the 标志's ink 30 mm below the paper's top edge"
    pages = pages_of(built, "letter-format", renderer)
    first = pages[0]
    strokes = sorted(red_rules(first), key=middle)
    assert len(strokes) == 4, "two double lines"
    for stroke in strokes:
        assert abs((stroke["x1"] - stroke["x0"]) - 170 * MM) <= 0.3 * MM
        assert abs(stroke["x0"] - 20 * MM) <= 0.3 * MM, "centred on the paper"
    widths = [stroke.get("linewidth") or (stroke["bottom"] - stroke["top"]) for stroke in strokes]
    assert widths[0] > widths[1] and widths[2] < widths[3], "thick over thin at the top, thin over thick below"
    mark = next(line for line in first.lines if line.size > 30)
    assert abs(middle(strokes[0]) - em_bottom(mark) - 4 * MM) <= 0.3 * MM
    assert abs(middle(strokes[2]) - (297 - 20) * MM) <= 0.3 * MM, "20 mm above the paper's bottom edge"
    # 份号 at the left, 发文字号 at the right, 7/8 of a 3号 character below the double line; 紧急程度 under 份号
    copy, urgency = line_starting(pages, "000012"), line_starting(pages, "加急")
    assert abs(copy.x0 - TYPE_LEFT) < 1 and abs(copy.x1 - TYPE_RIGHT) < 1 and copy.text.endswith("47号")
    assert abs(em_top(copy) - strokes[1]["bottom"] - 14) < 0.6
    assert abs(urgency.x0 - TYPE_LEFT) < 1 and abs(urgency.bottom - copy.bottom - PITCH[renderer]) < 0.6
    title = next(line for line in first.lines if line.size == 22.0)
    assert 2 <= (em_top(title) - em_bottom(urgency)) / PITCH[renderer] < 3, "the title two lines below them"
    # no page number on page 1, the number on page 2
    assert not first.footer
    assert [line.text for line in pages[1].footer] == ["—2—"]
    # the 版记: 抄送 only, at the bottom, no rules, no 印发 line
    last = pages[-1]
    cc = last.lines[-1]
    assert cc.text.startswith("抄送：") and abs(cc.bottom - pages[-1].lines[-1].bottom) < 0.1
    assert cc.bottom > TYPE_BOTTOM - PITCH[renderer] and not [r for r in last.rules if r not in red_rules(last)]
    assert not any("印发" in line.text for line in last.lines)


# -- 命令（令） (§10.2) -------------------------------------------------------------------------------------------


def test_order(built: dict[str, Built], renderer: str) -> None:
    path = getattr(built["order"], renderer)
    assert abs(red_ink_top(path) - 20) <= 0.5, "the 标志's ink 20 mm below the type area"
    pages = pages_of(built, "order", renderer)
    first = pages[0]
    mark = next(line for line in first.lines if line.size > 30)
    number = line_starting(pages, "第186号")
    assert abs((number.x0 + number.x1) / 2 - (TYPE_LEFT + TYPE_RIGHT) / 2) < 1
    assert 2 <= (em_top(number) - em_bottom(mark)) / PITCH[renderer] < 3, "令号 two lines below the 标志"
    body = line_starting(pages, "《某某市电动自行车安全管理办法》")
    assert abs((body.bottom - number.bottom) / PITCH[renderer] - 3) < 0.05, "the body two lines below the 令号"
    # §7.3.5.3: the stamp 右空四字, the title 左空二字 from it, the date a line below, 右空四字
    (stamp,) = [box for _, box in images(path)]
    title = line_starting(pages, "市长")
    date = line_starting(pages, "2026年11月3日")
    assert abs((TYPE_RIGHT - stamp["x1"]) / CHAR - 4) < 0.1
    assert abs((stamp["x0"] - title.x1) / CHAR - 2) < 0.15
    assert abs((TYPE_RIGHT - date.x1) / CHAR - 4) < 0.15
    assert abs((date.bottom - title.bottom) / PITCH[renderer] - 2) < 0.05


# -- 纪要 (§10.3) -------------------------------------------------------------------------------------------------


def test_minutes(built: dict[str, Built], renderer: str) -> None:
    path = getattr(built["minutes"], renderer)
    assert abs(red_ink_top(path) - 35) <= 0.5
    pages = pages_of(built, "minutes", renderer)
    first = pages[0]
    (rule,) = red_rules(first)
    issuer = line_starting(pages, "某某市人民政府办公室")
    assert 0 < middle(rule) - issuer.bottom < PITCH[renderer], "the red rule under the issue line"
    page = next(page for page in pages if any(line.text.startswith("出席：") for line in page.lines))
    lines = page.lines
    start = next(i for i, line in enumerate(lines) if line.text.startswith("出席："))
    before = lines[start - 1]
    assert abs((lines[start].bottom - before.bottom) / PITCH[renderer] - 2) < 0.05, "one line below the text"
    colon_ends: dict[str, float] = {}
    for line in lines[start:]:
        if line.text[:3] in ("出席：", "请假：", "列席："):
            assert abs(line.x0 - (TYPE_LEFT + 2 * CHAR)) < 1, "左空二字"
            chars = [c for c in page.chars if abs(c["baseline"] - line.bottom) < 1.5]
            chars.sort(key=lambda c: c["x0"])
            colon = next(i for i, c in enumerate(chars) if c["text"] == "：")
            colon_ends[line.text[:2]] = chars[colon + 1]["x0"]
            assert chars[0]["fontname"] != chars[colon + 1]["fontname"], "the label in 黑体, the names in 仿宋"
            current = colon_ends[line.text[:2]]
        elif line.size == 16.0 and not line.text.startswith("抄送"):
            assert abs(line.x0 - current) < 1, (
                f"a wrapped line starts at {line.x0:.1f}, after the colon at {current:.1f}"
            )
    assert set(colon_ends) == {"出席", "请假", "列席"}
    assert not images(path), "a 纪要 is not sealed"


# -- 简报（多篇稿件） --------------------------------------------------------------------------------------------------


def test_briefing_articles_and_footer(built: dict[str, Built], renderer: str) -> None:
    pages = pages_of(built, "briefing", renderer)
    titles = [line for page in pages for line in page.lines if line.size == 22.0]
    assert len(titles) == 3
    for title in titles:
        assert abs((title.x0 + title.x1) / 2 - (TYPE_LEFT + TYPE_RIGHT) / 2) < 1
    sources = [line for page in pages for line in page.lines if line.text.endswith("供稿）")]
    assert len(sources) == 3 and all(abs(line.x1 - (TYPE_RIGHT - CHAR)) < 1.5 for line in sources)
    last = pages[-1]
    assert [line.text[:2] for line in last.lines[-4:]] == ["报：", "送：", "发：", "（共"]
    assert abs(last.lines[-1].x1 - (TYPE_RIGHT - 14)) < 1.5
    assert abs(max(middle(rule) for rule in last.rules) - TYPE_BOTTOM) < 1.5
    top = min(middle(rule) for rule in last.rules)
    assert top < last.lines[-4].bottom - 14, "the 报尾 between rules"


# -- the two renderings agree -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_and_libreoffice_agree(built: dict[str, Built], kind: str) -> None:
    ours, theirs = pages_of(built, kind, "pdf"), pages_of(built, kind, "libreoffice")
    assert len(ours) == len(theirs) == built[kind].document.page_count
    pairs = [(a, b) for p, q in zip(ours, theirs, strict=True) for a, b in zip(p.lines, q.lines, strict=False)]
    total = max(sum(len(p.lines) for p in ours), sum(len(q.lines) for q in theirs))
    same = sum(a.text == b.text and abs(a.bottom - b.bottom) < 1.5 for a, b in pairs)
    assert same / total >= 0.99, f"{kind}: {same} of {total} lines alike"
    for (page, a), (other, b) in zip(images(built[kind].pdf), images(built[kind].libreoffice), strict=True):
        assert page == other and all(abs(a[key] - b[key]) < 1 for key in a)
    for p, q in zip(ours, theirs, strict=True):
        assert [line.text for line in p.footer] == [line.text for line in q.footer]


def test_an_attachment_holds_numbered_headings(built: dict[str, Built]) -> None:
    """Attachments hold the body's items: headings numbered within the attachment (notice's 附件2)."""
    document = docgen.render(ROOT / "specs" / "notice.yaml")
    texts = document.model.texts()
    start = texts.index("两节期间值班安排报送要求", texts.index("附件2"))
    assert texts[start + 1 : start + 4] == [
        "一、报送内容",
        "值班安排应写明带班领导和值班人员的姓名、职务、办公电话和手机号码，加盖单位公章后报送。",
        "二、报送时间和方式",
    ]
    assert "（一）报送时间" in texts[start:]
