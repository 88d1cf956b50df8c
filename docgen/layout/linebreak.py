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
from functools import cached_property
from itertools import combinations, pairwise
from typing import NamedTuple, Protocol

from docgen.layout.chars import CLOSE_BEFORE_WORD, NO_LINE_END, NO_LINE_START, OPEN_AFTER_WORD, is_wide, is_word_char

EPSILON = 0.01  # points: rounding slack when a line is filled exactly
#: how many (character, character before) pairs the caches keep glyphs and gaps for (and characters advances): a real
#: text has tens of thousands; a text made of every possible pair computes the rest each time instead of filling
#: memory
_PAIRS_KEPT = 50_000


@dataclass(frozen=True)
class TitleBreaks:
    """How a title is broken into balanced lines (the profile's ``layout.title_*``): costs in characters of
    imbalance. A title needing more than ``max_lines`` lines is set like a paragraph (choosing cuts is
    combinatorial)."""

    max_lines: int = 4
    between_words: float = 1.0
    inside_word: float = 12.0
    inside_quotes: float = 6.0
    extra_line: float = 6.0


class Glyph(NamedTuple):
    """One character placed on a line (a named tuple: the layout makes one per character of the document)."""

    char: str
    role: str
    advance: float  # points: the character's own width
    gap: float = 0.0  # space between it and the character before (tracking, Chinese–Western space); 0 on a new line


@dataclass(frozen=True)
class Line:
    glyphs: tuple[Glyph, ...]
    indent: float  # points before the first glyph (first-line indent)
    last: bool  # last line of its paragraph: set flush, not justified

    # Computed once (cached_property writes to the instance's __dict__, which a frozen dataclass allows): the
    # layout and both writers ask for them again and again.
    @cached_property
    def text(self) -> str:
        return "".join([g[0] for g in self.glyphs])

    @cached_property
    def width(self) -> float:
        """Natural width, trailing spaces excluded (they hang invisibly, as in Word)."""
        return sum([g.advance + g.gap for g in self.glyphs[: len(self.text.rstrip())]])


class Metrics(Protocol):
    def advance(self, ch: str, role: str) -> float:
        """Width of one character in points."""

    def gap(self, left: str, left_role: str, right: str, right_role: str) -> float:
        """Space between two neighbouring characters (negative for tightened letter spacing)."""


def text_width(text: str, role: str, metrics: Metrics) -> float:
    """Width of ``text`` set on one line in one role."""
    width = 0.0
    for i, ch in enumerate(text):
        width += metrics.advance(ch, role) + (metrics.gap(text[i - 1], role, ch, role) if i else 0.0)
    return width


