"""PostScript-outline (CFF) fonts → TrueType-outline fonts that reportlab can embed, converted once and cached.

reportlab's TTFont reads glyf outlines only, and most free CJK fonts (Noto CJK, Fandol, the PyPI default) are CFF.
Each wanted glyph's outline is read by HarfBuzz (fontTools where HarfBuzz cannot) and redrawn through cu2qu (cubic →
quadratic curves) by fontTools. A whole CJK font would take tens of seconds, so the conversion covers a character
set: the GB2312 set (6,763 hanzi, ASCII, Chinese punctuation, full-width forms) up front, 3–5 s per face, and any
other character a document needs as a small supplement on demand. Results are
cached per user, keyed by the source file's hash, so a later build converts nothing it converted before.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import struct
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.cache import cache_root

if TYPE_CHECKING:  # fontTools is imported only when a font is converted
    from fontTools.ttLib import TTFont

PROGRESS = logging.getLogger("docgen.progress")
#: Font conversion and registration share fontTools objects (the open source font) and reportlab's registry: one
#: thread at a time (threads rendering documents in a service would otherwise corrupt them).
FONT_LOCK = threading.RLock()
CACHE_VERSION = "2"  # 2: outlines read by HarfBuzz (the same points; a fresh cache for every font all the same)
#: cu2qu's tolerance in font units (of 1000 per em): invisible at print sizes, 2.7 MB for Noto Serif SC's GB2312.
MAX_ERROR = 1.0
_PUNCTUATION = "。，、；：？！“”‘’（）《》〔〕【】〖〗「」『』—…·～　"


def cache_dir() -> Path:
    """Converted fonts and parsed font tables: the cache root + fonts."""
    return cache_root() / "fonts"


@lru_cache(maxsize=1)
def gb2312_characters() -> frozenset[str]:
    """Every GB2312 hanzi (rows 16–87), printable ASCII, Chinese punctuation and the full-width forms."""
    chars = {chr(c) for c in range(0x20, 0x7F)} | set(_PUNCTUATION) | {chr(c) for c in range(0xFF01, 0xFF5F)}
    for row in range(0xB0, 0xF8):
        for cell in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([row, cell]).decode("gb2312"))
    return frozenset(chars)


@contextlib.contextmanager
def quiet_fonttools() -> Iterator[None]:
    """fontTools logs a warning for harmless quirks of some system fonts (padding after 'glyf'); not ours to show."""
    logger = logging.getLogger("fontTools")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@lru_cache(maxsize=64)
def is_postscript_outline(path: Path, index: int = 0) -> bool:
    """True for CFF-outline OpenType: its sfnt version is 'OTTO' (in a collection, the subfont's), by the
    OpenType spec. Read from the header, without fontTools (whose import alone costs a build 20 ms)."""
    with path.open("rb") as handle:
        header = handle.read(12)
        if header[:4] == b"ttcf":
            handle.seek(12 + 4 * index)
            (offset,) = struct.unpack(">I", handle.read(4))
            handle.seek(offset)
            header = handle.read(4)
    return header[:4] == b"OTTO"


@lru_cache(maxsize=64)
def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def converted(path: Path, index: int, chars: Iterable[str] | None = None) -> Path:
    """A cached TrueType conversion of ``path`` (subfont ``index``) covering ``chars`` (default: the GB2312 set).
    Converts only when the cache does not hold it yet."""
    with FONT_LOCK:
        return _converted(path, index, chars)


def needs_conversion(path: Path, index: int) -> bool:
    """True when ``path`` is a CFF font whose GB2312 conversion is not in the cache folder yet (its first build
    converts it, 3–5 s). False for a file it cannot read: the build reports that at its face."""
    try:
        if path.suffix.lower() == ".pfb" or not is_postscript_outline(path, index):
            return False
        return not (cache_dir() / _cached_name(path, index, "gb2312")).is_file()
    except (OSError, struct.error):
        return False


def _cached_name(path: Path, index: int, tag: str) -> str:
    return f"{file_hash(path)[:20]}-{index}-{tag}-v{CACHE_VERSION}.ttf"


def _fallback_dir() -> Path:
    """Where conversions go when the cache folder cannot be made (a read-only home, a service account)."""
    return Path(tempfile.gettempdir()) / f"docgen-fonts-{os.getuid() if hasattr(os, 'getuid') else 0}"


def _converted(path: Path, index: int, chars: Iterable[str] | None) -> Path:
    wanted = gb2312_characters() if chars is None else frozenset(chars)
    source = file_hash(path)
    tag = "gb2312" if chars is None else "x" + hashlib.sha256("".join(sorted(wanted)).encode()).hexdigest()[:12]
    target = cache_dir() / _cached_name(path, index, tag)
    if target.is_file():
        return target
    label = "GB2312 字符集" if chars is None else f"{len(wanted)} 个字符"
    PROGRESS.info("首次使用字体 %s：正在转换 %s 供 PDF 嵌入（只转换一次）…", path.name, label)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only home (a sandbox, a service account): convert into the temp folder instead
        target = _fallback_dir() / target.name
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
    ps_name = f"Docgen{source[:8]}{tag[:8]}"
    _remove_abandoned(target.parent)
    fd, tmp = tempfile.mkstemp(prefix=_TEMPORARY, suffix=".ttf", dir=target.parent)
    os.close(fd)
    try:
        with quiet_fonttools():
            _convert(path, index, wanted, Path(tmp), ps_name)
        os.chmod(tmp, 0o644)  # as the cache's other files (mkstemp made it private)
        os.replace(tmp, target)  # atomic: concurrent builds never see half a font
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return target


_TEMPORARY = ".conv-"  # the prefix of a conversion being written
_ABANDONED_AFTER = 600  # seconds: no conversion takes that long, so an older temporary file was left by a killed one


def _remove_abandoned(folder: Path) -> None:
    """Temporary files of conversions whose process was killed before it could remove them (SIGKILL, a power cut)."""
    import time

    limit = time.time() - _ABANDONED_AFTER
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name.startswith(_TEMPORARY) and entry.name.endswith(".ttf"):
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_mtime < limit:
                        os.unlink(entry.path)


@lru_cache(maxsize=4)
def _source_font(path: Path, index: int) -> TTFont:
    """The source font, kept open: supplements for rare characters convert a few glyphs each, and parsing a CJK
    font's CFF table again for each would cost seconds."""
    from fontTools.ttLib import TTFont

    return TTFont(str(path), fontNumber=index)


def _outline_drawer(path: Path, index: int, source: TTFont) -> Callable[[str, Any], None]:
    """``draw(glyph name, pen)``: the glyph's outline in font units, read by HarfBuzz's CFF interpreter (in C), or
    by fontTools' (in Python, two to three times slower) where HarfBuzz cannot open the font. Both give the same
    points: every GB2312 glyph of the two default faces was compared (tests/test_fonts_convert.py checks a
    sample), so the conversion and the PDFs made from it are the same bytes either way."""
    glyph_set = source.getGlyphSet()
    try:
        from docgen.harfbuzz import harfbuzz

        hb = harfbuzz()
        face = hb.Face(hb.Blob.from_file_path(str(path)), index)
        if face.glyph_count != len(source.getGlyphOrder()):
            raise ValueError("HarfBuzz and fontTools disagree on the glyphs")
        font = hb.Font(face)
        font.scale = (face.upem, face.upem)  # coordinates in font units, as the CFF table has them
    except Exception:  # any failure: fontTools draws instead
        return lambda name, pen: glyph_set[name].draw(pen)
    glyph_id = source.getReverseGlyphMap()

    def draw(name: str, pen: Any) -> None:
        guarded = _GuardedPen(pen)
        font.draw_glyph_with_pen(glyph_id[name], guarded)
        if guarded.error is not None:
            raise guarded.error

    return draw


@contextlib.contextmanager
def _signals_between_glyphs() -> Iterator[Callable[[], None]]:
    """Ctrl-C and SIGTERM held while glyphs are drawn and acted on between two glyphs, by calling what this yields
    (and on leaving): HarfBuzz draws through Python callbacks, and an exception raised in one, which a signal
    handler may do at any instruction, is printed and dropped by uharfbuzz, leaving a glyph half drawn. Only the
    main thread receives signals: elsewhere this changes nothing."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield lambda: None
        return
    held: list[tuple[int, Any]] = []
    handlers = {}
    for number in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(number)
        if callable(handler):  # a Python handler (KeyboardInterrupt's, the command line's): it raises
            handlers[number] = handler
            signal.signal(number, lambda number, frame: held.append((number, frame)))

    def deliver() -> None:
        if held:
            restore()
            number, frame = held[0]
            held.clear()
            handlers[number](number, frame)

    def restore() -> None:
        for number, handler in handlers.items():
            signal.signal(number, handler)

    try:
        yield deliver
    finally:
        restore()
    deliver()


class _GuardedPen:
    """A pen for HarfBuzz to draw on that keeps the first exception raised in it. uharfbuzz calls the pen from C
    and only prints an exception raised there: the glyph would be left half drawn and the conversion cached with
    it. ``draw`` raises the kept exception once HarfBuzz returns."""

    def __init__(self, pen: Any) -> None:
        self.pen = pen
        self.error: BaseException | None = None

    def _call(self, method: str, *args: Any) -> None:
        if self.error is None:
            try:
                getattr(self.pen, method)(*args)
            except BaseException as error:  # kept; draw raises it after HarfBuzz returns
                self.error = error

    def moveTo(self, point: Any) -> None:  # the pen protocol names its methods so
        self._call("moveTo", point)

    def lineTo(self, point: Any) -> None:
        self._call("lineTo", point)

    def curveTo(self, *points: Any) -> None:
        self._call("curveTo", *points)

    def qCurveTo(self, *points: Any) -> None:
        self._call("qCurveTo", *points)

    def closePath(self) -> None:
        self._call("closePath")

    def endPath(self) -> None:
        self._call("endPath")


def _convert(path: Path, index: int, wanted: frozenset[str], out: Path, ps_name: str) -> None:
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    source = _source_font(path, index)
    cmap = source.getBestCmap()
    mapping = {ord(ch): cmap[ord(ch)] for ch in wanted if ord(ch) in cmap}
    order = [".notdef", *sorted(set(mapping.values()) - {".notdef"})]
    draw = _outline_drawer(path, index, source)
    glyphs = {}
    with _signals_between_glyphs() as deliver:
        for name in order:
            deliver()
            pen = TTGlyphPen(None)
            # CFF outer contours run counter-clockwise, TrueType's clockwise.
            draw(name, Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
            glyphs[name] = pen.glyph()

    upem = source["head"].unitsPerEm
    builder = FontBuilder(upem, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(mapping)
    builder.setupGlyf(glyphs)
    glyf = builder.font["glyf"]
    hmtx = source["hmtx"]
    builder.setupHorizontalMetrics(
        {name: (hmtx[name][0], glyf[name].xMin if glyf[name].numberOfContours else 0) for name in order}
    )
    hhea = source["hhea"]
    builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent, lineGap=hhea.lineGap)
    names = source["name"]
    table = {
        "familyName": ps_name,
        "styleName": "Regular",
        "uniqueFontIdentifier": f"{ps_name}; converted by docgen from {names.getDebugName(6)}",
        "fullName": ps_name,
        "psName": ps_name,
        "version": names.getDebugName(5) or "Version 1.000",
    }
    # The OFL asks to keep the copyright and licence, and not to reuse a reserved font name: the family is renamed.
    for name_id, key in ((0, "copyright"), (13, "licenseDescription"), (14, "licenseInfoURL")):
        if value := names.getDebugName(name_id):
            table[key] = value
    builder.setupNameTable(table)
    os2 = source["OS/2"]
    builder.setupOS2(
        version=4,
        usWeightClass=os2.usWeightClass,
        fsType=os2.fsType,
        sTypoAscender=os2.sTypoAscender,
        sTypoDescender=os2.sTypoDescender,
        sTypoLineGap=os2.sTypoLineGap,
        usWinAscent=os2.usWinAscent,
        usWinDescent=os2.usWinDescent,
        ulCodePageRange1=os2.ulCodePageRange1,
        ulCodePageRange2=os2.ulCodePageRange2,
    )
    builder.setupPost(keepGlyphNames=False)
    # Fixed timestamps: the same source gives the same bytes (reproducible PDFs).
    builder.setupHead(unitsPerEm=upem, fontRevision=source["head"].fontRevision, created=0, modified=0)
    builder.save(str(out))
