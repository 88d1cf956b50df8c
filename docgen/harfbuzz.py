"""HarfBuzz (uharfbuzz), imported when a document first needs text shaped.

reportlab imports uharfbuzz at import time, for a shaping mode docgen never uses: 20 ms of every PDF build, most of
which have nothing to shape. The ``docgen`` command (``docgen.cli.run``) hides the module from reportlab with
``hide_from_reportlab()``; ``harfbuzz()`` brings it back for docgen's own shaping. A program that imports docgen as a
library is left alone.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from types import ModuleType
from typing import Any

__all__ = ["harfbuzz", "harfbuzz_font", "hide_from_reportlab"]


def hide_from_reportlab() -> None:
    """Until ``harfbuzz()`` is called, ``import uharfbuzz`` fails (reportlab then leaves its shaping off)."""
    sys.modules.setdefault("uharfbuzz", None)  # type: ignore[arg-type]


def harfbuzz() -> ModuleType:
    if "uharfbuzz" in sys.modules and sys.modules["uharfbuzz"] is None:
        del sys.modules["uharfbuzz"]
    import uharfbuzz

    return uharfbuzz


@lru_cache(maxsize=16)
def harfbuzz_font(path: str, index: int = 0) -> tuple[Any, int]:
    """HarfBuzz's font for a font file (subfont ``index`` of a collection) and its units per em, opened once."""
    hb = harfbuzz()
    face = hb.Face(hb.Blob.from_file_path(path), index)
    return hb.Font(face), face.upem
