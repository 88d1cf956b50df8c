"""Blocks → chunks: the lines each block makes, with the grid rows around them. One handler per block type.

A chunk is what pagination places as a unit: its lines (each on whole grid rows), the space before and after it
(in rows), whether it starts a page, keeps with the next chunk, or sits at the bottom of the page, and the rules
drawn at edges between its lines. Every number comes from the block's role in the style profile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from docgen.errors import StyleError
from docgen.layout.linebreak import Line, Metrics, TitleBreaks, balance_lines, break_lines, text_width
from docgen.model.blocks import Blank, Block, Group, Hanging, Rule, Signature, Split, Text
from docgen.style import RoleStyle, StyleProfile

__all__ = ["COMPOSERS", "Chunk", "Composer", "TextLine"]


@dataclass(frozen=True)
class TextLine:
    """One line of text: ``line`` set between ``left`` and ``right`` indents; ``tail`` is a right-aligned second part
    on the same line (印发日期 after 印发机关, the date after the issuer in a masthead). ``block`` is the block it
    belongs to; ``para`` which paragraph of it (附件说明 items, 署名 and 日期 …)."""

    role: str
    line: Line
    align: str
    left: float = 0.0
    right: float = 0.0
    rows: int = 1
    tail: Line | None = None
    para: int = 0
    block: int = 0


@dataclass
class Chunk:
    """What one block (or a group) contributes: lines and the rows around them."""

    block: int
    lines: list[TextLine] = field(default_factory=list)
    space_before: int = 0
    space_after: int = 0
    new_page: bool = False
    at_bottom: bool = False  # the 版记: pushed down so its last line is the last row of the page
    keep_next: bool = False  # a heading: never the last thing on a page (Word's "keep with next")
    keep_together: bool = False  # a group: all its lines on one page
    blank: int = 0  # empty rows this chunk adds before what follows
    #: (line index the rule sits above — len(lines) for below the last —, rule key, the rule block's index)
    rules: list[tuple[int, str, int]] = field(default_factory=list)
    #: a rule in the flow (not in a group): drawn at the bottom edge of the line placed before it
    flow_rule: str | None = None
    #: empty rows inside a group before the line at this index (the children's own spacing)
    gaps: dict[int, int] = field(default_factory=dict)


class Composer:
    """Lines for blocks, in one style profile and one set of metrics."""

    def __init__(self, style: StyleProfile, metrics: Metrics) -> None:
        self.style = style
        self.metrics = metrics
        self.width = style.type_width
        layout = style.layout
        self.title_breaks = TitleBreaks(
            layout["title_max_lines"],
            layout["title_between_words"],
            layout["title_inside_word"],
            layout["title_inside_quotes"],
            layout["title_extra_line"],
        )

    def role(self, name: str) -> RoleStyle:
        try:
            return self.style.role(name)
        except KeyError:
            raise StyleError(
                f"样式里没有角色“{name}”",
                hint=f"在样式的 roles 里加上它，或改用已有的角色：{'、'.join(self.style.roles)}",
            ) from None

    def chars(self, role: str, count: float) -> float:
        """``count`` 字 of the role's size, in points."""
        return count * self.role(role).size

    def paragraph(self, runs: list[tuple[str, str]], role: str, align: str | None, block: int) -> list[TextLine]:
        r = self.role(role)
        left, right = self.chars(role, r.indent_left), self.chars(role, r.indent_right)
        lines = break_lines(runs, self.width - left - right, self.metrics, self.chars(role, r.first_indent))
        return [TextLine(role, line, align or r.align, left, right, r.lines, block=block) for line in lines]

    def single(self, text: str, role: str, right: float, para: int, block: int) -> list[TextLine]:
        r = self.role(role)
        left = self.chars(role, r.indent_left)
        lines = break_lines([(text, role)], self.width - left - right, self.metrics)
        return [TextLine(role, line, r.align, left, right, r.lines, para=para, block=block) for line in lines]

    def balanced(self, text: str, role: str, block: int) -> list[TextLine]:
        r = self.role(role)
        out = []
        for part in balance_lines(text, role, self.width, self.metrics, self.title_breaks):
            (line,) = break_lines([(part, role)], float("inf"), self.metrics)
            out.append(TextLine(role, line, r.align, rows=r.lines, block=block))
        return out

    def split(self, left_text: str, right_text: str, role: str, block: int) -> TextLine:
        r = self.role(role)
        (head,) = break_lines([(left_text, role)], float("inf"), self.metrics)
        (tail,) = break_lines([(right_text, role)], float("inf"), self.metrics)
        left, right = self.chars(role, r.indent_left), self.chars(role, r.indent_right)
        return TextLine(role, head, "left", left, right, r.lines, tail, block=block)

    def hanging(
        self, prefix: str, label: str, text: str, role: str, hang_from: float, para: int, block: int
    ) -> list[TextLine]:
        """Lines whose continuation aligns with the first character of ``text`` (附件说明, 抄送)."""
        label_width = text_width(label, role, self.metrics)
        prefix_width = text_width(prefix, role, self.metrics)
        left = hang_from + prefix_width + label_width
        start = hang_from if prefix else left - label_width
        right = self.chars(role, self.role(role).indent_right)
        lines = break_lines([(prefix + label + text, role)], self.width - left - right, self.metrics, start - left)
        return [TextLine(role, line, "left", left, right, para=para, block=block) for line in lines]

    def signature_indents(self, block: Signature) -> tuple[float, float]:
        """§7.3.5.2: issuer 右空二字 (the role's right indent); the date starts ``signature_date_shift`` characters
        right of the issuer's first character, and is itself at least that far from the right edge (the issuer
        moves left when the date is longer)."""
        role = block.role
        two = self.chars(role, self.role(role).indent_right)
        name = text_width(block.issuer, role, self.metrics)
        date = text_width(block.date, role, self.metrics)
        shift = self.chars(role, self.style.layout["signature_date_shift"])
        name_right = max(two, two + date + shift - name)
        date_right = name_right + name - shift - date
        return name_right, date_right

    def compose(self, index: int, block: Block) -> tuple[Chunk, int]:
        """The chunk of a block, and how many block indexes it used (a group numbers its children after it)."""
        return COMPOSERS[type(block)](self, index, block)


