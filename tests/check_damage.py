"""Damage a clean spec the way web copies damage text, and remember every damage, to measure docgen check's
precision and recall (tests/test_check.py asserts them; bench/check_quality.py prints them)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from docgen.check import Finding, check_spec


@dataclass(frozen=True)
class Damage:
    code: str
    key_path: str
    offset: int  # in the damaged text
    length: int


# Tokens docgen's lexicon does not list: found by the heuristic only.
UNKNOWN_TOKENS = ("K8体育", "B5彩票", "V9直播")
PHRASES = {  # correct → damaged (characters dropped)
    "习近平新时代中国特色社会主义思想": "习新时代中国特色社会主义思想",
    "习近平总书记": "习近总书记",
    "党的二十大精神": "党的二十精神",
}


def _paths(data: Any, path: tuple = ()) -> list[tuple]:  # type: ignore[type-arg]
    out = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in ("kind", "style", "templates", "masthead", "signature", "distribution"):
                out += _paths(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, (*path, i))
    elif isinstance(data, str) and len(data) > 20:
        out.append(path)
    return out


def _hanzi(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _key(path: tuple) -> str:  # type: ignore[type-arg]
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out


def damage_spec(source: Path, target: Path, seed: int) -> list[Damage]:
    rng = random.Random(seed)
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    damages: list[Damage] = []
    token = rng.choice(UNKNOWN_TOKENS)
    token_places = 0
    for path in _paths(data):
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        text: str = parent[path[-1]]
        key = _key(path)
        marks: list[tuple[str, int, int]] = []  # (code, offset, length) in the text as it is being changed
        for correct, wrong in PHRASES.items():
            start = text.find(correct)
            if start >= 0 and rng.random() < 0.7:
                text = text[:start] + wrong + text[start + len(correct) :]
                marks = [(c, o if o < start else o - (len(correct) - len(wrong)), n) for c, o, n in marks]
                marks.append(("L001", start, len(wrong)))
        chars = list(text)
        for i, ch in enumerate(chars):
            if ch in "，；（）" and rng.random() < 0.3:
                chars[i] = {"，": ",", "；": ";", "（": "(", "）": ")"}[ch]
                marks.append(("D001", i, 1))
        text = "".join(chars)
        # Most injected tokens sit at a clause end (before ，。); some land mid-clause, between two hanzi, where
        # the heuristic does not look (a known gap, measured here) unless the lexicon lists the token.
        sentence_end = [i for i, ch in enumerate(text) if ch in "，。" and i > 0 and _hanzi(text[i - 1])]
        mid_clause = [i for i in range(1, len(text)) if _hanzi(text[i - 1]) and _hanzi(text[i])]
        places = mid_clause if rng.random() < 0.2 else sentence_end
        if places and (token_places < 3 or rng.random() < 0.2):
            at = rng.choice(places)
            text = text[:at] + token + text[at:]
            marks = [(c, o + len(token) if o >= at else o, n) for c, o, n in marks]
            marks.append(("D002", at, len(token)))
            token_places += 1
        if rng.random() < 0.25:
            at = text.find("，")
            if at > 0:
                text = text[: at + 1] + "，" + text[at + 1 :]
                marks = [(c, o + 1 if o > at else o, n) for c, o, n in marks]
                marks.append(("D004", at, 2))
        parent[path[-1]] = text
        damages += [Damage(code, key, offset, length) for code, offset, length in marks]
    if rng.random() < 0.9:
        data["title"] = data["title"] + "。"
        damages.append(Damage("H001", "title", len(data["title"]) - 1, 1))
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    return damages


def score(damages: list[Damage], findings: list[Finding], codes: tuple[str, ...]) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) for findings of these codes."""
    relevant = [f for f in findings if f.code in codes and f.level in ("error", "warning")]
    wanted = [d for d in damages if d.code in codes]

    def hit(finding: Finding, damage: Damage) -> bool:
        return (
            finding.key_path == damage.key_path
            and finding.offset < damage.offset + damage.length
            and damage.offset < finding.offset + max(1, len(finding.excerpt))
        )

    found = sum(1 for d in wanted if any(hit(f, d) for f in relevant))
    false_positives = sum(1 for f in relevant if not any(hit(f, d) for d in wanted))
    return found, false_positives, len(wanted) - found


def evaluate(sources: list[Path], folder: Path, seeds: range) -> dict[str, tuple[int, int, int]]:
    totals: dict[str, list[int]] = {}
    groups = {
        "D001 标点全半角": ("D001",),
        "D002 夹带广告": ("D002",),
        "D004 标点重复": ("D004",),
        "L001 规范表述": ("L001",),
        "H001 标题标点": ("H001",),
    }
    for source in sources:
        for seed in seeds:
            target = folder / f"{source.stem}-damaged-{seed}.yaml"
            damages = damage_spec(source, target, seed)
            findings = check_spec(target)
            for name, codes in groups.items():
                tp, fp, fn = score(damages, findings, codes)
                row = totals.setdefault(name, [0, 0, 0])
                row[0] += tp
                row[1] += fp
                row[2] += fn
    return {name: (tp, fp, fn) for name, (tp, fp, fn) in totals.items()}
