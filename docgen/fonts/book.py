"""reportlab fonts for the resolved faces: registered once per file, CFF converted through the cache, and a glyph
for every character (the face's font, a supplement converted on demand, then the default faces)."""

from __future__ import annotations

import functools
import hashlib
import logging
import operator
import os
import pickle
import struct
from collections.abc import Callable, Container, Iterable, Mapping, Sized
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from weakref import WeakKeyDictionary

import reportlab
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTEncoding, TTFont

from docgen.errors import DocgenError, SourceRef, StyleError
from docgen.fonts import ResolvedFace, default_font, fallback_fonts
from docgen.fonts.convert import FONT_LOCK, cache_dir, converted, is_postscript_outline, quiet_fonttools
from docgen.fonts.leanface import LeanFace
from docgen.layout.frame import FontRef

LOG = logging.getLogger("docgen")


@dataclass
class _Font:
    name: str  # reportlab's registered name
    chars: Container[int] | None  # code points it maps (None: a Type 1 Latin font, WinAnsi)
    path: Path
    dash: float | None = None  # centre of "—" above the baseline, in em, where the font's outline says
    index: int = 0  # subfont of a collection


def _dash_height(path: Path, index: int) -> float | None:
    """Centre of the "—" glyph above the baseline, in em, read from the font's outlines."""
    from fontTools.ttLib import TTFont as ToolsFont  # only when a font is first parsed (then it is cached)

    try:
        with quiet_fonttools(), ToolsFont(str(path), fontNumber=index, lazy=True) as font:
            name = font.getBestCmap().get(0x2014)
            if name is None or "glyf" not in font or not font["glyf"][name].numberOfContours:
                return None
            glyph = font["glyf"][name]
            return (glyph.yMin + glyph.yMax) / 2 / font["head"].unitsPerEm
    except Exception:
        return None


