"""Where docgen keeps what it computes once per machine: converted fonts, parsed font tables, compiled templates.

Everything in it can be deleted at any time; it is rebuilt on the next build.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Hashable
from pathlib import Path

__all__ = ["KeptBytes", "cache_root", "keep_newest"]


def cache_root() -> Path:
    """The configured cache folder (``docgen.configure(cache_dir=…)``; the command line takes $DOCGEN_CACHE_DIR),
    else the platform's per-user cache folder + docgen."""
    from docgen.settings import current

    if (configured := current().cache_dir) is not None:
        return configured
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "docgen"


def keep_newest(folder: Path, suffix: str, count: int) -> None:
    """Remove all but the ``count`` most recently written entries of ``folder`` named ``*suffix`` (a name starting
    with a dot is a file being written, not an entry): a cache written once per document would otherwise fill the
    disk of a service. A link is removed, never followed."""
    entries = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name.endswith(suffix) and not entry.name.startswith("."):
                with contextlib.suppress(OSError):
                    entries.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.path))
    for _, old in sorted(entries)[: max(len(entries) - count, 0)]:
        with contextlib.suppress(OSError):
            os.unlink(old)


class KeptBytes:
    """Byte strings kept in a process by key, the most recently used first to stay: at most ``count`` of them and
    ``size`` bytes in all (one larger than that is not kept). One lock: the threads of a service share it."""

    def __init__(self, count: int, size: int) -> None:
        self.count, self.size = count, size
        self._lock = threading.Lock()
        self._kept: OrderedDict[Hashable, bytes] = OrderedDict()

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def put(self, key: Hashable, data: bytes) -> None:
        if len(data) > self.size:
            return
        with self._lock:
            self._kept[key] = data
            while len(self._kept) > self.count or sum(map(len, self._kept.values())) > self.size:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()

    def __len__(self) -> int:
        return len(self._kept)

    def bytes_kept(self) -> int:
        with self._lock:
            return sum(map(len, self._kept.values()))
