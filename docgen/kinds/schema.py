"""A kind's field table: what a spec of that kind may hold, read from ``kind.yaml`` and the shared parts.

One declaration per field drives everything that needs the spec's shape: validation (types, required keys, limits,
positions and did-you-mean), the texts ``docgen check`` reads (``check:`` names each text's category), the untrusted
size limits (which count every text), the importer's emitter (fields in declaration order) and the README's list of
keys. A field is declared as a mapping:

```yaml
title:    {type: text, required: true, label: 标题, check: title, multiline: true}
date:     {type: date, label: 成文日期}
urgency:  {type: choice, choices: [特急, 加急], label: 紧急程度}
body:     {part: body, required: true}          # a shared part, keys here override it
issuers:  {type: list, of: {type: text, label: 发文机关}, label: 发文机关, max_items: 10}
```

Types: ``text`` (one piece of text; ``multiline`` keeps newlines as breaks; ``pattern`` with ``pattern_message`` and
``pattern_hint`` checks its form), ``paragraphs`` (text or a list of texts), ``date`` (2023-03-15 or 2023年3月15日),
``integer``, ``boolean``, ``choice`` (one of ``choices``; ``aliases`` maps other spellings), ``list`` (``of`` one
field, ``min_items``/``max_items``), ``mapping`` (``fields``; ``one_of``: at least one of these must be given),
``body`` (paragraphs, numbered headings and the other body items), ``file`` (an image beside the spec, such as a seal:
``file_types`` among png, jpeg, svg). A text may have to be of a named ``format`` (doc-number, secrecy,
copy-number: ``docgen/kinds/formats.py``); a list with ``scalar_ok`` takes one value written on its own as a list of
one. ``part: NAME`` refers to a declaration in
``templates/parts/fields.yaml`` or the kind's own ``parts:``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from docgen.errors import SourceRef, TemplateError
from docgen.spec.yamlsource import KeyPath, YamlDocument, format_path

__all__ = ["TYPES", "Field", "parse_fields"]

TYPES = ("text", "paragraphs", "date", "integer", "boolean", "choice", "list", "mapping", "body", "file")
_KEYS = (
    "type",
    "part",
    "label",
    "description",
    "required",
    "check",
    "multiline",
    "choices",
    "aliases",
    "pattern",
    "pattern_message",
    "pattern_hint",
    "format",
    "file_types",
    "scalar_ok",
    "max_chars",
    "default",
    "of",
    "fields",
    "one_of",
    "min_items",
    "max_items",
    "min",
    "max",
    "example",
)


@dataclass(frozen=True)
class Field:
    """One declared field (``name`` is its key in the mapping that holds it; '' for a list's items)."""

    name: str
    type: str
    label: str = ""
    description: str = ""
    required: bool = False
    #: the category of a text for ``docgen check`` (title, heading, body, unit …); None: not prose, not checked
    check: str | None = None
    multiline: bool = False
    choices: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)
    pattern: str | None = None
    pattern_message: str = ""
    pattern_hint: str = ""
    #: a named form (``docgen/kinds/formats.py``): doc-number, secrecy, copy-number
    format: str | None = None
    #: for a file: which kinds of file (png, jpeg, svg)
    file_types: tuple[str, ...] = ()
    #: for a list: one value written on its own stands for a list of one
    scalar_ok: bool = False
    max_chars: int | None = None
    default: Any = None
    of: Field | None = None
    fields: tuple[Field, ...] = ()
    one_of: tuple[str, ...] = ()
    min_items: int = 0
    max_items: int | None = None
    min: int | None = None
    max: int | None = None
    example: Any = None
    source: SourceRef = field(default_factory=SourceRef)

    @property
    def title(self) -> str:
        """How messages name it: its label and key (发文字号 doc_number), or either."""
        if self.label and self.name and self.label != self.name:
            return f"{self.label} {self.name}"
        return self.label or self.name

    def child(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


class _Reader:
    """Turns declarations (plain data with positions) into Fields, resolving parts; errors name the kind file."""

    def __init__(self, parts: Mapping[str, tuple[Any, YamlDocument, KeyPath]]) -> None:
        self.parts = parts

    def error(self, doc: YamlDocument, path: KeyPath, message: str, hint: str | None = None) -> TemplateError:
        return TemplateError(message, doc.ref(path), hint)

    def field(self, name: str, raw: Any, doc: YamlDocument, path: KeyPath, chain: tuple[str, ...] = ()) -> Field:
        if not isinstance(raw, dict):
            raise self.error(doc, path, f"字段“{name or format_path(path)}”应写成键值对，如 {{type: text}}")
        for key in raw:
            if key not in _KEYS:
                raise self.error(doc, (*path, key), f"字段声明中没有“{key}”这个键", f"可用的键：{'、'.join(_KEYS)}")
        if "part" in raw:
            part = raw["part"]
            if part not in self.parts:
                raise self.error(doc, (*path, "part"), f"没有“{part}”这个共用部分", f"可用：{'、'.join(self.parts)}")
            if part in chain:
                raise self.error(doc, (*path, "part"), f"共用部分循环引用：{' → '.join((*chain, part))}")
            base, base_doc, base_path = self.parts[part]
            overrides = {k: v for k, v in raw.items() if k != "part"}
            if overrides:  # the reference's keys win; positions of the merged whole point at the part
                merged = _merge(base, overrides)
                return self.field(name, merged, base_doc, base_path, (*chain, part))
            return self.field(name, base, base_doc, base_path, (*chain, part))
        kind = raw.get("type")
        if kind not in TYPES:
            raise self.error(doc, (*path, "type"), f"字段类型“{kind}”无效", f"可用的类型：{'、'.join(TYPES)}")
        of = None
        if kind == "list":
            if "of" not in raw:
                raise self.error(doc, path, "list 类型的字段要写 of: 说明每一项的类型")
            of = self.field("", raw["of"], doc, (*path, "of"), chain)
        fields: tuple[Field, ...] = ()
        if kind == "mapping":
            declared = raw.get("fields")
            if not isinstance(declared, dict) or not declared:
                raise self.error(doc, path, "mapping 类型的字段要写 fields: 列出它的键")
            fields = tuple(
                self.field(key, value, doc, (*path, "fields", key), chain) for key, value in declared.items()
            )
        pattern = raw.get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise self.error(doc, (*path, "pattern"), f"pattern 不是有效的正则表达式：{exc}") from None
        from docgen.kinds.formats import FORMATS

        if raw.get("format") is not None and raw["format"] not in FORMATS:
            hint = f"可用：{'、'.join(FORMATS)}"
            raise self.error(doc, (*path, "format"), f"没有“{raw['format']}”这种格式", hint)
        file_types = tuple(str(t) for t in raw.get("file_types") or ("png", "jpeg", "svg"))
        choices = tuple(str(c) for c in raw.get("choices") or ())
        if kind == "choice" and not choices:
            raise self.error(doc, path, "choice 类型的字段要写 choices: 列出可选的值")
        one_of = tuple(raw.get("one_of") or ())
        for key in one_of:
            if key not in {f.name for f in fields}:
                raise self.error(doc, (*path, "one_of"), f"one_of 里的“{key}”不是这个字段的键")
        check = raw.get("check")
        return Field(
            name=name,
            type=kind,
            label=str(raw.get("label") or ""),
            description=str(raw.get("description") or ""),
            required=bool(raw.get("required", False)),
            check=None if check is False or check is None else str(check),
            multiline=bool(raw.get("multiline", False)),
            choices=choices,
            aliases={str(k): str(v) for k, v in (raw.get("aliases") or {}).items()},
            pattern=pattern,
            pattern_message=str(raw.get("pattern_message") or ""),
            pattern_hint=str(raw.get("pattern_hint") or ""),
            format=raw.get("format"),
            file_types=file_types if kind == "file" else (),
            scalar_ok=bool(raw.get("scalar_ok", False)),
            max_chars=raw.get("max_chars"),
            default=raw.get("default"),
            of=of,
            fields=fields,
            one_of=one_of,
            min_items=int(raw.get("min_items") or 0),
            max_items=raw.get("max_items"),
            min=raw.get("min"),
            max=raw.get("max"),
            example=raw.get("example"),
            source=doc.ref(path),
        )


def parse_fields(
    declared: Any,
    doc: YamlDocument,
    path: KeyPath,
    parts: Mapping[str, tuple[Any, YamlDocument, KeyPath]],
    label: str,
) -> Field:
    """A kind's top-level ``fields:`` as one mapping Field."""
    reader = _Reader(parts)
    if not isinstance(declared, dict) or not declared:
        raise TemplateError("kind.yaml 要有 fields: 列出规格可写的键", doc.ref(path))
    if "part" in declared:  # the whole table from a shared part (文件 kinds: {part: official-document}), keys added
        whole = reader.field("", declared, doc, path)
        if whole.type != "mapping":
            raise TemplateError("fields: 引用的共用部分应是 mapping 类型", doc.ref((*path, "part")))
        return Field(
            name="", type="mapping", label=label, fields=whole.fields, one_of=whole.one_of, source=whole.source
        )
    fields = tuple(reader.field(key, value, doc, (*path, key)) for key, value in declared.items())
    return Field(name="", type="mapping", label=label, fields=fields, source=doc.ref(path))
