"""The DOCX read back as XML: page setup, grid, fonts and sizes as Word resolves them through the styles, the
structure of the 公文 (masthead, title, headings, 附件说明, attachments on new pages, signature, 版记) and footers."""

from __future__ import annotations

from pathlib import Path

import pytest

import docgen
from docgen.spec import load_spec

from .conftest import FULL_SPEC, SEED_SPEC
from .docx_xml import NS, DocxXml, q

FANGSONG, XBS, HEI, KAI, SONG = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"


@pytest.fixture(scope="module")
def seed(seed_docx: Path) -> DocxXml:
    return DocxXml(seed_docx.read_bytes())


@pytest.fixture(scope="module")
def full(full_docx: Path) -> DocxXml:
    return DocxXml(full_docx.read_bytes())


def attr(element, name: str) -> str:  # type: ignore[no-untyped-def]
    return element.get(q(f"w:{name}"))


def by_style(doc: DocxXml, name: str) -> list:  # type: ignore[type-arg]
    return [p for p in doc.paragraphs() if doc.style_name(p.style_id) == name]


def test_page_is_a4_with_gbt9704_margins(seed: DocxXml) -> None:
    size = seed.sect_pr.find("w:pgSz", NS)
    margins = seed.sect_pr.find("w:pgMar", NS)
    assert (attr(size, "w"), attr(size, "h")) == ("11906", "16838")
    # 37 / 35 / 28 / 26 mm in twips
    assert [attr(margins, side) for side in ("top", "bottom", "left", "right")] == ["2098", "1984", "1587", "1474"]
    width_mm = (11906 - 1587 - 1474) / 20 * 25.4 / 72
    height_mm = (16838 - 2098 - 1984) / 20 * 25.4 / 72
    assert abs(width_mm - 156) < 0.1 and abs(height_mm - 225) < 0.1


def test_line_grid_of_22_lines(seed: DocxXml) -> None:
    grid = seed.sect_pr.find("w:docGrid", NS)
    assert attr(grid, "type") == "lines"
    assert attr(grid, "linePitch") == "579"
    assert (16838 - 2098 - 1984) // 579 == 22
    body = seed.paragraphs()[5]
    assert seed.para_property(body, "w:spacing", "line") == "579"
    assert seed.para_property(body, "w:spacing", "lineRule") == "exact"


def test_28_characters_by_letter_spacing(seed: DocxXml) -> None:
    body = next(p for p in seed.paragraphs() if p.style_id == "Normal" and len(p.text) > 100)
    spacing = int(seed.run_property(body, None, "w:spacing", "val"))
    assert spacing == -5  # −0.25 pt
    pitch = 16 + spacing / 20
    assert 28 * pitch <= 442.25 < 29 * pitch


def test_every_style_names_an_east_asian_font_and_no_theme_fonts(seed: DocxXml) -> None:
    styles_xml = seed.zip.read("word/styles.xml").decode()
    assert "Theme" not in styles_xml.replace("w:themeFontLang", "")
    for element in seed.styles.iter(q("w:rFonts")):
        if element.getparent().getparent().get(q("w:type")) in ("table", "numbering"):
            continue
        assert attr(element, "eastAsia"), "a style without w:eastAsia would fall back to the theme font"
    defaults = seed.styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert attr(defaults.find("w:rFonts", NS), "eastAsia") == FANGSONG
    assert attr(defaults.find("w:rFonts", NS), "ascii") == "Times New Roman"
    lang = defaults.find("w:lang", NS)
    assert attr(lang, "eastAsia") == "zh-CN"


def test_body_is_3hao_fangsong_with_two_character_indent(seed: DocxXml) -> None:
    body = [p for p in seed.paragraphs() if p.style_id == "Normal" and p.text]
    assert seed.style_name("Normal") == "Normal"  # shown as 正文 in Chinese Word
    for paragraph in body:
        assert seed.east_asian_font(paragraph) == FANGSONG
        assert seed.size_pt(paragraph) == 16
        assert seed.run_property(paragraph, None, "w:rFonts", "ascii") == "Times New Roman"
        assert seed.para_property(paragraph, "w:ind", "firstLineChars") == "200"
        assert seed.para_property(paragraph, "w:jc", "val") == "both"


