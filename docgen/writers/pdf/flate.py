"""Compressed font programs, kept: a document's font subset (hundreds of KB) compresses in tens of milliseconds, and
the same subset comes back in every build of the same document and in a batch's similar ones. The compressed bytes
are zlib's at reportlab's level, so a PDF is byte-identical with or without the cache; they are kept in the process
and in the cache folder (``pdf-flate/``, the 64 most recent), keyed by the SHA-256 of what they compress.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections import OrderedDict

#: how many compressed programs the process keeps, and the cache folder
KEEP_IN_PROCESS = 16
KEEP_ON_DISK = 64
_kept: OrderedDict[str, bytes] = OrderedDict()


def _folder():  # type: ignore[no-untyped-def]
    from docgen.cache import cache_root

    return cache_root() / "pdf-flate"


def compress(data: bytes) -> bytes:
    key = hashlib.sha256(data).hexdigest()
    if (found := _kept.get(key)) is not None:
        _kept.move_to_end(key)
        return found
    path = None
    try:
        path = _folder() / f"{key}.z"
        found = path.read_bytes()
        if zlib.decompress(found) != data:  # a damaged or foreign file: made again
            found = None
    except (OSError, zlib.error):
        found = None
    if found is None:
        found = zlib.compress(data)
        if path is not None:
            _store(path, found)
    _kept[key] = found
    while len(_kept) > KEEP_IN_PROCESS:
        _kept.popitem(last=False)
    return found


def _store(path, data: bytes) -> None:  # type: ignore[no-untyped-def]
    """Written whole or not at all (a temporary file renamed); the oldest beyond KEEP_ON_DISK go."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
        kept = sorted(path.parent.glob("*.z"), key=lambda p: p.stat().st_mtime)
        for old in kept[:-KEEP_ON_DISK]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written is only slower


class CachedFlate:
    """A reportlab stream filter: FlateDecode, compressed through the cache."""

    pdfname = "FlateDecode"

    def encode(self, text: bytes | str) -> bytes:
        return compress(text.encode("utf-8") if isinstance(text, str) else text)

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)


CACHED_FLATE = CachedFlate()
