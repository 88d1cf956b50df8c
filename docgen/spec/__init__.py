"""Spec loading: a YAML file, YAML text or a dict → a validated ``Spec``."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from docgen.errors import SpecError
from docgen.inputs import read_bounded
from docgen.spec.model import Attachment, BodyHeading, Distribution, Masthead, Section, Signature, Spec, Speech
from docgen.spec.validate import validate
from docgen.spec.yamlsource import decode_utf8, from_python, load_yaml

__all__ = [
    "Attachment",
    "BodyHeading",
    "Distribution",
    "Masthead",
    "Section",
    "Signature",
    "Spec",
    "Speech",
    "load_spec",
]

#: A 500-page spec is about 1.5 MB of UTF-8; anything far larger is a mistake (a binary, a log file).
MAX_SPEC_BYTES = 16 * 1024 * 1024


def _read(path: Path) -> str:
    return decode_utf8(read_bounded(path, MAX_SPEC_BYTES, "规格文件", SpecError), str(path))


#: The last spec loaded from a file, by (path, text): the same text gives the same (immutable) Spec, and parsing the
#: YAML with positions is the slow part.
_recent: dict[tuple[str, str], Spec] = {}


def load_spec(source: str | os.PathLike[str] | dict[str, Any] | Spec) -> Spec:
    """Load and validate a spec.

    ``source`` may be a path to a YAML file, YAML text (anything containing a newline), a dict shaped like the YAML,
    or an already loaded ``Spec`` (returned as is). Raises ``SpecError`` naming file, line, column and key path.
    """
    if isinstance(source, Spec):
        return source
    if isinstance(source, dict):
        return validate(from_python(source))
    if isinstance(source, str) and ("\n" in source or "\r" in source):
        return validate(load_yaml(source, "<文本>"))
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        text = _read(path)
        key = (str(path), text)
        spec = _recent.get(key)
        if spec is None:
            # The path as named, not resolved: a spec reached through a link writes its outputs under the link's
            # name, beside the link (as the batch's check for clashing output names assumes).
            spec = replace(validate(load_yaml(text, str(path))), path=path.absolute())
            _recent.clear()  # one entry: `docgen build` checks a spec, then builds it
            _recent[key] = spec
        return spec
    raise SpecError(
        f"规格应是文件路径、YAML 文字、字典或 Spec，而不是 {type(source).__name__}",
        hint="docgen.render('spec.yaml') 或 docgen.render({'title': …, 'body': […]})",
    )