def test_title_is_2hao_xiaobiaosong_centred(seed: DocxXml, full: DocxXml) -> None:
    (title,) = by_style(seed, "公文标题")
    assert title.text == "全市基层党建工作重点任务推进会召开"
    assert seed.east_asian_font(title) == XBS
    assert seed.size_pt(title) == 22
    assert seed.para_property(title, "w:jc", "val") == "center"
    assert seed.run_property(title, None, "w:b", "val") is None  # 小标宋 is not set bold
    (wrapped,) = by_style(full, "公文标题")
    lines = wrapped.text.split("\n")
    assert len(lines) >= 2
    assert "".join(lines) == load_spec(FULL_SPEC).title
    widths = [sum(1 if ord(c) > 0x2000 else 0.5 for c in line) for line in lines]
    assert widths == sorted(widths, reverse=True), f"梯形: long over short, got {lines}"


def test_heading_levels_use_hei_kai_fang(full: DocxXml) -> None:
    expected = {
        "一级标题": (HEI, "一、"),
        "二级标题": (KAI, "（一）"),
        "三级标题": (FANGSONG, "1."),
        "四级标题": (FANGSONG, "（1）"),
    }
    for style, (font, label) in expected.items():
        paragraphs = by_style(full, style)
        assert paragraphs, style
        assert full.east_asian_font(paragraphs[0]) == font
        assert full.size_pt(paragraphs[0]) == 16
        assert paragraphs[0].text.startswith(label)
    assert [p.text[:2] for p in by_style(full, "一级标题")] == ["一、", "二、", "三、"]
    assert [p.text[:3] for p in by_style(full, "二级标题")] == ["（一）", "（二）"]


def test_run_in_section_headings_in_heiti(seed: DocxXml) -> None:
    run_in = [(p, text) for p in seed.paragraphs() for text, style in p.runs if style == "GwHeading1Char"]
    assert len(run_in) == 3 + 3 + 3 + 4 + 3 + 3
    first_para, first_text = run_in[0]
    assert first_text == "一、聚焦强化党建引领，搭建区域赋能平台。"
    assert seed.east_asian_font(first_para, "GwHeading1Char") == HEI
    assert first_para.text.startswith(first_text + "区委坚持把全面建立")
    # The rest of the paragraph is body text in 仿宋.
    assert seed.east_asian_font(first_para, None) == FANGSONG
    numbers = [text.split("、")[0] for _, text in run_in]
    assert numbers[:7] == ["一", "二", "三", "一", "二", "三", "一"]


def test_masthead(seed: DocxXml) -> None:
    (name,) = by_style(seed, "版头名称")
    assert name.text == "组工信息"
    assert seed.run_property(name, None, "w:color", "val") == "FF0000"
    assert seed.east_asian_font(name) == XBS
    (issue,) = by_style(seed, "版头期号")
    assert issue.text == "第12期"
    (issuer,) = by_style(seed, "版头发文")
    assert issuer.text == "中共济南市委组织部\t2023年3月15日"
    (rule,) = rules_in(issuer)
    assert rule["color"] == "FF0000"
    assert rule["width"] == pytest.approx(156 * 72 / 25.4, abs=0.1)  # the type area's width
    assert rule["top"] == pytest.approx(28.95, abs=0.1)  # one grid row below the top of the issuer line: under it
    tab = issuer.element.find("w:pPr/w:tabs/w:tab", NS)
    assert attr(tab, "val") == "right"


def test_attachment_note_single_and_numbered(seed: DocxXml, full: DocxXml) -> None:
    (note,) = by_style(seed, "附件说明")
    assert note.text == "附件：典型发言摘登"
    first, second = by_style(full, "附件说明")
    assert first.text == "附件：1.会议交流发言摘要"
    assert second.text == "2.2024年优化营商环境重点任务清单"
    # Hanging alignment: both items' names start at the same left indent.
    assert attr(first.element.find("w:pPr/w:ind", NS), "left") == attr(second.element.find("w:pPr/w:ind", NS), "left")
    assert int(attr(first.element.find("w:pPr/w:ind", NS), "hanging")) > int(
        attr(second.element.find("w:pPr/w:ind", NS), "hanging")
    )


def test_each_attachment_starts_a_new_page_with_its_label(seed: DocxXml, full: DocxXml) -> None:
    labels = by_style(full, "附件标识")
    assert [p.text for p in labels] == ["附件1", "附件2"]
    for label in labels:
        assert full.para_property(label, "w:pageBreakBefore", "val") in (None, "1", "true")
        assert label.element.find("w:pPr/w:pStyle", NS) is not None
        assert full.east_asian_font(label) == HEI and full.size_pt(label) == 16
        assert full.para_property(label, "w:jc", "val") == "left"
    style = full.style_elements["GwAnnexLabel"]
    assert style.find("w:pPr/w:pageBreakBefore", NS) is not None
    (seed_label,) = by_style(seed, "附件标识")
    assert seed_label.text == "附件"  # one attachment: no number
    titles = by_style(full, "附件标题")
    assert [t.text for t in titles] == ["会议交流发言摘要", "2024年优化营商环境重点任务清单"]
    assert full.size_pt(titles[0]) == 22 and full.east_asian_font(titles[0]) == XBS
    # Label on line 1, title on line 3: one blank grid line between them.
    assert full.para_property(labels[0], "w:spacing", "after") == "579"


