"""The checks, one function per rule; each yields findings for a spec's texts.

Codes: D damage from copying (D001 half-width punctuation, D002 injected tokens, D003 unbalanced pairs, D004 doubled
punctuation); L 规范表述 (lexicon); N 序号 (hand numbering); T 数字与日期; G 行文规则 (the kind's traits); F 格式
(F001 a cited 发文字号); S 结构; H 标题.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from docgen.check.lexicon import Lexicon
from docgen.check.texts import TextItem
from docgen.errors import SourceRef
from docgen.spec import Spec
from docgen.spec.yamlsource import format_path

CN_NUMERALS = "一二三四五六七八九十"
HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"}


@dataclass
class CheckContext:
    spec: Spec
    texts: list[TextItem]
    lexicons: list[Lexicon]
    #: the day the check runs (a 成文日期 after it is suspicious); tests pass a fixed one
    today: dt.date = dataclasses.field(default_factory=dt.date.today)

    @property
    def file(self) -> str | None:
        return self.spec.source.file if self.spec.source else None


def _finding(
    item: TextItem, offset: int, length: int, code: str, level: str, message: str, replacement: str | None = None
):  # type: ignore[no-untyped-def]
    from docgen.check import Finding

    line, column, index = item.locate(offset)
    fix = None
    if replacement is not None and index is not None:
        _, _, end_index = item.locate(offset + length - 1)
        if end_index is not None and end_index - index == length - 1:  # spelled literally in the file: certain
            fix = (index, end_index + 1, replacement)
    return Finding.at(
        code,
        level,
        message,
        SourceRef(item.doc.file, line, column, item.key_path),
        item.text[offset : offset + length],
        offset,
        fix,
        replacement,
    )


def _at(item: TextItem, match: re.Match[str], code: str, level: str, message: str):  # type: ignore[no-untyped-def]
    """A finding for the whole of a regex match."""
    return _finding(item, match.start(), len(match.group()), code, level, message)


def is_chinese(ch: str) -> bool:
    """Hanzi, CJK and full-width punctuation, and the quotation marks Chinese text uses."""
    code = ord(ch)
    return (
        0x3400 <= code <= 0x9FFF
        or 0x20000 <= code <= 0x3FFFF
        or 0x3000 <= code <= 0x303F
        or 0xFF00 <= code <= 0xFFEF
        or ch in "“”‘’…—"
    )


def _neighbour(text: str, index: int, step: int) -> str:
    index += step
    while 0 <= index < len(text) and text[index] == " ":
        index += step
    return text[index] if 0 <= index < len(text) else ""


def declared_value(spec: Spec, *path: str) -> Any:
    """A value of the spec's content by key path, or None where the kind does not declare it or it is absent."""
    value: Any = spec.content
    for key in path:
        value = value.get(key) if hasattr(value, "get") else None
        if value is None:
            return None
    return value


# -- D: damage ---------------------------------------------------------------------------------------------------


def half_width_punctuation(ctx: CheckContext) -> Iterator:  # type: ignore[type-arg]
    for item in ctx.texts:
        text = item.text
        for i, ch in enumerate(text):
            if ch not in HALF_TO_FULL:
                continue
            before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
            if ch in ",:" and before.isdigit() and after.isdigit():
                continue  # 1,000 and 10:30
            chinese = (is_chinese(before) if before else False) or (is_chinese(after) if after else False)
            if ch in ",;:?!" and before and not is_chinese(before) and not (after and is_chinese(after)):
                chinese = False
            if chinese:
                yield _finding(
                    item,
                    i,
                    1,
                    "D001",
                    "error",
                    f"中文里用了半角标点“{ch}”，应为全角“{HALF_TO_FULL[ch]}”",
                    HALF_TO_FULL[ch],
                )


_DIGIT_TOKEN = re.compile(r"(?<=[\u4e00-\u9fff])([A-Za-z][0-9][A-Za-z0-9]{0,2})([\u4e00-\u9fff]{2,4})")
_AD_TOKEN = re.compile(
    r"(?<=[\u4e00-\u9fff“”，。、；：])([A-Za-z][A-Za-z0-9]{0,3}[\u4e00-\u9fff]{2,3})(?=[，。、；：！？”,.;:!?]|$)"
)


#: Latin letters, with digits after or before them, between hanzi: the token and the hanzi word glued after it
_GLUED = re.compile(r"(?<=[\u4e00-\u9fff])([A-Za-z]{1,3}[0-9]{0,3}|[0-9]{1,2}[A-Za-z]{1,3})([\u4e00-\u9fff]{2})")


