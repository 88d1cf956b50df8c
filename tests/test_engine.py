"""The engine's contracts: every block type handled by every stage, kinds as data (a new kind needs no Python), the
field table driving check, frames that writers only serialize, Latin measured with the font that draws it."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
import yaml

import docgen
from docgen.check import check_spec
from docgen.check.texts import spec_texts
from docgen.layout.compose import COMPOSERS
from docgen.layout.frame import FontRef, Frame, FramePage, Glyph, GlyphRun, Pen, RuleItem
from docgen.model.blocks import BLOCK_TYPES
from docgen.model.parse import TAGS, parse_markup
from docgen.model.texts import TEXTS
from docgen.template import builtin_templates_dir
from docgen.writers.docx import WRITERS as DOCX_WRITERS

from .conftest import ROOT
from .docx_xml import DocxXml

VERA = Path(__import__("reportlab").__file__).parent / "fonts" / "Vera.ttf"  # a TrueType font every install has
MM = 72 / 25.4


# -- one handler per block type in every stage ---------------------------------------------------------------------

MINIMAL = {
    "text": '<text role="body">x</text>',
    "paragraph": "<paragraph>x</paragraph>",
    "heading": '<heading level="1" number="1">x</heading>',
    "title": "<title>x</title>",
    "split": '<split role="body"><left>a</left><right>b</right></split>',
    "hanging": '<hanging role="body" prefix="p"><item>x</item></hanging>',
    "signature": '<signature issuer="x" date="y"/>',
    "mark": '<mark role="title" suffix="文件"><name>x</name></mark>',
    "signers": '<signers role="body" number="n" label="签发人："><name>x</name></signers>',
    "rule": '<rule key="masthead"/>',
    "blank": '<blank rows="1"/>',
    "group": '<group at="bottom"><text role="body">x</text></group>',
    "table": '<table><row header="true"><cell>h</cell></row><row><cell>x</cell></row></table>',
}


def test_every_block_type_has_a_handler_in_every_stage() -> None:
    assert set(MINIMAL) == set(TAGS), "a markup tag without a case here"
    made = {type(parse_markup(f"<document>{markup}</document>", _nowhere).blocks[0]) for markup in MINIMAL.values()}
    assert made == set(BLOCK_TYPES), "a block type no markup makes"
    for stage, handlers in (("layout", COMPOSERS), ("docx", DOCX_WRITERS), ("texts", TEXTS)):
        assert set(handlers) == set(BLOCK_TYPES), f"the {stage} stage lacks a handler"


def _nowhere(at: str | None, line: int, snippet: str) -> docgen.SourceRef:
    return docgen.SourceRef("<test>", line)


def test_a_markup_error_points_at_the_template_line_that_wrote_the_tag(tmp_path: Path) -> None:
    folder = tmp_path / "t" / "meeting-summary"
    folder.mkdir(parents=True)
    (folder / "document.xml").write_text(
        '{% extends "builtin/meeting-summary/document.xml" %}\n{% block body %}\n<paragraph>甲</paragraph>\n'
        '<paragraph>乙</paragraph>\n<text role="body" align="middle">丙</text>\n{% endblock %}\n',
        encoding="utf-8",
    )
    with pytest.raises(docgen.TemplateError) as info:
        docgen.render("title: 标题\nbody: [正文]\n", templates=tmp_path / "t")
    assert info.value.line == 5 and info.value.file.endswith("document.xml")


# -- a kind is data ----------------------------------------------------------------------------------------------


def _circular_kind(root: Path) -> Path:
    """A kind no docgen Python knows: 传阅件 (a circular), with a field of its own."""
    kind = root / "templates" / "circular"
    kind.mkdir(parents=True)
    (kind / "kind.yaml").write_text(
        "name: circular\nnames: [传阅件]\nlabel: 传阅件\nfields:\n"
        "  title: {type: text, required: true, label: 标题, check: title}\n"
        "  readers: {type: list, of: {type: text, label: 传阅人, check: name}, label: 传阅人, required: true}\n"
        "  deadline: {type: date, label: 传阅期限}\n"
        "  body: {part: body, required: true}\n"
        "  signature: {part: signature}\n",
        encoding="utf-8",
    )
    (kind / "document.xml").write_text(
        '{% import "parts/macros.xml" as parts %}\n'
        '<document title="{{ spec.title }}">\n'
        "<title>{{ spec.title }}</title>\n"
        '<hanging role="distribution" prefix="传阅：">\n'
        "<item>{{ spec.readers | join('、') }}</item>\n"
        "</hanging>\n"
        '{% if spec.deadline %}<text role="attachment-note">请于{{ spec.deadline | cn_date }}前阅毕。</text>'
        "{% endif %}\n"
        "{{ parts.body(spec.body) }}\n"
        '{% if spec.signature %}<signature issuer="{{ spec.signature.issuer }}" '
        'date="{{ spec.signature.date | cn_date }}"/>{% endif %}\n'
        "</document>\n",
        encoding="utf-8",
    )
    spec = root / "spec.yaml"
    spec.write_text(
        "kind: 传阅件\ntemplates: templates\ntitle: 关于传阅安全生产文件的说明\n"
        "readers: [张三, 李四, 王五]\ndeadline: 2024-06-01\nbody:\n  - 请各位同志认真阅读。\n"
        "  - heading: 注意事项\n  - 阅后签名。\nsignature: {issuer: 办公室, date: 2024-05-20}\n",
        encoding="utf-8",
    )
    return spec


def test_a_kind_in_a_folder_validates_checks_and_builds_without_python(tmp_path: Path) -> None:
    spec = _circular_kind(tmp_path)
    loaded = docgen.load_spec(spec)
    assert loaded.kind == "circular" and loaded.readers == ("张三", "李四", "王五")
    written = docgen.build(spec, out_dir=tmp_path / "out")
    assert sorted(p.suffix for p in written) == [".docx", ".pdf"]
    docx_text = "".join(p.text for p in DocxXml(written[0].read_bytes()).paragraphs())
    assert "传阅：张三、李四、王五" in docx_text and "请于2024年6月1日前阅毕。" in docx_text
    with pdfplumber.open(written[1]) as pdf:
        drawn = "".join(c["text"] for page in pdf.pages for c in page.chars)
    assert "传阅：张三、李四、王五" in drawn and "一、注意事项" in drawn
    # Its field table drives validation (every problem at once) and check.
    bad = (
        spec.read_text(encoding="utf-8")
        .replace("deadline: 2024-06-01", "deadline: 下周")
        .replace("readers: [张三, 李四, 王五]", "readerz: [张三]")
    )
    spec.write_text(bad, encoding="utf-8")
    with pytest.raises(docgen.SpecError) as info:
        docgen.load_spec(spec)
    problems = {d.key_path for d in info.value.diagnostics}
    assert {"readerz", "readers", "deadline"} <= problems
    spec.write_text(bad.replace("readerz: [张三]", "readers: [张三XXX]").replace("下周", "2024-06-01"), "utf-8")
    placeholders = [f for f in check_spec(spec) if f.code == "S002"]
    assert [f.key_path for f in placeholders] == ["readers[0]"]


def _examples() -> list[Path]:
    return sorted(
        kind / "example.yaml" for kind in builtin_templates_dir().iterdir() if (kind / "example.yaml").is_file()
    )


@pytest.mark.parametrize("example", _examples(), ids=lambda p: p.parent.name)
def test_a_placeholder_in_every_text_field_of_every_example_is_found(tmp_path: Path, example: Path) -> None:
    """The field table says which values are prose; check must read every one of them, at its own line."""
    original = docgen.load_spec(example)
    paths = [item.path for item in spec_texts(original)]
    assert len(paths) > 5
    data = yaml.safe_load(example.read_text(encoding="utf-8"))
    for path in paths:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = "XXX" + str(target[path[-1]])
    planted = tmp_path / "planted.yaml"
    planted.write_text(yaml.safe_dump(data, allow_unicode=True, width=10**6, sort_keys=False), encoding="utf-8")
    loaded = docgen.load_spec(planted)
    found = {f.key_path: f.line for f in check_spec(loaded) if f.code == "S002"}
    for item in spec_texts(loaded):
        assert item.key_path in found, f"no placeholder found in {item.key_path}"
        assert found[item.key_path] == loaded.source.value_marks[item.path][0]


# -- the frame: writers serialize it -------------------------------------------------------------------------------


def test_the_pdf_writer_draws_a_hand_built_frame_where_it_says() -> None:
    from docgen.fonts.book import FontBook, registered_font
    from docgen.writers.pdf import render_pdf

    pen = Pen(FontRef(VERA, 0, "Vera"), 20.0, "FF0000")
    # advances as the font draws them (the frame's contract); positions not evenly spaced, each where it says
    glyphs = tuple(
        Glyph(x, ch, FontBook.width(registered_font(VERA), ch, 20.0))
        for x, ch in ((100.0, "A"), (115.0, "B"), (130.0, "C"))
    )
    page = FramePage(
        595.28,
        841.89,
        (GlyphRun(pen, 200.0, glyphs), RuleItem(50.0, 300.0, 400.0, 2.0, "0000FF", "test")),
        1,
    )
    with pdfplumber.open(io.BytesIO(render_pdf(Frame((page,), "t")))) as pdf:
        chars = pdf.pages[0].chars
        assert [c["text"] for c in chars] == ["A", "B", "C"]
        assert [round(c["x0"], 2) for c in chars] == [100.0, 115.0, 130.0]
        assert all(round(841.89 - c["matrix"][5], 2) == 200.0 for c in chars)
        assert chars[0]["non_stroking_color"] in ((1, 0, 0), [1, 0, 0])
        (line,) = pdf.pages[0].lines
        assert (round(line["x0"]), round(line["x1"]), round(line["top"])) == (50, 300, 400)  # a line: its centre at y


@pytest.mark.parametrize("compact", [False, True])
def test_the_pdf_and_ofd_writers_read_compact_glyphs_as_glyph_tuples(compact: bool) -> None:
    # A line's text reaches the writers as PlainGlyphs (arrays and a string); a hand-built frame gives tuples.
    # Both must draw the same page, and PlainGlyphs must read, compare and hash as the tuple of its glyphs.
    from array import array

    from docgen.fonts.book import FontBook, registered_font
    from docgen.layout.frame import PlainGlyphs
    from docgen.writers.ofd import render_ofd
    from docgen.writers.pdf import render_pdf

    pen = Pen(FontRef(VERA, 0, "Vera"), 20.0)
    xs, text = [100.0, 115.5, 130.25], "ABC"
    advances = [FontBook.width(registered_font(VERA), ch, 20.0) for ch in text]
    tuples = tuple(Glyph(x, ch, w) for x, ch, w in zip(xs, text, advances, strict=True))
    packed = PlainGlyphs(array("d", xs), text, array("d", advances))
    assert tuple(packed) == tuples and packed == tuples and tuples == packed and hash(packed) == hash(tuples)
    assert packed[1] == tuples[1] and packed[1:] == tuples[1:] and len(packed) == 3
    assert packed != PlainGlyphs(array("d", [100.0, 115.5, 130.0]), text, array("d", advances))
    with pytest.raises(ValueError):
        PlainGlyphs(array("d", xs[:2]), text, array("d", advances))
    run = GlyphRun(pen, 200.0, packed if compact else tuples)
    assert run.text == "ABC" and run == GlyphRun(pen, 200.0, tuples)
    frame = Frame((FramePage(595.28, 841.89, (run,), 1),), "t")
    with pdfplumber.open(io.BytesIO(render_pdf(frame))) as pdf:
        chars = pdf.pages[0].chars
        assert [(c["text"], round(c["x0"], 2)) for c in chars] == [("A", 100.0), ("B", 115.5), ("C", 130.25)]
    tuple_frame = Frame((FramePage(595.28, 841.89, (GlyphRun(pen, 200.0, tuples),), 1),), "t")
    assert render_pdf(frame) == render_pdf(tuple_frame)
    assert render_ofd(frame) == render_ofd(tuple_frame)


def test_the_text_of_lines_is_framed_compactly(tmp_path: Path) -> None:
    from docgen.layout.frame import PlainGlyphs

    frame = docgen.render(ROOT / "specs" / "notice.yaml").frame
    runs = [item for page in frame.pages for item in page.items if isinstance(item, GlyphRun)]
    compact = [run for run in runs if isinstance(run.glyphs, PlainGlyphs)]
    assert len(compact) > len(runs) * 0.8  # every line's text; page numbers are set glyph by glyph
    assert sum(len(run.glyphs) for run in compact) > 1000


def test_latin_is_measured_with_the_font_that_draws_it(tmp_path: Path) -> None:
    """With a Latin face other than Times pinned, no line is drawn wider than the layout reserved for it."""
    text = "会议指出，Welcome to the Annual Conference on Digital Transformation and Governance，要抓好落实。" * 3
    spec = {"title": "标题", "body": [text], "style": {"fonts": {"latin": {"file": str(VERA)}}}}
    document = docgen.render(spec)
    right = document.style.margin_left + document.style.type_width
    for page in document.frame.pages:
        for item in page.items:
            if isinstance(item, GlyphRun):
                assert item.glyphs[-1].x + item.glyphs[-1].advance <= right + 0.05


def test_cli_explains_a_style_value_and_prints_pages(tmp_path: Path) -> None:
    explained = subprocess.run(
        [sys.executable, "-m", "docgen", "styles", "explain", "title.size"], capture_output=True, text=True, timeout=60
    )
    assert explained.returncode == 0 and "22pt" in explained.stdout and "gbt9704.yaml:" in explained.stdout
    pages = subprocess.run(
        [sys.executable, "-m", "docgen", "debug", "pages", str(ROOT / "tests" / "specs" / "full-features.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert pages.returncode == 0 and "== 第 1 页 ==" in pages.stdout and "masthead-name" in pages.stdout
