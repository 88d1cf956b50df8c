"""reportlab's TrueType face, stored and reloaded as flat arrays.

reportlab parses a font's cmap, hmtx and loca tables into dicts and lists of Python ints: 0.1–0.3 s for a CJK face,
and still 30–50 ms to unpickle, because each of ~100,000 ints is an object. A document uses a few thousand of those
entries, so the face here keeps the tables as arrays (loaded as one block of bytes) and answers reportlab's lookups
from them: ``charToGlyph`` a mapping, ``hmetrics`` a sequence, ``glyphPos`` an array, which is all its subsetting
reads. ``charWidths`` (a real dict, which reportlab's C width function insists on) is built only if asked for.
"""

from __future__ import annotations

import copy
import mmap
import pickle
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from reportlab.pdfbase.ttfonts import TTFontFace

from docgen.cache import KeptBytes
from docgen.fonts.convert import FONT_LOCK

__all__ = ["LeanFace"]

#: the font subsets (the font program a PDF embeds for the glyphs it draws) a process keeps, by font file and
#: (code, glyph) pairs: the same document built again in a process (a service, a preview) asks for the same subset,
#: and cutting one takes 5–10 ms; 8 of them, 8 MB at most (a document of every rare character is not kept)
SUBSETS = KeptBytes(count=8, size=8_000_000)

#: The face's attributes kept as arrays; everything else is a handful of small values, pickled as they are.
_TABLES = ("charToGlyph", "glyphToChar", "charWidths", "hmetrics", "glyphPos", "_ttf_data")


class _CodeMap(Mapping[int, Any]):
    """Code point → glyph id (or width) over two arrays sorted by code point; later additions (reportlab's
    shaping adds some) in a dict."""

    __slots__ = ("_added", "_codes", "_glyphs")

    def __init__(self, codes: array, glyphs: array) -> None:
        self._codes, self._glyphs = codes, glyphs
        self._added: dict[int, Any] = {}

    def __getitem__(self, code: int) -> Any:
        codes = self._codes
        i = bisect_left(codes, code)
        if i < len(codes) and codes[i] == code:
            return self._glyphs[i]
        return self._added[code]

    def __contains__(self, code: object) -> bool:
        codes = self._codes
        i = bisect_left(codes, code)  # type: ignore[call-overload]
        return (i < len(codes) and codes[i] == code) or code in self._added

    def __setitem__(self, code: int, value: Any) -> None:
        self._added[code] = value

    def __iter__(self) -> Iterator[int]:
        yield from self._codes
        yield from self._added

    def __len__(self) -> int:
        return len(self._codes) + len(self._added)


class _Metrics(Sequence[tuple[float, int]]):
    """hmtx as (advance width, left side bearing) per glyph, over two arrays."""

    __slots__ = ("_advances", "_bearings")

    def __init__(self, advances: array, bearings: array) -> None:  # advances may be floats (see record)
        self._advances, self._bearings = advances, bearings

    def __getitem__(self, glyph: int) -> tuple[float, int]:  # type: ignore[override]
        return self._advances[glyph], self._bearings[glyph]

    def __len__(self) -> int:
        return len(self._advances)


