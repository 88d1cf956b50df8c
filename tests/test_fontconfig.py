"""The fontconfig file for LibreOffice (docgen.fonts.fontconfig): its XML, and LibreOffice drawing with it."""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pdfplumber
import pytest

import docgen
from docgen.cache import cache_root
from docgen.fonts import ResolvedFace, fallback_fonts, resolve_fonts
from docgen.fonts import fontconfig as fc
from docgen.fonts.convert import file_hash, is_postscript_outline
from docgen.fonts.search import InstalledFont
from docgen.style import StyleProfile, load_profile

from .conftest import soffice, use_settings

VERA = Path(__import__("reportlab").__file__).parent / "fonts" / "Vera.ttf"  # a small TrueType font in a dependency
TYPE1_TIMES = VERA.parent / "_er_____.pfb"


def renamed_font(source: Path, index: int, target: Path, family: str, ps_name: str) -> Path:
    """A copy of a font under another family and PostScript name: a font no system folder holds."""
    from fontTools.ttLib import TTFont

    target.parent.mkdir(parents=True, exist_ok=True)
    with TTFont(str(source), fontNumber=index, lazy=True) as font:
        names = font["name"]
        for record in list(names.names):
            if record.nameID in (1, 4, 16):
                names.setName(family, record.nameID, record.platformID, record.platEncID, record.langID)
            elif record.nameID == 6:
                names.setName(ps_name, 6, record.platformID, record.platEncID, record.langID)
        font.save(str(target))
    return target


def parse(text: str) -> tuple[ET.Element, dict[str, list[str]]]:
    """The document, and each matched family → the families its rule puts in its place."""
    root = ET.fromstring(text.encode())
    rules = {}
    for match in root.iter("match"):
        test = match.find("test/string")
        assert test is not None and test.text is not None
        rules[test.text] = [s.text or "" for s in match.findall("edit/string")]
    return root, rules


@pytest.fixture
def odd_faces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[StyleProfile, dict[str, ResolvedFace], Path]:
    """Every face in its own file, in a folder no font search knows, with names an XML writer must escape."""
    use_settings(monkeypatch, cache_dir=tmp_path / "cache")  # the <cachedir>; nothing is converted here
    folder = tmp_path / "fonts & <odd> --folder"
    profile = load_profile(overrides={"fonts": {"heiti": {"names": ["黑体", "SimHei", "Hei & <Co>"]}}})
    faces = {
        key: ResolvedFace(
            key,
            face.name,
            f"Face {key}",
            renamed_font(VERA, 0, folder / f"{key}.ttf", f"Face {key} & <{n}>", f"Face{key}"),
            0,
            "default",
        )
        for n, (key, face) in enumerate(profile.fonts.items())
    }
    return profile, faces, folder


def test_every_official_name_goes_to_the_resolved_file(
    odd_faces: tuple[StyleProfile, dict[str, ResolvedFace], Path],
) -> None:
    profile, faces, folder = odd_faces
    text = fc.fontconfig_file(profile, faces)
    assert "&amp;" in text and "&lt;odd&gt;" in text and "Hei &amp; &lt;Co&gt;" in text
    root, rules = parse(text)  # well-formed, "--" kept out of the comments
    for n, (key, face) in enumerate(profile.fonts.items()):
        for name in face.names:  # all of them, not only the first the DOCX writes
            assert rules[name] == [f"Face {key} & <{n}>", fc.FALLBACK], name
    # The fallback chain in the PDF's order; Ext-B hanzi and emoji to the fallback font that has them.
    assert rules[fc.FALLBACK][:2] == ["Noto Serif SC", "Noto Sans SC"]
    assert rules["SimSun-ExtB"][0] == "Noto Serif JP"
    assert rules["Segoe UI Emoji"][0] == "Noto Emoji"
    assert str(folder) in [d.text for d in root.iter("dir")]
    for path in fallback_fonts():  # the fallback fonts live in site-packages: their folders are scanned too
        assert str(path.parent) in [d.text for d in root.iter("dir")]
    assert [c.text for c in root.iter("cachedir")] == [str(cache_root() / "fontconfig")]
    accepted = {p.text for p in root.findall("selectfont/acceptfont/pattern/patelt/string")}
    assert {str(face.path) for face in faces.values()} <= accepted
    rejected = {p.text for p in root.findall("selectfont/rejectfont/pattern/patelt[@name='family']/string")}
    assert {"仿宋_GB2312", "黑体", "Times New Roman", "SimSun-ExtB"} <= rejected
    # The rules run before the system's, which come last.
    children = [child.tag for child in root]
    assert children[-1] == "include" and root[-1].text == fc.SYSTEM_CONFIG
    assert children.index("match") < children.index("include")


