"""The document model: typed blocks in reading order. Both writers read this and nothing else of the input.

Blocks hold final text (numbers, dates and labels already worded); how they look is the style profile's business.
"""

from __future__ import annotations

from dataclasses import dataclass

_CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (enough for any section count)."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _CN_DIGITS[ones]
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def heading_label(level: int, number: int) -> str:
    """GB/T 9704 §7.3.3 structure numbers: 一、 （一） 1. （1）."""
    if level == 1:
        return f"{chinese_numeral(number)}、"
    if level == 2:
        return f"（{chinese_numeral(number)}）"
    if level == 3:
        return f"{number}."
    return f"（{number}）"


@dataclass(frozen=True)
class Run:
    """A stretch of text in one character role: ``body`` or ``heading-1`` … ``heading-4`` (run-in headings)."""

    text: str
    role: str = "body"


@dataclass(frozen=True)
class Masthead:
    name: str
    issue: str = ""
    issuer: str = ""
    date: str = ""


@dataclass(frozen=True)
class Title:
    """Document title (2号小标宋, centred). A newline in ``text`` is a line break the author asked for."""

    text: str


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph, first line indented two characters; may start with a run-in heading."""

    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Heading:
    """A heading on its own line, numbered by the renderer: ``label`` is 一、 （一） 1. or （1）."""

    level: int
    label: str
    text: str

    @property
    def full_text(self) -> str:
        return self.label + self.text


@dataclass(frozen=True)
class NoteItem:
    """One attachment named in the 附件说明: ``label`` is "1." (empty when there is a single attachment)."""

    label: str
    title: str


@dataclass(frozen=True)
class AttachmentNote:
    """附件说明 after the body: 附件：name, or 附件：1.name 2.name aligned under each other."""

    items: tuple[NoteItem, ...]


@dataclass(frozen=True)
class AnnexStart:
    """Start of an attachment: new page, ``label`` (附件 / 附件2) on line 1, ``title`` centred on line 3."""

    label: str
    title: str


@dataclass(frozen=True)
class SpeechHeading:
    """The speaker's unit (and the speech's title when given), centred above the speech."""

    unit: str
    title: str = ""


@dataclass(frozen=True)
class Signature:
    """Unsealed signature (§7.3.5.2): issuer, and the date below it shifted two characters right."""

    issuer: str
    date: str = ""


@dataclass(frozen=True)
class Distribution:
    """版记 at the bottom of the last page: 抄送 line, then 印发机关 left and 印发日期 right."""

    cc: tuple[str, ...] = ()
    printed_by: str = ""
    printed_on: str = ""

    @property
    def cc_text(self) -> str:
        return "抄送：" + "，".join(self.cc) + "。" if self.cc else ""


Block = Masthead | Title | Paragraph | Heading | AttachmentNote | AnnexStart | SpeechHeading | Signature | Distribution


@dataclass(frozen=True)
class DocModel:
    """The blocks of one document in reading order, ready for any writer."""

    blocks: tuple[Block, ...]

    @property
    def title(self) -> str:
        for block in self.blocks:
            if isinstance(block, Title):
                return block.text.replace("\n", "")
        return ""

    def texts(self) -> list[str]:
        """Every piece of text a reader sees, in order (used by tests and checks)."""
        out: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                out.append(block.text)
            elif isinstance(block, Heading):
                out.append(block.full_text)
            elif isinstance(block, Title):
                out.append(block.text)
            elif isinstance(block, AttachmentNote):
                out.extend(item.label + item.title for item in block.items)
            elif isinstance(block, AnnexStart):
                out.extend([block.label, block.title])
            elif isinstance(block, SpeechHeading):
                out.extend(t for t in (block.unit, block.title) if t)
            elif isinstance(block, Signature):
                out.extend(t for t in (block.issuer, block.date) if t)
            elif isinstance(block, Distribution):
                out.extend(t for t in (block.cc_text, block.printed_by, block.printed_on) if t)
            elif isinstance(block, Masthead):
                out.extend(t for t in (block.name, block.issue, block.issuer, block.date) if t)
        return out
