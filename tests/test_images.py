"""Seal and stamp images are files a spec names: each hostile or careless one is refused at the spec's line, before
anything is laid out, and nothing outside the allowed folders of an untrusted spec is ever opened."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import pytest

import docgen
from docgen.errors import DocgenError

from .conftest import ROOT

SEAL = ROOT / "specs" / "seals" / "government.svg"


def png(width: int, height: int, pixels_per_metre: int | None = None) -> bytes:
    """A PNG whose header says width × height (the data is one empty row: a decoder would find out too late)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
    if pixels_per_metre:
        out += chunk(b"pHYs", struct.pack(">IIB", pixels_per_metre, pixels_per_metre, 1))
    return out + chunk(b"IDAT", zlib.compress(b"\x00" * 5)) + chunk(b"IEND", b"")


def notice(tmp_path: Path, seal: str) -> Path:
    spec = tmp_path / "notice.yaml"
    spec.write_text(
        "kind: 通知\nheader: {issuers: 某某市人民政府, number: 某政〔2026〕1号}\ntitle: 关于某事的通知\n"
        f"body: [正文。]\nsignature:\n  date: 2026-11-20\n  seals: {seal}\n",
        encoding="utf-8",
    )
    return spec


def refused(spec: Path, words: str, **kwargs: object) -> DocgenError:
    with pytest.raises(DocgenError) as info:
        docgen.render(spec, **kwargs)  # type: ignore[arg-type]
    assert words in str(info.value), str(info.value)
    return info.value


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (png(100_000, 100_000), "图片太大"),  # a decompression bomb by its header
        (png(1000, 1000, pixels_per_metre=1), "比版心还大"),  # 1 pixel a metre: a one-kilometre seal
        (png(0, 10), "尺寸无效"),
        (b"GIF89a" + b"\x00" * 100, "不是"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="5000mm" height="5000mm"/>', "比版心还大"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1000"/>', "宽高比"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "不允许"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            b'<image x:href="file:///etc/passwd"/></svg>',
            "外部内容",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
            "DOCTYPE",
        ),
        (b"<svg", "无法读取"),
    ],
    ids=["bomb", "kilometre", "zero", "gif", "huge-svg", "thin-svg", "script", "external", "entity", "broken"],
)
def test_a_bad_image_is_refused_at_the_specs_line(tmp_path: Path, content: bytes, words: str) -> None:
    (tmp_path / "seal.img").write_bytes(content)
    error = refused(notice(tmp_path, "seal.img"), words)
    assert error.line == 7 and error.key_path == "signature.seals[0]"


def test_special_files_and_folders_are_not_images(tmp_path: Path) -> None:
    for target in ("/dev/zero", str(tmp_path)):
        error = refused(notice(tmp_path, target), "")
        assert error.line == 7
    os.mkfifo(tmp_path / "pipe.png")
    refused(notice(tmp_path, "pipe.png"), "")


def test_an_untrusted_spec_never_opens_a_file_outside_its_roots(tmp_path: Path) -> None:
    inside = tmp_path / "service"
    inside.mkdir()
    (inside / "link.svg").symlink_to(SEAL)  # a link out of the roots counts as outside
    for seal in (str(SEAL), "link.svg", "/dev/zero", "../../../../etc/passwd"):
        spec = notice(inside, seal)
        refused(spec, "允许范围以外", trusted=False, roots=[inside])
    (inside / "seal.svg").write_bytes(SEAL.read_bytes())
    document = docgen.render(notice(inside, "seal.svg"), trusted=False, roots=[inside])
    assert len(document.frame.pages[0].items) > 0


def test_a_template_cannot_show_an_image_the_spec_did_not_name(tmp_path: Path) -> None:
    folder = tmp_path / "templates" / "notice"
    folder.mkdir(parents=True)
    (folder / "document.xml").write_text(
        '{% extends "official.xml" %}{% block note %}'
        f'<signature form="sealed" date="x"><signer image="{SEAL}">某某</signer></signature>'
        "{% endblock %}",
        encoding="utf-8",
    )
    spec = notice(tmp_path, str(SEAL)).read_text(encoding="utf-8").replace(f"  seals: {SEAL}\n", "")
    path = tmp_path / "notice.yaml"
    path.write_text(spec + "templates: templates\n", encoding="utf-8")
    refused(path, "不是规格里写的图片文件")


def test_the_same_seal_builds_the_same_bytes(tmp_path: Path) -> None:
    spec = notice(tmp_path, str(SEAL))
    first = docgen.render(spec)
    assert first.to_pdf() == docgen.render(spec).to_pdf()
    assert first.to_docx() == docgen.render(spec).to_docx()
