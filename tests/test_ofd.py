"""The OFD writer, fed hand-built frames and read back with an independent reader (tests/ofd_reader.py): every
glyph's text and position, fonts embedded as subsets and named officially, rules, images and seal placeholders, page
sizes, reproducible bytes, the standard's XML schemas (tests/ofd_schema) and, where installed, third-party readers."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from docgen.layout.frame import FontRef, Frame, FramePage, Glyph, GlyphRun, ImageItem, Pen, RuleItem
from docgen.writers.ofd import render_ofd
from docgen.writers.ofd import subset as ofd_subset

from .conftest import use_settings
from .ofd_reader import SCHEMA_OF, Document, read_ofd, xml_parts

SCHEMAS = Path(__file__).with_name("ofd_schema")
MM = 25.4 / 72  # mm per pt
A4 = (595.2756, 841.8898)  # 210 × 297 mm in pt
TOLERANCE = 0.01  # mm

_FONTS = {
    "fangsong": (Path("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"), 0, "fonts-arphic-gbsn00lp"),
    "kaiti": (Path("/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf"), 0, "fonts-arphic-gkai00mp"),
    "heiti": (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0, "fonts-wqy-microhei"),
    "latin": (Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"), 0, "fonts-liberation"),
}
_OFFICIAL = {"fangsong": "仿宋_GB2312", "kaiti": "楷体_GB2312", "heiti": "黑体", "latin": "Times New Roman"}
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def font(face: str, family: str | None = None) -> FontRef:
    path, index, package = _FONTS[face]
    if not path.is_file():
        pytest.skip(f"缺少测试字体 {path}：apt-get install {package}")
    return FontRef(path, index, family or _OFFICIAL[face], face)


@pytest.fixture(autouse=True, scope="module")
def _own_cache(tmp_path_factory: pytest.TempPathFactory):
    """Subsets go to a cache of this module's own (shared by its tests: the same glyph sets are not subset
    twice), never the user's."""
    with pytest.MonkeyPatch.context() as patch:
        use_settings(patch, cache_dir=tmp_path_factory.mktemp("ofd-cache"), timestamp=None)
        yield


# -- building frames by hand ------------------------------------------------------------------------------------
def run(pen: Pen, text: str, x: float, y: float, step: float | None = None, jitter: float = 0.0) -> GlyphRun:
    """Glyphs ``step`` pt apart (the pen's size by default) from ``x``; ``jitter`` spreads them unevenly, as a
    justified line does, with positions that are no round number of micrometres."""
    step = pen.size if step is None else step
    glyphs = tuple(Glyph(x + i * step + (i * 0.7137 % 1.0) * jitter, ch, step) for i, ch in enumerate(text))
    return GlyphRun(pen, y, glyphs)


def seal_png(path: Path, colour: tuple[int, int, int] = (220, 0, 0)) -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (120, 120), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((4, 4, 116, 116), outline=(*colour, 255), width=8)
    image.save(path)
    return path


def body_page(number: int, pen: Pen, latin: Pen, title: Pen | None = None) -> FramePage:
    """A 公文-like page: a title, justified body lines, a Latin line with spaces, a page number."""
    items: list = []
    top = 100.0
    if title is not None:
        items.append(run(title, "关于开展基层党建工作的通知", 120.0, top))
        top += 58.0
    lines = ["全市基层党建工作重点任务推进会召开，会议强调要坚持系统谋划", "一是强化政治引领；二是夯实组织基础。"]
    for row, text in enumerate(lines * 4):
        items.append(run(pen, text, 79.37 + (32 if row % 2 == 0 else 0), top + row * 28.95, jitter=0.9))
    items.append(run(latin, "GB/T 9704-2012 and 33190", 79.37, top + 9 * 28.95, step=8.0))
    items.append(run(latin, f"— {number} —", 480.0, 800.0, step=8.0))
    return FramePage(*A4, tuple(items), number)


def expected_glyphs(page: FramePage) -> list[tuple[str, float, float]]:
    return [
        (glyph.text, glyph.x * MM, (item.y - glyph.dy) * MM)
        for item in page.items
        if isinstance(item, GlyphRun)
        for glyph in item.glyphs
    ]


def assert_glyphs(page: FramePage, read_page) -> None:
    expected = expected_glyphs(page)
    got = [(glyph.text, glyph.x, glyph.y) for glyph in read_page.glyphs]
    assert [g[0] for g in got] == [e[0] for e in expected]
    for (text, x, y), (_, gx, gy) in zip(expected, got, strict=True):
        assert abs(gx - x) <= TOLERANCE and abs(gy - y) <= TOLERANCE, (text, (x, y), (gx, gy))


@pytest.fixture(scope="module")
def pens() -> dict[str, Pen]:
    return {
        "body": Pen(font("fangsong"), 16.0),
        "title": Pen(font("fangsong", "方正小标宋简体"), 22.0, stroke=0.35),
        "heading": Pen(font("heiti"), 16.0),
        "kai": Pen(font("kaiti"), 16.0),
        "latin": Pen(font("latin"), 16.0),
        "red": Pen(font("fangsong", "方正小标宋简体"), 42.0, color="E00000", hscale=0.8),
    }


