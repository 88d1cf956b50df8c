"""Images a document may show (seals, signature stamps): what kind a file is and how large it is meant to be.

Only files the spec declared (validated ``file`` fields) are ever read; their size comes from the file where it says
one (a PNG's physical pixel size, an SVG's width and height in absolute units), else from a default width and the
image's proportions.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from docgen.errors import SpecError
from docgen.inputs import MB, read_bounded
from docgen.units import MM

__all__ = ["ImageInfo", "check_image", "image_info", "raster"]

MAX_IMAGE_BYTES = 16 * MB
#: A seal scanned at 1200 dpi is about 2,000 pixels across; far more is a decompression bomb, not a seal.
MAX_IMAGE_PIXELS = 40_000_000
#: No seal or stamp is larger than the type area: a size beyond this is a wrong unit or a hostile file.
MAX_IMAGE_SIZE = 250 * MM
_UNITS = {"mm": MM, "cm": 10 * MM, "in": 72.0, "pt": 1.0, "px": 0.75, "": 0.75}


@dataclass(frozen=True)
class ImageInfo:
    kind: str  # png, jpeg, svg
    width: float | None  # points, where the file says its physical size
    height: float | None
    ratio: float  # height / width


def _too_large(kind: str, width: float, height: float) -> None:
    if width <= 0 or height <= 0:
        raise SpecError(f"{kind} 图片的尺寸无效（{width:g} × {height:g}）")
    if width * height > MAX_IMAGE_PIXELS:
        raise SpecError(
            f"{kind} 图片太大：{width:g} × {height:g} 像素",
            hint="印章图片用 600 dpi 左右扫描即可（约 1000 × 1000 像素）",
        )


def _png(data: bytes) -> ImageInfo:
    width, height = struct.unpack(">II", data[16:24])
    _too_large("PNG", width, height)
    physical = None
    at = data.find(b"pHYs")
    if at > 0 and len(data) >= at + 13:
        x_ppu, _, unit = struct.unpack(">IIB", data[at + 4 : at + 13])
        if unit == 1 and x_ppu > 0:  # pixels per metre
            physical = width / x_ppu * 1000 * MM
    ratio = height / width if width else 1.0
    return ImageInfo("png", physical, physical * ratio if physical else None, ratio)


def _jpeg(data: bytes) -> ImageInfo:
    at = 2
    while at + 9 < len(data):
        if data[at] != 0xFF:
            break
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2 : at + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            _too_large("JPEG", width, height)
            return ImageInfo("jpeg", None, None, height / width if width else 1.0)
        at += 2 + length
    return ImageInfo("jpeg", None, None, 1.0)


def _length(value: str | None) -> float | None:
    match = re.fullmatch(r"\s*([\d.]+)\s*(mm|cm|in|pt|px|)\s*", value or "")
    return float(match.group(1)) * _UNITS[match.group(2)] if match else None


def _svg(data: bytes) -> ImageInfo:
    head = data[:4096].decode("utf-8", "replace")
    tag = re.search(r"<svg\b[^>]*>", head, re.S)
    attrs = dict(re.findall(r'(\w+)\s*=\s*"([^"]*)"', tag.group())) if tag else {}
    width, height = _length(attrs.get("width")), _length(attrs.get("height"))
    box = [float(v) for v in re.findall(r"[-\d.]+", attrs.get("viewBox", ""))]
    ratio = (box[3] / box[2]) if len(box) == 4 and box[2] else (height / width if width and height else 1.0)
    absolute = attrs.get("width", "").strip().endswith(("mm", "cm", "in", "pt"))
    if not 0.01 < ratio < 100:
        raise SpecError("SVG 图片的宽高比不合理", hint="检查 SVG 的 width、height 和 viewBox")
    return ImageInfo("svg", width if absolute else None, height if absolute else None, ratio)


@lru_cache(maxsize=64)
def image_info(path: str) -> ImageInfo:
    """Kind, physical size (where the file says it) and proportions of an image file."""
    data = read_bounded(Path(path), MAX_IMAGE_BYTES, "图片文件", SpecError)
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        info = _png(data[:65536])
    elif data.startswith(b"\xff\xd8\xff"):
        info = _jpeg(data)
    elif b"<svg" in data[:4096].lower():
        info = _svg(data)
    else:
        raise SpecError("不是 PNG、JPEG 或 SVG 图片", hint="印章、签名章用 PNG（透明底）或 SVG")
    if (info.width or 0) > MAX_IMAGE_SIZE or (info.height or 0) > MAX_IMAGE_SIZE:
        raise SpecError(
            f"图片标明的尺寸（{(info.width or 0) / MM:.0f} × {(info.height or 0) / MM:.0f} mm）比版心还大",
            hint="印章图片的尺寸应与实物相同（公章直径一般 42 mm）；检查图片的分辨率或 SVG 的 width、height",
        )
    return info


#: How finely a vector image (SVG) is rasterized for the writers: fine enough that a printed seal shows no pixels.
RASTER_DPI = 600
_SVG_ALLOWED_HREF = re.compile(r"^#[\w.-]*$")


def _sanitized_svg(data: bytes, width_px: int, height_px: int) -> bytes:
    """The SVG with nothing that reaches outside it: no external references (images, styles, fonts), scripts or
    foreign content; parsed without entities or network, so that a hostile file reads nothing. Its size is set to
    the pixels wanted (the renderer takes no absolute units), its drawing kept by a viewBox."""
    from lxml import etree

    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError as exc:
        raise SpecError(f"SVG 图片无法读取：{exc.msg}") from None
    if root.getroottree().docinfo.internalDTD is not None or b"<!ENTITY" in data:
        raise SpecError("SVG 图片里有 DOCTYPE 或实体声明", hint="印章图片只能是图形；用图形软件另存为普通 SVG")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        if name in ("script", "foreignObject", "style"):
            raise SpecError(f"SVG 图片里有不允许的 <{name}>", hint="印章图片只能是图形，不能含脚本或外部内容")
        for attribute, value in element.attrib.items():
            if etree.QName(attribute).localname == "href" and not _SVG_ALLOWED_HREF.match(value.strip()):
                raise SpecError("SVG 图片引用了外部内容", hint="印章图片只能引用它自己内部的图形（#id）")
    if root.get("viewBox") is None:  # user units are CSS pixels of the declared size
        width = (_length(root.get("width")) or 75.0) / 0.75
        height = (_length(root.get("height")) or width * 0.75) / 0.75
        root.set("viewBox", f"0 0 {width:g} {height:g}")
    root.set("width", str(width_px))
    root.set("height", str(height_px))
    return etree.tostring(root)


def check_image(path: str) -> ImageInfo:
    """Everything about an image a spec names that can be wrong, found when the spec is read (so it is reported at
    the spec's line): its kind, size and proportions, and for an SVG anything that could reach outside it."""
    info = image_info(path)
    if info.kind == "svg":
        _sanitized_svg(read_bounded(Path(path), MAX_IMAGE_BYTES, "图片文件", SpecError), 1, 1)
    return info


#: The longest side of a rasterized SVG, in pixels (a 42 mm seal at 600 dpi is 992).
MAX_RASTER_SIDE = 3000


def raster(path: str) -> Path:
    """A PNG or JPEG the writers can embed: the file itself, or an SVG rendered (once, cached) at RASTER_DPI."""
    file = Path(path)
    if image_info(path).kind != "svg":
        return file
    import hashlib

    from docgen.cache import cache_root

    data = read_bounded(file, MAX_IMAGE_BYTES, "图片文件", SpecError)
    target = cache_root() / "images" / f"{hashlib.sha256(data).hexdigest()[:24]}-{RASTER_DPI}-{MAX_RASTER_SIDE}.png"
    if target.is_file():
        return target
    info = image_info(path)
    across = min(MAX_RASTER_SIDE, (info.width or 42 * MM) / 72 * RASTER_DPI)  # pixels at its printed size
    scale = min(1.0, MAX_RASTER_SIDE / (across * info.ratio))
    width_px, height_px = max(1, round(across * scale)), max(1, round(across * info.ratio * scale))
    clean = _sanitized_svg(data, width_px, height_px).decode("utf-8")
    import resvg_py  # a compiled SVG renderer (Rust): no system library needed

    try:
        png = bytes(resvg_py.svg_to_bytes(svg_string=clean))
    except (ValueError, RuntimeError) as exc:
        raise SpecError(f"SVG 图片无法绘制：{exc}", hint="用图形软件另存为普通 SVG 或 PNG") from None
    from docgen.output import write_atomic

    try:
        write_atomic(target, png)
    except Exception:  # an unwritable cache: keep the image in a temporary file of this process
        import tempfile

        handle, name = tempfile.mkstemp(suffix=".png")
        with open(handle, "wb") as out:
            out.write(png)
        return Path(name)
    return target
