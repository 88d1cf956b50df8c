"""What a template sees: the spec as plain data (text, numbers, lists and mappings), nothing with methods.

The validated ``Spec`` is made of dataclasses, dates and paths; templates get a copy made of ``dict``, ``list``,
``str``, ``int``, ``float``, ``bool`` and ``None`` only (dates as ISO text, which ``| cn_date`` prints in Chinese).
Where the spec came from (its path, folder, source) and how it is styled are not the template's business and are
left out: a path object in a template is a way to the file system.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

__all__ = ["plain_context"]

#: Spec fields that are about the spec's file or its processing, not its content.
_NOT_FOR_TEMPLATES = frozenset({"path", "source", "style", "templates"})


def _plain(value: Any) -> Any:
    from docgen.kinds.record import Record

    if isinstance(value, Record):
        return {str(key): _plain(item) for key, item in value.items()}
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: _plain(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if field.name not in _NOT_FOR_TEMPLATES
        }
    raise TypeError(f"no plain form for {type(value).__name__}")  # a bug: the spec model holds only the above


def plain_context(spec: Any) -> dict[str, Any]:
    """The template's variables: ``spec`` as plain data (its kind and its content)."""
    return {"spec": {"kind": spec.kind, **_plain(spec.content)}}
