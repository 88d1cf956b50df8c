"""Character classes for Chinese line breaking (W3C clreq "basic" level, GB/T 15834 §5.1).

A character is either full-width (one grid cell: hanzi, kana, full-width punctuation) or half-width (keeps its natural
advance: Latin letters, digits, ASCII punctuation). Half-width letters and digits group into runs that are never
split unless a run is longer than a line.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

#: Must not start a line: 点号, closing quotes/brackets/书名号, 间隔号, 连接号, 省略号 and 破折号 halves.
NO_LINE_START = frozenset(
    "，。、；：？！”’）》」』】〕〉〗〙｝］…—·・～％‰℃,.;:?!)]}%"
    "\u2014\u2026\u00b7\u30fb\uff5e\u3009\u300b\u300d\u300f\u3011\u3015\u3017"
)
#: Must not end a line: opening quotes, brackets and 书名号.
NO_LINE_END = frozenset("“‘（《「『【〔〈〖〘｛［([{")
#: Symbols of Chinese text that are full width (and drawn by the Chinese face) though Unicode leaves them ambiguous.
WIDE_SYMBOLS = frozenset("★☆○●◎◇◆□■△▲▽▼※→←↑↓№")
#: Marks after which LibreOffice does not break before a half-width letter or digit (，2026年 ）22号 ”A ★1年):
#: measured in LibreOffice 7.4 (the colon, semicolon, ?, !, … and — do allow the break).
CLOSE_BEFORE_WORD = frozenset("，。、〕）》」』】〉〗〙”’·★％℃‰")
#: Opening marks LibreOffice does not put at a line's start after a half-width letter or digit (5G（, 第5（一）).
OPEN_AFTER_WORD = frozenset("（〔《「『【〈〖“‘")
#: Marks that come in pairs and must never be split across lines (—— and ……).
PAIRED = frozenset("—…")


@lru_cache(maxsize=8192)  # called for every character by the layout and both writers
def is_wide(ch: str) -> bool:
    """True when the character takes a full grid cell."""
    if ch in "“”‘’":  # General Punctuation, but full-width in Chinese typesetting
        return True
    if ch in "—…·":
        return True
    # East Asian "ambiguous" symbols that Chinese text sets full width, in the Chinese face (机密★1年, ①, ※)
    if ch in WIDE_SYMBOLS or "\u2460" <= ch <= "\u2473":
        return True
    return unicodedata.east_asian_width(ch) in ("W", "F")


@lru_cache(maxsize=8192)
def is_word_char(ch: str) -> bool:
    """Half-width characters that belong to an unbreakable Latin/digit run (5G, 83.2, 40%, a URL)."""
    return not is_wide(ch) and not ch.isspace()