def test_speeches_are_centred_headings(seed: DocxXml) -> None:
    units = [p.text for p in by_style(seed, "发言标题")]
    assert units == ["槐荫区", "天桥区", "长清区", "莱芜区", "钢城区", "商河县"]
    assert seed.para_property(by_style(seed, "发言标题")[0], "w:jc", "val") == "center"


def test_signature_unsealed(full: DocxXml) -> None:
    issuer, date = by_style(full, "署名")
    assert (issuer.text, date.text) == ("某某市人民政府办公室", "2024年5月8日")
    assert full.para_property(issuer, "w:jc", "val") == "right"
    right_issuer = int(attr(issuer.element.find("w:pPr/w:ind", NS), "right"))
    right_date = int(attr(date.element.find("w:pPr/w:ind", NS), "right"))
    assert right_issuer == 640  # 右空二字 (2 × 16 pt)
    assert right_date >= 640
    # The date's first character is two characters right of the issuer's (§7.3.5.2), within a point.
    # Widths as LibreOffice sets them: −0.25 pt between characters of one script, 3.2 pt between hanzi and digits.
    issuer_width = 10 * 16 - 9 * 0.25
    date_width = 6 * 8 + 3 * 16 + 5 * 3.2 - 3 * 0.25
    left_issuer = 442.25 - right_issuer / 20 - issuer_width
    left_date = 442.25 - right_date / 20 - date_width
    assert abs(left_date - left_issuer - 32) < 2


def test_distribution_between_thick_and_thin_rules(full: DocxXml) -> None:
    cc, printed = by_style(full, "版记")
    assert cc.text == "抄送：市委办公室，市人大常委会办公室，市政协办公室，市纪委监委，市中级人民法院，市人民检察院。"
    assert printed.text == "某某市人民政府办公室\t2024年5月8日印发"
    assert full.size_pt(cc) == 14 and full.east_asian_font(cc) == FANGSONG
    # Each rule is anchored to the line it borders, measured from that line's top (so it moves with its text when a
    # clerk edits the document): the first over 抄送, the thin one over 印发, the last under 印发.
    (top,) = rules_in(cc)
    thin, bottom = rules_in(printed)
    mm = 72 / 25.4
    assert [r["thickness"] for r in (top, thin, bottom)] == pytest.approx([0.35 * mm, 0.25 * mm, 0.35 * mm], abs=0.01)
    assert {r["color"] for r in (top, thin, bottom)} == {"000000"}
    assert all(r["width"] == pytest.approx(156 * mm, abs=0.1) for r in (top, thin, bottom))
    # Where the lines themselves are on the page (the last rule on the 版心's bottom edge) is measured in LibreOffice's
    # rendering by test_rendered.py.
    assert top["top"] == thin["top"] == 0
    assert bottom["top"] == pytest.approx(28.95, abs=0.1)  # one grid row: the bottom of the 印发 line
    # 抄送 continuation lines align after the colon: hanging indent of three 4号 characters.
    assert attr(cc.element.find("w:pPr/w:ind", NS), "hanging") == "840"
    assert full.paragraphs()[-1].text == printed.text  # 版记 is the last thing in the document


