"""A small OFD reader for the tests, written from GB/T 33190-2016's structure and sharing nothing with docgen's
writer: zip → OFD.xml → DocBody/DocRoot → Document.xml (CommonData: PageArea, PublicRes, DocumentRes; Pages) →
each page's Content.xml; fonts and images from the resource files; annotations from Annotations.xml.

Per page it gives every glyph (its text, its origin on the baseline in page millimetres, its font and the glyph id
the embedded font draws), the text in reading (document) order, the paths, the images and the drawing order.

Reading rules, as the standard gives them (§7.5 ST_Loc, §9, §11):
- a location is relative to the folder of the file that names it; one starting with "/" to the package root; a
  resource file's locations are relative to its BaseLoc, itself relative to the resource file's folder;
- a TextCode's X, Y are the first character's origin relative to the TextObject's Boundary; without X or Y the
  previous TextCode's value holds; DeltaX/DeltaY list the steps to each following position ("g N v" = N times v);
  without a step the glyph's advance in the font is taken;
- the CGTransforms in front of a TextCode map CodeCount of its characters, from CodePosition, to GlyphCount glyphs
  (the Glyphs list); each glyph takes one position;
- an ImageObject is drawn into the unit square mapped by its CTM, inside its Boundary.
"""

from __future__ import annotations

import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from functools import cached_property

NS = {"ofd": "http://www.ofdspec.org/2016"}
_Q = "{http://www.ofdspec.org/2016}"


@dataclass
class Font:
    id: int
    name: str
    family: str | None
    location: str | None  # the font file's path in the package
    data: bytes | None

    @cached_property
    def tt(self):  # the embedded font, parsed with fontTools (a test dependency through docgen)
        from fontTools.ttLib import TTFont

        return TTFont(io.BytesIO(self.data)) if self.data else None

    def cmap_glyph(self, ch: str) -> int | None:
        font = self.tt
        if font is None:
            return None
        name = font.getBestCmap().get(ord(ch))
        return None if name is None else font.getGlyphID(name)

    def advance(self, glyph_id: int) -> float:
        """Advance in ems."""
        font = self.tt
        if font is None:
            return 0.0
        name = font.getGlyphOrder()[glyph_id]
        return font["hmtx"][name][0] / font["head"].unitsPerEm


@dataclass
class Glyph:
    text: str  # the characters it stands for ('' for a further glyph of one CGTransform)
    x: float  # origin on the baseline, mm from the page's left edge
    y: float  # mm from the page's top edge
    glyph_id: int | None  # in the embedded font: through CGTransform, else through its cmap
    mapped: bool  # through CGTransform


@dataclass
class TextObject:
    id: int
    boundary: tuple[float, float, float, float]
    font: Font
    size: float  # mm
    fill: bool
    stroke: bool
    line_width: float
    hscale: float
    fill_color: str | None
    stroke_color: str | None
    codes: list[tuple[float | None, float | None, str]]  # X, Y, text of each TextCode
    glyphs: list[Glyph] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(code[2] for code in self.codes)


@dataclass
class Path:
    id: int
    boundary: tuple[float, float, float, float]
    line_width: float
    stroke: bool
    fill: bool
    stroke_color: str | None
    segments: list[tuple[float, float, float, float]]  # straight segments in page mm


@dataclass
class Image:
    id: int
    boundary: tuple[float, float, float, float]
    box: tuple[float, float, float, float]  # where the unit square lands: left, top, width, height (mm)
    format: str | None
    data: bytes


@dataclass
class Annotation:
    id: int
    type: str
    subtype: str | None
    boundary: tuple[float, float, float, float] | None
    parameters: dict[str, str]


