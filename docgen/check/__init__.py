"""`docgen check`: find the damage and slips that real text carries (web copies, hand numbering, wrong dates) before
they reach paper. Each finding has a code, a level (必错 error / 疑似 warning / 提示 info), a message in Chinese and
the position, in the YAML file, of the character it is about.

The checks read the spec as written (``Spec.source``), so positions point into the file; ``apply_fixes`` edits the
file's own text at those positions, so comments, order and layout stay as the clerk left them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from docgen.check.lexicon import Lexicon, load_lexicons
from docgen.check.rules import RULES, CheckContext
from docgen.check.texts import spec_texts
from docgen.errors import LEVELS, Diagnostic, SourceRef, SpecError
from docgen.inputs import read_bounded
from docgen.output import write_atomic
from docgen.spec import MAX_SPEC_BYTES, Spec, load_spec, validate
from docgen.spec.yamlsource import decode_utf8, load_yaml

__all__ = ["LEVELS", "Change", "Finding", "apply_fixes", "check_spec", "format_findings", "load_lexicons"]


@dataclass(frozen=True)
class Finding(Diagnostic):
    """A diagnostic of ``docgen check``: a rule's code, its level, and the offending text and its certain fix."""

    excerpt: str = ""  # the offending text
    offset: int = 0  # where the excerpt starts in the value at key_path
    fix: tuple[int, int, str] | None = None  # replace text[start:end] of the file by this, when certain
    replacement: str | None = None  # the certain fix for the excerpt, whatever the file looks like

    @classmethod
    def at(
        cls,
        code: str,
        level: str,
        message: str,
        source: SourceRef,
        excerpt: str = "",
        offset: int = 0,
        fix: tuple[int, int, str] | None = None,
        replacement: str | None = None,
    ) -> Finding:
        return cls(message, source, None, level, code, excerpt, offset, fix, replacement)


@dataclass(frozen=True)
class Change:
    line: int
    column: int
    before: str
    after: str


def check_spec(spec: Spec | str | os.PathLike[str], lexicons: Sequence[Lexicon] | None = None) -> list[Finding]:
    """Every finding for a spec, in file order."""
    loaded = spec if isinstance(spec, Spec) else load_spec(spec)
    context = CheckContext(loaded, spec_texts(loaded), list(lexicons) if lexicons is not None else load_lexicons())
    findings = [finding for rule in RULES for finding in rule(context)]
    return sorted(findings, key=lambda f: (f.line or 0, f.column or 0, f.code))


def _group_key(finding: Finding) -> tuple[str, str, str]:
    return finding.code, finding.level, finding.message


def format_findings(findings: Iterable[Finding], *, shown: int = 3) -> list[str]:
    """``file:line:col: 代码 级别 message`` lines; a finding that repeats is one line with its count and the first
    positions (452 ASCII commas are one line, not 452)."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault(_group_key(finding), []).append(finding)
    lines = []
    for (code, level, message), members in groups.items():
        first = members[0]
        text = f"{first.location}: {code} {LEVELS[level]} {message}"
        if first.excerpt and len(members) == 1:
            text += f"：“{first.excerpt}”（{first.key_path}）"
        if len(members) > 1:
            where = "，".join(f"{m.line}:{m.column}" for m in members[1:shown])
            more = " 等" if len(members) > shown else ""
            text += f"（共 {len(members)} 处" + (f"，另见 {where}{more}" if where else "") + "）"
        lines.append(text)
    return lines


def findings_json(findings: Iterable[Finding]) -> str:
    items = [
        {
            "code": f.code,
            "level": f.level,
            "level_name": LEVELS[f.level],
            "message": f.message,
            "file": f.file,
            "line": f.line,
            "column": f.column,
            "key_path": f.key_path,
            "excerpt": f.excerpt,
            "offset": f.offset,
            "replacement": f.replacement,
            "fixable": f.fix is not None,
        }
        for f in findings
    ]
    return json.dumps(items, ensure_ascii=False, indent=2)


def apply_fixes(spec: Spec, findings: Iterable[Finding]) -> list[Change]:
    """Apply the certain fixes (punctuation width, confirmed injected tokens) to the spec's file, keeping every
    other byte as it was: line endings, a byte order mark, the file's permissions, a link (the file it points to is
    edited). Safe by construction: the file must still hold exactly the text the findings were computed on, each
    edit must find the characters it reported, and the edited file must still load; otherwise nothing is written."""
    if spec.path is None or spec.source is None:
        raise SpecError("只能修正规格文件（这份规格不是从文件读取的）")
    path = Path(os.path.realpath(spec.path))
    raw = read_bounded(path, MAX_SPEC_BYTES, "规格文件", SpecError)
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = decode_utf8(raw, str(spec.path))
    if text != spec.source.text:
        raise SpecError(
            "文件在检查之后被修改过，没有自动修正",
            SourceRef(str(spec.path)),
            hint="重新运行 docgen check --fix（先保存并关闭正在编辑它的程序）",
        )
    edits = sorted({(*f.fix, f.excerpt) for f in findings if f.fix is not None}, reverse=True)
    changes: list[Change] = []
    pieces: list[str] = []
    end_of_kept = len(text)
    for start, end, replacement, excerpt in edits:
        if end > end_of_kept:  # overlapping edits (a comma inside a removed token): keep the outer one
            continue
        if text[start:end] != excerpt:  # pragma: no cover - positions come from this very text
            raise SpecError(f"修正位置的文字与检查时不同（应为“{excerpt}”），没有自动修正", SourceRef(str(spec.path)))
        line, column = spec.source.position(start)
        changes.append(Change(line, column, excerpt, replacement))
        pieces += [text[end:end_of_kept], replacement]
        end_of_kept = start
    if not changes:
        return []
    pieces.append(text[:end_of_kept])
    result = "".join(reversed(pieces))
    try:
        validate(load_yaml(result, str(spec.path)), spec.path)
    except SpecError as error:  # pragma: no cover - a fix must never break the file; refuse rather than write
        raise SpecError(f"自动修正后文件无法读取，未写入：{error.message}", SourceRef(str(spec.path))) from None
    write_atomic(path, ("\ufeff" if bom else "").encode() + result.encode("utf-8"), expect=raw)
    return sorted(changes, key=lambda c: (c.line, c.column))