@lru_cache(maxsize=2048)  # at most a few hundred fonts: the faces, and supplements by block (``_supplements``)
def _registered(path: Path, index: int) -> _Font:
    """Register a TrueType file (or reportlab's Type 1 Times) under a name unique to the file's content: reportlab
    silently reuses the first font registered under a name."""
    stat = path.stat()
    digest = hashlib.sha256(f"{path}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    if path.suffix.lower() == ".pfb":
        name = f"dg-t1-{digest}"
        if name not in pdfmetrics.getRegisteredFontNames():
            face = pdfmetrics.EmbeddedType1Face(str(path.with_suffix(".afm")), str(path))
            pdfmetrics.registerTypeFace(face)
            pdfmetrics.registerFont(pdfmetrics.Font(name, face.name, "WinAnsiEncoding"))
        return _Font(name, None, path)
    name = f"dg-{digest}-{index}"
    font, dash = _parsed_font(name, path, index)
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(font)
    return _Font(name, pdfmetrics.getFont(name).face.charToGlyph, path, dash, index)


def registered_font(path: Path, index: int = 0) -> str:
    """The name under which reportlab knows a font file (registered on first use)."""
    return _registered(path, index).name


def _parsed_font(name: str, path: Path, index: int) -> tuple[TTFont, float | None]:
    """reportlab's TTFont and the dash height, the face's tables kept in the font cache as arrays (``LeanFace``):
    parsing a CJK font's tables in Python takes 0.1–0.3 s a face, loading the arrays a few milliseconds. Any
    problem with the cached copy → parse the file."""
    stat = path.stat()
    key = hashlib.sha256(f"{path}|{stat.st_size}|{stat.st_mtime_ns}|{index}".encode()).hexdigest()[:24]
    cached = cache_dir() / f"rl{reportlab.Version}-{key}-v4.face"
    if cached.is_file():
        try:
            record, dash = pickle.loads(cached.read_bytes())
            return _font_with(name, LeanFace.load(record)), dash
        except Exception:
            pass
    parsed = TTFont(name, str(path), subfontIndex=index, shapable=False)  # docgen places every glyph itself
    dash = _dash_height(path, index)
    # The face's scale function is a lambda, which pickle cannot store; an equal partial can.
    parsed.face._pdfScale = functools.partial(operator.mul, 1000 / parsed.face.unitsPerEm)
    record = LeanFace.record(parsed.face)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps((record, dash), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, cached)
    except OSError:
        pass  # no cache this time; the font itself is fine
    return _font_with(name, LeanFace.load(record)), dash


def _font_with(name: str, face: LeanFace) -> TTFont:
    """What TTFont.__init__ sets, with a face made from arrays instead of a fresh parse."""
    font = TTFont.__new__(TTFont)
    font.fontName, font.face, font.encoding = name, face, TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = False
    return font


@lru_cache(maxsize=256)
def _source_chars(path: Path, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont as ToolsFont

    with quiet_fonttools():
        font = ToolsFont(str(path), fontNumber=index, lazy=True)
        try:
            return frozenset(font.getBestCmap())
        finally:
            font.close()


@dataclass
class _Chain:
    """A face's fonts in the order they are tried, and which of them draws each character (the first that has it)."""

    lacking: set[str]  # characters no font of the chain has yet
    fonts: list[_Font] = field(default_factory=list)
    found: dict[str, int] = field(default_factory=dict)  # character → position of the font drawing it

    def take(self, fonts: list[_Font]) -> None:
        for font in fonts:
            drawn = _drawable(font, self.lacking)
            self.found.update((ch, len(self.fonts)) for ch in drawn)
            self.lacking -= drawn
            self.fonts.append(font)


def _drawable(font: _Font, chars: set[str]) -> set[str]:
    """Which of ``chars`` the font has: by its character map, or by the characters when there are fewer of them."""
    if font.chars is None:
        return {ch for ch in chars if ord(ch) < 0x7F}
    if isinstance(font.chars, Sized) and len(font.chars) < len(chars):
        codes = {ord(ch): ch for ch in chars}
        return {codes[code] for code in font.chars if code in codes}
    return {ch for ch in chars if ord(ch) in font.chars}


#: code points a supplement covers: characters are converted by block, not as one document asks for them
SUPPLEMENT_BLOCK = 128


def _supplements(path: Path, index: int, chars: Iterable[str], converted_already: Container[int]) -> list[_Font]:
    """Fonts converted from the CFF source ``path`` for ``chars`` beyond what ``converted_already`` holds: one per
    block of SUPPLEMENT_BLOCK code points, with every character of the block the source has (but those). A
    supplement made for one document's exact characters would make a new font file and a new registered font for
    every set of rare characters a service is sent; by block, a machine and a process hold at most one per block
    the source covers, and a document with a rare character converts at most a block's worth."""
    source = _source_chars(path, index)
    blocks = sorted({ord(ch) // SUPPLEMENT_BLOCK for ch in chars if ord(ch) in source})
    fonts = []
    for block in blocks:
        start = block * SUPPLEMENT_BLOCK
        wanted = {
            chr(code)
            for code in range(start, start + SUPPLEMENT_BLOCK)
            if code in source and code not in converted_already
        }
        if wanted:
            fonts.append(_registered(converted(path, index, wanted), 0))
    return fonts


@dataclass
class FontBook:
    """Fonts for one document: ``font_for(face, char)`` gives the reportlab font that has the character."""

    faces: Mapping[str, ResolvedFace]
    _base: dict[str, _Font] = field(default_factory=dict)
    _chains: dict[str, list[_Font]] = field(default_factory=dict)
    missing: dict[str, set[str]] = field(default_factory=dict)
    #: characters drawn from a font other than the face's own, by face (for the one warning a build gives)
    fallbacks: dict[str, set[str]] = field(default_factory=dict)
    _own: dict[str, int] = field(default_factory=dict)  # how many fonts at the head of a chain are the face's own
    #: by face, the position in its chain of the font drawing each character prepared for (none: no font has it)
    _found: dict[str, dict[str, int]] = field(default_factory=dict)
    _lacking: dict[str, set[str]] = field(default_factory=dict)  # by face, what no font of its chain has
    _refs: dict[tuple[str, str], FontRef] = field(default_factory=dict)  # (face, registered name) → the file

    def prepare(self, needs: Mapping[str, Iterable[str]]) -> None:
        """Register every face's font; for characters it lacks, a supplement converted from its source (when the
        source has them), then the default faces, converted the same way, only when still needed."""
        with FONT_LOCK:  # conversion and reportlab's font registry are shared by every thread
            self._prepare(needs)

    def _prepare(self, needs: Mapping[str, Iterable[str]]) -> None:
        for key, chars in needs.items():
            face = self.faces[key]
            chain = _Chain(lacking=set(chars))
            chain.take(self._face_fonts(face, set(chars)))
            own = len(chain.fonts)
            for path in [default_font("serif")[1], default_font("sans")[1], *fallback_fonts()]:
                if not chain.lacking:
                    break
                if path == face.path:
                    continue
                whole_set = path in (default_font("serif")[1], default_font("sans")[1])
                chain.take(self._fonts_for(path, 0, chain.lacking, whole_set=whole_set))
            self._base[key] = chain.fonts[0]
            self._chains[key] = chain.fonts
            self._found[key] = chain.found
            self._lacking[key] = chain.lacking
            self._own[key] = own
            for position, font in enumerate(chain.fonts):
                family = face.requested if position < own else font.path.stem
                self._refs.setdefault((key, font.name), FontRef(font.path, font.index, family, key))

    def _face_fonts(self, face: ResolvedFace, chars: set[str]) -> list[_Font]:
        """The face's own fonts; a font file that cannot be read as a font (truncated, not a font at all, a
        collection without that subfont) is the user's to fix, named in the error."""
        try:
            return self._fonts_for(face.path, face.index, chars)
        except DocgenError:
            raise
        except Exception as exc:
            raise StyleError(
                f"字体文件无法使用（{type(exc).__name__}: {str(exc)[:200]}）",
                SourceRef(f"{face.path}#{face.index}" if face.index else str(face.path)),
                hint="换一个完好的 TrueType/OpenType 字体文件（docgen fonts 查看每种字体用的文件）",
            ) from None

    def _fonts_for(self, path: Path, index: int, chars: set[str], whole_set: bool = True) -> list[_Font]:
        """The font for a file, plus supplements with the characters the converted set lacks (CFF sources).
        A fallback font (``whole_set`` False) gets only the supplements: converting all of it would be wasted."""
        if not whole_set and path.suffix.lower() != ".pfb" and is_postscript_outline(path, index):
            return _supplements(path, index, chars, frozenset())
        base = self._load(path, index)
        fonts = [base]
        lacking = {ch for ch in chars if not self._has(base, ch)}
        if lacking and path.suffix.lower() != ".pfb" and is_postscript_outline(path, index):
            fonts += _supplements(path, index, lacking, base.chars)  # type: ignore[arg-type]
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
        chain = self._chains[key]
        position = self._found[key].get(ch)
        if position is None:
            if ch not in self._lacking[key]:  # a character the face was not prepared for: look for it
                position = next((i for i, font in enumerate(chain) if self._has(font, ch)), None)
            if position is None:
                self.missing.setdefault(key, set()).add(ch)
                return chain[0].name
        if position >= self._own.get(key, 1) and not ch.isspace():
            self.fallbacks.setdefault(key, set()).add(ch)
        return chain[position].name

    @staticmethod
    def width(font: str, ch: str, size: float) -> float:
        """Advance of ``ch`` in ``font`` at ``size`` pt (reportlab's measure, without its per-call string checks)."""
        registered = pdfmetrics.getFont(font)
        if isinstance(registered, TTFont):
            return registered.face.getCharWidth(ord(ch)) * size / 1000
        return pdfmetrics.stringWidth(ch, font, size)

    def base(self, key: str) -> str:
        return self._base[key].name

    def dash_height(self, key: str) -> float | None:
        """Centre of the face's "—" above the baseline, in em, where its outline says (None: it does not)."""
        return self._base[key].dash

    def ref(self, key: str, name: str) -> FontRef:
        """The font file behind a registered font, as face ``key`` draws with it."""
        return self._refs[(key, name)]


#: Families whose advances are Times New Roman's (metric twins): the layout's built-in table measures them exactly.
TIMES_COMPATIBLE = frozenset({"Times New Roman", "Liberation Serif", "Tinos", "Times New Roman PS (reportlab)"})


def _face_tables(face: ResolvedFace):  # type: ignore[no-untyped-def]
    """The parsed tables of the TrueType font that draws the face (a CFF font converted first); None for a Type 1
    font, which has none to read."""
    if face.path.suffix.lower() == ".pfb":
        return None
    path, index = face.path, face.index
    if is_postscript_outline(path, index):
        path, index = converted(path, index), 0
    with FONT_LOCK:
        return pdfmetrics.getFont(_registered(path, index).name).face


def latin_advances(face: ResolvedFace) -> Callable[[str], float | None] | None:
    """How wide the Latin face draws a character, in em, for the layout to measure Latin text with the font that
    will draw it; None for Times New Roman and its metric twins (the built-in table is exact and needs no font)."""
    if face.family in TIMES_COMPATIBLE or face.requested == face.family == "Times New Roman":
        return None
    face_tables = _face_tables(face)
    if face_tables is None:
        return None
    cmap = face_tables.charToGlyph

    def advance(ch: str) -> float | None:
        return face_tables.getCharWidth(ord(ch)) / 1000 if ord(ch) in cmap else None

    return advance


def ink_extent(face: ResolvedFace, text: str) -> tuple[float, float] | None:
    """How far the ink of ``text`` drawn in the face reaches above and below the baseline, in em (the tallest
    glyph's yMax and the lowest glyph's yMin, from its outline); None when the face has no outlines to read (a
    Type 1 font) or none of the characters. What a ruler measures: the 标志's top edge is its ink."""
    tables = _face_tables(face)
    if tables is None:
        return None
    glyf = tables.table.get("glyf")
    if glyf is None:
        return None
    data, positions, upem = tables._ttf_data, tables.glyphPos, tables.unitsPerEm
    top = bottom = None
    for ch in set(text):
        glyph = tables.charToGlyph.get(ord(ch)) if ord(ch) in tables.charToGlyph else None
        if glyph is None or glyph + 1 >= len(positions) or positions[glyph + 1] == positions[glyph]:
            continue  # no glyph, or an empty one (a space)
        start = glyf["offset"] + positions[glyph]
        y_min, y_max = struct.unpack_from(">hxxh", data, start + 4)
        top = y_max if top is None else max(top, y_max)
        bottom = y_min if bottom is None else min(bottom, y_min)
    if top is None or bottom is None:
        return None
    return top / upem, bottom / upem


@lru_cache(maxsize=64)
def _box(path: Path, index: int) -> tuple[float, float] | None:
    """(ascent + line gap, descent) in em of a font file, as LibreOffice reads them to size a line: hhea's, or
    OS/2's typo values when fsSelection's USE_TYPO_METRICS bit is set, or OS/2's win values (no line gap) when
    hhea's ascender and descender are both 0 (docs/libreoffice-geometry.md §3). Read from the tables directly."""
    try:
        with path.open("rb") as handle:
            data = handle.read(1 << 16)
            offset = 0
            if data[:4] == b"ttcf":
                (offset,) = struct.unpack_from(">I", data, 12 + 4 * index)
            (count,) = struct.unpack_from(">H", data, offset + 4)
            tables: dict[bytes, int] = {}
            for i in range(count):
                tag, _, start, _ = struct.unpack_from(">4sIII", data, offset + 12 + 16 * i)
                tables[tag] = start

            def read(tag: bytes, at: int, fmt: str) -> tuple[int, ...]:
                handle.seek(tables[tag] + at)
                return struct.unpack(fmt, handle.read(struct.calcsize(fmt)))

            (upem,) = read(b"head", 18, ">H")
            ascender, descender, gap = read(b"hhea", 4, ">hhh")
            if b"OS/2" in tables:
                (selection,) = read(b"OS/2", 62, ">H")
                typo_ascender, typo_descender, typo_gap, win_ascent, win_descent = read(b"OS/2", 68, ">hhhHH")
                if selection & 0x80:
                    ascender, descender, gap = typo_ascender, typo_descender, typo_gap
                elif ascender == 0 and descender == 0:
                    ascender, descender, gap = win_ascent, -win_descent, 0
    except (OSError, KeyError, struct.error):
        return None
    if not upem:
        return None
    return (ascender + max(gap, 0)) / upem, -descender / upem


def font_box(face: ResolvedFace) -> tuple[float, float] | None:
    """The face's line box in em: (ascent + line gap, descent); None for a Type 1 font (the built-in Times)."""
    if face.path.suffix.lower() == ".pfb":
        return None
    return _box(face.path, face.index)
