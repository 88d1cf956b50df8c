"""`docgen import file.pdf`: the paragraphs of a text PDF, in reading order.

pdfminer gives the text lines with their boxes; a line continues the paragraph above it when that one reached the
right edge of the text and this one starts at the left edge (no 首行缩进): lines broken by the page are joined again.
Page numbers (`— 3 —`, `- 3 -`, `3`) and running heads (the same line on most pages) are left out. A PDF without a
text layer (a scan) is refused with a hint, as is anything pdfminer cannot read.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from docgen.errors import SourceRef, SpecError
from docgen.inputs import read_bounded

MAX_PDF_BYTES = 64 * 1024 * 1024
#: A 公文 has tens of pages; a PDF of thousands is no text to import (and would take minutes).
MAX_PDF_PAGES = 1000
MAX_PDF_CHARS = 2_000_000
#: Reading a PDF on the command line runs in a child process bounded in time and memory: a small hostile PDF
#: (nested forms drawn twice each, a flate bomb, millions of characters on a page) cannot take the machine.
PDF_SECONDS = 60
PDF_MEMORY = 1536 * 1024 * 1024
#: Running heads and page numbers sit in the page's top and bottom margins (this share of its height)
MARGIN_SHARE = 0.12
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*\d{1,4}[-—–－\s]*$|^第\s*\d+\s*页(\s*[，,/]?\s*共\s*\d+\s*页)?$")


@dataclass
class _Line:
    page: int
    x0: float
    x1: float
    top: float
    size: float
    text: str
    #: the share of the page's height above the line (0 at the top edge): where running heads and numbers live
    place: float = 0.5


def _lines(raw: bytes, path: Path) -> tuple[list[_Line], int]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextLine

    lines: list[_Line] = []
    pages = 0
    characters = 0
    try:
        for number, page in enumerate(extract_pages(io.BytesIO(raw), laparams=LAParams(line_margin=0.2)), 1):
            if number > MAX_PDF_PAGES:
                raise SpecError(
                    f"PDF 超过 {MAX_PDF_PAGES} 页，不像是一份公文", SourceRef(str(path)), hint="确认选对了文件"
                )
            pages = number
            found: list[_Line] = []
            stack = list(page)
            while stack:
                item = stack.pop()
                if isinstance(item, LTTextLine):
                    text = _SPREAD.sub("", _SPLIT.sub("", item.get_text().strip()))
                    if not text:
                        continue
                    sizes = [c.size for c in item if isinstance(c, LTChar)]
                    size = max(sizes, default=item.height)
                    if "(cid:" in text:  # a font without a Unicode map: the characters cannot be known
                        raise SpecError(
                            "PDF 里的字体没有文字映射，取不出正确的文字",
                            SourceRef(str(path), number),
                            hint="用制作它的软件另存为 .docx 或 .txt 再导入",
                        )
                    top = page.height - item.y1
                    place = top / page.height if page.height else 0.5
                    found.append(_Line(number, item.x0, item.x1, top, size, text, place))
                    characters += len(text)
                    if characters > MAX_PDF_CHARS:
                        raise SpecError(
                            f"PDF 的文字超过 {MAX_PDF_CHARS} 个字符，不像是一份公文", SourceRef(str(path), number)
                        )
                elif hasattr(item, "__iter__"):
                    stack.extend(item)
            found.sort(key=lambda line: (round(line.top), line.x0))
            lines += _merge_rows(found)
    except SpecError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on a damaged or hostile file
        raise SpecError(
            f"无法读取 PDF：{type(exc).__name__}",
            SourceRef(str(path)),
            hint="确认文件是完整的 PDF；或把文字复制到 .txt 再导入",
        ) from None
    return lines, pages


def _merge_rows(lines: list[_Line]) -> list[_Line]:
    """Pieces on one baseline (a line set as two parts: 签发人 and a name, a date pushed right) as one line."""
    merged: list[_Line] = []
    for line in lines:
        last = merged[-1] if merged else None
        if last is not None and abs(last.top - line.top) < 0.3 * line.size and line.x0 >= last.x1 - 1:
            gap = line.x0 - last.x1
            joiner = " " if gap > 0.8 * line.size else ""
            merged[-1] = _Line(
                last.page, last.x0, line.x1, last.top, max(last.size, line.size), last.text + joiner + line.text
            )
        else:
            merged.append(line)
    return merged


_LABEL = re.compile(r"^[\u4e00-\u9fff]{2,4}[:：]")
#: a space a PDF's text extraction puts between a hanzi and a digit or letter set in another font
_WIDE = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’、，。；：？！（）《》"
#: a space pdfminer puts between two hanzi spread by justification (no space was drawn there)
_SPREAD = re.compile(f"(?<=[{_WIDE}]) (?=[{_WIDE}])")
_SPLIT = re.compile(
    r"(?<=[\u4e00-\u9fff，。、：；）“”])\s(?=[0-9A-Za-z])|(?<=[0-9A-Za-z%])\s(?=[\u4e00-\u9fff，。、：；（“”])"
)


def _centred(line: _Line, left: float, right: float) -> bool:
    char = line.size or 12.0
    return (
        line.x0 > left + 0.8 * char
        and line.x1 < right - 0.8 * char
        and abs((line.x0 - left) - (right - line.x1)) < char
    )


def pdf_paragraphs(path: Path, *, isolate: bool = False) -> tuple[list[str], list[str]]:
    """The paragraphs, and the lines left out as running heads and page numbers (for the clerk to see). With
    ``isolate`` (the command line's choice; a library never forks), pdfminer runs in a child process bounded by
    PDF_SECONDS and PDF_MEMORY."""
    raw = read_bounded(path, MAX_PDF_BYTES, "PDF 文件", SpecError)
    if not raw.startswith(b"%PDF"):
        raise SpecError("这不是 PDF 文件", SourceRef(str(path)), hint="确认文件是 .pdf；Word 文件请存为 .docx 再导入")
    import logging

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its English warnings are not the clerk's to read
    lines, pages = _bounded(lambda: _lines(raw, path), path) if isolate else _lines(raw, path)
    if not lines:
        raise SpecError(
            "这个 PDF 没有文字层（可能是扫描件或图片）",
            SourceRef(str(path)),
            hint="先用 OCR 软件识别成文字（.txt 或 .docx），核对后再导入",
        )
    # in the top and bottom margins only: a page number, and a line repeated on most pages (a running head);
    # the same line in the text (请各单位抓好落实。 three times) is text
    margin = [line for line in lines if line.place < MARGIN_SHARE or line.place > 1 - MARGIN_SHARE]
    repeated = Counter(line.text for line in margin)
    heads = {text for text, count in repeated.items() if pages >= 3 and count >= max(3, pages // 2)}
    furniture = {id(line) for line in margin if line.text in heads or _PAGE_NUMBER.match(line.text)}
    dropped = [line.text for line in lines if id(line) in furniture]
    lines = [line for line in lines if id(line) not in furniture]
    if not lines:
        return [], dropped
    body = [line for line in lines if len(line.text) >= 8]
    left = Counter(round(line.x0) for line in body or lines).most_common(1)[0][0]
    right = max(round(line.x1) for line in body or lines)
    paragraphs: list[list[str]] = []
    previous: _Line | None = None
    for line in lines:
        char = line.size or 12.0
        starts = (
            previous is None
            or line.x0 > left + 0.8 * char  # indented: 首行缩进, centred, or pushed right
            or previous.x1 < right - 1.5 * char  # the line above ended short
            or _centred(previous, left, right)
            or abs(line.size - previous.size) > 1.0  # another role (title, heading in another size)
        )
        if starts and previous is not None:
            title = _centred(line, left, right) and _centred(previous, left, right) and line.size == previous.size
            if title and previous.x1 >= right - 1.5 * char:
                starts = False  # a title's next line
            elif _LABEL.match(paragraphs[-1][0]) and line.x0 > left and previous.x1 >= right - 2.5 * char:
                starts = False  # 抄送：… wrapped under its first unit (a hanging indent, 右空一字)
        if starts:
            paragraphs.append([line.text])
        else:  # pieces joined once at the end: a paragraph of thousands of lines stays linear
            last = paragraphs[-1][-1]
            joiner = " " if re.search(r"[A-Za-z0-9]$", last) and re.match(r"[A-Za-z0-9]", line.text) else ""
            paragraphs[-1] += [joiner, line.text] if joiner else [line.text]
        previous = line
    return ["".join(pieces) for pieces in paragraphs], dropped


def _bounded(job, path: Path):  # type: ignore[no-untyped-def]
    """``job()`` in a forked child bounded by PDF_SECONDS and PDF_MEMORY (``docgen.forked.run_bounded``); running
    out of either is a SpecError naming the bound."""
    from docgen.forked import Exceeded, can_fork, run_bounded

    if not can_fork():
        return job()
    try:
        return run_bounded(job, seconds=PDF_SECONDS, memory=PDF_MEMORY)
    except Exceeded:
        raise SpecError(
            f"PDF 太复杂：{PDF_SECONDS} 秒、{PDF_MEMORY // 1024 // 1024} MB 内取不出文字",
            SourceRef(str(path)),
            hint="用制作它的软件另存为 .docx 或 .txt 再导入",
        ) from None
