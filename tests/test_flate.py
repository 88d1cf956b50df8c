"""The PDF's font programs are compressed once and kept (in the process and the cache folder): a PDF is the same
bytes with the cache, without it, and with a damaged or foreign file in its place."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

import docgen
from docgen.cache import KeptBytes
from docgen.writers.pdf import flate

from .conftest import ROOT, use_settings

SPEC = ROOT / "specs" / "notice.yaml"


def test_the_cache_changes_no_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_settings(monkeypatch, cache_dir=tmp_path / "cache")
    monkeypatch.setattr(flate, "KEPT", KeptBytes(flate.KEPT.count, flate.KEPT.size))
    monkeypatch.setattr(flate, "compress", lambda data: zlib.compress(data))  # reportlab's own compression
    plain = docgen.render(SPEC).to_pdf()
    monkeypatch.undo()
    use_settings(monkeypatch, cache_dir=tmp_path / "cache")
    monkeypatch.setattr(flate, "KEPT", KeptBytes(flate.KEPT.count, flate.KEPT.size))
    first = docgen.render(SPEC).to_pdf()
    kept = sorted((tmp_path / "cache" / "pdf-flate").glob("*.z"))
    assert kept, "the compressed programs are kept in the cache folder"
    flate.KEPT.clear()
    from_disk = docgen.render(SPEC).to_pdf()
    for path in kept:  # damaged and foreign files are made again, never used
        path.write_bytes(zlib.compress(b"not this font") if path == kept[0] else b"\x00garbage")
    flate.KEPT.clear()
    repaired = docgen.render(SPEC).to_pdf()
    assert plain == first == from_disk == repaired
    assert all(zlib.decompress(path.read_bytes()) != b"not this font" for path in kept)


def test_an_unwritable_cache_is_only_slower(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    use_settings(monkeypatch, cache_dir=blocker)  # a file where the folder should be
    monkeypatch.setattr(flate, "KEPT", KeptBytes(flate.KEPT.count, flate.KEPT.size))
    data = b"font program" * 1000
    assert flate.compress(data) == zlib.compress(data)
