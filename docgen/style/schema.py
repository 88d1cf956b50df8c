"""What a style profile may say, declared once: each key with its parser, unit, default and a one-line description.

Validation, the resolved ``StyleProfile``, ``docgen styles show`` (which prints the descriptions) and
``docgen styles explain`` all read these tables; nothing else lists a profile's keys.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from docgen.units import parse_font_size, parse_length

__all__ = [
    "ALIGNMENTS",
    "LAYOUT_KEYS",
    "METRIC_KEYS",
    "PAGE_KEYS",
    "ROLE_ATTRIBUTES",
    "Attribute",
    "hex_color",
    "number_format",
]

ALIGNMENTS = ("left", "center", "right", "justify")
_HEX = re.compile(r"^#?([0-9A-Fa-f]{6})$")


@dataclass(frozen=True)
class Attribute:
    """One key of a profile: how its value is read (``parse`` raises ValueError with a message for a clerk), the
    unit it is in, its default (None: required, or absent), and what it means."""

    name: str
    parse: Callable[[Any], Any]
    unit: str
    default: Any
    description: str


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"“{value}”应是 true 或 false")
    return value


def _int_between(low: int, high: int, what: str) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"“{value}”应是 {low} 到 {high} 之间的整数（{what}）")
        return value

    return parse


def _number_between(low: float, high: float, what: str) -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"“{value}”应是一个数（{what}）")
        if not low <= value <= high:
            raise ValueError(f"“{value}”应在 {low:g} 到 {high:g} 之间（{what}）")
        return float(value)

    return parse


def _choice(*values: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value not in values:
            raise ValueError(f"“{value}”无效，可用：{'、'.join(values)}")
        return value

    return parse


def _font_size(value: Any) -> float:
    size = parse_font_size(value)
    if not 4 <= size <= 200:
        raise ValueError(f"字号“{value}”超出合理范围（4pt 到 200pt）")
    return size


def _align(value: Any) -> str:
    if value not in ALIGNMENTS:
        raise ValueError(f"“{value}”不是对齐方式，可用：{'、'.join(ALIGNMENTS)}")
    return value


def hex_color(value: Any) -> str:
    match = _HEX.match(str(value))
    if not match:
        raise ValueError(f"“{value}”不是颜色，应写成 #FF0000 这样的六位十六进制")
    return match.group(1).upper()


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 60:
        raise ValueError(f"“{value}”应是一个名称")
    if any(ord(ch) < 0x20 for ch in value):
        raise ValueError("名称里有控制字符")
    return value.strip()


def number_format(value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 40:
        raise ValueError("页码格式应是一小段文字，如 “— {n} —”")
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or 0xD800 <= ord(ch) < 0xE000 for ch in value):
        raise ValueError("页码格式里有控制字符")
    if "{n}" not in value:
        raise ValueError("页码格式里要有 {n}，例如 “— {n} —”")
    return value


def _positive_length(value: Any) -> float:
    length = parse_length(value)
    if not 0 < length < 2000:
        raise ValueError(f"“{value}”超出合理范围")
    return length


def _margin(value: Any) -> float:
    length = parse_length(value)
    if not 0 <= length < 1000:
        raise ValueError(f"“{value}”超出合理范围")
    return length


def _chars(value: Any) -> float:
    return _number_between(0, 28, "字数")(value)


#: A role: how one kind of line looks and behaves. ``font`` names a face of ``fonts:``, ``color`` a colour of
#: ``colors:`` or #RRGGBB; ``base`` names a role whose values this one takes where it says nothing.
ROLE_ATTRIBUTES: dict[str, Attribute] = {
    a.name: a
    for a in (
        Attribute("base", _name, "角色", None, "从这个角色继承没有写出的值"),
        Attribute("font", _name, "字体", None, "字体（fonts 里的一项，如 fangsong）"),
        Attribute("size", _font_size, "pt", None, "字号（3号、小初 或 16pt）"),
        Attribute("align", _align, "", "justify", "对齐：left、center、right、justify（两端对齐）"),
        Attribute("color", str, "颜色", "000000", "颜色（colors 里的名称或 #RRGGBB）"),
        Attribute("first_indent", _chars, "字", 0.0, "首行缩进，以本角色字号的字为单位"),
        Attribute("indent_left", _chars, "字", 0.0, "左缩进"),
        Attribute("indent_right", _chars, "字", 0.0, "右缩进"),
        Attribute("space_before", _int_between(0, 22, "行数"), "行", 0, "段前空几行（与上一段的段后空行取较大者）"),
        Attribute("space_after", _int_between(0, 22, "行数"), "行", 0, "段后空几行"),
        Attribute(
            "lines",
            _int_between(1, 22, "行数"),
            "行",
            None,
            "每一行文字占几个网格行；不写则按字体的高度取够用的整行（Word、LibreOffice 的网格就是这样排的），"
            "写了就按这个固定行高排",
        ),
        Attribute("keep_with_next", _bool, "", False, "与下一段排在同一页（标题不落在页末）"),
        Attribute("page_break_before", _bool, "", False, "从新的一页开始（附件标识）"),
        Attribute("outline_level", _int_between(1, 9, "级别"), "级", None, "Word 导航窗格中的大纲级别"),
        Attribute(
            "top", _margin, "mm", None, "绝对位置：第一行文字的上边缘（墨迹）距版心（或纸张）上边缘多远（发文机关标志）"
        ),
        Attribute(
            "top_from",
            _choice("type-area", "paper", "rule"),
            "",
            "type-area",
            "top 从哪里量起：type-area（版心上边缘）、paper（纸张上边缘）或 rule（上面一条线的下边缘，"
            "此时量到字身框顶）",
        ),
        Attribute(
            "fit", _choice("wrap", "condense"), "", "wrap", "一行放不下时：wrap 换行，condense 横向压缩成一行（标志）"
        ),
        Attribute("word_style", _name, "", None, "DOCX 中的段落样式名（正文用 Normal）"),
        Attribute("char_style", _name, "", None, "DOCX 中的字符样式名（用于段中的同角色文字，如段首标题）"),
    )
}

PAGE_KEYS: dict[str, Attribute] = {
    a.name: a
    for a in (
        Attribute("width", _positive_length, "mm", None, "纸张宽度"),
        Attribute("height", _positive_length, "mm", None, "纸张高度"),
        Attribute("margin_top", _margin, "mm", None, "天头：纸张上边缘到版心上边缘"),
        Attribute("margin_bottom", _margin, "mm", None, "纸张下边缘到版心下边缘"),
        Attribute("margin_left", _margin, "mm", None, "订口：纸张左边缘到版心左边缘"),
        Attribute("margin_right", _margin, "mm", None, "纸张右边缘到版心右边缘"),
    )
}

#: Numbers of the layout's rules (what GB/T 9704 says in words, and docgen's choices where it says nothing).
LAYOUT_KEYS: dict[str, Attribute] = {
    a.name: a
    for a in (
        Attribute(
            "signature_date_shift", _chars, "字", 2.0, "不盖章的落款：成文日期首字比署名首字右移几字（§7.3.5.2）"
        ),
        Attribute(
            "sealed_date_indent",
            _chars,
            "字",
            4.0,
            "加盖印章或签名章时，成文日期（和签名章）右空几字（§7.3.5.1、§7.3.5.3）",
        ),
        Attribute(
            "seal_size", _positive_length, "mm", 42 * 72 / 25.4, "印章图片没有说明尺寸时的宽度（常见公章直径 42 mm）"
        ),
        Attribute("seal_gap", _margin, "mm", 3 * 72 / 25.4, "联合行文时相邻两枚印章之间至少空多少（互不相交或相切）"),
        Attribute(
            "seal_lift",
            _number_between(0, 2, "行"),
            "行",
            0.35,
            "印章中心比署名和日期的中线高几行（署名和日期居印章中心偏下）",
        ),
        Attribute("stamp_width", _positive_length, "mm", 30 * 72 / 25.4, "签名章图片没有说明尺寸时的宽度"),
        Attribute("stamp_date_gap", _int_between(0, 22, "行数"), "行", 1, "签名章下空几行编排成文日期（§7.3.5.3）"),
        Attribute("title_max_lines", _int_between(1, 8, "行数"), "行", 4, "标题最多试几种分行（更长的标题按段落排）"),
        Attribute("title_between_words", _number_between(0, 100, "字"), "字", 1.0, "标题在两词之间断行的代价"),
        Attribute("title_inside_word", _number_between(0, 100, "字"), "字", 12.0, "标题在词中断行的代价"),
        Attribute("title_inside_quotes", _number_between(0, 100, "字"), "字", 6.0, "标题在引号、书名号中断行的加价"),
        Attribute("title_extra_line", _number_between(0, 100, "字"), "字", 6.0, "标题多用一行的代价"),
    )
}

#: Facts about fonts and renderers that positions depend on (not choices: measured, and explained in the README).
METRIC_KEYS: dict[str, Attribute] = {
    a.name: a
    for a in (
        Attribute("em_ascent", _number_between(0.5, 1.0, "字高"), "em", 0.88, "表意字身框中基线以上的部分"),
        Attribute(
            "dash_height", _number_between(0, 1, "字高"), "em", 0.35, "字体没说明时，全角破折号中线在基线以上的高度"
        ),
        Attribute(
            "exact_line_baseline",
            _number_between(0, 1, "行高"),
            "行高",
            0.2,
            "Word 和 LibreOffice 把固定行高的行的基线放在离行底多高处（页码行）",
        ),
    )
}

#: A rule (a line across the page): drawn where a ``<rule key>`` stands in the markup.
RULE_ATTRIBUTES: dict[str, Attribute] = {
    a.name: a
    for a in (
        Attribute("width", _positive_length, "mm", None, "线的粗细"),
        Attribute("color", str, "颜色", "black", "颜色（colors 里的名称或 #RRGGBB）"),
        Attribute("below", _margin, "mm", None, "在上一行文字（字身框底边）之下多远；不写则在上一行的网格线上"),
        Attribute("space_after", _int_between(0, 22, "行数"), "行", 0, "线所在的行之后再空几行"),
        Attribute("length", _positive_length, "mm", None, "线长；不写则与版心等宽"),
        Attribute("second_width", _positive_length, "mm", None, "双线：第二条线（在下）的粗细；不写则是单线"),
        Attribute("gap", _margin, "mm", 0.0, "双线两条线之间的空隙"),
        Attribute(
            "align",
            _choice("type-area", "page"),
            "",
            "type-area",
            "线在什么范围内居中：type-area（版心）或 page（纸张）",
        ),
        Attribute("from_bottom", _margin, "mm", None, "固定在所在页上，距纸张下边缘多远（信函格式的第二条双线）"),
    )
}

PAGE_NUMBER_KEYS: dict[str, Attribute] = {
    a.name: a
    for a in (
        Attribute("format", number_format, "", "— {n} —", "页码格式，{n} 是页码（§7.5：4号半角宋体，一字线）"),
        Attribute("distance", _margin, "mm", 7 * 72 / 25.4, "页码一字线在版心下边缘之下多远"),
        Attribute("indent", _chars, "字", 1.0, "单页码居右、双页码居左空几字"),
    )
}

__all__ += ["PAGE_NUMBER_KEYS", "RULE_ATTRIBUTES"]
