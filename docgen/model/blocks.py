"""The document model: generic blocks in reading order, composed by templates. Both writers read this (and the
layout's decisions about it), and nothing else of the input.

Blocks hold final text (numbers, dates and labels already worded by the template); how they look is the style
profile's business, through the role each block names. The vocabulary is small and open: a new 版头 is template
and profile work. Every block type has one handler in every stage (markup parser, layout, DOCX writer, texts);
``BLOCK_TYPES`` lists them and a test checks that no stage lacks one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "BLOCK_TYPES",
    "Blank",
    "Block",
    "Cell",
    "DocModel",
    "Group",
    "Hanging",
    "HangingItem",
    "Mark",
    "Rule",
    "Run",
    "Signature",
    "Signer",
    "Signers",
    "Split",
    "Table",
    "TableRow",
    "Text",
    "chinese_numeral",
]

_CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (enough for any section count)."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


@dataclass(frozen=True)
class Run:
    """A stretch of text; ``role`` sets its characters' look (a run-in heading in a body paragraph, a 楷体 name
    after a 仿宋 label). None: the block's own role."""

    text: str
    role: str | None = None


@dataclass(frozen=True)
class Text:
    """A paragraph in a role: wrapped to the type area, its first line indented as the role says. ``balanced``:
    broken into even lines, long over short (titles), a newline in its text being a break the author chose.
    The other fields override the role's for this paragraph (None: as the role says)."""

    role: str
    runs: tuple[Run, ...]
    balanced: bool = False
    align: str | None = None
    space_before: int | None = None
    space_after: int | None = None
    keep_with_next: bool | None = None
    page_break_before: bool | None = None

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Split:
    """One line with a left part and a right part, flush with the role's left and right indents (印发机关 and
    印发日期, a 简报's issuer and date)."""

    role: str
    left: tuple[Run, ...]
    right: tuple[Run, ...]


@dataclass(frozen=True)
class HangingItem:
    """One entry of a hanging list: its ``label`` (1.) and text."""

    label: str
    text: str


@dataclass(frozen=True)
class Hanging:
    """Entries after a ``prefix`` (附件：, 抄送：, 出席：) whose continuation lines align with the first character
    after the prefix and label; later entries align their labels under the first's."""

    role: str
    prefix: str
    items: tuple[HangingItem, ...]
    #: the prefix's own look (出席： in 黑体 before names in 仿宋); None: the block's role
    prefix_role: str | None = None


@dataclass(frozen=True)
class Signer:
    """One issuer of a signature: its name (or, in a 签名章 signature, the signer's title), and its seal or
    signature stamp: a path among the image files the spec declared ('' for none)."""

    name: str
    image: str = ""


@dataclass(frozen=True)
class Signature:
    """发文机关署名、成文日期 and seals (§7.3.5), in one of its forms: ``plain`` (不加盖印章: issuer 右空二字, the
    date shifted right), ``sealed`` (加盖印章: the date 右空四字, each name centred over it, a seal pressing on
    name and date), ``stamp`` (签发人签名章: title left of the stamp, the date below). Several signers for a
    joint document."""

    signers: tuple[Signer, ...]
    date: str = ""
    form: str = "plain"
    role: str = "signature"

    @property
    def issuer(self) -> str:
        return self.signers[0].name if self.signers else ""


@dataclass(frozen=True)
class Mark:
    """A 发文机关标志: the issuing organ's name in a placed role (its top edge at a stated distance, condensed to
    fit one line); several organs stacked for a joint document, ``suffix`` (文件) to their right, centred on them."""

    role: str
    names: tuple[str, ...]
    suffix: str = ""


@dataclass(frozen=True)
class Signers:
    """An upward document's 发文字号 and 签发人 (§7.2.6): the number left on the line of the last signer; ``label``
    (签发人：) and the names right, two a line, later lines aligned with the first name; names in ``name_role``."""

    role: str
    number: str
    label: str
    names: tuple[str, ...]
    name_role: str = "signer"


@dataclass(frozen=True)
class Rule:
    """A horizontal rule (the profile's ``rules.<key>``) at the bottom edge of the grid row above it; inside a
    group, at the edge between the lines before and after it."""

    key: str


@dataclass(frozen=True)
class Blank:
    """Empty grid rows, added before what follows."""

    rows: int


@dataclass(frozen=True)
class Group:
    """Blocks laid out as one: kept on one page, and with ``at_bottom`` pushed down so that its last line is the
    last row of the page (the 版记)."""

    children: tuple[Block, ...]
    at_bottom: bool = False
    #: a placed role (its ``top`` and ``top_from``): the group's lines are set off the grid at that height, one
    #: under the other (信函's 份号 and 发文字号 under the red double line)
    role: str | None = None
    #: on an even page (the back cover of a double-sided document): blank pages come before it as needed, and
    #: they and its own page then carry no number (§7.5)
    even_page: bool = False


@dataclass(frozen=True)
class Cell:
    """A table cell: its text, how many columns and rows it spans, its alignment ('' : the column's)."""

    text: str
    span: int = 1
    rowspan: int = 1
    align: str = ""


@dataclass(frozen=True)
class TableRow:
    cells: tuple[Cell, ...]
    #: a header row: set in the header role and repeated at the top of every page the table runs onto
    header: bool = False


@dataclass(frozen=True)
class Table:
    """A ruled table on the grid: column widths (in 字 of the cell role, or ``NNpt``; '' shares what is left) and
    alignments, header rows and rows. Each row takes whole grid rows; a row never splits across pages."""

    role: str
    header_role: str
    widths: tuple[str, ...]
    aligns: tuple[str, ...]
    rows: tuple[TableRow, ...]
    #: on landscape pages of its own (GB/T 9704 §8: the table's head on the binding side of odd pages)
    landscape: bool = False


Block = Text | Split | Hanging | Signature | Mark | Signers | Rule | Blank | Group | Table

#: Every block type: each stage has one handler per entry (tested).
BLOCK_TYPES: tuple[type, ...] = (Text, Split, Hanging, Signature, Mark, Signers, Rule, Blank, Group, Table)


@dataclass(frozen=True)
class DocModel:
    """The blocks of one document in reading order, ready for any writer."""

    blocks: tuple[Block, ...]
    #: the document's title, for the files' metadata
    title: str = ""
    #: who issues it, for the files' metadata
    author: str = ""
    #: whether page 1 shows its number (a 信函's first page does not, §10.1)
    number_first_page: bool = True

    def walk(self) -> Iterator[tuple[int, Block]]:
        """Every block, a group before its children, numbered in that order (the layout's and the writers' key)."""
        counter = 0

        def visit(blocks: tuple[Block, ...]) -> Iterator[tuple[int, Block]]:
            nonlocal counter
            for block in blocks:
                index = counter
                counter += 1
                yield index, block
                if isinstance(block, Group):
                    yield from visit(block.children)

        yield from visit(self.blocks)

    def texts(self) -> list[str]:
        """Every piece of text a reader sees, in order (used by tests and checks)."""
        from docgen.model.texts import block_texts

        return [text for _, block in self.walk() for text in block_texts(block)]