#: What follows a code or a number with letters in a 公文 (S215省道, G3高速, 3号楼, K2标段): not an advert
_CODE_WORDS = ("国道", "省道", "县道", "乡道", "高速", "公路", "大道", "线", "号", "型", "级", "次", "栋", "楼", "地块",
               "标段", "类", "批", "期", "版", "轮", "座", "台", "辆", "套", "户")  # fmt: skip


def _a_term(token: str, terms: tuple[str, ...]) -> bool:
    """A known term (5G, A股上市, AAAA级景区) or a code before a word codes go with (S215省道)."""
    cut = next((i for i, ch in enumerate(token) if "\u4e00" <= ch <= "\u9fff"), len(token))
    return token.startswith(terms) or token[:cut] in terms or token[cut:].startswith(_CODE_WORDS)


def _covered(kept: list, item: object, start: int) -> bool:  # type: ignore[type-arg]
    return any(k[0] is item and k[1] <= start < k[1] + len(k[2]) for k in kept)


def _shared_start(texts: list[str]) -> str:
    first = texts[0]
    length = 0
    while length < len(first) and all(len(t) > length and t[length] == first[length] for t in texts):
        length += 1
    return first[:length]


def injected_tokens(ctx: CheckContext) -> Iterator:  # type: ignore[type-arg]
    known = {token for lexicon in ctx.lexicons for token in lexicon.injected}
    occurrences: list[tuple[TextItem, int, str]] = []
    for item in ctx.texts:
        for token in known:
            start = item.text.find(token)
            while start >= 0:
                occurrences.append((item, start, token))
                start = item.text.find(token, start + len(token))
        for match in _AD_TOKEN.finditer(item.text):
            token = match.group(1)
            if token not in known and not any(token in k or k in token for k in known):
                occurrences.append((item, match.start(1), token))
    # A letter-and-digit token glued to Chinese that recurs (M6米乐) is an advert wherever it sits, mid-clause too:
    # its Chinese part is what all its occurrences share.
    glued: dict[str, list[tuple[TextItem, int, str]]] = {}
    for item in ctx.texts:
        for match in _DIGIT_TOKEN.finditer(item.text):
            glued.setdefault(match.group(1), []).append((item, match.start(), match.group(2)))
    found = {(id(item), start) for item, start, _ in occurrences}
    for prefix, places in glued.items():
        if len(places) < 3:
            continue
        shared = _shared_start([hanzi for _, _, hanzi in places])
        if len(shared) < 2 or prefix + shared in known:
            continue
        for item, start, _ in places:
            if (id(item), start) not in found:
                occurrences.append((item, start, prefix + shared))
    occurrences.sort(key=lambda o: (id(o[0]), o[1]))
    kept: list[tuple[TextItem, int, str]] = []
    for occurrence in occurrences:  # "M6米乐M6米乐": tokens that overlap one already found are not counted twice
        item, start, token = occurrence
        if kept and kept[-1][0] is item and start < kept[-1][1] + len(kept[-1][2]):
            continue
        kept.append(occurrence)
    # A run of Latin letters (and digits) glued between hanzi that is no known term: an advert or watermark
    # injected once, mid-clause (K6快讯 in 会议K6快讯要求): 疑似, for the clerk to look at.
    terms = tuple({term for lexicon in ctx.lexicons for term in lexicon.terms})
    kept = [o for o in kept if o[2] in known or not _a_term(o[2], terms)]
    taken = {(id(item), start) for item, start, _ in kept}
    for item in ctx.texts:
        for match in _GLUED.finditer(item.text):
            token = match.group(1) + match.group(2)
            if _a_term(token, terms) or _covered(kept, item, match.start(1)):
                continue
            if (id(item), match.start(1)) not in taken:
                kept.append((item, match.start(1), token))
    kept.sort(key=lambda o: (id(o[0]), o[1]))
    counts = Counter(token for _, _, token in kept)
    for item, start, token in kept:
        recurring = counts[token] >= 3 and any(ch.isdigit() for ch in token)
        if token in known or recurring:
            yield _finding(item, start, len(token), "D002", "error", f"句中夹带了网页广告或水印“{token}”，应删除", "")
        else:
            yield _finding(item, start, len(token), "D002", "warning", f"“{token}”像是网页插入的广告或水印，请核对原文")


