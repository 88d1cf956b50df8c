"""docgen's own PDF: page size, embedded fonts, the fonts it resolves, parity with LibreOffice's rendering of the DOCX,
and the same bytes for the same input."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

import docgen
from docgen.fonts import resolve_fonts
from docgen.fonts.convert import gb2312_characters, is_postscript_outline
from docgen.style import load_profile

from .conftest import FULL_SPEC, SEED_SPEC
from .pdf_lines import read_pages


def fonts_in(pdf: Path) -> list[dict]:  # type: ignore[type-arg]
    """Every font dictionary used on any page, with its descriptor (descendant fonts resolved)."""
    fonts = []
    for page in PdfReader(pdf).pages:
        resources = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            fonts.append({"name": str(font["/BaseFont"]), "descriptor": target.get("/FontDescriptor")})
    return fonts


def test_a4_pages(seed_pdf: Path) -> None:
    for page in PdfReader(seed_pdf).pages:
        box = page.mediabox
        assert (round(float(box.width), 2), round(float(box.height), 2)) == (595.28, 841.89)


def test_every_font_is_embedded_and_no_helvetica(seed_pdf: Path, full_pdf: Path) -> None:
    for pdf in (seed_pdf, full_pdf):
        fonts = fonts_in(pdf)
        assert fonts
        for font in fonts:
            assert "Helvetica" not in font["name"]
            descriptor = font["descriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["name"]
            assert "+" in font["name"], f"{font['name']} is not a subset"
    pdffonts = shutil.which("pdffonts")
    if pdffonts:
        listing = subprocess.run([pdffonts, str(seed_pdf)], capture_output=True, text=True, check=True).stdout
        rows = listing.splitlines()[2:]
        assert rows and all(" yes yes " in row for row in rows), listing


def test_same_input_same_bytes() -> None:
    first = docgen.render(FULL_SPEC).to_pdf()
    second = docgen.render(FULL_SPEC).to_pdf()
    assert first == second


def test_parity_with_libreoffice(seed_pdf: Path, seed_lo_pdf: Path, full_pdf: Path, full_lo_pdf: Path) -> None:
    """Same pages, and (nearly) every line breaking at the same character, in docgen's PDF and LibreOffice's."""
    for ours, theirs in ((seed_pdf, seed_lo_pdf), (full_pdf, full_lo_pdf)):
        our_pages, their_pages = read_pages(ours), read_pages(theirs)
        assert len(our_pages) == len(their_pages)
        our_lines = [(p.number, line.text) for p in our_pages for line in p.lines]
        their_lines = [(p.number, line.text) for p in their_pages for line in p.lines]
        same = sum(1 for a, b in zip(our_lines, their_lines, strict=False) if a == b)
        share = same / max(len(our_lines), len(their_lines))
        assert share >= 0.98, f"{same} of {len(our_lines)} lines break alike in {ours.name}"


def test_fonts_resolve_to_files_that_exist() -> None:
    faces = resolve_fonts(load_profile())
    assert set(faces) == {"fangsong", "xiaobiaosong", "heiti", "kaiti", "songti", "latin"}
    for face in faces.values():
        assert face.path.is_file()
        assert face.status in ("configured", "official", "substitute", "default")


def test_a_font_named_in_the_environment_wins(tmp_path: Path) -> None:
    serif = docgen.fonts.default_font("serif")[1]
    faces = resolve_fonts(load_profile(), env={"DOCGEN_FONT_HEITI": str(serif)})
    assert faces["heiti"].status == "configured" and faces["heiti"].path == serif
    with pytest.raises(docgen.StyleError) as info:
        resolve_fonts(load_profile(), env={"DOCGEN_FONT_HEITI": str(tmp_path / "none.ttf")})
    assert "DOCGEN_FONT_HEITI" in info.value.message


def test_bare_machine_uses_the_fonts_pip_installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With no system fonts at all, the PDF still has every glyph, from the defaults docgen installs with."""
    from docgen.fonts import search

    monkeypatch.setattr(search, "fontconfig_fonts", lambda: ())
    monkeypatch.setattr(search, "files_by_name", lambda: {})
    faces = resolve_fonts(load_profile())
    assert {face.status for face in faces.values()} == {"default"}
    assert is_postscript_outline(faces["fangsong"].path)  # Noto Serif SC is CFF: converted through the cache
    document = docgen.render(FULL_SPEC)
    document._fonts = faces
    pdf = tmp_path / "bare.pdf"
    pdf.write_bytes(document.to_pdf())
    pages = read_pages(pdf)
    assert len(pages) == document.page_count
    assert pages[0].lines[0].text == "工作简报"
    names = {font["name"].split("+")[-1] for font in fonts_in(pdf)}
    assert any(name.startswith("Docgen") for name in names)  # the converted Noto faces, renamed (OFL)
    assert any("TimesNewRoman" in name for name in names)  # reportlab's Times, embedded


