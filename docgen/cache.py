"""Where docgen keeps what it computes once per machine: converted fonts, parsed font tables, compiled templates.

Everything in it can be deleted at any time; it is rebuilt on the next build.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["cache_root"]


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
