"""Blocks → chunks: the lines each block makes, with the grid rows around them. One handler per block type.

A chunk is what pagination places as a unit: its lines (each on whole grid rows), the space before and after it
(in rows), whether it starts a page, keeps with the next chunk, or sits at the bottom of the page, and the rules
drawn at edges between its lines. Every number comes from the block's role in the style profile.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from docgen.errors import StyleError
from docgen.layout.linebreak import Line, Metrics, TitleBreaks, balance_lines, break_lines, text_width
from docgen.model.blocks import Blank, Block, Group, Hanging, Mark, Rule, Signature, Signers, Split, Table, Text
from docgen.style import RoleStyle, StyleProfile

__all__ = ["COMPOSERS", "Chunk", "Composer", "TextLine"]


@dataclass(frozen=True)
class TextLine:
    """One line of text: ``line`` set between ``left`` and ``right`` indents; ``tail`` is a right-aligned second part
    on the same line (印发日期 after 印发机关, the date after the issuer in a masthead), ``lead`` a left part at
    ``lead_left`` (the 发文字号 on the line of the last 签发人). ``block`` is the block it belongs to; ``para`` which
    paragraph of it (附件说明 items, 署名 and 日期 …). ``size`` is its role's size; ``hscale`` condenses it to fit
    (a 标志). ``shares_row``: on the same grid row as the line before it (names of joint issuers side by side).
    ``offset``: in a placed chunk, its baseline's distance below the chunk's first baseline."""

    role: str
    line: Line
    align: str
    left: float = 0.0
    right: float = 0.0
    rows: int = 1
    tail: Line | None = None
    para: int = 0
    block: int = 0
    size: float = 16.0
    hscale: float = 1.0
    shares_row: bool = False
    offset: float = 0.0
    lead: Line | None = None
    lead_left: float = 0.0
    #: set in a fixed line height (its role says how many rows), not snapped to the grid by its font's height
    exact: bool = False


@dataclass(frozen=True)
class ChunkImage:
    """An image placed against a line of its chunk: its left edge ``x`` pt right of the type area's left edge, its
    top ``dy`` pt below the top of that line's first grid row; ``behind`` the text, as a stamp's ink would be."""

    path: str
    width: float
    height: float
    line: int
    x: float
    dy: float
    behind: bool = True
    key: str = ""


@dataclass
class Chunk:
    """What one block (or a group) contributes: lines and the rows around them."""

    block: int
    lines: list[TextLine] = field(default_factory=list)
    space_before: int = 0
    space_after: int = 0
    new_page: bool = False
    at_bottom: bool = False  # the 版记: pushed down so its last line is the last row of the page
    even_page: bool = False  # … on an even page (double-sided printing)
    keep_next: bool = False  # a heading: never the last thing on a page (Word's "keep with next")
    keep_together: bool = False  # a group: all its lines on one page
    blank: int = 0  # empty rows this chunk adds before what follows
    #: (line index the rule sits above — len(lines) for below the last —, rule key, the rule block's index)
    rules: list[tuple[int, str, int]] = field(default_factory=list)
    #: a rule in the flow (not in a group): drawn at the bottom edge of the line placed before it
    flow_rule: str | None = None
    #: empty rows inside a group before the line at this index (the children's own spacing)
    gaps: dict[int, int] = field(default_factory=dict)
    #: placed at an absolute height (a 标志): (distance in pt, measured from "type-area" or "paper", the first
    #: line's ink top in em above its baseline)
    place: tuple[float, str, float] | None = None
    images: list[ChunkImage] = field(default_factory=list)
    #: lines of the text before it that must move with it to a new page (a signature takes the last line along)
    keep_previous: int = 0
    #: a table's rows and cells (``docgen/layout/tables.py``): placed row by row, header rows repeated
    table: Any = None
    #: on landscape pages (§8: a wide table and its title)
    landscape: bool = False


class Composer:
    """Lines for blocks, in one style profile and one set of metrics."""

    def __init__(self, style: StyleProfile, metrics: Metrics) -> None:
        self.style = style
        self.metrics = metrics
        self.width = style.type_width
        #: what the author should be told about the layout's choices (in Chinese)
        self.notes: list[str] = []
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

    def rows(self, role: str, text: str) -> tuple[int, bool]:
        """Rows a line of ``text`` in ``role`` takes, and whether that is a fixed height: the role's ``lines``
        where it says, else what the fonts drawing the text need (as Word's and LibreOffice's grids decide)."""
        r = self.role(role)
        if r.lines is not None:
            return r.lines, True
        rows = getattr(self.metrics, "rows", None)
        if rows is None:  # metrics without fonts: the em box
            return max(1, math.ceil(r.size / self.style.line_pitch - 1e-9)), False
        return rows(role, text), False

    def text_line(
        self, role: str, line: Line, align: str, left: float = 0.0, right: float = 0.0, **extra: object
    ) -> TextLine:
        """A line of a role, on as many rows as it needs (the text of its tail and lead counts too)."""
        text = line.text + "".join(part.text for key in ("tail", "lead") if (part := extra.get(key)) is not None)  # type: ignore[attr-defined]
        rows, exact = self.rows(role, text)
        return TextLine(role, line, align, left, right, rows, size=self.role(role).size, exact=exact, **extra)  # type: ignore[arg-type]

    def chars(self, role: str, count: float) -> float:
        """``count`` 字 of the role's size, in points."""
        return count * self.role(role).size

    def paragraph(self, runs: list[tuple[str, str]], role: str, align: str | None, block: int) -> list[TextLine]:
        r = self.role(role)
        left, right = self.chars(role, r.indent_left), self.chars(role, r.indent_right)
        lines = break_lines(runs, self.width - left - right, self.metrics, self.chars(role, r.first_indent))
        return [self.text_line(role, line, align or r.align, left, right, block=block) for line in lines]

    def single(self, text: str, role: str, right: float, para: int, block: int) -> list[TextLine]:
        r = self.role(role)
        left = self.chars(role, r.indent_left)
        lines = break_lines([(text, role)], self.width - left - right, self.metrics)
        return [self.text_line(role, line, r.align, left, right, para=para, block=block) for line in lines]

    def balanced(self, text: str, role: str, block: int) -> list[TextLine]:
        r = self.role(role)
        out = []
        for part in balance_lines(text, role, self.width, self.metrics, self.title_breaks):
            (line,) = break_lines([(part, role)], float("inf"), self.metrics)
            out.append(self.text_line(role, line, r.align, block=block))
        return out

    def split(
        self, left: list[tuple[str, str]] | str, right: list[tuple[str, str]] | str, role: str, block: int
    ) -> TextLine:
        """One line: ``left`` flush with the left indent, ``right`` with the right one; each part is text in the
        role, or runs of (text, role) (密级 in 黑体 left of a 发文字号 in 仿宋)."""
        r = self.role(role)
        left_runs = [(left, role)] if isinstance(left, str) else left
        right_runs = [(right, role)] if isinstance(right, str) else right
        (head,) = break_lines(left_runs or [("", role)], float("inf"), self.metrics)
        (tail,) = break_lines(right_runs or [("", role)], float("inf"), self.metrics)
        left, right = self.chars(role, r.indent_left), self.chars(role, r.indent_right)
        return self.text_line(role, head, "left", left, right, tail=tail, block=block)

    def hanging(
        self,
        prefix: str,
        label: str,
        text: str,
        role: str,
        hang_from: float,
        para: int,
        block: int,
        prefix_role: str | None = None,
    ) -> list[TextLine]:
        """Lines whose continuation aligns with the first character of ``text`` (附件说明, 抄送, 出席：); the prefix
        may be in a role of its own."""
        prefix_role = prefix_role or role
        label_width = text_width(label, role, self.metrics)
        prefix_width = text_width(prefix, prefix_role, self.metrics)
        if prefix and prefix_role != role and (label or text):  # the space between the two runs, as drawn
            prefix_width += self.metrics.gap(prefix[-1], prefix_role, (label + text)[0], role)
        left = hang_from + prefix_width + label_width
        start = hang_from if prefix else left - label_width
        right = self.chars(role, self.role(role).indent_right)
        runs = [(prefix, prefix_role), (label + text, role)] if prefix else [(label + text, role)]
        lines = break_lines(runs, self.width - left - right, self.metrics, start - left)
        align = self.role(role).align  # 出席 lines are justified like body text; 附件说明 and 抄送 are set left
        return [self.text_line(role, line, align, left, right, para=para, block=block) for line in lines]

    def signature_indents(self, role: str, issuer: str, date: str) -> tuple[float, float]:
        """§7.3.5.2: issuer 右空二字 (the role's right indent); the date starts ``signature_date_shift`` characters
        right of the issuer's first character, and is itself at least that far from the right edge (the issuer
        moves left when the date is longer)."""
        two = self.chars(role, self.role(role).indent_right)
        name = text_width(issuer, role, self.metrics)
        date_width = text_width(date, role, self.metrics)
        shift = self.chars(role, self.style.layout["signature_date_shift"])
        name_right = max(two, two + date_width + shift - name)
        date_right = name_right + name - shift - date_width
        return name_right, date_right

    def line_at(self, text: str, role: str, left: float, block: int, para: int = 0, **extra: object) -> TextLine:
        """One unbroken line whose first character is ``left`` pt right of the type area's left edge."""
        (line,) = break_lines([(text, role)], float("inf"), self.metrics)
        return self.text_line(role, line, "left", left, 0.0, para=para, block=block, **extra)

    def image_size(self, path: str, default_width: float) -> tuple[float, float]:
        """An image's width and height in pt: as the file says, else ``default_width`` in its proportions."""
        from docgen.images import image_info

        info = image_info(path)
        if info.width is not None and info.height is not None:
            return info.width, info.height
        return default_width, default_width * info.ratio

    def ink_top(self, role: str, text: str) -> float:
        """How far the ink of ``text`` reaches above the baseline, in em, in the font that draws it (the em box's
        ascent where the metrics cannot tell)."""
        ink = getattr(self.metrics, "ink", None)
        found = ink(role, text) if ink is not None else None
        return found[0] if found else self.style.metrics["em_ascent"]

    def compose(self, index: int, block: Block) -> tuple[Chunk, int]:
        """The chunk of a block, and how many block indexes it used (a group numbers its children after it)."""
        return COMPOSERS[type(block)](self, index, block)


