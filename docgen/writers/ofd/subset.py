"""TrueType subsets for embedding: exactly the glyphs a document draws, with a Unicode cmap for its characters.

Subsetting a CJK font with fontTools costs 0.05–0.3 s (its cmap and metrics are read whole, the glyphs kept are
rewritten without hinting), more than writing the rest of the OFD. The same document built again needs the same
subset, so the result is kept in the user's cache (``cache_root() / "ofd-subsets"``), keyed by the font file (path,
size, modification time, index in a collection) and the sorted characters and glyph ids asked for. A cache that
cannot be read or written is simply not used. fontTools is imported only when a subset has to be made.

A subset renumbers glyphs; glyphs chosen by shaping (``Glyph.gid``, a joining form or a conjunct) are referred to
by their new number in the OFD's CGTransform, so the mapping old → new is kept with the bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from docgen.cache import cache_root, keep_newest
from docgen.fonts.convert import FONT_LOCK, quiet_fonttools

__all__ = ["Subset", "subset_font"]

#: bumped whenever the subsetting options change, so old cache entries are no longer found
_VERSION = "ofd-subset-2"
#: how many subsets the cache folder keeps (the most recent: each font of each document writes one)
KEEP_ON_DISK = 256
_MAGIC = b"docgen-ofd-subset 1\n"
#: tables a TrueType subset for drawing does not need: layout (positions are explicit in the OFD), vertical
#: metrics (horizontal text only), AAT, signatures, tables fontTools cannot subset and would drop with a warning
_DROP = ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "kern", "vhea", "vmtx", "VORG", "DSIG", "mort", "morx",
         "feat", "FFTM", "LTSH", "PCLT", "hdmx", "VDMX"]  # fmt: skip


@dataclass(frozen=True)
class Subset:
    """A subset font file and, for the glyph ids asked for, their ids in it."""

    data: bytes
    gids: dict[int, int]


def subset_font(path: Path, index: int, chars: Iterable[str], gids: Iterable[int]) -> Subset:
    """The subset of font ``path`` (``index`` in a collection) holding the glyphs of ``chars`` (each mapped from
    its code point in the cmap) and the glyphs ``gids`` (reached through CGTransform, not the cmap), plus .notdef
    (drawn for a character the font lacks) and the components of composite glyphs."""
    codes = sorted({ord(ch) for ch in chars})
    wanted = sorted(set(gids))
    key = _cache_key(path, index, codes, wanted)
    cached = _read_cache(key) if key else None
    if cached is not None:
        return cached
    made = _make_subset(path, index, codes, wanted)
    if key:
        _write_cache(key, made)
    return made


# -- the cache --------------------------------------------------------------------------------------------------
def _cache_dir() -> Path:
    return cache_root() / "ofd-subsets"


def _cache_key(path: Path, index: int, codes: list[int], gids: list[int]) -> str | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None  # the subsetter reports the missing file itself
    digest = hashlib.sha256()
    digest.update(json.dumps([_VERSION, os.path.abspath(path), stat.st_size, stat.st_mtime_ns, index]).encode())
    digest.update(b"\0" + ",".join(map(str, codes)).encode() + b"\0" + ",".join(map(str, gids)).encode())
    return digest.hexdigest()


def _read_cache(key: str) -> Subset | None:
    try:
        raw = (_cache_dir() / f"{key}.bin").read_bytes()
    except OSError:
        return None
    if not raw.startswith(_MAGIC):
        return None
    header_end = raw.find(b"\n", len(_MAGIC))
    if header_end < 0:
        return None
    try:
        header = json.loads(raw[len(_MAGIC) : header_end])
        gids = {int(old): int(new) for old, new in header["gids"].items()}
        size = int(header["size"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    data = raw[header_end + 1 :]
    if len(data) != size:
        return None  # a foreign or damaged file: make the subset again
    return Subset(data, gids)


def _write_cache(key: str, subset: Subset) -> None:
    header = json.dumps({"gids": {str(k): v for k, v in sorted(subset.gids.items())}, "size": len(subset.data)})
    folder = _cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".bin")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(_MAGIC + header.encode() + b"\n" + subset.data)
            os.replace(temp, folder / f"{key}.bin")  # readers see the whole entry or none
        except BaseException:
            os.unlink(temp)
            raise
        keep_newest(folder, ".bin", KEEP_ON_DISK)
    except OSError:
        pass  # a read-only or full cache only costs the next build the same time again


# -- making a subset --------------------------------------------------------------------------------------------
def _make_subset(path: Path, index: int, codes: list[int], gids: list[int]) -> Subset:
    from fontTools import subset, ttLib  # lazily: about 0.15 s to import, needed only on a cache miss

    options = subset.Options()
    options.layout_features = []
    options.drop_tables = [*options.drop_tables, *_DROP]
    options.hinting = False  # readers rasterize unhinted; the instructions are a third of a CJK font's glyf
    options.notdef_outline = True  # a character the font lacks shows as a box, as in the PDF
    options.glyph_names = False
    options.legacy_kern = False
    options.recalc_timestamp = False  # same glyphs, same bytes
    options.ignore_missing_glyphs = True
    options.ignore_missing_unicodes = True
    # fontTools' English log lines about old fonts' quirks (padding after glyf, tables it drops) are silenced;
    # the lock is the one font conversion holds: the log level is process state
    with FONT_LOCK, quiet_fonttools():
        try:
            # lazy: only the glyphs kept are decompiled; no recalculated bounding boxes: the kept glyphs keep
            # theirs, and the font-wide maxima of the whole font still bound the subset (recomputing them
            # decompiles every glyph and was 90 % of the time: 0.6 s of 0.7 s for 3000 hanzi)
            font = ttLib.TTFont(str(path), fontNumber=index, recalcTimestamp=False, recalcBBoxes=False, lazy=True)
        except ttLib.TTLibError as exc:  # not a font, or no such index in the collection
            raise OSError(0, f"不是可用的 TrueType 字体（{exc}）", str(path)) from exc
        with font:  # a lazy font reads from its file until closed
            order = font.getGlyphOrder()
            names = {gid: order[gid] for gid in gids if 0 <= gid < len(order)}
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=codes, gids=sorted(names))
            subsetter.subset(font)
            out = io.BytesIO()
            font.save(out, reorderTables=True)
            new = {gid: font.getGlyphID(name) for gid, name in names.items()}
    return Subset(out.getvalue(), new)