_PAIRS = {"（": "）", "《": "》", "“": "”", "‘": "’", "【": "】", "〔": "〕"}


def unbalanced_pairs(ctx: CheckContext) -> Iterator:  # type: ignore[type-arg]
    closers = {v: k for k, v in _PAIRS.items()}
    for item in ctx.texts:
        stack: list[tuple[str, int]] = []
        for i, ch in enumerate(item.text):
            if ch in _PAIRS:
                stack.append((ch, i))
            elif ch in closers:
                if stack and stack[-1][0] == closers[ch]:
                    stack.pop()
                else:
                    yield _finding(item, i, 1, "D003", "warning", f"“{ch}”没有与之配对的“{closers[ch]}”")
        for ch, i in stack:
            yield _finding(item, i, 1, "D003", "warning", f"“{ch}”没有与之配对的“{_PAIRS[ch]}”")


_DOUBLED = re.compile(r"([，。、；：])\1|[，、；：][。，、；：]|。[，、；：]")


def doubled_punctuation(ctx: CheckContext) -> Iterator:  # type: ignore[type-arg]
    for item in ctx.texts:
        for match in _DOUBLED.finditer(item.text):
            yield _at(item, match, "D004", "warning", f"标点重复或连用不当：“{match.group()}”")


# -- L: 规范表述 ------------------------------------------------------------------------------------------------


def fixed_phrases(ctx: CheckContext) -> Iterator:  # type: ignore[type-arg]
    for item in ctx.texts:
        text = item.text
        for lexicon in ctx.lexicons:
            for phrase in lexicon.phrases:
                wrongs = [wrong for wrong in phrase.wrong if wrong in text]  # most texts hold none: skip cheaply
                if not wrongs:
                    continue
                correct_spans = [(m.start(), m.end()) for m in re.finditer(re.escape(phrase.correct), text)]
                for wrong in wrongs:
                    for match in re.finditer(re.escape(wrong), text):
                        start, end = match.span()
                        if any(a <= start and end <= b for a, b in correct_spans):
                            continue
                        if any(text.startswith(word, end) for word in phrase.unless_followed_by):
                            continue
                        if any(text.endswith(word, 0, start) for word in phrase.unless_preceded_by):
                            continue
                        note = f"（{phrase.note}）" if phrase.note else ""
                        yield _finding(
                            item,
                            start,
                            end - start,
                            "L001",
                            phrase.level,
                            f"规范表述有误：“{wrong}”应为“{phrase.correct}”{note}",
                        )


# -- N: 序号 ------------------------------------------------------------------------------------------------------

_HAND_NUMBER = re.compile(
    r"^\s*([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\)|\d+[.、．]|（\d+）|\(\d+\))"
)


def hand_numbering(ctx: CheckContext) -> Iterator:  # type: ignore[type-arg]
    for item in ctx.texts:
        if item.kind not in ("heading", "section-heading"):
            continue
        if match := _HAND_NUMBER.match(item.text):
            yield _finding(
                item,
                match.start(1),
                len(match.group(1)),
                "N001",
                "error",
                f"标题前手工写了序号“{match.group(1)}”，排版时会自动编号，重复了",
            )


