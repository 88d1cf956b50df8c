"""`docgen import edited.docx --into spec.yaml`: the spec updated in place from the text read back, as little changed
as the edits need.

Where the structure is the same (the same keys, lists of the same length), only the scalars whose text changed are
rewritten, in place: every comment, the key order, quoting of untouched values, line endings and a byte order mark
stay. Where a top-level key's structure changed (a paragraph added or removed), that key's block is written again
from the field table's order (comments inside it go; the comments above the next key stay). Keys the text cannot
tell (style, templates, seals, double_sided …) are never removed. The file is replaced atomically and only if it
still holds what was read; the result must load back to exactly the merged data, or nothing is written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import SourceRef, SpecError
from docgen.inputs import read_bounded
from docgen.output import write_atomic
from docgen.spec import MAX_SPEC_BYTES
from docgen.spec.yamlsource import YamlDocument, decode_utf8, load_yaml
from docgen.writers.docx.spec_part import plain_data


@dataclass
class Update:
    changes: list[str] = field(default_factory=list)  # for the clerk, one line each
    written: bool = False


#: Keys a document's text cannot tell: kept from the spec whatever the import finds
SETTINGS = frozenset(
    {"kind", "style", "templates", "double_sided", "seals", "stamps", "separate", "landscape", "columns", "copy_number",
     "secrecy", "urgency", "signers", "suffix", "issuers", "number", "masthead"}
)  # fmt: skip


def _merge(old: Any, new: Any) -> Any:
    """``new`` over ``old``: a key only ``old`` has stays (the text cannot tell seals or a style), and a value written
    as ``X`` stays so when the import says ``[X]`` (the same to docgen)."""
    if isinstance(old, dict) and isinstance(new, dict):
        # a key the text cannot tell stays; a text key the import no longer finds goes (an attachment read as
        # body: its old paragraphs: must not stay beside it)
        merged = {key: value for key, value in old.items() if key in new or key in SETTINGS}
        for key, value in new.items():
            merged[key] = _merge(old[key], value) if key in old else value
        return merged
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [_merge(a, b) for a, b in zip(old, new, strict=True)]
    if isinstance(old, str) and new == [old]:
        return old
    return new


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 24 else text[:12] + "…" + text[-8:]


def _same_shape(old: Any, new: Any) -> bool:
    if isinstance(old, dict) and isinstance(new, dict):
        return old.keys() == new.keys() and all(_same_shape(old[k], new[k]) for k in old)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(_same_shape(a, b) for a, b in zip(old, new, strict=True))
    return not isinstance(old, (dict, list)) and not isinstance(new, (dict, list))


def _scalar_edits(doc: YamlDocument, path: tuple[Any, ...], old: Any, new: Any, out: list, changes: list) -> None:  # type: ignore[type-arg]
    from docgen.importer import _plain as yaml_scalar  # the emitter's own scalar form

    if isinstance(old, dict):
        for key in old:
            _scalar_edits(doc, (*path, key), old[key], new[key], out, changes)
        return
    if isinstance(old, list):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            _scalar_edits(doc, (*path, index), a, b, out, changes)
        return
    if old == new:
        return
    span = doc.spans.get(path)
    if span is None:
        raise _Rewrite
    out.append((span[0], span[1], yaml_scalar(new)))
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    changes.append(f"{where}：“{_short(old)}” → “{_short(new)}”")


class _Rewrite(Exception):
    """A value whose text cannot be replaced in place: its top-level block is written again."""


def _line_offsets(text: str) -> list[int]:
    offsets = [0]
    for line in text.splitlines(keepends=True):
        offsets.append(offsets[-1] + len(line))
    return offsets


def _block(doc: YamlDocument, text: str, key: str, keys: list[str]) -> tuple[int, int]:
    """Where a top-level key's block starts and ends: from its line to the next top-level key, less the comments
    and blank lines right above that key (they belong to it)."""
    offsets = _line_offsets(text)
    line = doc.key_marks[(key,)][0]
    start = offsets[line - 1]
    following = [doc.key_marks[(k,)][0] for k in keys if doc.key_marks[(k,)][0] > line]
    end_line = min(following) if following else len(offsets)
    lines = text.splitlines(keepends=True)
    while end_line - 1 > line:  # lines[end_line - 2] is the line right above the next key
        above = lines[end_line - 2]
        if above.strip() and not above.lstrip().startswith("#"):
            break
        end_line -= 1
    return start, offsets[end_line - 1]


def _emit_key(key: str, value: Any, kind: str, newline: str) -> str:
    from docgen.importer import _emit_entry, _field_table, _Writer

    writer = _Writer()
    table = _field_table(kind)
    _emit_entry(writer, key, f"{key}:", value, 0, table.child(key) if table is not None else None)
    return newline.join(writer.lines) + newline


def update_spec(path: str | os.PathLike[str], imported: dict[str, Any]) -> Update:
    """Merge ``imported`` into the spec file at ``path`` (see the module's docstring)."""
    file = Path(os.path.realpath(path))
    raw = read_bounded(file, MAX_SPEC_BYTES, "规格文件", SpecError)
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = decode_utf8(raw, str(path))
    doc = load_yaml(text, str(path))
    if not isinstance(doc.data, dict):
        raise SpecError("规格文件应是“键: 值”的映射", SourceRef(str(path), 1))
    old = plain_data(doc.data)
    new = plain_data(imported)
    merged = _merge(old, {k: v for k, v in new.items() if not (k == "kind" and k in old)})  # 通知 = notice
    update = Update()
    edits: list[tuple[int, int, str]] = []
    rewrite: list[str] = []
    keys = list(old)
    removed = [key for key in keys if key not in merged]
    for key in keys:
        if key in removed:
            continue
        if merged[key] == old[key]:
            continue
        if _same_shape(old[key], merged[key]):
            found: list[tuple[int, int, str]] = []
            changes: list[str] = []
            try:
                _scalar_edits(doc, (key,), old[key], merged[key], found, changes)
                edits += found
                update.changes += changes
                continue
            except _Rewrite:
                pass
        rewrite.append(key)
    newline = "\r\n" if "\r\n" in text else "\n"
    for key in rewrite:
        start, end = _block(doc, text, key, keys)
        edits.append((start, end, _emit_key(key, merged[key], str(merged.get("kind", "")), newline)))
        update.changes.append(f"{key}：结构有变化（段落或项目增删），整段按新文字重写，其中的注释没有保留")
    for key in removed:  # a text the document no longer has (the 附注 deleted in Word)
        start, end = _block(doc, text, key, keys)
        edits.append((start, end, ""))
        update.changes.append(f"{key}：文件中已没有，删去")
    added = [key for key in merged if key not in old]
    tail = "".join(_emit_key(key, merged[key], str(merged.get("kind", "")), newline) for key in added)
    update.changes += [f"{key}：新增" for key in added]
    if not edits and not tail:
        return update
    result = text
    for start, end, replacement in sorted(edits, reverse=True):
        result = result[:start] + replacement + result[end:]
    if tail:
        result = result + ("" if result.endswith(("\n", "\r\n")) else newline) + tail
    try:
        check = plain_data(load_yaml(result, str(path)).data)
    except SpecError as error:
        raise SpecError(f"更新后的规格无法读取，没有写入：{error.message}", SourceRef(str(path))) from None
    if check != merged:
        raise SpecError(
            "更新后的规格与导入的内容不一致，没有写入", SourceRef(str(path)), hint="用 -o 另存为新文件再对照"
        )
    write_atomic(file, ("\ufeff" if bom else "").encode() + result.encode("utf-8"), expect=raw)
    update.written = True
    return update
