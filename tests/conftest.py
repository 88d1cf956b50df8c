"""Shared fixtures: built documents (once per session) and their LibreOffice rendering."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import docgen

ROOT = Path(__file__).resolve().parent.parent
SEED_SPEC = ROOT / "specs" / "jinan-2023-party-building.yaml"
FULL_SPEC = ROOT / "tests" / "specs" / "full-features.yaml"


def use_settings(patch: pytest.MonkeyPatch, **changes: object) -> None:
    """docgen's settings changed for one test (restored after it): what the command line takes from DOCGEN_CACHE_DIR,
    DOCGEN_FONT_<FACE> and SOURCE_DATE_EPOCH."""
    import dataclasses

    import docgen.settings

    if changes.get("cache_dir") is not None:
        changes["cache_dir"] = Path(changes["cache_dir"])  # type: ignore[arg-type]
    patch.setattr(docgen.settings, "_current", dataclasses.replace(docgen.settings.current(), **changes))


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.lru_cache(maxsize=1)
def fontconfig_for_libreoffice() -> Path:
    """The fontconfig file `docgen fonts --fontconfig` writes for this machine: LibreOffice then draws the DOCX with
    the font files docgen's PDF embeds (a precondition for breaking lines alike)."""
    from docgen.fonts import resolve_fonts
    from docgen.fonts.fontconfig import fontconfig_file
    from docgen.style import load_profile

    style = load_profile()
    folder = Path(tempfile.mkdtemp(prefix="docgen-fontconfig-"))
    path = folder / "fonts.conf"
    path.write_text(fontconfig_file(style, resolve_fonts(style)), encoding="utf-8")
    return path


def convert_with_libreoffice(docx: Path, out_dir: Path) -> Path:
    """DOCX → PDF with LibreOffice, its own profile, and the fontconfig docgen writes (公文 font names → the faces
    docgen's PDF uses on this machine)."""
    (pdf,) = convert_many_with_libreoffice([docx], out_dir)
    return pdf


def convert_many_with_libreoffice(documents: list[Path], out_dir: Path) -> list[Path]:
    """Several DOCX → PDF in one LibreOffice run (its start-up is most of the time)."""
    exe = soffice()
    if exe is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    profile = out_dir / "lo-profile"
    env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_for_libreoffice()))
    subprocess.run(
        [
            exe,
            "--headless",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *(str(docx) for docx in documents),
        ],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=240,
    )
    pdfs = [out_dir / (docx.stem + ".pdf") for docx in documents]
    for docx, pdf in zip(documents, pdfs, strict=True):
        assert pdf.is_file(), f"LibreOffice wrote no PDF for {docx}"
    return pdfs


def _built(factory: pytest.TempPathFactory, spec: Path, fmt: str) -> Path:
    (path,) = docgen.build(spec, out_dir=factory.mktemp(f"{spec.stem}-{fmt}"), formats=[fmt])
    return path


@pytest.fixture(scope="session")
def seed_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _built(tmp_path_factory, SEED_SPEC, "docx")


@pytest.fixture(scope="session")
def full_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _built(tmp_path_factory, FULL_SPEC, "docx")


@pytest.fixture(scope="session")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _built(tmp_path_factory, SEED_SPEC, "pdf")


@pytest.fixture(scope="session")
def full_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _built(tmp_path_factory, FULL_SPEC, "pdf")


@pytest.fixture(scope="session")
def seed_lo_pdf(seed_docx: Path) -> Path:
    return convert_with_libreoffice(seed_docx, seed_docx.parent)


@pytest.fixture(scope="session")
def full_lo_pdf(full_docx: Path) -> Path:
    return convert_with_libreoffice(full_docx, full_docx.parent)
