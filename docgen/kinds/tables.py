"""A table written in a spec's body (``- table: …``): checked here, every problem at its own line, into plain data
the templates pass on as ``<table>`` markup.

```yaml
- table:
    title: 2026年重点项目资金安排表          # optional, set above the table
    columns: [3, 12, {width: 5, align: right}]  # widths in 字 (or 30mm), and each column's alignment
    header: [序号, 项目, 金额（万元）]         # one header row (or a list of rows), repeated on every page
    rows:
      - [1, 某某快速路二期, 12000]
      - [2, {text: 某某水库除险加固, span: 2}]   # a cell over two columns; rowspan: a cell over rows
    landscape: true                          # a wide table on landscape pages of its own (§8)
```
"""

from __future__ import annotations

from typing import Any

from docgen.errors import Diagnostic
from docgen.spec.yamlsource import KeyPath, YamlDocument
from docgen.units import parse_length

__all__ = ["MAX_COLUMNS", "MAX_ROWS", "validate_table"]

MAX_COLUMNS = 20
MAX_ROWS = 5000
MAX_CELL_CHARS = 10_000
ALIGNS = {"left": "left", "center": "center", "right": "right", "左": "left", "中": "center", "右": "right"}
_TABLE_KEYS = ("title", "columns", "header", "rows", "landscape")
_CELL_KEYS = ("text", "span", "rowspan", "align")


class _Problems:
    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.found: list[Diagnostic] = []

    def add(self, path: KeyPath, message: str, hint: str | None = None) -> None:
        self.found.append(Diagnostic(message, self.doc.ref(path), hint))


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return format(value, "g") if isinstance(value, float) else str(value)
    return value if isinstance(value, str) else None


def _column(problems: _Problems, path: KeyPath, raw: Any) -> dict[str, str] | None:
    width, align = raw, "left"
    if isinstance(raw, dict):
        for key in raw:
            if key not in ("width", "align"):
                problems.add((*path, key), f"表格列中没有“{key}”这个键", "列可写 width（宽度）和 align（对齐）")
                return None
        width, align = raw.get("width"), raw.get("align", "left")
    if align not in ALIGNS:
        problems.add(path, f"列的对齐方式“{align}”无效", "align 可用：left、center、right")
        return None
    if width is None:
        return {"width": "", "align": ALIGNS[align]}
    if isinstance(width, (int, float)) and not isinstance(width, bool):
        if not 0.5 <= width <= 60:
            problems.add(path, f"列宽 {width} 字不合理", "列宽写字数（如 4）或长度（如 30mm），总宽不超过版心")
            return None
        return {"width": format(float(width), "g"), "align": ALIGNS[align]}
    try:
        points = parse_length(width)
    except ValueError as error:
        problems.add(path, f"列宽“{width}”无效：{error}", "列宽写字数（如 4）或长度（如 30mm）")
        return None
    if not 5 <= points <= 1000:
        problems.add(path, f"列宽“{width}”不合理", "列宽在 2 mm 到版心宽度之间")
        return None
    return {"width": f"{points:g}pt", "align": ALIGNS[align]}


def _cell(problems: _Problems, path: KeyPath, raw: Any) -> dict[str, Any] | None:
    fields: dict[str, Any] = {"text": raw, "span": 1, "rowspan": 1, "align": ""}
    if isinstance(raw, dict):
        for key in raw:
            if key not in _CELL_KEYS:
                problems.add((*path, key), f"单元格中没有“{key}”这个键", "单元格可写 text、span、rowspan、align")
                return None
        fields.update(raw)
        fields.setdefault("text", "")
    text = _text(fields["text"]) if fields["text"] is not None else ""
    if text is None:
        problems.add(path, "单元格应是文字或数字", "合并单元格写成 {text: 文字, span: 2}")
        return None
    if len(text) > MAX_CELL_CHARS:
        problems.add(path, f"单元格文字太长（{len(text)} 字）", f"一个单元格最多 {MAX_CELL_CHARS} 字")
        return None
    for key in ("span", "rowspan"):
        value = fields[key]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_COLUMNS * 10:
            problems.add((*path, key), f"单元格的 {key} 应是正整数", "span 是横跨的列数，rowspan 是纵跨的行数")
            return None
    align = fields["align"] or ""
    if align and align not in ALIGNS:
        problems.add((*path, "align"), f"单元格的对齐方式“{align}”无效", "align 可用：left、center、right")
        return None
    return {"text": text, "span": fields["span"], "rowspan": fields["rowspan"], "align": ALIGNS.get(align, "")}