def _numeral(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + CN_NUMERALS.index(text[1]) + 1
    if len(text) == 2 and text[1] == "十":
        return (CN_NUMERALS.index(text[0]) + 1) * 10
    return CN_NUMERALS.index(text[0]) + 1 if len(text) == 1 else -1


def _sequence(ctx: CheckContext, pattern: re.Pattern[str], code: str, label: str) -> Iterator:  # type: ignore[type-arg]
    """Numbers must go 一, 二, 三 … within a paragraph, and on across the paragraphs of one list (a list of
    paragraphs that each start with 一、 二、 三、 is one sequence); starting again at 一 is always allowed."""
    expected, parent = 1, None
    for item in ctx.texts:
        if item.path[:-1] != parent or not isinstance(item.path[-1], int):
            expected, parent = 1, item.path[:-1]
        fresh = True  # the first number of a paragraph may start a new list at 一
        for match in pattern.finditer(item.text):
            number = _numeral(match.group(1))
            if number < 1:
                continue
            restart = number == 1 and (fresh or expected > 2)
            fresh = False
            if number == expected or restart:
                expected = number + 1
                continue
            what = "重复" if number < expected else "跳号"
            right = f"，按顺序应为“{CN_NUMERALS[expected - 1]}{label}”" if expected <= 10 else ""
            yield _finding(
                item,
                match.start(1),
                len(match.group(1)) + len(label),
                code,
                "warning",
                f"段内序号{what}：此处是“{match.group(1)}{label}”{right}",
            )
            expected = number + 1


def shi_sequence(ctx: CheckContext) -> Iterator:  # type: ignore[type-arg]
    yield from _sequence(
        ctx, re.compile(r"(?:^|(?<=[。；，：！？,;:!?\s]))([一二三四五六七八九十]{1,2})是"), "N002", "是"
    )


def inline_sequence(ctx: CheckContext) -> Iterator:  # type: ignore[type-arg]
    yield from _sequence(ctx, re.compile(r"(?:^|(?<=[。；：！？;:!?\s]))([一二三四五六七八九十]{1,2})、"), "N003", "、")


_ARABIC_DUN = re.compile(r"(?:^|(?<=[。；：！？\s]))(\d{1,2})、")
_ARABIC_DOT = re.compile(r"(?:^|(?<=[。；：！？\s]))(\d{1,2})\.(?!\d)")


def mixed_arabic_numbering(ctx: CheckContext) -> Iterator:  # type: ignore[type-arg]
    dun = [(item, m) for item in ctx.texts for m in _ARABIC_DUN.finditer(item.text)]
    dot = [(item, m) for item in ctx.texts for m in _ARABIC_DOT.finditer(item.text)]
    if dun and dot:
        for item, match in dun:
            yield _finding(
                item,
                match.start(1),
                len(match.group()),
                "N004",
                "warning",
                f"序号“{match.group()}”与“1.”混用：阿拉伯数字序号后用下脚点“.”",
            )


# -- T: 数字与日期 ---------------------------------------------------------------------------------------------------

_DATE = re.compile(r"(?:(\d{4})年)?(?<!\d)(\d{1,2})月(\d{1,2})日")
_LEADING_ZERO = re.compile(r"(?<!\d)(\d{4}年0\d月|(?<!\d)0\d月|月0\d日)")
_CN_YEAR = re.compile(r"[一二三四五六七八九〇零]{4}年")
#: After a date: it is a deadline or a start (报送、完成 by then), not something that happened.
_DEADLINE_AFTER = re.compile(r"^\s*(?:前|之前|以前|止|为止|起|开始|以后|后|之后)")
#: Before a date in its sentence: what follows is planned, not done.
_PLANNED_BEFORE = re.compile(r"(?:将|拟|定于|计划|预计|预定|要在|应在|须在|请于|请在|务必于|截至|截止到?)[^。；]*$")
#: In the date's sentence: it tells what happened (召开了, 收悉, 遭遇).
_HAPPENED = re.compile(r"了|召开|举行|举办|收悉|遭遇|发生|印发|出台|已经|已于|成功|圆满")


def _sentence(text: str, start: int, end: int) -> tuple[str, str]:
    """The text of the date's sentence before and after the date (a sentence ends at 。；！？)."""
    head = max(text.rfind(mark, 0, start) for mark in "。；！？") + 1
    tails = [i for i in (text.find(mark, end) for mark in "。；！？") if i >= 0]
    return text[head:start], text[end : min(tails) if tails else len(text)]


def _happened(text: str, match: re.Match[str]) -> bool:
    """Whether the text calls this date past: its sentence tells what happened then, and the date is neither a
    deadline (4月30日前报送) nor a plan (定于5月6日召开)."""
    before, after = _sentence(text, match.start(), match.end())
    if _DEADLINE_AFTER.match(after) or _PLANNED_BEFORE.search(before):
        return False
    return bool(_HAPPENED.search(before + after))


def dates(ctx: CheckContext) -> Iterator:  # type: ignore[type-arg]
    spec, doc = ctx.spec, ctx.spec.source
    declared = {
        "masthead.date": declared_value(spec, "masthead", "date"),
        "signature.date": declared_value(spec, "signature", "date"),
        "distribution.printed_on": declared_value(spec, "distribution", "printed_on"),
    }
    year = next((d.year for d in declared.values() if d), None)
    past: tuple[dt.date, str] | None = None  # the latest date the text calls past
    for item in ctx.texts:
        for match in _DATE.finditer(item.text):
            month, day = int(match.group(2)), int(match.group(3))
            stated = int(match.group(1)) if match.group(1) else None
            try:
                when = dt.date(stated or year or 2000, month, day)
            except ValueError:
                yield _at(item, match, "T001", "error", f"日期“{match.group()}”不存在")
                continue
            if item.kind in ("body", "paragraph", "lead") and (stated or year) and _happened(item.text, match):
                if past is None or when > past[0]:
                    past = (when, match.group())
        for match in _LEADING_ZERO.finditer(item.text):
            yield _at(item, match, "T002", "warning", f"日期“{match.group()}”的月、日不编虚位（1 不写成 01）")
        for match in _CN_YEAR.finditer(item.text):
            yield _at(item, match, "T003", "info", f"“{match.group()}”：公文中的年份一般用阿拉伯数字")
    if doc is None:
        return
    from docgen.check import Finding

    def at(path: str, code: str, level: str, message: str) -> Finding:
        ref = doc.ref(tuple(path.split(".")))
        return Finding.at(code, level, message, SourceRef(ref.file, ref.line, ref.column, path))

    signed, printed = declared["signature.date"], declared["distribution.printed_on"]
    if signed and printed and printed < signed:
        yield at("distribution.printed_on", "T004", "error", f"印发日期 {printed} 早于成文日期 {signed}")
    if past:
        when, written = past
        for path, value in declared.items():
            if value and value < when:
                message = f"{path} 的日期 {value} 早于正文里已经发生的“{written}”"
                yield at(path, "T004", "error", message)
    if signed and signed > ctx.today:
        yield at("signature.date", "T005", "warning", f"成文日期 {signed} 晚于今天（{ctx.today}）")


# -- G: 行文规则 (the kind's traits) and F: 格式 of cited numbers -----------------------------------------------


def writing_rules(ctx: CheckContext) -> Iterator:  # type: ignore[type-arg]
    """请示: one recipient; 上行文: 签发人; 请示: a contact in the 附注 (党政机关公文处理工作条例 §15, §19)."""
    spec, doc = ctx.spec, ctx.spec.source
    traits = spec.schema.traits if spec.schema is not None else ()
    if doc is None or not traits:
        return
    from docgen.check import Finding

    kind = spec.schema.label if spec.schema is not None else spec.kind

    def at(path: tuple[str, ...], code: str, level: str, message: str) -> Finding:
        ref = doc.ref(path if path in doc.value_marks or path in doc.key_marks else ("kind",))  # absent: at kind:
        return Finding.at(code, level, message, SourceRef(ref.file, ref.line, ref.column, format_path(path)))

    recipients = declared_value(spec, "recipients") or ()
    if "one-recipient" in traits and len(recipients) > 1:
        yield at(("recipients",), "G001", "error", f"{kind}只主送一个机关（一文一事），这里有 {len(recipients)} 个")
    if "upward" in traits and not declared_value(spec, "header", "signers"):
        yield at(("header",), "G002", "error", f"{kind}是上行文，版头要标注签发人（header.signers）")
    if "contact-note" in traits and not re.search(r"联系人|电话", declared_value(spec, "note") or ""):
        yield at(("note",), "G003", "warning", f"{kind}要在附注处注明联系人的姓名和电话（note）")


#: A 发文字号 cited in the text: 机关代字, the year in some brackets, a number, 号.
_CITED_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,10}?)([\[【〔（(﹝〖])\s*(\d{2,4})\s*([\]】〕）)﹞〗])\s*(第?)(\d+)号")