@pytest.fixture(scope="module")
def seal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seal_png(tmp_path_factory.mktemp("seal") / "seal.png")


@pytest.fixture(scope="module")
def full_frame(pens: dict[str, Pen], seal: Path, tmp_path_factory: pytest.TempPathFactory) -> Frame:
    """Everything the writer handles: several faces, a masthead in red condensed type with a red rule, stroked
    title text, 版记 rules, a seal under the text and one over it, a landscape page."""
    same_seal = tmp_path_factory.mktemp("seal-copy") / "copy.png"
    same_seal.write_bytes(seal.read_bytes())
    masthead = (
        run(pens["red"], "济南市人民政府文件", 90.0, 150.0, step=36.0),
        RuleItem(79.37, 515.91, 190.0, 1.0, "E00000", "版头分隔线"),
    )
    first = body_page(1, pens["body"], pens["latin"], pens["title"])
    first = FramePage(*A4, masthead + first.items, 1)
    second = body_page(2, pens["body"], pens["latin"])
    headings = (
        run(pens["heading"], "一、主要做法", 79.37, 420.0),
        run(pens["kai"], "（一）坚持系统谋划", 79.37, 449.0),
    )
    stamp_under = ImageItem(380.0, 560.0, 120.0, 120.0, seal, behind=True, key="印章")
    stamp_over = ImageItem(100.0, 600.0, 60.0, 60.0, same_seal, behind=False, key="骑缝章")
    signature = run(pens["body"], "中共济南市委组织部", 360.0, 620.0)
    rules = (
        RuleItem(79.37, 515.91, 700.0, 0.99, "000000", "版记分隔线"),
        RuleItem(79.37, 515.91, 729.0, 0.71, "000000", "版记分隔线"),
    )
    second = FramePage(*A4, (stamp_under, *second.items, *headings, signature, stamp_over, *rules), 2)
    landscape = FramePage(A4[1], A4[0], (run(pens["body"], "附件：横排表格", 80.0, 100.0),), 3)
    return Frame((first, second, landscape), title="关于开展基层党建工作的通知", author="中共济南市委组织部")


@pytest.fixture(scope="module")
def full_ofd(full_frame: Frame) -> bytes:
    return render_ofd(full_frame)


@pytest.fixture(scope="module")
def full_doc(full_ofd: bytes) -> Document:
    return read_ofd(full_ofd)


# -- the package ------------------------------------------------------------------------------------------------
def test_package_members_and_entry(full_ofd: bytes, full_doc: Document) -> None:
    archive = zipfile.ZipFile(io.BytesIO(full_ofd))
    names = archive.namelist()
    assert names[:4] == ["OFD.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml", "Doc_0/DocumentRes.xml"]
    assert [n for n in names if n.endswith("Content.xml")] == [f"Doc_0/Pages/Page_{i}/Content.xml" for i in range(3)]
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
    root = etree.fromstring(full_doc.parts["OFD.xml"])
    assert (root.get("Version"), root.get("DocType")) == ("1.0", "OFD")
    info = full_doc.info
    assert re.fullmatch(r"[0-9a-f]{32}", info["DocID"])
    assert info["Title"] == "关于开展基层党建工作的通知"
    assert info["Author"] == "中共济南市委组织部"
    assert info["Creator"] == "docgen"
    assert info["CreationDate"] == "2000-01-01"
    assert full_doc.doc_root == "Doc_0/Document.xml"


def test_ids_are_unique_and_max_unit_id_is_the_largest(full_doc: Document) -> None:
    ids = []
    for name in xml_parts(full_doc.parts):
        for element in etree.fromstring(full_doc.parts[name]).iter():
            if element.get("ID") is not None and not element.tag.endswith("}Page"):
                ids.append(int(element.get("ID")))
    page_ids = [page.id for page in full_doc.pages]
    assert len(set(ids + page_ids)) == len(ids) + len(page_ids)
    assert full_doc.max_unit_id == max(ids + page_ids)


def test_page_sizes_portrait_and_landscape(full_doc: Document) -> None:
    document = etree.fromstring(full_doc.parts["Doc_0/Document.xml"])
    box = document.findtext(".//{*}PageArea/{*}PhysicalBox")
    assert box == "0 0 210 297"
    assert [(page.width, page.height) for page in full_doc.pages] == [(210, 297), (210, 297), (297, 210)]
    own_area = [b"<ofd:Area>" in full_doc.parts[page.location] for page in full_doc.pages]
    assert own_area == [False, False, True]  # only the page that differs from the document's area


