"""A TrueType face embedded as one composite font (Type0, Identity-H, CIDFontType2).

reportlab embeds a TrueType font as simple fonts of 256 glyphs each; a page of Chinese uses a few hundred distinct
characters, so nearly every line switched fonts a dozen times, each switch a new string to place. As a composite
font every glyph the document uses is in one subset and a run of text is one string of 2-byte codes (CIDs). The
subset itself is cut by reportlab's ``makeSubset`` (``LeanFace.subset_program``); this module numbers the characters
and glyphs and writes the font program, the font dictionaries, the widths, the CID → glyph map and the ToUnicode map
(characters beyond the BMP as surrogate pairs, so 𠮷 and emoji copy out of the PDF as themselves).
"""

from __future__ import annotations

import struct

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, SUBSETN, TTFont

from docgen.errors import DocgenError

__all__ = ["CidFont"]

_BFCHAR_BLOCK = 100  # the most entries one beginbfchar … endbfchar section may hold
_MOST_CIDS = 0xFFFF  # a CID is two bytes in the text strings (Identity-H)


class CidFont:
    """The glyphs one document draws from one TrueType face. ``encode(text)`` gives the hex string to show."""

    def __init__(self, font: TTFont, number: int):
        self.face = font.face
        self.number = number  # distinguishes subsets of one face in the document's font names
        self.internal_name = ""  # the resource name (F3), given when the font is added to a document
        # Each code point gets its own CID (1, 2, … in first-use order), even where two share a glyph or a missing
        # character shares .notdef: so every character, drawn or not, copies out of the PDF as itself.
        self._cids: dict[int, int] = {}  # code point → CID
        self._shaped: dict[tuple[int, str], int] = {}  # (glyph id in the face, text it stands for) → CID
        #: (code point, glyph in the face) of every CID drawn with a glyph other than .notdef, in order: what the
        #: subset is cut for (it numbers glyphs in that order)
        self._pairs: list[tuple[int, int]] = []
        self._glyphs: dict[int, int] = {0: 0}  # glyph id in the face → glyph id in the subset
        self._gids = [0]  # CID → glyph id in the subset (the CIDToGIDMap)
        self._texts = [""]  # CID → the text it copies out as (ToUnicode)
        self._widths = [0.0]  # CID → advance in 1/1000 em (W)
        self._hex: dict[str, str] = {}  # character → its CID as four hex digits, as encode writes it

    def attach(self, doc: pdfdoc.PDFDocument, key: str) -> str:
        """Register with a document (under reportlab's font key) and return the resource name to use in Tf."""
        if not self.internal_name:
            self.internal_name = f"F{len(doc.fontMapping) + 1}"
            doc.fontMapping[key] = "/" + self.internal_name
            doc.delayedFonts.append(self)
        return self.internal_name

    def cid(self, code: int) -> int:
        cid = self._cids.get(code)
        if cid is None:
            cid = self._cids[code] = self._add(code, self.face.charToGlyph.get(code, 0), chr(code))
            self._widths[cid] = self.face.getCharWidth(code)
        return cid

    def shaped_cid(self, glyph: int, text: str, advance: float) -> int:
        """The CID for a glyph HarfBuzz chose (a joining form, a ligature), copying out as ``text``; ``advance``
        in 1/1000 em. A glyph no character maps to gets a private-use code, so makeSubset keeps it."""
        key = (glyph, text)
        cid = self._shaped.get(key)
        if cid is None:
            nominal = len(text) == 1 and self.face.charToGlyph.get(ord(text)) == glyph
            code = ord(text) if nominal else self.face.private_code(glyph)
            cid = self._shaped[key] = self._add(code, glyph, text)
            self._widths[cid] = advance
        return cid

    def _add(self, code: int, glyph: int, text: str) -> int:
        """A new CID for ``code`` (drawn with ``glyph``), numbered as makeSubset numbers glyphs: in order of the
        codes' first use, .notdef first."""
        cid = len(self._gids)
        if cid > _MOST_CIDS:
            raise DocgenError(
                f"PDF 中一种字体最多能放 {_MOST_CIDS:,} 个不同的字符，这份文件用到的更多",
                hint="把文件分成几份，或减少其中不同字符的数量；DOCX 和 OFD 格式没有这个限制",
            )
        if glyph:  # .notdef is the subset's glyph 0 whatever asks for it
            self._pairs.append((code, glyph))
        gid = self._glyphs.get(glyph)
        if gid is None:
            gid = self._glyphs[glyph] = len(self._glyphs)
        self._gids.append(gid)
        self._texts.append(text)
        self._widths.append(0.0)
        return cid

    def encode(self, text: str) -> str:
        """The hex string of ``text``'s CIDs (four lowercase digits a character)."""
        codes = self._hex
        try:
            return "".join([codes[ch] for ch in text])
        except KeyError:
            for ch in text:
                if ch not in codes:
                    codes[ch] = struct.pack(">H", self.cid(ord(ch))).hex()
            return "".join([codes[ch] for ch in text])

    # -- PDF objects, written when the document is saved (reportlab calls addObjects on delayed fonts) --------
    def addObjects(self, doc: pdfdoc.PDFDocument) -> None:
        face = self.face
        base_name = (SUBSETN(self.number) + b"+" + face.name + face.subfontNameX).decode("pdfdoc")
        descriptor = self._descriptor(doc, base_name)
        widths = " ".join(fp_str(width) for width in self._widths[1:])
        cid_to_gid = _stream(doc, struct.pack(f">{len(self._gids)}H", *self._gids))
        descendant = pdfdoc.PDFDictionary(
            {
                "Type": pdfdoc.PDFName("Font"),
                "Subtype": pdfdoc.PDFName("CIDFontType2"),
                "BaseFont": pdfdoc.PDFName(base_name),
                "CIDSystemInfo": pdfdoc.PDFDictionary(
                    {
                        "Registry": pdfdoc.PDFString("Adobe"),
                        "Ordering": pdfdoc.PDFString("Identity"),
                        "Supplement": 0,
                    }
                ),
                "FontDescriptor": descriptor,
                "DW": fp_str(face.defaultWidth),
                "W": f"[1 [{widths}]]" if len(self._gids) > 1 else "[]",
                "CIDToGIDMap": doc.Reference(cid_to_gid, f"cidToGidMap:{base_name}"),
            }
        )
        to_unicode = _stream(doc, self._to_unicode())
        font = pdfdoc.PDFDictionary(
            {
                "Type": pdfdoc.PDFName("Font"),
                "Subtype": pdfdoc.PDFName("Type0"),
                "BaseFont": pdfdoc.PDFName(base_name),
                "Encoding": pdfdoc.PDFName("Identity-H"),
                "DescendantFonts": pdfdoc.PDFArray([doc.Reference(descendant, f"cidFont:{base_name}")]),
                "ToUnicode": doc.Reference(to_unicode, f"toUnicodeCMap:{base_name}"),
            }
        )
        doc.idToObject["BasicFonts"].dict[self.internal_name] = doc.Reference(font, self.internal_name)

    def _descriptor(self, doc: pdfdoc.PDFDocument, base_name: str) -> pdfdoc.PDFObjectReference:
        """The font program (the subset, compressed once: ``flate``) and its descriptor, as reportlab's
        ``addSubsetObjects`` writes them."""
        face = self.face
        program = pdfdoc.PDFStream()
        program.content = face.subset_program(self._pairs)
        program.dictionary["Length1"] = len(program.content)
        if doc.compression:
            from docgen.writers.pdf.flate import CACHED_FLATE

            program.filters = [CACHED_FLATE]  # the same bytes as reportlab's, compressed once
        program_ref = doc.Reference(program, f"fontFile:{face.filename}({base_name})")
        descriptor = pdfdoc.PDFDictionary(
            {
                "Type": "/FontDescriptor",
                "Ascent": face.ascent,
                "CapHeight": face.capHeight,
                "Descent": face.descent,
                "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                "FontBBox": pdfdoc.PDFArray(face.bbox),
                "FontName": pdfdoc.PDFName(base_name),
                "ItalicAngle": face.italicAngle,
                "StemV": face.stemV,
                "FontFile2": program_ref,
                "MissingWidth": face.defaultWidth,
            }
        )
        return doc.Reference(descriptor, "fontDescriptor:" + base_name)

    def _to_unicode(self) -> str:
        # A glyph that is the second of its cluster (a mark HarfBuzz split off) copies out as nothing.
        entries = [
            f"<{cid:04X}> <{text.encode('utf-16-be', 'surrogatepass').hex().upper()}>"
            for cid, text in enumerate(self._texts)
            if cid
        ]
        lines = [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            "<0000> <FFFF>",
            "endcodespacerange",
        ]
        for start in range(0, len(entries), _BFCHAR_BLOCK):
            block = entries[start : start + _BFCHAR_BLOCK]
            lines += [f"{len(block)} beginbfchar", *block, "endbfchar"]
        lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
        return "\n".join(lines)


def _stream(doc: pdfdoc.PDFDocument, content: bytes | str) -> pdfdoc.PDFStream:
    stream = pdfdoc.PDFStream()
    stream.content = content
    if doc.compression:
        stream.filters = [pdfdoc.PDFZCompress]
    return stream