def test_fontconfig_itself_answers_the_official_names(
    odd_faces: tuple[StyleProfile, dict[str, ResolvedFace], Path], tmp_path: Path
) -> None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        pytest.skip("fontconfig's fc-match is not installed")
    profile, faces, _folder = odd_faces
    conf = tmp_path / "fonts.conf"
    conf.write_text(fc.fontconfig_file(profile, faces), encoding="utf-8")
    env = dict(os.environ, FONTCONFIG_FILE=str(conf))
    for name, expected in [("仿宋_GB2312", 0), ("黑体", 2), ("Hei & <Co>", 2), ("Times New Roman", 5)]:
        found = subprocess.run(
            [fc_match, "-f", "%{file}", f"{name.replace('-', chr(92) + '-')}:lang=zh-cn"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert found == str(list(faces.values())[expected].path), name


def test_type1_times_is_drawn_with_a_metric_compatible_face(
    odd_faces: tuple[StyleProfile, dict[str, ResolvedFace], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    profile, faces, folder = odd_faces
    faces["latin"] = ResolvedFace("latin", "Times New Roman", "Times", TYPE1_TIMES, 0, "default")
    tinos = renamed_font(VERA, 0, folder / "tinos.ttf", "Tinos", "Tinos-Regular")
    monkeypatch.setattr(fc, "find_family", lambda names: InstalledFont(tinos, 0, ("Tinos",), "Regular"))
    _root, rules = parse(fc.fontconfig_file(profile, faces))
    assert rules["Times New Roman"] == ["Tinos", fc.FALLBACK]

    monkeypatch.setattr(fc, "find_family", lambda names: None)
    text = fc.fontconfig_file(profile, faces)
    _root, rules = parse(text)
    assert "Times New Roman" not in rules  # the system's choice stays, and the file says why
    assert "no metric-compatible face (Liberation Serif or Tinos) is installed" in text
    assert str(TYPE1_TIMES.parent) not in text.split("<dir>", 1)[-1].split("<selectfont>")[0]


# --- LibreOffice ----------------------------------------------------------------------------------------------------

SPEC = {
    "title": "关于字体一致的通知",
    "body": ["正文第一段，2024年全市共有35个单位参加。", {"heading": "黑体标题"}, "正文第二段。"],
}


def _lines(pdf: Path) -> dict[str, list[str]]:
    """Text line → the font name of each of its Chinese characters (subset prefix removed)."""
    lines: dict[str, list[str]] = {}
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            rows: dict[int, list[dict]] = {}  # type: ignore[type-arg]
            for char in page.chars:
                if char["text"].strip():
                    rows.setdefault(round(char["top"] / 4), []).append(char)
            for chars in rows.values():
                chars.sort(key=lambda c: c["x0"])
                text = "".join(c["text"] for c in chars)
                lines[text] = [c["fontname"].split("+")[-1] for c in chars if ord(c["text"]) >= 0x3000]
    return lines


def _line(lines: dict[str, list[str]], start: str) -> list[str]:
    return next(fonts for text, fonts in lines.items() if text.startswith(start))


def _file_of(font_name: str, faces: dict[str, ResolvedFace]) -> Path | None:
    """The face file a PDF font comes from: docgen names a converted CFF font Docgen + the source's hash; reportlab
    and LibreOffice use the PostScript name (LibreOffice adds a suffix to a CFF subset's)."""
    from fontTools.ttLib import TTFont

    for face in faces.values():
        if font_name.startswith("Docgen" + file_hash(face.path)[:8]):
            return face.path
        with TTFont(str(face.path), fontNumber=face.index, lazy=True) as font:
            if font_name.startswith(font["name"].getDebugName(6) or "\0"):
                return face.path
    return None


def test_libreoffice_draws_the_docx_with_the_pdfs_fonts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Body text and a 黑体 heading come from the same files in LibreOffice's rendering as in docgen's PDF. The 黑体
    face is pinned to a renamed copy of its file, outside every font folder, where it is TrueType (a CFF face, the
    default Noto Sans SC, lives in site-packages already): so the folder, the family read from the file and the
    names all count."""
    exe = soffice()
    if exe is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    monkeypatch.setattr(fc, "cache_root", lambda: tmp_path / "cache")  # fontconfig's caches only, not docgen's
    heiti = resolve_fonts(load_profile())["heiti"]
    overrides = {}
    if not is_postscript_outline(heiti.path, heiti.index):
        copy = renamed_font(heiti.path, heiti.index, tmp_path / "fonts & more" / "hei.ttf", "Test Hei", "TstHei")
        overrides = {"fonts": {"heiti": {"file": str(copy)}}}
    profile = load_profile(overrides=overrides)
    faces = resolve_fonts(profile)
    document = docgen.render(SPEC, style=profile)
    docx, pdf = tmp_path / "doc.docx", tmp_path / "doc.pdf"
    docx.write_bytes(document.to_docx())
    pdf.write_bytes(document.to_pdf())
    conf = tmp_path / "docgen-fonts.conf"
    conf.write_text(fc.fontconfig_file(profile, faces), encoding="utf-8")
    profile_dir = f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}"
    subprocess.run(
        [exe, "--headless", profile_dir, "--convert-to", "pdf", "--outdir", str(tmp_path / "lo-out"), str(docx)],
        env=dict(os.environ, FONTCONFIG_FILE=str(conf)),
        check=True,
        capture_output=True,
        timeout=120,
    )
    ours, theirs = _lines(pdf), _lines(tmp_path / "lo-out" / "doc.pdf")
    for start, face in [("正文第一段", "fangsong"), ("一、黑体标题", "heiti"), ("关于字体", "xiaobiaosong")]:
        expected = {faces[face].path}
        assert {_file_of(name, faces) for name in _line(ours, start)} == expected, (start, _line(ours, start))
        assert {_file_of(name, faces) for name in _line(theirs, start)} == expected, (start, _line(theirs, start))
    if overrides:
        assert set(_line(theirs, "一、黑体标题")) == {"TstHei"}
