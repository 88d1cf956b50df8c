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

from docgen.cache import KeptBytes, keep_newest

#: the compressed programs the process keeps (16, 64 MB at most), and how many the cache folder keeps
KEPT = KeptBytes(count=16, size=64_000_000)
KEEP_ON_DISK = 64


def _folder():  # type: ignore[no-untyped-def]
    from docgen.cache import cache_root

    return cache_root() / "pdf-flate"


def compress(data: bytes) -> bytes:
    key = hashlib.sha256(data).hexdigest()
    if (found := KEPT.get(key)) is not None:
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
    KEPT.put(key, found)
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
        keep_newest(path.parent, ".z", KEEP_ON_DISK)
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