def _text(c: Composer, index: int, block: Text) -> tuple[Chunk, int]:
    r = c.role(block.role)
    if r.top is not None:  # a placed role: its text is a mark of one name
        return _mark(c, index, Mark(block.role, (block.text,)))
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
    left = [(run.text, run.role or block.role) for run in block.left]
    right = [(run.text, run.role or block.role) for run in block.right]
    line = c.split(left, right, block.role, index)
    return Chunk(index, [line], r.space_before, r.space_after, keep_next=r.keep_with_next), 1


def _hanging(c: Composer, index: int, block: Hanging) -> tuple[Chunk, int]:
    role = block.role
    r = c.role(role)
    start = c.chars(role, r.indent_left + r.first_indent)
    lines: list[TextLine] = []
    prefix_role = block.prefix_role or role
    for i, item in enumerate(block.items):
        prefix = block.prefix if i == 0 else ""
        hang_from = start + (0 if i == 0 else text_width(block.prefix, prefix_role, c.metrics))
        lines += c.hanging(prefix, item.label, item.text, role, hang_from, i, index, block.prefix_role)
    return Chunk(index, lines, r.space_before, r.space_after, keep_next=r.keep_with_next), 1


def _signature(c: Composer, index: int, block: Signature) -> tuple[Chunk, int]:
    return SIGNATURE_FORMS[block.form](c, index, block)


