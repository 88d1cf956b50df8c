"""The lexicon of fixed phrases (规范表述) and injected tokens: data files, docgen's own and the clerk's."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from docgen.errors import SourceRef, SpecError
from docgen.inputs import read_bounded
from docgen.spec.yamlsource import decode_utf8, load_yaml

BUILTIN = Path(__file__).resolve().parent / "lexicon.yaml"
#: A lexicon of fixed phrases and tokens: thousands of entries fit in a megabyte; a bound keeps a wrong file out.
MAX_LEXICON_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Phrase:
    correct: str
    wrong: tuple[str, ...]
    level: str = "error"
    unless_followed_by: tuple[str, ...] = ()
    unless_preceded_by: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Lexicon:
    source: str
    version: str
    phrases: tuple[Phrase, ...]
    injected: tuple[str, ...]
    #: Latin and digit terms at home between hanzi (5G, A股, GDP, 型号): never read as an injected token
    terms: tuple[str, ...] = ()


def _strings(value: object, where: SourceRef, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise SpecError(f"词表中的 {key} 应是文字列表", where)


def load_lexicon(path: str | os.PathLike[str]) -> Lexicon:
    file = Path(path)
    raw = read_bounded(file, MAX_LEXICON_BYTES, "词表文件", SpecError)
    doc = load_yaml(decode_utf8(raw, str(file)), str(file), packaged=file == BUILTIN)
    data = doc.data if isinstance(doc.data, dict) else {}
    phrases = []
    for i, entry in enumerate(data.get("phrases") or []):
        where = doc.ref(("phrases", i))
        if not isinstance(entry, dict) or not isinstance(entry.get("correct"), str):
            raise SpecError("词表条目应有 correct（正确写法）和 wrong（错误写法）", where)
        level = entry.get("level", "error")
        if level not in ("error", "warning", "info"):
            raise SpecError("level 只能是 error、warning 或 info", where)
        phrases.append(
            Phrase(
                entry["correct"],
                _strings(entry.get("wrong"), where, "wrong"),
                level,
                _strings(entry.get("unless_followed_by"), where, "unless_followed_by"),
                _strings(entry.get("unless_preceded_by"), where, "unless_preceded_by"),
                str(entry.get("note") or ""),
            )
        )
    injected = _strings(data.get("injected"), doc.ref(("injected",)), "injected")
    terms = _strings(data.get("terms"), doc.ref(("terms",)), "terms")
    return Lexicon(str(file), str(data.get("version", "")), tuple(phrases), injected, terms)


def load_lexicons(extra: tuple[str | os.PathLike[str], ...] = ()) -> list[Lexicon]:
    """docgen's lexicon, then the clerk's files."""
    return [load_lexicon(BUILTIN), *(load_lexicon(path) for path in extra)]