def cited_numbers(ctx: CheckContext) -> Iterator:  # type: ignore[type-arg]
    """A 发文字号 in the text written as the standard does not (§7.2.5): 〔2026〕 in 六角括号, the year in full,
    no 第, no leading zero. The right form is offered as the fix."""
    for item in ctx.texts:
        for match in _CITED_NUMBER.finditer(item.text):
            organ, opening, year, closing, _, number = match.groups()
            if (opening, closing) not in (
                ("〔", "〕"),
                ("[", "]"),
                ("【", "】"),
                ("﹝", "﹞"),
                ("(", ")"),
                ("（", "）"),
            ):
                continue
            if opening in "（(" and not organ.endswith(("发", "函", "字", "办", "文", "令", "复", "呈", "报")):
                continue  # （2026）is also how a year in parentheses is written in prose
            right = f"{organ}〔{year}〕{int(number)}号"
            if match.group() == right or len(year) != 4:
                continue
            start = match.start(2)
            wrong, fixed = item.text[start : match.end()], right[len(organ) :]
            message = f"发文字号中的“{wrong}”应写成“{fixed}”：年份用六角括号〔〕，序号不加“第”、不编虚位"
            yield _finding(item, start, match.end() - start, "F001", "error", message, fixed)


# -- S: 结构 ------------------------------------------------------------------------------------------------------