def test_all_landscape_document_takes_its_size_as_the_page_area(pens: dict[str, Pen]) -> None:
    page = FramePage(A4[1], A4[0], (run(pens["body"], "横排", 80.0, 100.0),))
    doc = read_ofd(render_ofd(Frame((page, page))))
    assert b"0 0 297 210" in doc.parts["Doc_0/Document.xml"]
    assert [(p.width, p.height) for p in doc.pages] == [(297, 210), (297, 210)]


# -- text -------------------------------------------------------------------------------------------------------
def test_every_glyph_text_and_position(full_frame: Frame, full_doc: Document) -> None:
    for page, read_page in zip(full_frame.pages, full_doc.pages, strict=True):
        assert_glyphs(page, read_page)
        assert read_page.text == "".join(item.text for item in page.items if isinstance(item, GlyphRun))


def test_textcode_is_relative_to_the_boundary_and_sizes_are_mm(full_doc: Document) -> None:
    obj = next(obj for obj in full_doc.pages[0].texts if obj.text.startswith("关于"))  # the title: 22 pt
    x, y, _ = obj.codes[0]
    left, top, width, height = obj.boundary
    assert 0 < x < width and 0 < y < height  # the baseline origin lies inside the Boundary
    assert obj.size == pytest.approx(22 * MM, abs=1e-4)
    first = obj.glyphs[0]
    assert (first.x, first.y) == pytest.approx((left + x, top + y))


def test_positions_do_not_drift_along_a_long_line(pens: dict[str, Pen]) -> None:
    """DeltaX are differences of rounded positions: 200 glyphs at uneven, unround places stay exact."""
    line = run(pens["body"], "党" * 200, 10.1234567, 300.987654, step=2.71828, jitter=1.0)
    page = FramePage(*A4, (line,))
    assert_glyphs(page, read_ofd(render_ofd(Frame((page,)))).pages[0])


def test_white_space_at_either_end_is_its_own_textcode(pens: dict[str, Pen]) -> None:
    """Readers that trim element content (xmltodict-based ones do) lose only white space, never a position."""
    page = FramePage(*A4, (run(pens["latin"], "  docgen writes OFD ", 80.0, 100.0, step=8.0),))
    doc = read_ofd(render_ofd(Frame((page,))))
    (obj,) = doc.pages[0].texts
    assert [code[2] for code in obj.codes] == ["  ", "docgen writes OFD", " "]
    assert_glyphs(page, doc.pages[0])


def test_a_character_beyond_the_bmp_ends_its_textcode(pens: dict[str, Pen]) -> None:
    """UTF-16 readers count 𠮷 as two characters: nothing may follow it in a TextCode with DeltaX."""
    page = FramePage(*A4, (run(pens["body"], "吉𠮷祥如意", 80.0, 100.0),))
    doc = read_ofd(render_ofd(Frame((page,))))
    assert [code[2] for code in doc.pages[0].texts[0].codes] == ["吉𠮷", "祥如意"]
    assert_glyphs(page, doc.pages[0])


def test_escaping_and_refused_control_characters(pens: dict[str, Pen]) -> None:
    page = FramePage(*A4, (run(pens["latin"], 'a<b & c>d "q"', 80.0, 100.0, step=8.0),))
    doc = read_ofd(render_ofd(Frame((page,), title='R&D <"报告">', author="甲 & 乙")))
    assert doc.pages[0].text == 'a<b & c>d "q"'
    assert (doc.info["Title"], doc.info["Author"]) == ('R&D <"报告">', "甲 & 乙")
    bad = FramePage(*A4, (run(pens["latin"], "bell\x07", 80.0, 100.0),))
    with pytest.raises(ValueError, match="控制字符 U\\+0007"):
        render_ofd(Frame((bad,)))


def test_colour_stroke_and_horizontal_scale(full_doc: Document) -> None:
    texts = full_doc.pages[0].texts
    masthead = [obj for obj in texts if obj.fill_color == "224 0 0"]
    assert "".join(obj.text for obj in masthead) == "济南市人民政府文件"
    assert len(masthead) == 9  # one glyph per object when condensed (see content.py)
    assert {(obj.hscale, obj.stroke) for obj in masthead} == {(0.8, False)}
    title = next(obj for obj in texts if obj.text.startswith("关于"))
    assert (title.fill, title.stroke) == (True, True)
    assert title.line_width == pytest.approx(0.35 * MM, abs=0.001)
    assert title.stroke_color == title.fill_color == "0 0 0"
    body = next(obj for obj in texts if obj.text.startswith("全市"))
    assert (body.stroke, body.hscale, body.fill_color) == (False, 1.0, "0 0 0")


