"""What a caller chooses for the whole process: where the cache lives, font files pinned per face, the timestamp
written into the files' metadata.

The library reads no environment variable of its own (a service's environment is not its documents' business):
the command line — the edge — reads ``DOCGEN_CACHE_DIR``, ``DOCGEN_FONT_<FACE>`` and ``SOURCE_DATE_EPOCH`` and
passes them here; a program calls ``docgen.configure(...)``, or ``docgen.configure(**docgen.settings_from(os.environ))``
to behave as the command line does. Platform locations (the user's cache folder, system font folders) follow the
platform's own conventions (XDG, Windows known folders).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from docgen.errors import DocgenError, SourceRef

__all__ = ["Settings", "configure", "current", "settings_from"]

#: The faces a font file may be pinned for (the style profile's ``fonts:`` keys).
_ENV_PREFIX = "DOCGEN_FONT_"


@dataclass(frozen=True)
class Settings:
    #: where converted fonts, parsed tables and compiled templates are kept; None: the user's cache folder
    cache_dir: Path | None = None
    #: face → font file (``path`` or ``path#index`` in a collection), before the profile's and the system's
    font_files: Mapping[str, str] = field(default_factory=dict)
    #: seconds since 1970 written as the files' creation time (reproducible builds); None: a fixed date
    timestamp: int | None = None
    #: how messages name where a pinned font came from ({face} is its key)
    font_origin: str = "docgen.configure(font_files) 的 {face}"


_current = Settings()
_lock = threading.Lock()


def current() -> Settings:
    """The settings in force."""
    return _current


def configure(**changes: Any) -> Settings:
    """Change some settings for the rest of the process (``cache_dir``, ``font_files``, ``timestamp``); returns the
    previous settings, which ``configure(**dataclasses.asdict(previous))`` restores."""
    global _current
    unknown = set(changes) - {f for f in Settings.__dataclass_fields__}
    if unknown:
        raise TypeError(f"unknown setting: {', '.join(sorted(unknown))}")
    if changes.get("cache_dir") is not None:
        changes["cache_dir"] = Path(changes["cache_dir"])
    with _lock:
        previous = _current
        _current = replace(_current, **changes)
    return previous


def settings_from(env: Mapping[str, str]) -> dict[str, Any]:
    """The settings the command line takes from its environment: ``DOCGEN_CACHE_DIR``, ``DOCGEN_FONT_<FACE>``
    (FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI, LATIN) and ``SOURCE_DATE_EPOCH``."""
    out: dict[str, Any] = {"font_origin": "环境变量 DOCGEN_FONT_{FACE}"}
    if env.get("DOCGEN_CACHE_DIR"):
        out["cache_dir"] = Path(env["DOCGEN_CACHE_DIR"])
    out["font_files"] = {
        name[len(_ENV_PREFIX) :].lower().replace("_", "-"): value
        for name, value in env.items()
        if name.startswith(_ENV_PREFIX) and value
    }
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch:
        if not epoch.strip().isdigit() or int(epoch) > 253402300799:
            raise DocgenError(
                f"环境变量 SOURCE_DATE_EPOCH 应是 1970 年以来的秒数，而不是“{epoch}”",
                SourceRef("$SOURCE_DATE_EPOCH"),
                hint="如 SOURCE_DATE_EPOCH=1678838400；不需要固定时间就删掉它",
            )
        out["timestamp"] = int(epoch)
    return out
