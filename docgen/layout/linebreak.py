"""Break a paragraph into lines: list the places a line may end, then choose (Typst's "breakpoints, then choose").

Characters are grouped into clusters that may not be separated:
- a half-width letter/digit run (5G, 83.2, 40%, a URL) stays whole unless it is longer than a line;
- a mark that may not start a line (，。”）》—…) sticks to what precedes it;
- a mark that may not end a line (“（《) sticks to what follows it;
so —— and …… (two marks that may not start a line) never split. Filling clusters greedily then pushes a character down
together with its punctuation instead of hanging punctuation into the margin; justification spreads the slack.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise

from docgen.layout.chars import NO_LINE_END, NO_LINE_START, is_word_char

EPSILON = 0.01  # points: rounding slack when a line is filled exactly


@dataclass(frozen=True)
class Glyph:
    char: str
    role: str
    advance: float  # points, letter spacing included


@dataclass(frozen=True)
class Line:
    glyphs: tuple[Glyph, ...]
    indent: float  # points before the first glyph (first-line indent)
    last: bool  # last line of its paragraph: set flush, not justified

    @property
    def text(self) -> str:
        return "".join(g.char for g in self.glyphs)

    @property
    def width(self) -> float:
        """Natural width, trailing spaces excluded (they hang invisibly, as in Word)."""
        return sum(g.advance for g in self.glyphs[: len(self.text.rstrip())])


Measure = Callable[[str, str], float]  # (char, role) → advance in points


def clusters(chars: Sequence[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Group (char, role) pairs into clusters no line break may fall inside."""
    atoms: list[list[tuple[str, str]]] = []
    for item in chars:
        ch = item[0]
        if atoms and is_word_char(ch) and is_word_char(atoms[-1][-1][0]):
            atoms[-1].append(item)
        else:
            atoms.append([item])
    out: list[list[tuple[str, str]]] = []
    glue_next = False
    for atom in atoms:
        first, last = atom[0][0], atom[-1][0]
        if out and (glue_next or first in NO_LINE_START):
            out[-1].extend(atom)
        else:
            out.append(list(atom))
        glue_next = last in NO_LINE_END
    return out


def break_lines(
    runs: Sequence[tuple[str, str]], width: float, measure: Measure, first_indent: float = 0.0
) -> list[Line]:
    """Break (text, role) runs into lines at most ``width`` points wide; the first starts at ``first_indent``."""
    chars = [(ch, role) for text, role in runs for ch in text]
    lines: list[Line] = []
    current: list[Glyph] = []
    used = 0.0
    indent = first_indent

    def flush(last: bool) -> None:
        nonlocal current, used, indent
        lines.append(Line(tuple(current), indent, last))
        current, used, indent = [], 0.0, 0.0

    for cluster in clusters(chars):
        glyphs = [Glyph(ch, role, measure(ch, role)) for ch, role in cluster]
        size = sum(g.advance for g in glyphs)
        ink = sum(g.advance for g in glyphs[: len("".join(g.char for g in glyphs).rstrip())])
        if current and used + ink > width - indent + EPSILON:
            flush(last=False)
        if not current and ink > width - indent + EPSILON:
            # Longer than a whole line (a long URL): split it where it must, character by character.
            for glyph in glyphs:
                if current and used + glyph.advance > width - indent + EPSILON:
                    flush(last=False)
                current.append(glyph)
                used += glyph.advance
            continue
        current.extend(glyphs)
        used += size
    if current or not lines:
        flush(last=True)
    return lines


def _break_quality(text: str, index: int) -> float:
    """Penalty for ending a title line before text[index]: none after punctuation or at a space, high inside
    《》“”（）, higher before a particle (的 和 与 及 之) that would start the next line."""
    before, after = text[index - 1], text[index]
    if before in "，、：；。！？ " or after == " ":
        return 0.0
    still_open = sum(ch in "《“（" for ch in text[:index]) - sum(ch in "》”）" for ch in text[:index])
    penalty = 4.0 if still_open > 0 else 1.0
    if before == "的":  # 关于……的 / 通知
        penalty -= 0.5
    if after in "的和与及之":
        penalty += 2.0
    return penalty


def balance_lines(text: str, role: str, width: float, measure: Measure) -> list[str]:
    """Break a title into balanced lines, long over short (梯形): as few lines as greedy filling needs, then the
    cut points that keep every line no longer than the one above, make the lines most even and cut at the best
    places. An explicit newline in ``text`` is a break the author chose; each part is balanced on its own."""
    if "\n" in text:
        return [line for part in text.split("\n") for line in balance_lines(part.strip(), role, width, measure)]
    greedy = break_lines([(text, role)], width, measure)
    if len(greedy) <= 1:
        return [text]
    groups = clusters([(ch, role) for ch in text])
    bounds = []
    position = 0
    for group in groups[:-1]:
        position += len(group)
        bounds.append(position)
    widths = [measure(ch, role) for ch in text]
    n = len(greedy)
    best: tuple[float, list[str]] | None = None
    for cuts in combinations(bounds, n - 1):
        edges = [0, *cuts, len(text)]
        pieces = [text[a:b] for a, b in pairwise(edges)]
        lengths = [sum(widths[a:b]) for a, b in pairwise(edges)]
        if max(lengths) > width + EPSILON or any(b > a + EPSILON for a, b in pairwise(lengths)):
            continue
        spread = (max(lengths) - min(lengths)) / measure("字", role)
        cost = spread + sum(_break_quality(text, cut) for cut in cuts)
        if best is None or cost < best[0]:
            best = (cost, [p.strip() for p in pieces])
    return best[1] if best else [line.text.strip() for line in greedy]