def _rows(problems: _Problems, path: KeyPath, raw: Any, what: str) -> list[list[dict[str, Any]]] | None:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.add(path, f"{what}应是行的列表，每行是单元格的列表", "如 rows: [[1, 某某项目, 1200]]")
        return None
    if raw and not any(isinstance(row, list) for row in raw):  # one row written on its own
        raw = [raw]
    if len(raw) > MAX_ROWS:
        problems.add(path, f"{what}有 {len(raw)} 行，太多了", f"一个表格最多 {MAX_ROWS} 行；大表请拆开")
        return None
    rows = []
    for i, row in enumerate(raw):
        if not isinstance(row, list) or not row:
            problems.add((*path, i), f"{what}第 {i + 1} 行应是单元格的列表", "如 - [1, 某某项目, 1200]")
            return None
        cells = [_cell(problems, (*path, i, j), cell) for j, cell in enumerate(row)]
        if any(cell is None for cell in cells):
            return None
        rows.append(cells)  # type: ignore[arg-type]
    return rows


def _grid_width(problems: _Problems, path: KeyPath, rows: list[list[dict[str, Any]]], what: str) -> int | None:
    """The number of columns every row fills (cells covered by a rowspan above count), or a problem."""
    pending: dict[int, int] = {}  # column → rows still covered by a cell above
    width = None
    for i, row in enumerate(rows):
        column, count = 0, 0
        for cell in row:
            while pending.get(column, 0) > 0:
                column, count = column + 1, count + 1
            for offset in range(cell["span"]):
                if cell["rowspan"] > 1:
                    pending[column + offset] = cell["rowspan"]
            column, count = column + cell["span"], count + cell["span"]
        while pending.get(column, 0) > 0:
            column, count = column + 1, count + 1
        pending = {c: n - 1 for c, n in pending.items() if n - 1 > 0}
        if width is None:
            width = count
        elif count != width:
            problems.add(
                (*path, i),
                f"{what}第 {i + 1} 行占 {count} 列，与前面的行（{width} 列）不一致",
                "每行单元格的 span 之和（加上上面纵跨下来的单元格）应等于列数",
            )
            return None
    if pending:
        problems.add(path, f"{what}最后一行的单元格纵跨超出了表格", "rowspan 不能超过剩下的行数")
        return None
    return width


def validate_table(doc: YamlDocument, path: KeyPath, raw: Any) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """The table at ``path`` as plain data (title, columns, header, rows), or None and its problems."""
    problems = _Problems(doc)
    if not isinstance(raw, dict):
        problems.add(path, "table 应写成键值对：columns、header、rows", "参照 README 的表格示例")
        return None, problems.found
    for key in raw:
        if key not in _TABLE_KEYS:
            problems.add((*path, key), f"表格中没有“{key}”这个键", f"表格可用的键：{'、'.join(_TABLE_KEYS)}")
    title = _text(raw.get("title")) if raw.get("title") is not None else ""
    if title is not None and len(title) > MAX_CELL_CHARS:  # a title is a line or two, bounded as a cell is
        problems.add((*path, "title"), f"表格标题太长（{len(title)} 字）", f"表格标题最多 {MAX_CELL_CHARS} 字")
    landscape = raw.get("landscape", False)
    if not isinstance(landscape, bool):
        problems.add((*path, "landscape"), "landscape 只能是 true 或 false", "宽表格写 landscape: true，排在横向页上")
    if title is None:
        problems.add((*path, "title"), "表格标题应是一段文字")
    header = _rows(problems, (*path, "header"), raw.get("header"), "表头")
    rows = _rows(problems, (*path, "rows"), raw.get("rows"), "表格")
    if rows is not None and not rows:
        problems.add(path, "表格没有 rows", "rows 下每项一行，如 - [1, 某某项目, 1200]")
    if problems.found or header is None or rows is None:
        return None, problems.found
    width = _grid_width(problems, (*path, "header"), header, "表头") if header else None
    body_width = _grid_width(problems, (*path, "rows"), rows, "表格")
    if problems.found or body_width is None:
        return None, problems.found
    if width is not None and width != body_width:
        problems.add((*path, "header"), f"表头占 {width} 列，表格的行占 {body_width} 列", "表头和各行的列数应一致")
        return None, problems.found
    if body_width > MAX_COLUMNS:
        problems.add((*path, "rows"), f"表格有 {body_width} 列，太多了", f"一个表格最多 {MAX_COLUMNS} 列")
        return None, problems.found
    raw_columns = raw.get("columns")
    if raw_columns is None:
        columns = [{"width": "", "align": "left"} for _ in range(body_width)]
    elif not isinstance(raw_columns, list) or len(raw_columns) != body_width:
        count = len(raw_columns) if isinstance(raw_columns, list) else 0
        problems.add((*path, "columns"), f"columns 写了 {count} 列，表格有 {body_width} 列", "每列写一个宽度")
        return None, problems.found
    else:
        parsed = [_column(problems, (*path, "columns", i), column) for i, column in enumerate(raw_columns)]
        if problems.found:
            return None, problems.found
        columns = parsed  # type: ignore[assignment]
    return {"title": title, "columns": columns, "header": header, "rows": rows, "landscape": landscape}, []