_MENTIONS = re.compile(r"见?附件(\d+)|附后|见附件")
_PLACEHOLDER = re.compile(r"X{3,}|x{3,}|×{2,}|○{2,}|〔待补〕|【待补】|\[待补\]|待补充|TODO|TBD")


def structure(ctx: CheckContext) -> Iterator:  # type: ignore[type-arg]
    count = len(getattr(ctx.spec.content, "attachments", None) or ())
    for item in ctx.texts:
        if item.kind in ("body", "heading"):
            for match in _MENTIONS.finditer(item.text):
                number = int(match.group(1)) if match.group(1) else 1
                if number > count:
                    yield _at(item, match, "S001", "error", f"正文提到“{match.group()}”，但规格里只有 {count} 个附件")
        for match in _PLACEHOLDER.finditer(item.text):
            yield _at(item, match, "S002", "error", f"留有占位符“{match.group()}”，请填写实际内容")


# -- H: 标题 ------------------------------------------------------------------------------------------------------


def title_punctuation(ctx: CheckContext) -> Iterator:  # type: ignore[type-arg]
    for item in ctx.texts:
        if item.kind not in ("title", "attachment-title"):
            continue
        text = item.text.rstrip()
        if text and text[-1] in "。，；：、.,;:":
            yield _finding(item, len(text) - 1, 1, "H001", "error", f"标题末尾不加标点“{text[-1]}”")
        elif text and text[-1] in "！？!?":
            yield _finding(item, len(text) - 1, 1, "H001", "warning", f"标题末尾一般不加“{text[-1]}”")


# -- Y: YAML slips ---------------------------------------------------------------------------------------------

#: Text that YAML took for a comment: a ``#`` right after one space and right before text (``参加人员 #各单位负责人``);
#: a note set apart the usual way (two spaces, ``# ``) is a comment the clerk meant.
_COMMENT_AFTER = re.compile(r"[ \t]#(\S.*)")
_DASH_LINE = re.compile(r"\n[ \t]*(- )")


def yaml_slips(ctx: CheckContext) -> Iterator:  # type: ignore[type-arg]
    """Text YAML silently took from a paragraph written without quotes: `` #…`` after it is a comment, and a line
    that starts with ``- `` but is indented too far is folded into the paragraph above instead of starting one."""
    from docgen.check import Finding

    for item in ctx.texts:
        doc = item.doc
        span = doc.spans.get(item.path)
        if span is None or doc.styles.get(item.path) is not None:  # quoted or block text keeps what it holds
            continue
        start, end = span
        line_end = doc.text.find("\n", end)
        comment = _COMMENT_AFTER.match(doc.text, end, len(doc.text) if line_end < 0 else line_end)
        if comment and comment.group(1):
            line, column = doc.position(comment.start(1) - 1)
            lost = comment.group(1).strip()
            yield Finding.at(
                "Y001",
                "warning",
                f"“#”之后的“{lost[:30]}”被 YAML 当成了注释，不会排进公文；若是正文，请给整段加引号或把 # 改成全角＃",
                SourceRef(doc.file, line, column, item.key_path),
                "#" + lost[:30],
            )
        for dash in _DASH_LINE.finditer(doc.text, start, end):
            line, column = doc.position(dash.start(1))
            yield Finding.at(
                "Y002",
                "warning",
                "这一行以“- ”开头，但缩进多了，YAML 把它并进了上一段；若是新的一段，请让“-”与上一段的“-”对齐",
                SourceRef(doc.file, line, column, item.key_path),
                "- ",
            )


Rule = Callable[[CheckContext], Iterator]  # type: ignore[type-arg]
RULES: tuple[Rule, ...] = (
    half_width_punctuation,
    injected_tokens,
    unbalanced_pairs,
    doubled_punctuation,
    fixed_phrases,
    hand_numbering,
    shi_sequence,
    inline_sequence,
    mixed_arabic_numbering,
    dates,
    writing_rules,
    cited_numbers,
    structure,
    title_punctuation,
    yaml_slips,
)
__all__ = ["RULES", "CheckContext", "format_path", "is_chinese"]
