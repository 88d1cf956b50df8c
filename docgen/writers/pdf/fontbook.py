"""reportlab fonts for the resolved faces: registered once per file, CFF converted through the cache, and a glyph
for every character (the face's font, a supplement converted on demand, then the default faces)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont as ToolsFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from docgen.fonts import ResolvedFace, default_font
from docgen.fonts.convert import converted, file_hash, is_postscript_outline, quiet_fonttools

LOG = logging.getLogger("docgen")


@dataclass
class _Font:
    name: str  # reportlab's registered name
    chars: frozenset[int] | None  # code points it maps (None: a Type 1 Latin font, WinAnsi)
    path: Path


@lru_cache(maxsize=32)
def _registered(path: Path, index: int) -> _Font:
    """Register a TrueType file (or reportlab's Type 1 Times) under a name unique to the file's content: reportlab
    silently reuses the first font registered under a name."""
    digest = file_hash(path)[:12]
    if path.suffix.lower() == ".pfb":
        name = f"dg-t1-{digest}"
        if name not in pdfmetrics.getRegisteredFontNames():
            face = pdfmetrics.EmbeddedType1Face(str(path.with_suffix(".afm")), str(path))
            pdfmetrics.registerTypeFace(face)
            pdfmetrics.registerFont(pdfmetrics.Font(name, face.name, "WinAnsiEncoding"))
        return _Font(name, None, path)
    name = f"dg-{digest}-{index}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
    font = pdfmetrics.getFont(name)
    return _Font(name, frozenset(font.face.charToGlyph), path)


@lru_cache(maxsize=256)
def _source_chars(path: Path, index: int) -> frozenset[int]:
    with quiet_fonttools():
        font = ToolsFont(str(path), fontNumber=index, lazy=True)
        try:
            return frozenset(font.getBestCmap())
        finally:
            font.close()


@dataclass
class FontBook:
    """Fonts for one document: ``font_for(face, char)`` gives the reportlab font that has the character."""

    faces: Mapping[str, ResolvedFace]
    _base: dict[str, _Font] = field(default_factory=dict)
    _chains: dict[str, list[_Font]] = field(default_factory=dict)
    missing: dict[str, set[str]] = field(default_factory=dict)

    def prepare(self, needs: Mapping[str, Iterable[str]]) -> None:
        """Register every face's font; for characters it lacks, a supplement converted from its source (when the
        source has them), then the default faces, converted the same way, only when still needed."""
        for key, chars in needs.items():
            face = self.faces[key]
            chain = self._fonts_for(face.path, face.index, set(chars))
            self._base[key] = chain[0]
            lacking = {ch for ch in chars if not any(self._has(font, ch) for font in chain)}
            for kind in ("serif", "sans"):
                if not lacking:
                    break
                path = default_font(kind)[1]
                if path != face.path:
                    chain += self._fonts_for(path, 0, lacking)
                    lacking = {ch for ch in lacking if not any(self._has(font, ch) for font in chain)}
            self._chains[key] = chain

    def _fonts_for(self, path: Path, index: int, chars: set[str]) -> list[_Font]:
        """The font for a file, plus a supplement with the characters the converted set lacks (CFF sources)."""
        base = self._load(path, index)
        fonts = [base]
        lacking = {ch for ch in chars if not self._has(base, ch)}
        if lacking and path.suffix.lower() != ".pfb" and is_postscript_outline(path, index):
            extra = {ch for ch in lacking if ord(ch) in _source_chars(path, index)}
            if extra:
                fonts.append(_registered(converted(path, index, extra), 0))
        return fonts

    def _load(self, path: Path, index: int) -> _Font:
        if path.suffix.lower() != ".pfb" and is_postscript_outline(path, index):
            path, index = converted(path, index), 0
        return _registered(path, index)

    @staticmethod
    def _has(font: _Font, ch: str) -> bool:
        if font.chars is None:
            return ord(ch) < 0x7F
        return ord(ch) in font.chars

    def font_for(self, key: str, ch: str) -> str:
        for font in self._chains[key]:
            if self._has(font, ch):
                return font.name
        self.missing.setdefault(key, set()).add(ch)
        return self._chains[key][0].name

    def base(self, key: str) -> str:
        return self._base[key].name

    def path_of(self, key: str) -> Path:
        return self._base[key].path