def test_page_numbers_in_odd_and_even_footers(seed: DocxXml) -> None:
    assert seed.settings.find("w:evenAndOddHeaders", NS) is not None
    rel_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    refs = {attr(r, "type"): r.get(rel_id) for r in seed.sect_pr.findall("w:footerReference", NS)}
    assert set(refs) >= {"default", "even"}
    rels = seed.part("word/_rels/document.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels}
    for kind, align, side in (("default", "right", "right"), ("even", "left", "left")):
        footer = seed.part("word/" + targets[refs[kind]])
        paragraph = footer.find("w:p", NS)
        text = "".join(t.text for t in footer.iter(q("w:t")))
        assert text == "— 1 —"
        assert footer.find(".//w:fldSimple", NS).get(q("w:instr")).strip() == "PAGE"
        ppr = paragraph.find("w:pPr", NS)
        assert attr(ppr.find("w:jc", NS), "val") == align
        assert attr(ppr.find("w:ind", NS), side) == "280"  # 空一字 of 4号
        style = seed.style_elements[attr(ppr.find("w:pStyle", NS), "val")]
        fonts = style.find("w:rPr/w:rFonts", NS)
        assert attr(fonts, "eastAsia") == attr(fonts, "ascii") == SONG  # 4号半角宋体阿拉伯数字
        assert attr(style.find("w:rPr/w:sz", NS), "val") == "28"


def test_every_spec_paragraph_reaches_the_document_in_order(seed: DocxXml) -> None:
    spec = load_spec(SEED_SPEC)
    expected = [spec.title, *spec.body]
    for speech in spec.attachments[0].speeches:
        expected.append(speech.unit)
        expected += list(speech.lead)
        for section in speech.sections:
            expected.append(section.paragraphs[0])
            expected += list(section.paragraphs[1:])
    document_text = [p.text for p in seed.paragraphs()]
    position = 0
    for text in expected:
        while position < len(document_text) and text not in document_text[position]:
            position += 1
        assert position < len(document_text), f"missing or out of order: {text[:30]}"
        position += 1


def rules_in(para) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    """Line shapes anchored in a paragraph: their position below the top of the line they are anchored to, length,
    stroke and colour."""
    wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    out = []
    for anchor in para.element.iter(f"{wp}anchor"):
        position = anchor.find(f"{wp}positionV")
        assert position.get("relativeFrom") == "line"
        assert anchor.find(f"{wp}wrapNone") is not None
        line = next(anchor.iter(f"{a}ln"))
        out.append(
            {
                "top": int(position.find(f"{wp}posOffset").text) / 12700,
                "width": int(anchor.find(f"{wp}extent").get("cx")) / 12700,
                "thickness": int(line.get("w")) / 12700,
                "color": next(line.iter(f"{a}srgbClr")).get("val"),
            }
        )
    return sorted(out, key=lambda r: r["top"])


def test_no_text_boxes_or_frames(seed: DocxXml) -> None:
    xml = seed.zip.read("word/document.xml").decode()
    for tag in ("w:framePr", "w:txbxContent", "v:textbox", "wps:txbx"):
        assert tag not in xml


def test_styles_are_in_the_gallery_for_clerks(seed: DocxXml) -> None:
    names = {seed.style_name(i) for i in seed.style_elements}
    assert {
        "Normal",
        "公文标题",
        "一级标题",
        "二级标题",
        "三级标题",
        "四级标题",
        "附件说明",
        "附件标识",
        "版记",
    } <= names
    assert "Heading 1" not in names  # the template's theme-font styles are gone
    heading = seed.style_elements["GwHeading1"]
    assert attr(heading.find("w:pPr/w:outlineLvl", NS), "val") == "0"


def test_build_is_reproducible(tmp_path: Path) -> None:
    first = docgen.render(SEED_SPEC).to_docx()
    second = docgen.render(SEED_SPEC).to_docx()
    assert first == second


def test_font_pieces_found_by_shortcut_match_those_found_character_by_character() -> None:
    # Runs are cut where a character needs another font (pinned marks after half-width text, Ext-B, emoji,
    # right-to-left); most text is handled without visiting every character, and must be cut the same way.
    import random

    from docgen.writers.docx import _segments, _segments_by_character

    alphabet = [*"关于“”‘’—…·，。a1 B-★（）", "𠮷", "😀", "ש", "١"]
    rng = random.Random(9704)
    pinned = 0
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14)))
        if text.isascii():
            continue
        assert _segments(text) == _segments_by_character(text), text
        pinned += any(kind == "pinned" for _, kind in _segments(text))
    assert pinned > 500  # the marks after Latin text were really exercised
    assert _segments("第5“有关”规定") == [("第5", None), ("“", "pinned"), ("有关”规定", None)]


def test_the_styles_part_made_once_per_profile_gives_the_same_files() -> None:
    # A service renders document after document with one profile: the styles part is built for the first and
    # parsed anew for the others. Every DOCX must be the bytes a fresh process writes (a fresh profile each).
    from docgen.style import load_profile, profile

    specs = [SEED_SPEC, FULL_SPEC, SEED_SPEC]
    fresh = []
    for spec in specs:
        profile._RESOLVED.clear()
        fresh.append(docgen.render(spec).to_docx())
    profile._RESOLVED.clear()
    again = [docgen.render(spec).to_docx() for spec in specs]
    assert again == fresh
    assert "docx styles" in load_profile("gbt9704").derived  # the part was kept with the profile and used