# -- fonts ------------------------------------------------------------------------------------------------------
def test_fonts_are_embedded_and_named_officially(full_frame: Frame, full_doc: Document) -> None:
    fonts = full_doc.fonts.values()
    assert {f.name for f in fonts} == {"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "Times New Roman"}
    assert all(f.family == f.name for f in fonts)
    assert all(f.location and f.location.startswith("Doc_0/Res/") and f.data for f in fonts)
    # 仿宋 and the 小标宋 stand-in are one file here: two Font resources, one embedded subset
    by_name = {f.name: f for f in fonts}
    assert by_name["仿宋_GB2312"].location == by_name["方正小标宋简体"].location
    assert len({f.location for f in fonts}) == 4
    assert full_doc.pages[0].font_names >= {"仿宋_GB2312", "方正小标宋简体", "Times New Roman"}


def _outline(font, glyph_name: str) -> tuple:
    glyph = font["glyf"][glyph_name]
    coordinates = tuple(glyph.getCoordinates(font["glyf"])[0]) if glyph.numberOfContours else ()
    return coordinates, font["hmtx"][glyph_name][0]


def test_subsets_hold_exactly_the_glyphs_drawn_with_a_unicode_cmap(full_frame: Frame, full_doc: Document) -> None:
    from fontTools.ttLib import TTFont

    used: dict[Path, set[str]] = {}
    source: dict[str, FontRef] = {}
    for page in full_frame.pages:
        for item in page.items:
            if isinstance(item, GlyphRun):
                used.setdefault(item.pen.font.path, set()).update(item.text)
                source[item.pen.font.family] = item.pen.font
    embedded = {f.location: f for f in full_doc.fonts.values()}
    assert len(embedded) == len(used)
    for ofd_font in embedded.values():
        ref = source[ofd_font.name]
        original = TTFont(io.BytesIO(ref.path.read_bytes()), fontNumber=ref.index)
        original_cmap = original.getBestCmap()
        chars = {ch for ch in used[ref.path] if ord(ch) in original_cmap}
        subset = ofd_font.tt
        cmap = subset.getBestCmap()
        assert set(cmap) == {ord(ch) for ch in chars}  # every character drawn, and nothing else
        assert any(t.platformID == 3 and t.platEncID in (1, 10) for t in subset["cmap"].tables)  # Windows Unicode
        for ch in chars:  # each maps to the same outline and advance as in the original font
            assert _outline(subset, cmap[ord(ch)]) == _outline(original, original_cmap[ord(ch)])
        components = {
            component.glyphName
            for name in cmap.values()
            if subset["glyf"][name].isComposite()
            for component in subset["glyf"][name].components
        }
        assert set(subset.getGlyphOrder()) == {".notdef", *cmap.values(), *components}


def test_shaped_glyphs_keep_their_text_through_cgtransform() -> None:
    """A ligature chosen by shaping (gid set): the text stays "fi", the glyph is the ligature, by its id in the
    embedded subset, not the original font's."""
    from fontTools.ttLib import TTFont

    pen = Pen(font("latin"), 20.0)
    original = TTFont(io.BytesIO(pen.font.path.read_bytes()))
    ligature = original.getGlyphID("uniFB01")
    glyphs = (
        Glyph(100.0, "o", 10.0),
        Glyph(110.0, "fi", 11.1, gid=ligature),
        Glyph(121.1, "c", 8.9),
        Glyph(130.0, "e", 8.9),
    )
    page = FramePage(*A4, (GlyphRun(pen, 200.0, glyphs),))
    data = render_ofd(Frame((page,)))
    doc = read_ofd(data)
    assert doc.pages[0].text == "ofice"
    assert_glyphs(page, doc.pages[0])
    fi = next(glyph for glyph in doc.pages[0].glyphs if glyph.mapped)
    subset = doc.pages[0].texts[0].font.tt
    assert fi.text == "fi" and fi.glyph_id != ligature  # renumbered in the subset…
    assert _outline(subset, subset.getGlyphName(fi.glyph_id)) == _outline(original, "uniFB01")  # …same glyph
    content = doc.parts["Doc_0/Pages/Page_0/Content.xml"].decode()
    assert f'<ofd:CGTransform CodePosition="0" CodeCount="2" GlyphCount="1"><ofd:Glyphs>{fi.glyph_id}<' in content


def test_arabic_shaped_by_harfbuzz_with_marks_and_ligatures() -> None:
    """Right-to-left Arabic, joined and with a lam-alef ligature and a fatha placed by HarfBuzz's offsets, as the
    layout hands it over: glyphs left to right (x with the mark's offset, dy raising it), each cluster's text on
    its first glyph."""
    if not DEJAVU.is_file():
        pytest.skip("缺少 DejaVu Sans（fonts-dejavu-core）")
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont

    size = 20.0
    pen = Pen(FontRef(DEJAVU, 0, "DejaVu Sans", "arabic"), size)
    text = "سلام بَ"
    face = hb.Face(hb.Blob.from_file_path(str(DEJAVU)))
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(hb.Font(face), buffer, {})
    clusters = sorted({info.cluster for info in buffer.glyph_infos})
    ends = dict(zip(clusters, [*clusters[1:], len(text)], strict=True))
    seen: set[int] = set()
    glyphs = []
    x = 100.0
    for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
        own = "" if info.cluster in seen else text[info.cluster : ends[info.cluster]]
        seen.add(info.cluster)
        scale = size / face.upem
        offset = position.x_offset * scale
        glyphs.append(Glyph(x + offset, own, position.x_advance * scale, info.codepoint, position.y_offset * scale))
        x += position.x_advance * scale
    page = FramePage(*A4, (GlyphRun(pen, 200.0, tuple(glyphs)),))
    doc = read_ofd(render_ofd(Frame((page,))))
    read_page = doc.pages[0]
    assert sorted(read_page.text) == sorted(text)
    assert_glyphs(page, read_page)
    original = TTFont(io.BytesIO(DEJAVU.read_bytes()))
    subset = read_page.texts[0].font.tt
    for frame_glyph, glyph in zip(glyphs, read_page.glyphs, strict=True):
        assert glyph.mapped
        assert _outline(subset, subset.getGlyphName(glyph.glyph_id)) == _outline(
            original, original.getGlyphName(frame_glyph.gid)
        )
    assert any(len(g.text) == 2 for g in read_page.glyphs)  # the lam-alef: two characters, one glyph


# -- rules, images, seals ---------------------------------------------------------------------------------------
def test_rules_are_stroked_paths(full_frame: Frame, full_doc: Document) -> None:
    for page, read_page in zip(full_frame.pages, full_doc.pages, strict=True):
        rules = [item for item in page.items if isinstance(item, RuleItem)]
        assert len(read_page.paths) == len(rules)
        for rule, path in zip(rules, read_page.paths, strict=True):
            ((x0, y0, x1, y1),) = path.segments
            assert (x0, y0, x1, y1) == pytest.approx((rule.x0 * MM, rule.y * MM, rule.x1 * MM, rule.y * MM), abs=0.01)
            assert path.line_width == pytest.approx(rule.width * MM, abs=0.001)
            assert (path.stroke, path.fill) == (True, False)
            value = int(rule.color, 16)
            assert path.stroke_color == f"{value >> 16} {(value >> 8) & 255} {value & 255}"


def test_images_in_drawing_order_and_embedded_once(full_frame: Frame, full_doc: Document, seal: Path) -> None:
    page = full_doc.pages[1]
    kinds = [type(obj).__name__ for obj in page.objects]
    assert kinds[0] == "Image" and kinds[-1] == "Image"  # under the text first; over it after everything
    assert "Image" not in kinds[1:-1]
    frame_images = [item for item in full_frame.pages[1].items if isinstance(item, ImageItem)]
    by_key = {True: frame_images[0], False: frame_images[1]}
    for image, item in zip(page.images, (by_key[True], by_key[False]), strict=True):
        assert image.box == pytest.approx((item.x * MM, item.y * MM, item.width * MM, item.height * MM), abs=0.01)
        assert image.format == "PNG" and image.data == seal.read_bytes()
    media = [name for name in full_doc.parts if name.startswith("Doc_0/Res/image_")]
    assert media == ["Doc_0/Res/image_0.png"]  # the same picture under two names: one resource


def test_a_stamp_annotation_marks_each_seal(full_doc: Document) -> None:
    page = full_doc.pages[1]
    assert [(a.type, a.subtype, a.parameters) for a in page.annotations] == [
        ("Stamp", "SealPlaceholder", {"key": "印章"}),
        ("Stamp", "SealPlaceholder", {"key": "骑缝章"}),
    ]
    for annotation, image in zip(page.annotations, page.images, strict=True):
        assert annotation.boundary == pytest.approx(image.box, abs=0.001)
    assert not full_doc.pages[0].annotations


def test_unreadable_or_foreign_image_is_an_output_error(pens: dict[str, Pen], tmp_path: Path) -> None:
    from docgen.errors import OutputError

    text = tmp_path / "seal.png"
    text.write_text("not a picture")
    for path in (tmp_path / "missing.png", text):
        page = FramePage(*A4, (ImageItem(10, 10, 50, 50, path),))
        with pytest.raises(OutputError) as caught:
            render_ofd(Frame((page,)))
        assert "图片" in caught.value.message and caught.value.file == str(path)


# -- the schemas ------------------------------------------------------------------------------------------------
def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def test_every_xml_part_is_valid_by_the_standards_schemas(full_doc: Document) -> None:
    schemas: dict[str, etree.XMLSchema] = {}
    checked = set()
    for name in xml_parts(full_doc.parts):
        xsd = next(xsd for pattern, xsd in SCHEMA_OF if pattern.search(name))
        schema = schemas.get(xsd) or schemas.setdefault(xsd, _schema(xsd))
        assert schema.validate(etree.fromstring(full_doc.parts[name])), (name, str(schema.error_log))
        checked.add(xsd)
    assert checked == {"OFD.xsd", "Document.xsd", "Res.xsd", "Page.xsd", "Annotations.xsd", "Annotation.xsd"}


@pytest.mark.parametrize(
    ("xsd", "part", "old", "new"),  # old: a regular expression, replaced once
    [
        # DocInfo's CreationDate is an xs:date: a date with a time is refused
        ("OFD.xsd", "OFD.xml", "<ofd:CreationDate>2000-01-01<", "<ofd:CreationDate>2000-01-01T00:00:00<"),
        # DocInfo is a sequence: Creator before CreationDate is refused
        ("OFD.xsd", "OFD.xml", r"(<ofd:CreationDate>.*?</ofd:CreationDate>)\n(<ofd:Creator>docgen</ofd:Creator>)",
         r"\2\n\1"),
        # TextObject wants FillColor before StrokeColor — the opposite of PathObject's order
        ("Page.xsd", "Content.xml", '<ofd:FillColor Value="0 0 0"/><ofd:StrokeColor Value="0 0 0"/>',
         '<ofd:StrokeColor Value="0 0 0"/><ofd:FillColor Value="0 0 0"/>'),
        # TextCode allows no other attribute: xml:space="preserve" cannot protect white space
        ("Page.xsd", "Content.xml", "<ofd:TextCode ", '<ofd:TextCode xml:space="preserve" '),
        # IDs are xs:unsignedInt, not names
        ("Res.xsd", "PublicRes.xml", '<ofd:Font ID="1"', '<ofd:Font ID="F1"'),
        # an Annot must have an Appearance, even an empty placeholder
        ("Annotation.xsd", "Annotation.xml", "<ofd:Appearance [^>]*/>", ""),
    ],
)  # fmt: skip
def test_schema_quirks_the_writer_respects(full_doc: Document, xsd: str, part: str, old: str, new: str) -> None:
    """What the schemas refuse that a writer could easily get wrong; the writer's output is the accepted form."""
    name = next(n for n in xml_parts(full_doc.parts) if n.endswith(part) and re.search(old, full_doc.parts[n].decode()))
    schema = _schema(xsd)
    xml = full_doc.parts[name].decode()
    assert schema.validate(etree.fromstring(xml.encode()))
    changed = re.sub(old, new, xml, count=1)
    assert changed != xml
    assert not schema.validate(etree.fromstring(changed.encode()))


# -- reproducibility, the cache, speed -------------------------------------------------------------------------
def test_same_frame_same_bytes(full_frame: Frame, full_ofd: bytes, tmp_path: Path, monkeypatch) -> None:
    assert render_ofd(full_frame) == full_ofd
    use_settings(monkeypatch, cache_dir=tmp_path / "cold")  # subsets made anew, not read from a cache
    assert render_ofd(full_frame) == full_ofd


def test_doc_id_and_creation_date(full_frame: Frame, full_doc: Document, monkeypatch) -> None:
    seeded = read_ofd(render_ofd(full_frame, doc_id_seed=b"spec.yaml"))
    assert seeded.info["DocID"] != full_doc.info["DocID"]
    assert read_ofd(render_ofd(full_frame, doc_id_seed=b"spec.yaml")).info["DocID"] == seeded.info["DocID"]
    changed = Frame(full_frame.pages[:2], title=full_frame.title, author=full_frame.author)
    assert read_ofd(render_ofd(changed)).info["DocID"] != full_doc.info["DocID"]
    dated = read_ofd(render_ofd(full_frame, creation_date=dt.date(2023, 3, 15)))
    assert dated.info["CreationDate"] == "2023-03-15"
    use_settings(monkeypatch, timestamp=1678838400)  # 2023-03-15 00:00 UTC
    assert read_ofd(render_ofd(full_frame)).info["CreationDate"] == "2023-03-15"


def test_subsets_are_cached_and_a_broken_cache_is_skipped(pens: dict[str, Pen], tmp_path: Path, monkeypatch) -> None:
    frame = Frame((FramePage(*A4, (run(pens["kai"], "缓存里的字形", 80.0, 100.0),)),))
    use_settings(monkeypatch, cache_dir=tmp_path / "cache")
    first = render_ofd(frame)
    entries = list((tmp_path / "cache" / "ofd-subsets").glob("*.bin"))
    assert len(entries) == 1

    def no_subsetting(*args):
        raise AssertionError("subset made again although it is cached")

    with monkeypatch.context() as patch:
        patch.setattr(ofd_subset, "_make_subset", no_subsetting)
        assert render_ofd(frame) == first
    entries[0].write_bytes(b"docgen-ofd-subset 1\n{broken")  # a damaged entry is made again
    assert render_ofd(frame) == first
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    use_settings(monkeypatch, cache_dir=blocked)  # the cache cannot be created: no cache, same output
    assert render_ofd(frame) == first


def test_another_process_writes_the_same_bytes_without_fonttools(
    full_frame: Frame, full_ofd: bytes, tmp_path: Path
) -> None:
    """Same frame, same bytes in a fresh process (no state of this one: hash seeds, memo tables); with the subsets
    cached, fontTools' subsetter is not even imported."""
    import hashlib
    import pickle

    from docgen.cache import cache_root

    frame_file = tmp_path / "frame.pickle"
    frame_file.write_bytes(pickle.dumps(full_frame))
    script = textwrap.dedent(
        f"""
        import hashlib, pickle, sys
        import docgen
        docgen.configure(cache_dir={str(cache_root())!r})  # this module's cache
        from docgen.writers.ofd import render_ofd
        data = render_ofd(pickle.loads(open({str(frame_file)!r}, "rb").read()))
        sys.stdout.write(str("fontTools.subset" in sys.modules) + " " + hashlib.sha256(data).hexdigest())
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=os.environ, check=True)
    assert out.stdout == f"False {hashlib.sha256(full_ofd).hexdigest()}"


def test_twenty_pages_are_written_quickly(pens: dict[str, Pen]) -> None:
    """A 20-page frame (22 lines of 28 characters a page). With the subsets cached this takes some 30 ms here; the
    bound leaves room for a slow machine. The first build also makes the subsets (0.4–0.8 s a CJK face)."""
    chars = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]
    pages = []
    for number in range(20):
        items = []
        for row in range(22):
            text = "".join(chars[(number * 616 + row * 28 + k) % len(chars)] for k in range(28))
            items.append(run(pens["body"], text, 79.37, 110.0 + row * 28.95, jitter=0.3))
        items.append(run(pens["latin"], f"— {number + 1} —", 480.0, 800.0, step=8.0))
        pages.append(FramePage(*A4, tuple(items), number + 1))
    frame = Frame(tuple(pages))
    render_ofd(frame)  # makes (or reads) the subsets
    start = time.perf_counter()
    data = render_ofd(frame)
    elapsed = time.perf_counter() - start
    assert len(read_ofd(data).pages) == 20
    assert elapsed < 1.0, f"{elapsed:.3f} s"


def test_empty_frame_is_refused() -> None:
    with pytest.raises(ValueError, match="没有任何页面"):
        render_ofd(Frame(()))


# -- third-party readers (test-only, used where installed) ------------------------------------------------------
def _reader_frame(pens: dict[str, Pen], seal: Path) -> Frame:
    """Text in three faces, a red rule and a seal: what a third-party renderer can show (none of them draws a
    stroke or a horizontal scale)."""
    items = (
        run(pens["body"], "全市基层党建工作重点任务推进会召开", 79.37, 200.0, jitter=0.6),
        run(pens["heading"], "一、主要做法", 79.37, 240.0),
        run(pens["latin"], "GB/T 33190-2016", 79.37, 280.0, step=8.5),
        RuleItem(79.37, 515.91, 300.0, 1.0, "E00000", "版头分隔线"),
        run(pens["body"], "中共济南市委组织部", 380.0, 620.0),
        ImageItem(380.0, 560.0, 120.0, 120.0, seal, behind=False, key="印章"),
    )
    return Frame((FramePage(*A4, items, 1),), title="读者测试")


def test_ofdkit_reads_the_text_and_where_each_textcode_starts(pens: dict[str, Pen], seal: Path) -> None:
    """ofdkit (a text reader on PyPI, Apache-2.0, no dependencies) reads the same text from the same places."""
    ofdkit = pytest.importorskip("ofdkit")
    frame = _reader_frame(pens, seal)
    document = ofdkit.open(render_ofd(frame))
    (page,) = document.pages
    runs = [r for r in page.runs if r.text.strip()]
    frame_runs = [item for item in frame.pages[0].items if isinstance(item, GlyphRun)]
    assert [r.text for r in runs] == [item.text for item in frame_runs]
    for read, item in zip(runs, frame_runs, strict=True):
        assert (read.x, read.y) == pytest.approx((item.glyphs[0].x * MM, item.y * MM), abs=TOLERANCE)
    assert document.info.title == "读者测试"


def _paint_reference(frame: Frame) -> bytes:
    """The frame drawn straight with reportlab from the original font files: what the OFD should look like."""
    from reportlab.lib.colors import HexColor
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    page = frame.pages[0]
    canvas = Canvas(out, pagesize=(page.width, page.height))
    names: dict[FontRef, str] = {}
    for item in page.items:
        if isinstance(item, GlyphRun):
            ref = item.pen.font
            if ref not in names:
                names[ref] = f"ofd-test-reference-{len(names)}"
                pdfmetrics.registerFont(TTFont(names[ref], str(ref.path), subfontIndex=ref.index))
            canvas.setFont(names[ref], item.pen.size)
            canvas.setFillColor(HexColor("#" + item.pen.color))
            for glyph in item.glyphs:
                canvas.drawString(glyph.x, page.height - item.y + glyph.dy, glyph.text)
        elif isinstance(item, RuleItem):
            canvas.setStrokeColor(HexColor("#" + item.color))
            canvas.setLineWidth(item.width)
            canvas.line(item.x0, page.height - item.y, item.x1, page.height - item.y)
        else:
            canvas.drawImage(
                str(item.path), item.x, page.height - item.y - item.height, item.width, item.height, mask="auto"
            )
    canvas.save()
    return out.getvalue()


def _ink(pdf: bytes, width_px: int):
    import numpy as np
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(pdf)[0]
    image = page.render(scale=width_px / page.get_width()).to_pil().convert("L")
    return np.asarray(image) < 160


def test_ofd2img_renders_the_frame_with_the_embedded_fonts(pens: dict[str, Pen], seal: Path, tmp_path: Path) -> None:
    """ofd2img (PyPI, Apache-2.0; OFD → PDF with reportlab) draws the OFD; its PDF must have every character where
    the frame has it, in the embedded subsets, and look like the frame drawn directly (ink overlap ≥ 90 %).

    ofd2img registers an embedded font under its file's name (font_0) but looks fonts up by FontName, so it would
    draw every text in some system font; the copy it is given names each Font after its file. Its import scans the
    system's fonts and it writes font files into the working folder: it runs in a child process in tmp_path."""
    import importlib.util

    if importlib.util.find_spec("ofd2img") is None:
        pytest.skip("ofd2img is not installed (a test-only reader: pip install ofd2img)")
    import numpy as np
    import pdfplumber

    frame = _reader_frame(pens, seal)
    source = zipfile.ZipFile(io.BytesIO(render_ofd(frame)))
    given = tmp_path / "given.ofd"
    with zipfile.ZipFile(given, "w") as copy:
        for name in source.namelist():
            data = source.read(name)
            if name.endswith("PublicRes.xml"):
                data = re.sub(rb'FontName="[^"]*" FamilyName="[^"]*"><ofd:FontFile>(font_\d+)\.ttf',
                              rb'FontName="\1" FamilyName="\1"><ofd:FontFile>\1.ttf', data)  # fmt: skip
            copy.writestr(name, data)
    script = (
        "import sys, warnings; warnings.simplefilter('ignore')\n"
        "from ofd2img.ofd import OFD\n"
        "o = OFD(); o.read(sys.argv[1], fmt='path'); open(sys.argv[2], 'wb').write(o.to_pdf())\n"
    )
    rendered = tmp_path / "ofd2img.pdf"
    subprocess.run(
        [sys.executable, "-c", script, str(given), str(rendered)], cwd=tmp_path, capture_output=True, check=True
    )
    pdf = rendered.read_bytes()

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        scale = float(page.width) / 210.0  # ofd2img draws 1 mm as this many PDF units
        chars = [c for c in page.chars if c["text"].strip()]
        got = [(c["text"], c["matrix"][4] / scale, (float(page.height) - c["matrix"][5]) / scale) for c in chars]
        fonts = {c["fontname"].split("+")[-1] for c in chars}
    expected = [g for g in expected_glyphs(frame.pages[0]) if g[0].strip()]
    assert [g[0] for g in got] == [g[0] for g in expected]
    for (text, x, y), (_, gx, gy) in zip(expected, got, strict=True):
        assert abs(gx - x) <= 0.02 and abs(gy - y) <= 0.02, (text, (x, y), (gx, gy))
    # the subsets' own names (AR PL SungtiL GB's is BousungEG-Light-GB): no system font stood in
    assert fonts == {"BousungEG-Light-GB", "WenQuanYiMicroHei", "LiberationSerif"}

    ours, reference = _ink(pdf, 1240), _ink(_paint_reference(frame), 1240)
    overlap = np.logical_and(ours, reference).sum() / np.logical_or(ours, reference).sum()
    assert overlap >= 0.9, f"ink overlap {overlap:.3f}"


def test_the_subset_cache_keeps_the_most_recent_entries_only(pens: dict[str, Pen], tmp_path: Path, monkeypatch) -> None:
    # One entry per font and distinct document: a service building its users' documents would fill the disk.
    use_settings(monkeypatch, cache_dir=tmp_path / "cache")
    monkeypatch.setattr(ofd_subset, "KEEP_ON_DISK", 3)
    folder = tmp_path / "cache" / "ofd-subsets"
    texts = ["甲乙", "丙丁", "戊己", "庚辛", "壬癸"]
    for text in texts:
        render_ofd(Frame((FramePage(*A4, (run(pens["kai"], text, 80.0, 100.0),)),)))
    assert len(list(folder.glob("*.bin"))) == 3
    outside = tmp_path / "outside.bin"
    outside.write_bytes(b"")
    (folder / "0link.bin").symlink_to(outside)  # an old-looking link: removed, its target kept
    os.utime(folder / "0link.bin", (0, 0), follow_symlinks=False)
    render_ofd(Frame((FramePage(*A4, (run(pens["kai"], "子丑", 80.0, 100.0),)),)))
    assert outside.exists() and not (folder / "0link.bin").is_symlink()
    assert len(list(folder.glob("*.bin"))) == 3