class LeanFace(TTFontFace):
    """A TTFontFace whose tables are arrays; made by ``LeanFace.record(face)`` → ``LeanFace.load(record)``."""

    charToGlyph: _CodeMap
    hmetrics: _Metrics
    _widths: _CodeMap

    @staticmethod
    def record(face: TTFontFace) -> bytes:
        """The bytes to cache for a freshly parsed face (its font file is mapped again on load)."""
        codes = array("I", sorted(face.charToGlyph))
        glyphs = array("I", (face.charToGlyph[code] for code in codes))
        widths = array("d", (face.charWidths.get(code, face.defaultWidth) for code in codes))
        # reportlab keeps glyphs past numberOfHMetrics with an already scaled (float) advance: kept as it is.
        advances = array("d", (aw for aw, _ in face.hmetrics))
        bearings = array("I", (lsb for _, lsb in face.hmetrics))
        positions = array("I", face.glyphPos)
        scalars = {key: value for key, value in vars(face).items() if key not in _TABLES}
        tables = {
            "codes": codes,
            "glyphs": glyphs,
            "widths": widths,
            "advances": advances,
            "bearings": bearings,
            "positions": positions,
        }
        arrays = {name: (table.typecode, table.tobytes()) for name, table in tables.items()}
        return pickle.dumps((scalars, arrays), protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, record: bytes) -> LeanFace:
        scalars, arrays = pickle.loads(record)
        face = cls.__new__(cls)
        face.__dict__.update(scalars)
        tables = {}
        for name, (typecode, data) in arrays.items():
            tables[name] = array(typecode)
            tables[name].frombytes(data)
        face.charToGlyph = _CodeMap(tables["codes"], tables["glyphs"])
        face._widths = _CodeMap(tables["codes"], tables["widths"])
        face.hmetrics = _Metrics(tables["advances"], tables["bearings"])
        face.glyphPos = tables["positions"]
        # Mapped, not read: a subset reads a few hundred glyphs of a 5–10 MB CJK font.
        with open(face.filename, "rb") as handle:
            face._ttf_data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return face

    @property
    def subfont_index(self) -> int:
        """Which font of a collection (reportlab names it in ``subfontNameX`` as b"-N"; empty for a single font)."""
        return int(self.subfontNameX[1:]) if self.subfontNameX else 0

    def private_code(self, glyph: int) -> int:
        """A code point for a glyph no character maps to (a joining form HarfBuzz chose), from plane 15's private
        use area, outside the face's own character map. The same glyph, the same code. Not added to the character
        map: a character typed in a document is drawn from the font's own map alone, and the subset gets the glyph
        from the (code, glyph) pairs it is cut for (``subset_program``)."""
        with FONT_LOCK:  # faces are shared by the documents of every thread
            codes = self.__dict__.setdefault("_private_codes", {})
            taken = self.__dict__.setdefault("_private_codes_taken", set())
            code = codes.get(glyph)
            if code is None:
                code = 0xF0000 + len(codes)
                while code in self.charToGlyph or code in taken:
                    code += 1
                codes[glyph] = code
                taken.add(code)
            return code

    def subset_program(self, pairs: Sequence[tuple[int, int]]) -> bytes:
        """reportlab's subset (a TrueType font program) of these (code point, glyph) pairs, their glyphs numbered
        from 1 in order of first use (0 is .notdef). A function of the pairs alone: the face's character map is
        not read, so no other document's codes can change what this one gets. Cut on a copy of the face with its
        own read position (reportlab's subsetting moves it as it reads: two threads sharing one would read each
        other's glyphs), and kept for the same pairs again (``SUBSETS``)."""
        key = (self.filename, self.subfontNameX, tuple(pairs))
        program = SUBSETS.get(key)
        if program is None:
            view = copy.copy(self)  # the arrays and the mapped file shared, nothing of them changed
            view.charToGlyph = dict(pairs)  # type: ignore[assignment]
            program = TTFontFace.makeSubset(view, [code for code, _ in pairs])
            SUBSETS.put(key, program)
        return program

    def makeSubset(self, subset: list[int]) -> bytes:
        """reportlab's own subsetting (docgen cuts its subsets with ``subset_program``), under the font lock: it
        moves the face's one read position."""
        with FONT_LOCK:
            return super().makeSubset(subset)

    def getCharWidth(self, code: int) -> float:
        """Advance of the character's glyph in 1/1000 em (reportlab's unit), the face's default if it has none."""
        return self._widths.get(code, self.defaultWidth)

    # reportlab's C stringWidth wants a dict; its shaping code wants glyphToChar. Built on first use only.
    @property
    def charWidths(self) -> dict[int, float]:  # type: ignore[override]
        widths = self.__dict__.get("_char_widths")
        if widths is None:
            widths = self.__dict__["_char_widths"] = dict(self._widths.items())
        return widths

    @property
    def glyphToChar(self) -> dict[int, list[int]]:  # type: ignore[override]
        glyph_to_char = self.__dict__.get("_glyph_to_char")
        if glyph_to_char is None:
            glyph_to_char = self.__dict__["_glyph_to_char"] = {}
            for code, glyph in self.charToGlyph.items():
                glyph_to_char.setdefault(glyph, []).append(code)
        return glyph_to_char
