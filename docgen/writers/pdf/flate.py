"""Compressed font programs, kept: a document's font subset (hundreds of KB) compresses in tens of milliseconds, and
the same subset comes back in every build of the same document and in a batch's similar ones. The compressed bytes
are zlib's at reportlab's level, so a PDF is byte-identical with or without the cache; they are kept in the process
and in the cache folder (``pdf-flate/``, the 64 most recent), keyed by the SHA-256 of what they compress.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
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
        found = _read_kept(path, data)
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


def _read_kept(path, data: bytes) -> bytes | None:  # type: ignore[no-untyped-def]
    """The kept compression of ``data``, or None. Only a regular file (no link, FIFO or device), no larger than
    zlib can make of ``data``, that inflates to exactly ``data`` with nothing after the stream, and says it was
    made at zlib's default level (the FLEVEL bits reportlab's output has): anything else is made again."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        limit = len(data) + len(data) // 1000 + 64  # zlib's worst case, with room
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            found = handle.read(limit + 1)
    finally:
        os.close(fd)
    if len(found) > limit or len(found) < 2 or found[:2] != _HEADER:
        return None
    inflate = zlib.decompressobj()
    if inflate.decompress(found, len(data) + 1) != data or not inflate.eof or inflate.unused_data:
        return None
    return found


#: the two header bytes of zlib.compress at its default level (reportlab's): a file made at another level is not
#: the same bytes
_HEADER = zlib.compress(b"")[:2]


def _store(path, data: bytes) -> None:  # type: ignore[no-untyped-def]
    """Written whole or not at all: a new temporary file (created exclusively, so no link planted under its name is
    followed) renamed over the entry; the oldest beyond KEEP_ON_DISK go."""
    import tempfile

    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
        temporary = None
        entries = [p for p in path.parent.glob("*.z") if p.is_file() and not p.is_symlink()]
        for old in sorted(entries, key=lambda p: p.stat().st_mtime)[:-KEEP_ON_DISK]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a cache that cannot be written is only slower
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


class CachedFlate:
    """A reportlab stream filter: FlateDecode, compressed through the cache."""

    pdfname = "FlateDecode"

    def encode(self, text: bytes | str) -> bytes:
        return compress(text.encode("utf-8") if isinstance(text, str) else text)

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)


CACHED_FLATE = CachedFlate()
