"""The grid typesetter on hand-built lines: 28 cells, 禁则 by pushing a character down, Latin/digit runs kept whole,
balanced titles, and pages of 22 rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.layout.linebreak import balance_lines, break_lines, text_width
from docgen.layout.metrics import GridMetrics
from docgen.layout.pages import layout_document
from docgen.model.blocks import DocModel, Run, Text
from docgen.style import load_profile

STYLE = load_profile()
METRICS = GridMetrics(STYLE)
WIDTH = STYLE.type_width
HAN = "党建引领基层治理促进改革发展突出大党建工作理念探索成立若干区域性党建联盟打造更多同频共振红色高地"


def lines_of(text: str, indent_chars: int = 0) -> list[str]:
    return [line.text for line in break_lines([(text, "body")], WIDTH, METRICS, indent_chars * 16.0)]


def test_28_hanzi_fill_a_line_and_the_29th_wraps() -> None:
    text = HAN[:29]
    assert [len(t) for t in lines_of(text)] == [28, 1]
    assert lines_of(HAN[:28]) == [HAN[:28]]


def test_first_line_indent_of_two_characters_leaves_26() -> None:
    assert len(lines_of(HAN, indent_chars=2)[0]) == 26


@pytest.mark.parametrize("mark", list("，。、；：？！”’）》"))
def test_mark_at_cell_29_pulls_a_character_down(mark: str) -> None:
    first, second = lines_of(HAN[:28] + mark + HAN[28:34])
    assert len(first) == 27
    assert second.startswith(HAN[27] + mark)


def test_mark_at_cell_28_stays() -> None:
    first, second = lines_of(HAN[:27] + "。" + HAN[27:33])
    assert first == HAN[:27] + "。"
    assert second == HAN[27:33]


def test_closing_pair_at_the_line_end_moves_together() -> None:
    first, second = lines_of(HAN[:27] + "。”" + HAN[27:33])
    assert first == HAN[:26]
    assert second.startswith(HAN[26] + "。”")


@pytest.mark.parametrize("mark", list("“‘（《"))
def test_opening_mark_never_ends_a_line(mark: str) -> None:
    first, second = lines_of(HAN[:27] + mark + HAN[27:33])
    assert first == HAN[:27]
    assert second.startswith(mark)


@pytest.mark.parametrize("pair", ["——", "……"])
def test_dash_and_ellipsis_pairs_never_split(pair: str) -> None:
    for before in (26, 27):
        lines = lines_of(HAN[:before] + pair + HAN[30:36])
        assert not any(line.endswith(pair[0]) and not line.endswith(pair) for line in lines), lines
        assert all(not line.startswith(pair[0]) for line in lines)


def test_digit_runs_are_never_split() -> None:
    for number in ("2023", "83.2", "40%", "5G", "1+12"):
        for before in range(24, 28):
            lines = lines_of(HAN[:before] + number + HAN[:8])
            assert any(number in line for line in lines), (number, before, lines)


def test_a_run_longer_than_a_line_is_split() -> None:
    url = "https://www.example.gov.cn/" + "a" * 120
    lines = lines_of("网址" + url)
    assert "".join(lines) == "网址" + url
    assert len(lines) >= 2
    assert all(text_width(line, "body", METRICS) <= WIDTH + 0.01 for line in lines)


def test_digits_take_half_a_cell_plus_chinese_western_space() -> None:
    # 25 hanzi and "2023": 25·16 + 4·8 − 26·0.25 (tracking inside each script run) + 2·3.2 = 431.9 pt ≤ 442.2;
    # a 26th hanzi would make it 447.65 pt.
    text = HAN[:12] + "2023" + HAN[12:30]
    assert lines_of(text)[0] == HAN[:12] + "2023" + HAN[12:25]
    assert text_width("年2023年", "body", METRICS) == pytest.approx(2 * 16 + 4 * 8 - 3 * 0.25 + 2 * 3.2)


def test_balanced_title_is_long_over_short_and_keeps_words() -> None:
    title = "中共济南市委组织部关于进一步加强和改进新时代基层党组织建设工作的实施意见"
    lines = balance_lines(title, "title", WIDTH, METRICS)
    assert "".join(lines) == title
    assert lines == ["中共济南市委组织部关于进一步加强和改进", "新时代基层党组织建设工作的实施意见"]
    widths = [text_width(line, "title", METRICS) for line in lines]
    assert widths == sorted(widths, reverse=True) and max(widths) <= WIDTH


def test_title_breaks_the_author_chose_are_kept() -> None:
    assert balance_lines("关于召开\n全市会议的通知", "title", WIDTH, METRICS) == ["关于召开", "全市会议的通知"]


def test_short_title_stays_on_one_line() -> None:
    assert balance_lines("全市基层党建工作重点任务推进会召开", "title", WIDTH, METRICS) == [
        "全市基层党建工作重点任务推进会召开"
    ]


def test_pages_hold_22_rows_and_headings_keep_with_the_next_line() -> None:
    paragraph = Text("body", (Run((HAN * 10)[: 26 + 13 * 28]),))  # 26 after the indent, then 13 full lines
    heading = Text("heading-1", (Run("一、小标题"),))
    blocks = [Text("title", (Run("标题"),), balanced=True), paragraph, heading, paragraph]
    doc = layout_document(DocModel(tuple(blocks)), STYLE)
    first = doc.pages[0]
    assert max(p.row for p in first.lines) <= 21
    # Title (row 0) + space + 14 lines end at row 15; the heading would be on row 16 with 5 rows left for text.
    heading_rows = [(page.number, p.row) for page in doc.pages for p in page.lines if p.text.role == "heading-1"]
    assert heading_rows == [(1, 16)]
    assert sum(len(page.lines) for page in doc.pages) == 1 + 14 + 1 + 14
    # A heading that would be the last line of a page moves to the next page with its text.
    seven_lines = Text("body", (Run((HAN * 10)[: 26 + 6 * 28]),))
    blocks = [paragraph, seven_lines, Text("heading-1", (Run("一、小标题"),)), paragraph]
    doc = layout_document(DocModel(tuple(blocks)), STYLE)
    (heading,) = [(page.number, p.row) for page in doc.pages for p in page.lines if p.text.role == "heading-1"]
    assert heading == (2, 0)
    assert doc.pages[0].rows_used == 21


def test_latin_widths_are_reportlabs_times_roman_to_the_bit() -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from docgen.layout import times
    from docgen.layout.metrics import latin_width

    sizes = sorted({role.size for role in STYLE.roles.values()} | {10.5, 15.75})
    for code in [*range(0x20, 0xD800), *range(0xE000, 0x10000)]:
        measured = stringWidth(chr(code), "Times-Roman", 1000)
        if code in times.WIDTHS:
            for size in sizes:
                assert latin_width(chr(code), size) == stringWidth(chr(code), "Times-Roman", size), (hex(code), size)
        else:  # reportlab's width for what Times, Symbol and ZapfDingbats lack
            assert measured == times.DEFAULT, hex(code)


def test_other_scripts_take_their_fonts_widths_and_marks_none() -> None:
    from docgen.layout.metrics import latin_width

    assert latin_width("\u0301", 16) == latin_width("\u200d", 16) == 0.0
    hebrew, cyrillic = latin_width("ש", 16), latin_width("Ж", 16)
    assert 0.4 * 16 < hebrew < 0.9 * 16 and 0.5 * 16 < cyrillic < 1.0 * 16
    assert hebrew != times_default(16)
    # Arabic letters are measured joined (medial), as most letters of a word are set: سلام is 1.87 em shaped
    assert abs(sum(latin_width(ch, 1.0) for ch in "سلام") - 1.87) < 0.2


def times_default(size: float) -> float:
    from docgen.layout import times

    return times.DEFAULT * 0.001 * size


def test_the_typesetter_needs_no_pdf_library() -> None:
    import subprocess
    import sys

    code = "import sys, docgen.layout.pages; print(any(m.startswith('reportlab') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_line_break_caches_shared_between_documents_change_nothing() -> None:
    # Documents measured the same way (one profile object, one Latin font) share their character-pair caches in a
    # process; every document must come out as it does alone (with a profile of its own).
    import docgen
    from docgen.style import profile

    root = Path(__file__).resolve().parent.parent
    specs = [root / "specs" / name for name in ("notice.yaml", "letter.yaml", "jinan-2023-party-building.yaml")]
    alone = []
    for spec in specs:
        profile._RESOLVED.clear()
        alone.append(docgen.render(spec).to_pdf())
    profile._RESOLVED.clear()
    together = [docgen.render(spec).to_pdf() for spec in [*specs, *specs]]
    assert together == alone + alone
    shared = [value for key, value in load_profile("gbt9704").derived.items() if key[0] == "line breaks"]
    assert shared and all(caches[2] for caches in shared)  # the pairs' glyphs were kept with the profile
