"""Lines of text as a reader sees them on PDF pages, measured with pdfplumber (not with docgen's own layout)."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

MM = 72 / 25.4
TYPE_LEFT, TYPE_RIGHT = 28 * MM, (28 + 156) * MM
TYPE_TOP, TYPE_BOTTOM = 37 * MM, (37 + 225) * MM
PITCH = 225 * MM / 22  # 28.99 pt; Word and LibreOffice use 579 twips = 28.95 pt
# Chinese line-breaking rules (W3C clreq "basic"), written out here independently of docgen's own tables.
NO_START = set("，。、；：？！”’）》」』】〕…—·")
NO_END = set("“‘（《「『【〔")


@dataclass
class TextLine:
    page: int
    bottom: float  # the baseline, in points from the top of the page
    x0: float
    x1: float
    size: float
    fonts: set[str]
    text: str

    @property
    def wide_only(self) -> bool:
        return all(ord(ch) >= 0x2000 for ch in self.text)


@dataclass
class Page:
    number: int
    lines: list[TextLine]  # inside the type area, top to bottom
    footer: list[TextLine]  # below it (page numbers)
    rules: list[dict]  # type: ignore[type-arg]
    chars: list[dict]  # type: ignore[type-arg]
    width: float = 595.28
    height: float = 841.89
    #: characters not set upright (a landscape page's number, turned with the sheet)
    turned: list[dict] = field(default_factory=list)  # type: ignore[type-arg]


def read_pages(pdf_path: Path) -> list[Page]:
    pages = []
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            chars = [c for c in page.chars if c["text"].strip() and c["upright"]]
            turned = [c for c in page.chars if c["text"].strip() and not c["upright"]]
            for c in chars:
                c["baseline"] = float(page.height) - c["matrix"][5]
            rows: dict[int, list[dict]] = defaultdict(list)  # type: ignore[type-arg]
            for c in chars:
                rows[round(c["baseline"] * 2)].append(c)
            merged: list[list[dict]] = []  # type: ignore[type-arg]
            for key in sorted(rows):
                if merged and abs(merged[-1][0]["baseline"] - rows[key][0]["baseline"]) < 1.5:
                    merged[-1].extend(rows[key])
                else:
                    merged.append(list(rows[key]))
            lines = []
            for group in merged:
                group.sort(key=lambda c: c["x0"])
                lines.append(
                    TextLine(
                        number,
                        max(c["baseline"] for c in group),
                        group[0]["x0"],
                        group[-1]["x1"],
                        max(round(c["size"], 1) for c in group),
                        {c["fontname"].split("+")[-1] for c in group},
                        "".join(c["text"] for c in group),
                    )
                )
            body = [line for line in lines if line.bottom <= TYPE_BOTTOM + 3]
            footer = [line for line in lines if line.bottom > TYPE_BOTTOM + 3]
            rules = list(page.lines) + list(page.rects)
            pages.append(Page(number, body, footer, rules, chars, float(page.width), float(page.height), turned))
    return pages


@functools.lru_cache(maxsize=64)
def read_pages_cached(pdf_path: Path) -> list[Page]:
    """``read_pages``, once per file: module fixtures build each PDF once and many tests read it."""
    return read_pages(pdf_path)


def row_of(line: TextLine, first_bottom: float, pitch: float) -> float:
    return (line.bottom - first_bottom) / pitch