def test_gb2312_set_is_complete() -> None:
    chars = gb2312_characters()
    hanzi = [ch for ch in chars if "\u4e00" <= ch <= "\u9fff"]
    assert len(hanzi) == 6763
    assert {"，", "。", "“", "”", "《", "》", "—", "…", "A", "0"} <= chars


def test_seed_pdf_spec_text_in_order(seed_pdf: Path) -> None:
    text = "".join(line.text for page in read_pages(seed_pdf) for line in page.lines)
    assert text.count("一、") >= 6
    assert "M6米乐" not in text
    spec = docgen.load_spec(SEED_SPEC)
    assert spec.attachments[0].speeches[-1].sections[-1].paragraphs[-1][-20:] in text


def test_docgen_fonts_lists_every_face(tmp_path: Path) -> None:
    import sys

    result = subprocess.run([sys.executable, "-m", "docgen", "fonts"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    for key, name in (
        ("fangsong", "仿宋_GB2312"),
        ("xiaobiaosong", "方正小标宋简体"),
        ("heiti", "黑体"),
        ("kaiti", "楷体_GB2312"),
        ("songti", "宋体"),
        ("latin", "Times New Roman"),
    ):
        row = next(line for line in lines if line.startswith(key))
        assert name in row
        assert row.split(" | ")[-1] in ("正式", "替代", "默认", "指定")
        assert Path(row.split(" | ")[3].split("#")[0]).is_file()


def test_a_build_that_falls_back_says_so_once(tmp_path: Path) -> None:
    import sys

    spec = tmp_path / "a.yaml"
    spec.write_text("title: 标题\nbody: [正文。]\n", encoding="utf-8")
    other = tmp_path / "b.yaml"
    other.write_text("title: 标题\nbody: [正文。]\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "docgen", "build", str(spec), str(other)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    faces = resolve_fonts(load_profile())
    if all(face.status in ("official", "configured") for face in faces.values()):
        assert "替代字体" not in result.stderr
    else:
        assert result.stderr.count("替代字体") == 1


def test_rare_characters_come_from_a_fallback_font_and_are_reported(caplog: pytest.LogCaptureFixture) -> None:
    import io
    import logging

    import pdfplumber

    from .docx_xml import DocxXml

    document = docgen.render({"title": "标题", "body": ["姓名：𠮷田、𡈽屋，心情😀。"]})
    with caplog.at_level(logging.WARNING, logger="docgen"):
        pdf = document.to_pdf()
    assert document.missing_glyphs == {}  # nothing drawn as an empty box
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        text = "".join(c["text"] for c in opened.pages[0].chars)
    assert "𠮷田、𡈽屋，心情😀。" in text  # drawn, and copied out as the same characters
    fallback = [r.getMessage() for r in caplog.records if "改用其他字体" in r.getMessage()]
    assert len(fallback) == 1 and "𠮷" in fallback[0] and "😀" in fallback[0] and "body" in fallback[0]
    runs = [(t, r) for p in DocxXml(document.to_docx()).paragraphs() for t, r in p.runs]
    xml = DocxXml(document.to_docx())
    extb = next(
        r
        for p in xml.paragraphs()
        for r in p.element.iter()
        if r.tag.endswith("}r") and "𠮷" in "".join(t.text or "" for t in r.iter() if t.tag.endswith("}t"))
    )
    fonts = extb.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}rPr/"
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}rFonts"
    )
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "SimSun-ExtB"
    assert runs


def test_more_characters_than_a_pdf_font_can_number_is_a_clear_error() -> None:
    # A CID is two bytes in the text strings: a document of more than 65,535 distinct characters in one font ended
    # in a struct.error (exit 70). It is a user error, in Chinese, with what to do.
    from reportlab.pdfbase import pdfmetrics

    from docgen.fonts.leanface import LeanFace
    from docgen.writers.pdf.cidfont import CidFont

    docgen.render({"title": "标题", "body": ["正文"]}).to_pdf()
    font = next(
        pdfmetrics.getFont(name)
        for name in pdfmetrics.getRegisteredFontNames()
        if isinstance(getattr(pdfmetrics.getFont(name), "face", None), LeanFace)
    )
    cids = CidFont(font, 1)
    for code in range(0xF0000, 0xF0000 + 0xFFFF):  # characters the font lacks: one CID each all the same
        cids.cid(code)
    with pytest.raises(docgen.DocgenError, match="65,535") as info:
        cids.cid(0x100000)
    assert info.value.hint and "DOCX" in info.value.hint


def test_a_warning_lists_a_hundred_characters_a_face_lacks_and_counts_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    text = "".join(chr(code) for code in range(0xF0000, 0xF0000 + 250))  # private use: no font has them
    with caplog.at_level("WARNING", logger="docgen"):
        docgen.render({"title": "标题", "body": [text]}).frame  # noqa: B018
    (warning,) = [r.getMessage() for r in caplog.records if "空框" in r.getMessage()]
    assert text[:100] in warning and text[100] not in warning and "等 250 个" in warning
