"""Named forms a text field may be required to have (``format:`` in a field table): each checks a value and, when it
is wrong, says what exactly is wrong and how to write it. ``docgen check`` uses the same functions."""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["FORMATS", "check_format"]

_DOC_NUMBER = re.compile(r"^(?P<organ>\S+?)〔(?P<year>\d{4})〕(?P<number>[1-9]\d*)号$")
_SECRECY = re.compile(r"^(绝密|机密|秘密)(★(\d+年|\d+个月|长期))?$")
_EXAMPLE_NUMBER = "例：济政发〔2026〕12号"


def doc_number(text: str) -> tuple[str, str] | None:
    """发文字号 (§7.2.5): 机关代字〔年份〕序号号 — the year in full in 〔〕, the number without 第 or leading 0."""
    if _DOC_NUMBER.match(text):
        return None
    if re.search(r"[\[\]【】﹝﹞〖〗()（）]\s*\d{2,4}\s*[\[\]【】﹝﹞〖〗()（）]", text):
        return f"发文字号“{text}”的年份要用六角括号〔〕括起", _EXAMPLE_NUMBER + "；不用 [ ]、【】或（）"
    if "第" in text:
        return f"发文字号“{text}”的序号不加“第”字", _EXAMPLE_NUMBER
    if re.search(r"〕\s*0\d", text):
        return f"发文字号“{text}”的序号不编虚位（1 不写成 01）", _EXAMPLE_NUMBER
    if re.search(r"〔\d{2}〕", text):
        return f"发文字号“{text}”的年份要写全（2026，不写 26）", _EXAMPLE_NUMBER
    if not text.endswith("号"):
        return f"发文字号“{text}”要以“号”字结尾", _EXAMPLE_NUMBER
    return f"发文字号“{text}”的写法不对", _EXAMPLE_NUMBER + "：机关代字、〔年份〕、序号、“号”"


def secrecy(text: str) -> tuple[str, str] | None:
    """密级和保密期限 (§7.2.2): 绝密、机密 or 秘密, and ★ and the period in Arabic numerals (机密★1年)."""
    if _SECRECY.match(text):
        return None
    if not re.match(r"^(绝密|机密|秘密)", text):
        return f"密级“{text}”应是绝密、机密或秘密", "例：机密★1年；不标保密期限时只写“机密”"
    if re.search(r"[一二三四五六七八九十]", text):
        return f"密级“{text}”中保密期限的数字要用阿拉伯数字", "例：机密★1年"
    return f"密级和保密期限“{text}”之间要用“★”隔开", "例：机密★1年、秘密★6个月、绝密★长期"


def copy_number(text: str) -> tuple[str, str] | None:
    """份号 (§7.2.1): six Arabic digits (000001)."""
    if re.fullmatch(r"\d{6}", text):
        return None
    return f"份号“{text}”应是 6 位阿拉伯数字", "不足 6 位的前面补 0，如 000001"


FORMATS: dict[str, Callable[[str], tuple[str, str] | None]] = {
    "doc-number": doc_number,
    "secrecy": secrecy,
    "copy-number": copy_number,
}


def check_format(name: str, text: str) -> tuple[str, str] | None:
    """(message, hint) when ``text`` does not have the form ``name``; None when it does."""
    return FORMATS[name](text)
