"""Pages as text grids, for people and for golden tests: ``docgen debug pages SPEC``.

Each grid row that holds something is one line: page and row, the role, then the text as it sits in the type area
(``·`` for each empty character cell before it, so indents and centring show). Rules show as ``────`` at the row
edge they lie on. The type area is ``chars_per_line`` cells wide; a line's cells are counted in body-size cells.
"""

from __future__ import annotations

from docgen.layout.compose import TextLine
from docgen.layout.paginate import PagedDocument
from docgen.style import StyleProfile

__all__ = ["dump_pages"]


def _cells(points: float, style: StyleProfile) -> int:
    return max(0, round(points / style.char_pitch))


def _line(text_line: TextLine, style: StyleProfile) -> str:
    line = text_line.line
    available = style.type_width - text_line.left - text_line.right - line.indent
    start = text_line.left + line.indent
    if text_line.align == "center":
        start += (available - line.width) / 2
    elif text_line.align == "right":
        start += available - line.width
    text = "·" * _cells(start, style) + line.text
    if text_line.tail is not None:
        gap = style.type_width - text_line.right - text_line.tail.width - start - line.width
        text += "·" * _cells(gap, style) + text_line.tail.text
    return text


def dump_pages(paged: PagedDocument, style: StyleProfile) -> str:
    """The document's pages, one grid row a line (see the module docstring)."""
    out: list[str] = []
    for page in paged.pages:
        out.append(f"== 第 {page.number} 页 ==")
        rows: dict[float, list[str]] = {}
        for placed in page.lines:
            role = placed.text.role
            text = _line(placed.text, style)
            rows.setdefault(placed.row, []).append(f"p{page.number:<3} r{placed.row:02d} {role:<16}|{text}")
        for mark in page.rules:
            edge = f"{int(mark.edge):02d}" if mark.edge.is_integer() else f"{mark.edge:.2f}"
            rows.setdefault(mark.edge - 0.5, []).append(f"p{page.number:<3} e{edge:<3} {mark.key:<16}|{'─' * 8}")
        for key in sorted(rows):
            out += rows[key]
    return "\n".join(out) + "\n"