@dataclass
class Page:
    id: int
    location: str
    width: float
    height: float
    objects: list[TextObject | Path | Image]
    annotations: list[Annotation] = field(default_factory=list)

    @property
    def texts(self) -> list[TextObject]:
        return [obj for obj in self.objects if isinstance(obj, TextObject)]

    @property
    def paths(self) -> list[Path]:
        return [obj for obj in self.objects if isinstance(obj, Path)]

    @property
    def images(self) -> list[Image]:
        return [obj for obj in self.objects if isinstance(obj, Image)]

    @property
    def text(self) -> str:
        return "".join(obj.text for obj in self.texts)

    @property
    def glyphs(self) -> list[Glyph]:
        return [glyph for obj in self.texts for glyph in obj.glyphs]

    @property
    def font_names(self) -> set[str]:
        return {obj.font.name for obj in self.texts}


@dataclass
class Document:
    info: dict[str, str]
    doc_root: str
    max_unit_id: int
    fonts: dict[int, Font]
    pages: list[Page]
    parts: dict[str, bytes]  # every member of the package


# -- helpers ----------------------------------------------------------------------------------------------------
def _resolve(base_file: str, location: str) -> str:
    """ST_Loc: absolute from the package root, else relative to the folder of ``base_file``."""
    location = location.strip()
    if location.startswith("/"):
        return posixpath.normpath(location.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_file), location))


def _numbers(value: str | None) -> list[float]:
    return [float(v) for v in value.split()] if value else []


def _box(value: str) -> tuple[float, float, float, float]:
    left, top, width, height = _numbers(value)
    return left, top, width, height


def _deltas(value: str | None) -> list[float]:
    """ST_Array of a DeltaX/DeltaY, with the "g N v" repetition (§11.3)."""
    tokens = value.split() if value else []
    out: list[float] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "g":
            out += [float(tokens[i + 2])] * int(tokens[i + 1])
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return out


def _colour(element: ET.Element | None) -> str | None:
    return None if element is None else element.get("Value")


def _bool(value: str | None, default: bool) -> bool:
    return default if value is None else value == "true"


