"""Tables: written in a spec (checked, every mistake at its line), laid out on the grid in both renderings — every
cell's text inside its cell, the header repeated on each page, the same rows on each page in the PDF and in
LibreOffice's rendering of the DOCX, numbers right-aligned where the column says so, merged cells."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import docgen

from .conftest import ROOT, convert_many_with_libreoffice
from .pdf_lines import Page, read_pages

SPEC = ROOT / "specs" / "notice-tables.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tables")
    docx, pdf = docgen.build(SPEC, out_dir=folder)
    (folder / "lo").mkdir()
    (lo,) = convert_many_with_libreoffice([docx], folder / "lo")
    return {"docx": docx, "pdf": pdf, "libreoffice": lo}


@pytest.fixture(scope="module", params=["pdf", "libreoffice"])
def pages(built: dict[str, Path], request: pytest.FixtureRequest) -> list[Page]:
    return read_pages(built[request.param])


def table_pages(pages: list[Page]) -> list[Page]:
    """The portrait pages of the 统计表 in the body."""
    return [p for p in pages if p.width < p.height and any(line.text.startswith("序号") for line in p.lines)]


MM = 72 / 25.4


def test_a_landscape_table_sits_on_turned_pages(pages: list[Page]) -> None:
    """§8: the 分季度进度表 (附件2) on pages of its own, turned: 297 × 210 mm, the type area 225 × 156 mm with the
    binding edge at the top (28 mm), the table as wide as the type area (35 to 260 mm from the left), its header
    repeated, its label and title with it; the pages around it upright."""
    turned = [p for p in pages if p.width > p.height]
    assert [p.number for p in turned] == [5, 6]
    assert all(abs(p.width - 297 * MM) < 1 and abs(p.height - 210 * MM) < 1 for p in turned)
    assert [line.text for line in turned[0].lines[:3]] == [
        "附件2",
        "重点民生项目分季度进度表",
        "2026年度重点民生项目分季度进度表",
    ]
    assert turned[0].lines[0].x0 == pytest.approx(35 * MM, abs=1.0)  # 顶格 at the turned type area's left
    assert turned[0].lines[0].bottom < 40 * MM, "the label on the first row under the 28 mm margin"
    for page in turned:
        assert sum(line.text.startswith("序号项目名称第一季度") for line in page.lines) == 1
        verticals = [r for r in page.rules if abs(r["x0"] - r["x1"]) < 0.5]
        assert min(r["x0"] for r in verticals) == pytest.approx(35 * MM, abs=0.5)
        assert max(r["x0"] for r in verticals) == pytest.approx(260 * MM, abs=0.5)
        assert max(r["bottom"] for r in page.rules) < 184 * MM, "inside the 156 mm type area"
    rows = [line.text.split("按")[0] for p in turned for line in p.lines if "%" in line.text]
    assert len(rows) == 18 and rows[0].startswith("1新建") and rows[-1].startswith("18城市照明")
    upright = [p for p in pages if p.width < p.height]
    assert len(upright) == len(pages) - 2 and upright[-1].number == len(pages)


def test_a_landscape_page_number_is_turned_with_the_sheet(pages: list[Page]) -> None:
    """The number where the sheet's other pages have it: on the sheet's foot (the page's left side), its 一字线
    7 mm outside the type area (28 mm from the page's left), read with the sheet upright, one character in from
    the outer edge: odd pages toward the page's foot, even pages toward its head."""
    for page in (p for p in pages if p.width > p.height):
        glyphs = sorted(page.turned, key=lambda c: c["top"])
        assert "".join(c["text"] for c in glyphs) == f"—{page.number}—"
        assert all(c["matrix"][:4] == pytest.approx((0, -1, 1, 0)) for c in glyphs), "turned a quarter clockwise"
        dash = glyphs[0]
        assert (dash["x0"] + dash["x1"]) / 2 == pytest.approx(28 * MM, abs=1.5)
        one = 14.0  # 4号
        if page.number % 2:
            assert glyphs[-1]["bottom"] == pytest.approx(184 * MM - one, abs=1.0)
        else:
            assert glyphs[0]["top"] == pytest.approx(28 * MM + one, abs=1.0)
    assert not any(p.turned for p in pages if p.width < p.height)


def test_the_docx_turns_its_landscape_section(built: dict[str, Path]) -> None:
    root = etree.fromstring(zipfile.ZipFile(built["docx"]).read("word/document.xml"))
    sections = list(root.iter(f"{W}sectPr"))
    assert len(sections) == 3, "upright, landscape, upright"
    sizes = [s.find(f"{W}pgSz") for s in sections]
    assert [z.get(f"{W}orient") for z in sizes] == [None, "landscape", None]
    assert (sizes[1].get(f"{W}w"), sizes[1].get(f"{W}h")) == ("16838", "11906")
    margins = sections[1].find(f"{W}pgMar")
    assert [margins.get(f"{W}{k}") for k in ("top", "right", "bottom", "left")] == ["1587", "2098", "1474", "1984"]
    assert sections[1].find(f"{W}docGrid").get(f"{W}linePitch") == "579"
    tables = list(root.iter(f"{W}tbl"))
    turned = tables[-1]
    assert sum(int(c.get(f"{W}w")) for c in turned.iter(f"{W}gridCol")) == 16838 - 2098 - 1984


def test_the_header_is_repeated_and_rows_stay_whole(pages: list[Page]) -> None:
    with_table = table_pages(pages)
    assert len(with_table) == 2, "the long table runs onto a second page"
    for page in with_table:
        header = next(line for line in page.lines if line.text.startswith("序号"))
        assert header.text == "序号项目名称牵头单位计划投资完成投资"
        assert "黑体" in "".join(page.lines[0].fonts) or page.lines[0].fonts != page.lines[-1].fonts
    first_rows = [line.text.split("城")[0] for line in with_table[1].lines if line.text[:1].isdigit()]
    assert (first_rows and first_rows[0].startswith("13")) or first_rows[0].startswith("14")


def test_every_cells_text_is_inside_its_cell(pages: list[Page]) -> None:
    for page in table_pages(pages):
        verticals = sorted({round(r["x0"], 1) for r in page.rules if abs(r["x0"] - r["x1"]) < 0.5})
        assert len(verticals) >= 6, "six column lines: the table's sides and four between"
        tops = sorted({round(r["top"], 1) for r in page.rules if abs(r["top"] - r["bottom"]) < 1.5})
        table_chars = [c for c in page.chars if tops[0] < c["top"] < tops[-1] and c["size"] < 15]
        assert table_chars
        for c in table_chars:
            inside = [x for x in verticals if x <= c["x0"] + 0.01]
            assert inside, f"{c['text']} left of the table"
            right_edge = next(x for x in verticals if x > inside[-1] + 1)
            assert c["x1"] <= right_edge + 0.2, f"{c['text']} crosses a column line at {right_edge}"


def test_numbers_right_aligned_and_merged_cells(pages: list[Page]) -> None:
    page = table_pages(pages)[0]
    verticals = sorted({round(r["x0"], 1) for r in page.rules if abs(r["x0"] - r["x1"]) < 0.5})
    right = verticals[-1]
    numbers = [line for line in page.lines if line.text.startswith("1新建")]
    assert numbers
    row_chars = sorted((c for c in page.chars if abs(c["baseline"] - numbers[0].bottom) < 1.5), key=lambda c: c["x0"])
    assert abs(row_chars[-1]["x1"] - (right - 5.4)) < 1.0, "a right-aligned number ends at the cell's right margin"
    # 合计 spans the first three columns: one cell, its text centred across them
    last = table_pages(pages)[-1]
    total = next(line for line in last.lines if line.text.startswith("合计"))
    chars = sorted((c for c in last.chars if abs(c["baseline"] - total.bottom) < 1.5), key=lambda c: c["x0"])
    centre = (chars[0]["x0"] + chars[1]["x1"]) / 2
    columns = sorted({round(r["x0"], 1) for r in last.rules if abs(r["x0"] - r["x1"]) < 0.5})
    assert abs(centre - (columns[0] + columns[3]) / 2) < 1.5


def test_both_renderings_put_the_same_rows_on_each_page(built: dict[str, Path]) -> None:
    ours, theirs = read_pages(built["pdf"]), read_pages(built["libreoffice"])
    assert len(ours) == len(theirs)
    for p, q in zip(ours, theirs, strict=True):
        assert [line.text for line in p.lines] == [line.text for line in q.lines], f"page {p.number}"
        assert all(abs(a.bottom - b.bottom) < 1.5 for a, b in zip(p.lines, q.lines, strict=True))


def test_the_docx_table(built: dict[str, Path]) -> None:
    root = etree.fromstring(zipfile.ZipFile(built["docx"]).read("word/document.xml"))
    table = root.find(f".//{W}tbl")
    assert table is not None
    assert table.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
    widths = [int(col.get(f"{W}w")) for col in table.iter(f"{W}gridCol")]
    assert sum(widths) == int(table.find(f"{W}tblPr/{W}tblW").get(f"{W}w")) == 8845
    rows = table.findall(f"{W}tr")
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    heights = [int(row.find(f"{W}trPr/{W}trHeight").get(f"{W}val")) for row in rows]
    assert all(h % 579 in (0, 569) for h in heights), heights  # whole grid rows; the last on a page 10 twips less
    assert sum(1 for h in heights if h % 579 == 569) == 2  # the page break and the table's end
    spans = [tc for tc in table.iter(f"{W}tc") if tc.find(f"{W}tcPr/{W}gridSpan") is not None]
    assert len(spans) == 1 and spans[0].find(f"{W}tcPr/{W}gridSpan").get(f"{W}val") == "3"
    merged = [tc.find(f"{W}tcPr/{W}vMerge") for tc in table.iter(f"{W}tc")]
    assert [m.get(f"{W}val") for m in merged if m is not None] == ["restart", None]


# -- what a clerk may get wrong -------------------------------------------------------------------------------------

NOTICE = "kind: 通知\nheader: {issuers: 某某市人民政府, number: 某政〔2026〕1号}\ntitle: 关于某事的通知\nbody:\n"


@pytest.mark.parametrize(
    ("table", "words", "line"),  # line 6 holds the table
    [
        ("{rows: [[1, 2, 3], [4, 5]]}", "第 2 行占 2 列", 6),
        ("{columns: [3, 4], rows: [[1, 2, 3]]}", "columns 写了 2 列", 6),
        ("{columns: [3, abc, 4], rows: [[1, 2, 3]]}", "列宽“abc”无效", 6),
        ("{rows: [[{text: a, rowspan: 3}, b], [c]]}", "纵跨超出了表格", 6),
        ("{rows: [[[1, 2]]]}", "单元格应是文字或数字", 6),
        ("{rws: [[1]]}", "没有“rws”这个键", 6),
        ("[1, 2, 3]", "table 应写成键值对", 6),
        ("{rows: [[{text: a, span: 0}]]}", "span 应是正整数", 6),
        ("{rows: [[{text: a, colour: red}]]}", "没有“colour”这个键", 6),
        ("{header: [a, b], rows: [[1, 2, 3]]}", "表头占 2 列", 6),
        ("{title: " + "表" * 10_001 + ", rows: [[1]]}", "表格标题太长", 6),
        ("{landscape: yes please, rows: [[1]]}", "landscape 只能是 true 或 false", 6),
    ],
)
def test_a_wrong_table_is_refused_at_its_line(tmp_path: Path, table: str, words: str, line: int) -> None:
    spec = tmp_path / "t.yaml"
    spec.write_text(NOTICE + f"  - 正文。\n  - table: {table}\n", encoding="utf-8")
    with pytest.raises(docgen.SpecError) as info:
        docgen.load_spec(spec)
    assert words in str(info.value), str(info.value)
    assert info.value.line == line


def test_a_huge_table_is_refused_quickly(tmp_path: Path) -> None:
    spec = tmp_path / "t.yaml"
    rows = "".join("      - [1, 2]\n" for _ in range(5001))
    spec.write_text(NOTICE + "  - table:\n      rows:\n" + rows.replace("      - ", "        - "), encoding="utf-8")
    with pytest.raises(docgen.SpecError) as info:
        docgen.load_spec(spec)
    assert "太多了" in str(info.value)


def test_table_text_is_checked_at_its_line(tmp_path: Path) -> None:
    from docgen.check import check_spec

    spec = tmp_path / "t.yaml"
    spec.write_text(NOTICE + "  - table:\n      rows:\n        - [1, 某某项目XXX]\n", encoding="utf-8")
    found = [(f.code, f.line, f.key_path) for f in check_spec(spec) if f.code == "S002"]
    assert found == [("S002", 7, "body[0].table.rows[0][1]")]


def test_a_table_cell_keeps_every_character(tmp_path: Path) -> None:
    text = "测试𠮷Ａ１&<b>\"' 。" * 3
    document = docgen.render({"title": "标题", "body": [{"table": {"rows": [[text, "2"]]}}]})
    assert text in document.model.texts()
    xml = zipfile.ZipFile(io.BytesIO(document.to_docx())).read("word/document.xml").decode()
    assert "&amp;&lt;b&gt;" in xml


def test_a_landscape_table_first_in_the_body_leaves_the_title_and_recipients_upright(tmp_path: Path) -> None:
    """Only the table's own title (and an 附件's label and title) go onto its turned pages: the document's title
    and 主送 stay on page 1, and the 主送 is not moved to the 版记, which would not bring text onto page 1."""
    spec = tmp_path / "first.yaml"
    spec.write_text(
        NOTICE.replace("body:\n", "recipients: [各区县人民政府]\nbody:\n")
        + "  - table:\n      title: 测试表\n      landscape: true\n      columns: [3, 12]\n"
        "      header: [序号, 项目]\n      rows: [[1, 某项目]]\n  - 表后一段。\nsignature: {date: 2026-11-27}\n",
        encoding="utf-8",
    )
    document = docgen.render(spec)
    pages = read_pages_of(document.to_pdf(), tmp_path)
    assert pages[0].width < pages[0].height and pages[1].width > pages[1].height
    first = "".join(line.text for line in pages[0].lines)
    assert "关于某事的通知" in first and "各区县人民政府：" in first
    assert [line.text for line in pages[1].lines[:1]] == ["测试表"]
    assert not any("移到版记" in note for note in document.notes)


def read_pages_of(pdf: bytes, folder: Path) -> list[Page]:
    path = folder / "out.pdf"
    path.write_bytes(pdf)
    return read_pages(path)