def _text(c: Composer, index: int, block: Text) -> tuple[Chunk, int]:
    r = c.role(block.role)
    if block.balanced:
        lines = c.balanced(block.text, block.role, index)
    else:
        lines = c.paragraph([(run.text, run.role or block.role) for run in block.runs], block.role, block.align, index)
    chunk = Chunk(
        index,
        lines,
        r.space_before if block.space_before is None else block.space_before,
        r.space_after if block.space_after is None else block.space_after,
        new_page=r.page_break_before if block.page_break_before is None else block.page_break_before,
        keep_next=r.keep_with_next if block.keep_with_next is None else block.keep_with_next,
    )
    return chunk, 1


def _split(c: Composer, index: int, block: Split) -> tuple[Chunk, int]:
    r = c.role(block.role)
    left, right = "".join(run.text for run in block.left), "".join(run.text for run in block.right)
    line = c.split(left, right, block.role, index)
    return Chunk(index, [line], r.space_before, r.space_after, keep_next=r.keep_with_next), 1


def _hanging(c: Composer, index: int, block: Hanging) -> tuple[Chunk, int]:
    role = block.role
    r = c.role(role)
    start = c.chars(role, r.indent_left + r.first_indent)
    lines: list[TextLine] = []
    for i, item in enumerate(block.items):
        prefix = block.prefix if i == 0 else ""
        hang_from = start + (0 if i == 0 else text_width(block.prefix, role, c.metrics))
        lines += c.hanging(prefix, item.label, item.text, role, hang_from, i, index)
    return Chunk(index, lines, r.space_before, r.space_after, keep_next=r.keep_with_next), 1


def _signature(c: Composer, index: int, block: Signature) -> tuple[Chunk, int]:
    r = c.role(block.role)
    name_right, date_right = c.signature_indents(block)
    lines = c.single(block.issuer, block.role, name_right, 0, index)
    if block.date:
        lines += c.single(block.date, block.role, date_right, 1, index)
    return Chunk(index, lines, r.space_before, r.space_after), 1


def _rule(c: Composer, index: int, block: Rule) -> tuple[Chunk, int]:
    if block.key not in c.style.rules:
        raise StyleError(f"样式里没有分隔线“{block.key}”", hint=f"样式的 rules 里有：{'、'.join(c.style.rules)}")
    return Chunk(index, flow_rule=block.key), 1


def _blank(c: Composer, index: int, block: Blank) -> tuple[Chunk, int]:
    return Chunk(index, blank=block.rows), 1


def _group(c: Composer, index: int, block: Group) -> tuple[Chunk, int]:
    """Its children's lines as one chunk; a rule among them sits at the edge between the lines around it; the
    children's own spacing stays inside (collapsed as everywhere)."""
    chunk = Chunk(index, at_bottom=block.at_bottom, keep_together=True)
    used = 1
    after = None
    for position, child in enumerate(block.children):
        part, count = c.compose(index + used, child)
        if part.flow_rule is not None:
            chunk.rules.append((len(chunk.lines), part.flow_rule, index + used))
        elif part.lines:
            if position == 0 or not chunk.lines:
                chunk.space_before, chunk.new_page, chunk.keep_next = part.space_before, part.new_page, part.keep_next
            elif gap := max(after or 0, part.space_before):
                chunk.gaps[len(chunk.lines)] = gap
            chunk.lines += part.lines
            after = part.space_after
        used += count
    chunk.space_after = after or 0
    return chunk, used


#: Block type → its composer (one per type: tested).
COMPOSERS: dict[type, Callable[..., tuple[Chunk, int]]] = {
    Text: _text,
    Split: _split,
    Hanging: _hanging,
    Signature: _signature,
    Rule: _rule,
    Blank: _blank,
    Group: _group,
}