def _plain_signature(c: Composer, index: int, block: Signature) -> tuple[Chunk, int]:
    """§7.3.5.2: each issuer 右空二字, one under the other (主办机关 first); the date under the last, shifted."""
    r = c.role(block.role)
    longest = max((s.name for s in block.signers), key=lambda name: text_width(name, block.role, c.metrics), default="")
    name_right, date_right = c.signature_indents(block.role, longest, block.date)
    lines: list[TextLine] = []
    for signer in block.signers:
        lines += c.single(signer.name, block.role, name_right, 0, index)
    if block.date:
        lines += c.single(block.date, block.role, date_right, 1, index)
    return Chunk(index, lines, r.space_before, r.space_after, keep_previous=1), 1


def _sealed_signature(c: Composer, index: int, block: Signature) -> tuple[Chunk, int]:
    """§7.3.5.1: the date 右空四字; each issuer's name centred over its seal's place, the last over the date; the
    seals in rows (as many to a row as fit), not touching, rows apart by a seal's height; each seal pressing on
    its name (the last on name and date), a little above their middle, its top within one line below the text
    above (the space before is measured from the seal, not fixed)."""
    role = block.role
    r = c.role(role)
    layout = c.style.layout
    pitch = c.style.line_pitch
    date_right = c.chars(role, layout["sealed_date_indent"])
    date_width = text_width(block.date, role, c.metrics)
    centre = c.width - date_right - date_width / 2  # the date's centre: the last seal's, and its issuer's
    sizes = [
        c.image_size(s.image, layout["seal_size"]) if s.image else (layout["seal_size"],) * 2 for s in block.signers
    ]
    # Each issuer's place is as wide as its seal or its name, whichever is wider, and places keep seal_gap apart;
    # rows fill from the first, each aligned on the right so that the last seal of the last row is over the date.
    widest_name = max(text_width(s.name, role, c.metrics) for s in block.signers)
    slot = max(max(width for width, _ in sizes), widest_name) + layout["seal_gap"]
    per_row = max(1, int((centre + slot / 2) // slot))
    signers = list(zip(block.signers, sizes, strict=True))
    rows = [signers[start : start + per_row] for start in range(0, len(signers), per_row)]
    lines: list[TextLine] = []
    images: list[ChunkImage] = []
    gaps: dict[int, int] = {}
    lift = layout["seal_lift"] * pitch
    tallest = max(height for _, height in sizes)
    for row_number, row in enumerate(rows):
        if row_number:  # rows of names far enough apart that the seals of one row clear those of the next
            last = row_number == len(rows) - 1
            apart = tallest + layout["seal_gap"] - (pitch / 2 if last else 0.0)
            gaps[len(lines)] = max(0, math.ceil(apart / pitch - 1e-9) - 1)
        for position, (signer, (width, height)) in enumerate(row):
            x = centre - (len(row) - 1 - position) * slot
            name_width = text_width(signer.name, role, c.metrics)
            line = c.line_at(signer.name, role, x - name_width / 2, index, shares_row=position > 0)
            lines.append(line)
            if signer.image:
                last = row_number == len(rows) - 1
                middle = pitch if last else pitch / 2  # over name and date, or over the name alone
                images.append(
                    ChunkImage(signer.image, width, height, len(lines) - 1, x - width / 2, middle - lift - height / 2)
                )
    if block.date:
        lines.append(c.line_at(block.date, role, c.width - date_right - date_width, index, para=1))
    # Rows before the names: as many as it takes for the seals' top to come within one line below the text above
    # (its top ``reach`` rows above the first name's row), and at least the role's.
    reach = max((-image.dy / pitch for image in images if image.line < len(rows[0])), default=0.0)
    space = max(r.space_before, int(reach) + 1 if reach > 0 else 0)
    return Chunk(index, lines, space, r.space_after, images=images, keep_previous=1, gaps=gaps), 1


def _stamp_signature(c: Composer, index: int, block: Signature) -> tuple[Chunk, int]:
    """§7.3.5.3: each signer's 签名章 右空四字, the signer's title 左空二字 from it and centred on it, one signer a
    line; the date 右空四字 one line below the last."""
    role = block.role
    r = c.role(role)
    layout = c.style.layout
    pitch = c.style.line_pitch
    right = c.chars(role, layout["sealed_date_indent"])
    lines: list[TextLine] = []
    images: list[ChunkImage] = []
    for signer in block.signers:
        width, height = c.image_size(signer.image, layout["stamp_width"]) if signer.image else (0.0, 0.0)
        title_width = text_width(signer.name, role, c.metrics)
        x = c.width - right - width
        lines.append(c.line_at(signer.name, role, x - c.chars(role, 2) - title_width, index))
        if signer.image:
            images.append(ChunkImage(signer.image, width, height, len(lines) - 1, x, (pitch - height) / 2))
    chunk = Chunk(index, lines, r.space_before, r.space_after, images=images, keep_previous=1)
    if block.date:
        date_width = text_width(block.date, role, c.metrics)
        chunk.gaps[len(lines)] = layout["stamp_date_gap"]
        chunk.lines.append(c.line_at(block.date, role, c.width - right - date_width, index, para=1))
    return chunk, 1


SIGNATURE_FORMS: dict[str, Callable[[Composer, int, Signature], tuple[Chunk, int]]] = {
    "plain": _plain_signature,
    "sealed": _sealed_signature,
    "stamp": _stamp_signature,
}


def _mark(c: Composer, index: int, block: Mark) -> tuple[Chunk, int]:
    """A 标志: one organ's name (and 文件) on one line, centred; several stacked, 文件 to their right, centred on
    them. Too wide for the type area, it is condensed (``fit: condense``) rather than wrapped."""
    role = block.role
    r = c.role(role)
    pitch = c.style.line_pitch
    single = len(block.names) == 1
    texts = [block.names[0] + block.suffix] if single else list(block.names)
    widths = [text_width(text, role, c.metrics) for text in texts]
    column = max(widths)
    gap = c.chars(role, 0.5) if block.suffix and not single else 0.0
    suffix_width = text_width(block.suffix, role, c.metrics) if block.suffix and not single else 0.0
    total = column + gap + suffix_width
    scale = min(1.0, c.width / total) if r.fit == "condense" and total > 0 else 1.0
    if scale < 1.0:
        c.notes.append(f"标志“{'、'.join(block.names)}{block.suffix}”比版心宽，已横向压缩到 {scale:.0%} 排成一行")
    start = (c.width - total * scale) / 2
    lines = []
    step = max(c.rows(role, text)[0] for text in texts) * pitch  # stacked names: a line's rows apart
    for i, (text, width) in enumerate(zip(texts, widths, strict=True)):
        left = start + (column - width) * scale / 2
        lines.append(c.line_at(text, role, left, index, hscale=scale, offset=i * step))
    if block.suffix and not single:
        middle = (len(texts) - 1) * step / 2
        lines.append(c.line_at(block.suffix, role, start + (column + gap) * scale, index, hscale=scale, offset=middle))
    chunk = Chunk(index, lines, r.space_before, r.space_after, keep_next=r.keep_with_next)
    if r.top is not None:
        chunk.place = (r.top, r.top_from, c.ink_top(role, "".join(texts)))
    return chunk, 1


def _signers(c: Composer, index: int, block: Signers) -> tuple[Chunk, int]:
    """§7.2.6: 签发人：names, two a line, 居右空一字, later lines aligned with the first name; the 发文字号 左空一字 on
    the line of the last names."""
    role = block.role
    r = c.role(role)
    one = c.chars(role, 1)
    label_width = text_width(block.label, role, c.metrics)
    pairs = ["　".join(block.names[i : i + 2]) for i in range(0, len(block.names), 2)]
    widths = [text_width(pair, block.name_role, c.metrics) for pair in pairs]
    column = c.width - one - max(widths)  # where the names start, the widest pair ending 空一字 from the right
    lines = []
    for i, pair in enumerate(pairs):
        runs = [(block.label, role), (pair, block.name_role)] if i == 0 else [(pair, block.name_role)]
        (line,) = break_lines(runs, float("inf"), c.metrics)
        left = column - label_width if i == 0 else column
        lead = None
        if i == len(pairs) - 1 and block.number:
            (lead,) = break_lines([(block.number, role)], float("inf"), c.metrics)
        lines.append(c.text_line(role, line, "left", left, 0.0, block=index, lead=lead, lead_left=one))
    return Chunk(index, lines, r.space_before, r.space_after, keep_next=r.keep_with_next), 1


def _rule(c: Composer, index: int, block: Rule) -> tuple[Chunk, int]:
    if block.key not in c.style.rules:
        raise StyleError(f"样式里没有分隔线“{block.key}”", hint=f"样式的 rules 里有：{'、'.join(c.style.rules)}")
    return Chunk(index, flow_rule=block.key), 1


def _blank(c: Composer, index: int, block: Blank) -> tuple[Chunk, int]:
    return Chunk(index, blank=block.rows), 1


def _group(c: Composer, index: int, block: Group) -> tuple[Chunk, int]:
    """Its children's lines as one chunk; a rule among them sits at the edge between the lines around it; the
    children's own spacing stays inside (collapsed as everywhere)."""
    chunk = Chunk(index, at_bottom=block.at_bottom, keep_together=True, even_page=block.even_page)
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
    if block.role is not None and (r := c.role(block.role)).top is not None:  # placed off the grid, line under line
        offset, placed = 0.0, []
        for position, line in enumerate(chunk.lines):
            offset += chunk.gaps.get(position, 0) * c.style.line_pitch
            placed.append(replace(line, offset=offset))
            offset += line.rows * c.style.line_pitch
        chunk.lines, chunk.gaps = placed, {}
        ascent = c.style.metrics["em_ascent"] if r.top_from == "rule" else c.ink_top(block.role, "")
        chunk.place = (r.top, r.top_from, ascent)
    return chunk, used


def _table(c: Composer, index: int, block: Table) -> tuple[Chunk, int]:
    from docgen.layout.tables import compose_table  # the table module builds on this one

    return compose_table(c, index, block)


#: Block type → its composer (one per type: tested).
COMPOSERS: dict[type, Callable[..., tuple[Chunk, int]]] = {
    Text: _text,
    Split: _split,
    Hanging: _hanging,
    Signature: _signature,
    Mark: _mark,
    Signers: _signers,
    Rule: _rule,
    Blank: _blank,
    Group: _group,
    Table: _table,
}