def _ctm(value: str | None) -> tuple[float, ...]:
    return tuple(_numbers(value)) if value else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _apply(ctm: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = ctm
    return a * x + c * y + e, b * x + d * y + f


# -- reading ----------------------------------------------------------------------------------------------------
class _Reader:
    def __init__(self, data: bytes):
        archive = zipfile.ZipFile(io.BytesIO(data))
        self.parts = {name: archive.read(name) for name in archive.namelist()}
        self.fonts: dict[int, Font] = {}
        self.media: dict[int, tuple[str | None, bytes]] = {}

    def xml(self, name: str) -> ET.Element:
        return ET.fromstring(self.parts[name])

    def read(self) -> Document:
        entry = self.xml("OFD.xml")
        body = entry.find("ofd:DocBody", NS)
        assert body is not None, "OFD.xml has no DocBody"
        doc_info = body.find("ofd:DocInfo", NS)
        info = {child.tag.removeprefix(_Q): child.text or "" for child in ([] if doc_info is None else doc_info)}
        doc_root = _resolve("OFD.xml", body.findtext("ofd:DocRoot", namespaces=NS) or "")
        document = self.xml(doc_root)
        common = document.find("ofd:CommonData", NS)
        assert common is not None
        default_box = _numbers(common.findtext("ofd:PageArea/ofd:PhysicalBox", namespaces=NS))
        for tag in ("ofd:PublicRes", "ofd:DocumentRes"):
            for res in common.findall(tag, NS):
                self.resources(_resolve(doc_root, res.text or ""))
        annotations = self.annotations(document, doc_root)
        pages = []
        for page in document.findall("ofd:Pages/ofd:Page", NS):
            location = _resolve(doc_root, page.get("BaseLoc", ""))
            page_id = int(page.get("ID", "0"))
            pages.append(self.page(page_id, location, default_box, annotations.get(page_id, [])))
        return Document(
            info, doc_root, int(common.findtext("ofd:MaxUnitID", namespaces=NS) or 0), self.fonts, pages, self.parts
        )

    def resources(self, name: str) -> None:
        res = self.xml(name)
        base = _resolve(name, res.get("BaseLoc", "")) + "/"
        for font in res.findall("ofd:Fonts/ofd:Font", NS):
            file = font.findtext("ofd:FontFile", namespaces=NS)
            location = _resolve(base, file) if file else None
            self.fonts[int(font.get("ID", "0"))] = Font(
                int(font.get("ID", "0")),
                font.get("FontName", ""),
                font.get("FamilyName"),
                location,
                self.parts.get(location) if location else None,
            )
        for media in res.findall("ofd:MultiMedias/ofd:MultiMedia", NS):
            location = _resolve(base, media.findtext("ofd:MediaFile", namespaces=NS) or "")
            self.media[int(media.get("ID", "0"))] = (media.get("Format"), self.parts[location])

    def annotations(self, document: ET.Element, doc_root: str) -> dict[int, list[Annotation]]:
        found: dict[int, list[Annotation]] = {}
        index_loc = document.findtext("ofd:Annotations", namespaces=NS)
        if not index_loc:
            return found
        index_name = _resolve(doc_root, index_loc)
        for page in self.xml(index_name).findall("ofd:Page", NS):
            name = _resolve(index_name, page.findtext("ofd:FileLoc", namespaces=NS) or "")
            annots = found.setdefault(int(page.get("PageID", "0")), [])
            for annot in self.xml(name).findall("ofd:Annot", NS):
                appearance = annot.find("ofd:Appearance", NS)
                boundary = appearance.get("Boundary") if appearance is not None else None
                annots.append(
                    Annotation(
                        int(annot.get("ID", "0")),
                        annot.get("Type", ""),
                        annot.get("Subtype"),
                        _box(boundary) if boundary else None,
                        {p.get("Name", ""): p.text or "" for p in annot.findall("ofd:Parameters/ofd:Parameter", NS)},
                    )
                )
        return found

    def page(self, page_id: int, location: str, default_box: list[float], annots: list[Annotation]) -> Page:
        root = self.xml(location)
        own = root.findtext("ofd:Area/ofd:PhysicalBox", namespaces=NS)
        box = _numbers(own) if own else default_box
        objects: list[TextObject | Path | Image] = []
        for layer in root.findall("ofd:Content/ofd:Layer", NS):
            self.block(layer, objects)
        return Page(page_id, location, box[2], box[3], objects, annots)

    def block(self, block: ET.Element, objects: list) -> None:
        for element in block:
            tag = element.tag.removeprefix(_Q)
            if tag == "TextObject":
                objects.append(self.text_object(element))
            elif tag == "PathObject":
                objects.append(self.path_object(element))
            elif tag == "ImageObject":
                objects.append(self.image_object(element))
            elif tag == "PageBlock":
                self.block(element, objects)

    def text_object(self, element: ET.Element) -> TextObject:
        left, top, _, _ = boundary = _box(element.get("Boundary", ""))
        font = self.fonts[int(element.get("Font", "0"))]
        size = float(element.get("Size", "0"))
        hscale = float(element.get("HScale", "1"))
        obj = TextObject(
            int(element.get("ID", "0")),
            boundary,
            font,
            size,
            _bool(element.get("Fill"), True),
            _bool(element.get("Stroke"), False),
            float(element.get("LineWidth", "0.353")),
            hscale,
            _colour(element.find("ofd:FillColor", NS)),
            _colour(element.find("ofd:StrokeColor", NS)),
            [],
        )
        ctm = _ctm(element.get("CTM"))
        transforms: list[ET.Element] = []
        x = y = 0.0
        for child in element:
            tag = child.tag.removeprefix(_Q)
            if tag == "CGTransform":
                transforms.append(child)
                continue
            if tag != "TextCode":
                continue
            content = child.text or ""
            x = float(child.get("X")) if child.get("X") is not None else x
            y = float(child.get("Y")) if child.get("Y") is not None else y
            obj.codes.append((x, y, content))
            by_position = {int(t.get("CodePosition", "0")): t for t in transforms}
            transforms = []
            pieces: list[tuple[str, int | None, bool]] = []  # text, glyph id, through CGTransform
            i = 0
            while i < len(content) or by_position:
                transform = by_position.pop(i, None)
                if transform is None and i >= len(content):
                    transform = by_position.pop(min(by_position))  # a mapping past the text (no characters)
                if transform is not None:
                    count = int(transform.get("CodeCount", "1"))
                    ids = [int(v) for v in (transform.findtext("ofd:Glyphs", namespaces=NS) or "").split()]
                    chars = content[i : i + count]
                    pieces += [(chars if k == 0 else "", gid, True) for k, gid in enumerate(ids)]
                    i += count
                else:
                    pieces.append((content[i], font.cmap_glyph(content[i]), False))
                    i += 1
            xs, ys = _deltas(child.get("DeltaX")), _deltas(child.get("DeltaY"))
            cx, cy = x, y
            previous: int | None = None
            for step, (chars, gid, mapped) in enumerate(pieces):
                if step:
                    advance = font.advance(previous) * size * hscale if previous is not None else 0.0
                    cx += xs[step - 1] if step - 1 < len(xs) else advance
                    cy += ys[step - 1] if step - 1 < len(ys) else 0.0
                px, py = _apply(ctm, cx, cy)
                obj.glyphs.append(Glyph(chars, left + px, top + py, gid, mapped))
                previous = gid
        return obj

    def path_object(self, element: ET.Element) -> Path:
        left, top, _, _ = boundary = _box(element.get("Boundary", ""))
        ctm = _ctm(element.get("CTM"))
        tokens = (element.findtext("ofd:AbbreviatedData", namespaces=NS) or "").split()
        arity = {"S": 2, "M": 2, "L": 2, "Q": 4, "B": 6, "A": 7, "C": 0}
        segments = []
        current = start = (0.0, 0.0)
        i = 0
        while i < len(tokens):
            op = tokens[i]
            args = [float(v) for v in tokens[i + 1 : i + 1 + arity[op]]]
            i += 1 + arity[op]
            if op in ("S", "M"):
                current = start = (args[0], args[1])
            elif op == "C":
                segments.append((*current, *start))
                current = start
            else:  # L, or the end point of a curve or an arc (the tests need straight lines only)
                end = (args[-2], args[-1])
                segments.append((*current, *end))
                current = end
        placed = []
        for x0, y0, x1, y1 in segments:
            ax, ay = _apply(ctm, x0, y0)
            bx, by = _apply(ctm, x1, y1)
            placed.append((left + ax, top + ay, left + bx, top + by))
        return Path(
            int(element.get("ID", "0")),
            boundary,
            float(element.get("LineWidth", "0.353")),
            _bool(element.get("Stroke"), True),
            _bool(element.get("Fill"), False),
            _colour(element.find("ofd:StrokeColor", NS)),
            placed,
        )

    def image_object(self, element: ET.Element) -> Image:
        left, top, _, _ = boundary = _box(element.get("Boundary", ""))
        ctm = _ctm(element.get("CTM"))
        corners = [_apply(ctm, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
        xs = [c[0] for c in corners]
        ys = [c[1] for c in corners]
        fmt, data = self.media[int(element.get("ResourceID", "0"))]
        box = (left + min(xs), top + min(ys), max(xs) - min(xs), max(ys) - min(ys))
        return Image(int(element.get("ID", "0")), boundary, box, fmt, data)


def read_ofd(data: bytes) -> Document:
    """Read an OFD file's first document."""
    return _Reader(data).read()


def xml_parts(parts: dict[str, bytes]) -> list[str]:
    return sorted(name for name in parts if name.endswith(".xml"))


#: which schema (tests/ofd_schema) each kind of part is checked against
SCHEMA_OF = [
    (re.compile(r"(^|/)OFD\.xml$"), "OFD.xsd"),
    (re.compile(r"(^|/)Document\.xml$"), "Document.xsd"),
    (re.compile(r"Res\.xml$"), "Res.xsd"),
    (re.compile(r"(^|/)Content\.xml$"), "Page.xsd"),
    (re.compile(r"(^|/)Annotations\.xml$"), "Annotations.xsd"),
    (re.compile(r"(^|/)Annotation\.xml$"), "Annotation.xsd"),
]