def clusters(chars: Sequence[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Group (char, role) pairs into clusters no line break may fall inside."""
    return [cluster if type(cluster) is list else [cluster] for cluster in _clusters(chars)]  # type: ignore[misc]


def _clusters(chars: Sequence[tuple[str, str]]) -> list[list[tuple[str, str]] | tuple[str, str]]:
    """``clusters``, with a cluster of one plain character (most of them) left as the bare (char, role) pair:
    ``break_lines`` takes those without a list each."""
    out: list[list[tuple[str, str]] | tuple[str, str]] = []
    glue_next = False
    latin_context = False  # the last letter or digit so far is half-width: LibreOffice then breaks by UAX #14

    def add(atom: list[tuple[str, str]]) -> None:
        nonlocal glue_next, latin_context
        first, last = atom[0][0], atom[-1][0]
        if out:
            tail = out[-1]
            before = tail[0] if type(tail) is tuple else tail[-1][0]
        else:
            before = ""
        if out and (
            glue_next
            or first in NO_LINE_START
            or (before in CLOSE_BEFORE_WORD and first.isascii() and first.isalnum())  # ，2026年 ）22号 ★1年
            or (first in OPEN_AFTER_WORD and before.isascii() and before.isalnum())  # 5G（ 第5（一）
            or (latin_context and _glued_after_latin(before, first))  # 第5条，“ 5%〔 （1）“
        ):
            if type(tail) is tuple:
                out[-1] = [tail, *atom]  # type: ignore[list-item]
            else:
                tail.extend(atom)  # type: ignore[union-attr]
        else:
            out.append(atom)  # a fresh list of its own: no copy
        glue_next = last in NO_LINE_END
        for ch, _ in reversed(atom):
            if ch.isalnum():
                latin_context = ch.isascii()
                break

    # Atoms first: a half-width run is one unit, except after a hyphen before a digit (0531-|12345678), where
    # LibreOffice breaks (docs/libreoffice-line-breaks.md); then each atom is glued to the one before or not.
    atom: list[tuple[str, str]] | None = None
    previous = ""
    previous_word = False
    plain_chars = _PLAIN
    for item in chars:
        ch = item[0]
        plain = plain_chars.get(ch)
        if plain is None:
            plain = _is_plain(ch)
        if plain:  # most characters: an atom of its own that only an opening mark before it glues to
            if atom is not None:
                add(atom)
                atom = None
            if glue_next and out:
                out[-1].append(item)  # type: ignore[union-attr]  # after an opening mark: a list (add made it)
            else:
                out.append(item)
            glue_next = latin_context = False
            previous, previous_word = ch, False
            continue
        word = is_word_char(ch)
        if atom is not None and word and previous_word and not (previous == "-" and ch.isdigit()):
            atom.append(item)
        else:
            if atom is not None:
                add(atom)
            atom = [item]
        previous, previous_word = ch, word
    if atom is not None:
        add(atom)
    return out


#: characters known to be plain or not (``_is_plain``), up to a bound: a text of every code point cannot fill memory
_PLAIN: dict[str, bool] = {}


def _is_plain(ch: str) -> bool:
    """A full-width letter (a hanzi, a full-width digit): a cluster of its own, glued to what precedes it only after
    an opening mark, and the last letter so far is then not half-width. None of the rules in ``clusters`` for marks,
    quotes and half-width runs applies to it."""
    plain = _PLAIN.get(ch)
    if plain is None:
        plain = (
            is_wide(ch)
            and ch.isalnum()
            and not ch.isascii()
            and ch not in NO_LINE_START
            and ch not in NO_LINE_END
            and ch not in CLOSE_BEFORE_WORD
            and ch not in OPEN_AFTER_WORD
            and ch not in "“‘”’％%℃〔(["
        )
        if len(_PLAIN) < 65536:
            _PLAIN[ch] = plain
    return plain


def _glued_after_latin(before: str, first: str) -> bool:
    """Pairs LibreOffice does not break when the last letter or digit before them is half-width (it then follows
    UAX #14, where quotation marks do not break from what is next to them; docs/libreoffice-line-breaks.md)."""
    if first in "“‘" and not before.isalnum():
        return True
    if before in "”’" and (first in OPEN_AFTER_WORD or first in "(["):
        return True
    return before in "％%℃" and first in "〔“‘(["


def _caches(metrics: Metrics) -> tuple[dict, dict, dict]:  # type: ignore[type-arg]
    """Advances by (char, role), gaps and placed glyphs by pair, kept on the metrics object (one per document) when
    it allows it: the same few thousand characters come back in every paragraph."""
    found = getattr(metrics, "_line_break_caches", None)
    if found is None:
        found = ({}, {}, {})
        try:
            metrics._line_break_caches = found  # type: ignore[attr-defined]
        except AttributeError:  # a metrics object with slots: caches for this call only
            pass
    return found


def _glyph(
    previous: tuple[str, str] | None,
    item: tuple[str, str],
    caches: tuple[dict, dict, dict],  # type: ignore[type-arg]
    advance_of: Callable[[str, str], float],
    gap_of: Callable[[str, str, str, str], float],
) -> tuple[Glyph, float, float, bool]:
    """The glyph of ``item`` after ``previous`` (None at a paragraph's start), its advance, the gap before it and
    whether it is a space; kept in the document's pair cache (up to its bound)."""
    advances, gaps, placed = caches
    ch, role = item
    advance = advances.get(item)
    if advance is None:
        advance = advance_of(ch, role)
        if len(advances) < _PAIRS_KEPT:
            advances[item] = advance
    if previous is None:
        gap = 0.0
    else:
        pair = (previous, item)
        gap = gaps.get(pair)
        if gap is None:
            gap = gap_of(previous[0], previous[1], ch, role)
            if len(gaps) < _PAIRS_KEPT:
                gaps[pair] = gap
    # tuple.__new__: a Glyph without NamedTuple's Python-level constructor
    known = tuple.__new__(Glyph, (ch, role, advance, gap)), advance, gap, ch.isspace()
    if len(placed) < _PAIRS_KEPT:
        placed[(previous, item)] = known
    return known


def break_lines(
    runs: Sequence[tuple[str, str]], width: float, metrics: Metrics, first_indent: float = 0.0
) -> list[Line]:
    """Break (text, role) runs into lines at most ``width`` points wide; the first starts at ``first_indent``."""
    chars = [(ch, role) for text, role in runs for ch in text]
    caches = _caches(metrics)
    placed = caches[2]
    advance_of, gap_of = metrics.advance, metrics.gap
    lines: list[Line] = []
    current: list[Glyph] = []
    used = 0.0
    indent = first_indent
    previous: tuple[str, str] | None = None

    def flush(last: bool) -> None:
        nonlocal current, used, indent
        lines.append(Line(tuple(current), indent, last))
        current, used, indent = [], 0.0, 0.0

    def place(glyph: Glyph) -> None:
        nonlocal used
        if not current:
            glyph = glyph._replace(gap=0.0)
        current.append(glyph)
        used += glyph.advance + glyph.gap

    for cluster in _clusters(chars):
        if type(cluster) is tuple:  # one plain character (never a space): the general case below, for one glyph
            known = placed.get((previous, cluster)) or _glyph(previous, cluster, caches, advance_of, gap_of)
            glyph, advance, gap, _ = known
            previous = cluster
            ink = 0.0 + (0.0 + advance + gap)  # as the loop below sums it
            if current and used + ink > width - indent + EPSILON:
                flush(last=False)
            if current:
                current.append(glyph)
                used += ink + 0.0
            else:
                place(glyph)
            continue
        glyphs = []
        ink = 0.0  # the cluster's width, trailing spaces excluded (they hang invisibly, as in Word)
        pending = 0.0  # width of spaces not yet followed by anything else
        for item in cluster:
            # A glyph depends only on its character and the one before: made once per pair and shared (tuples)
            known = placed.get((previous, item)) or _glyph(previous, item, caches, advance_of, gap_of)
            glyph, advance, gap, space = known
            glyphs.append(glyph)
            previous = item
            if space:
                pending += advance + gap
            else:
                ink += pending + advance + gap
                pending = 0.0
        whole = ink + pending  # every glyph's advance and gap, trailing spaces included
        if current and used + ink > width - indent + EPSILON:
            flush(last=False)
        if not current:
            ink -= glyphs[0].gap
        if not current and ink > width - indent + EPSILON:
            # Longer than a whole line (a long URL): split it where it must, character by character.
            for glyph in glyphs:
                if current and used + glyph.gap + glyph.advance > width - indent + EPSILON:
                    flush(last=False)
                place(glyph)
            continue
        if current:
            current.extend(glyphs)
            used += whole
        else:
            for glyph in glyphs:
                place(glyph)
    if current or not lines:
        flush(last=True)
    return lines


def _word_bounds(text: str) -> set[int]:
    """Positions between two words (jieba segmentation): a title may break there without splitting a word."""
    import rjieba  # loading its dictionary takes 0.2 s: only titles that wrap pay for it

    bounds, position = set(), 0
    for word in rjieba.cut(text):
        position += len(word)
        bounds.add(position)
    # A number and its unit are one word to a reader (2027年, 第3号, 12月): jieba cuts between them.
    return {b for b in bounds if not (0 < b < len(text) and text[b - 1].isdigit() and text[b] in _UNITS_AFTER_NUMBER)}


#: Characters that belong to the number before them in a title (2027年, 5月, 30日, 12号, 3项, 20条, 15%).
_UNITS_AFTER_NUMBER = "年月日号届次期个项条件名万亿元%％"


def _break_quality(text: str, index: int, words: set[int], costs: TitleBreaks) -> float:
    """Penalty, in characters of imbalance, for ending a title line before text[index]: none after punctuation or
    before an opening mark, a little between two words, much inside a word or inside 《》“”（）."""
    before, after = text[index - 1], text[index]
    if before in "，、：；。！？”’》）" or before == " " or after in " “《（":
        return 0.0
    still_open = sum(ch in "《“（" for ch in text[:index]) - sum(ch in "》”）" for ch in text[:index])
    return (costs.between_words if index in words else costs.inside_word) + (
        costs.inside_quotes if still_open > 0 else 0.0
    )


def balance_lines(
    text: str, role: str, width: float, metrics: Metrics, costs: TitleBreaks = TitleBreaks()
) -> list[str]:
    """Break a title into balanced lines, long over short (梯形), never inside a word if it can be helped: among
    the cut points that keep every line no longer than the one above, take those that make the lines most even
    and cut between words (jieba) or after punctuation. An explicit newline in ``text`` is a break the author
    chose; each part is balanced on its own."""
    if "\n" in text:
        return [line for part in text.split("\n") for line in balance_lines(part.strip(), role, width, metrics, costs)]
    greedy = break_lines([(text, role)], width, metrics)
    if len(greedy) <= 1:
        return [text]
    if len(greedy) > costs.max_lines:  # a title of paragraph length: trying every cut would never end
        return [line.text.strip() for line in greedy]
    groups = clusters([(ch, role) for ch in text])
    bounds = []
    position = 0
    for group in groups[:-1]:
        position += len(group)
        bounds.append(position)
    em = metrics.advance("字", role)
    words = _word_bounds(text)
    best: tuple[float, list[str]] | None = None
    # One line more than greedy filling needs is allowed when it avoids a bad cut (inside “” or 《》).
    for count, extra_cost in ((len(greedy), 0.0), (len(greedy) + 1, costs.extra_line)):
        for cuts in combinations(bounds, count - 1):
            edges = [0, *cuts, len(text)]
            lengths = [text_width(text[a:b].strip(), role, metrics) for a, b in pairwise(edges)]
            if max(lengths) > width + EPSILON or any(b > a + EPSILON for a, b in pairwise(lengths)):
                continue
            quality = sum(_break_quality(text, c, words, costs) for c in cuts)
            cost = extra_cost + (max(lengths) - min(lengths)) / em + quality
            if best is None or cost < best[0]:
                best = (cost, [text[a:b].strip() for a, b in pairwise(edges)])
    return best[1] if best else [line.text.strip() for line in greedy]
