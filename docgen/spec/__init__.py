"""Spec loading: a YAML file, YAML text or a dict → a validated ``Spec``."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from docgen.errors import SourceRef, SpecError
from docgen.spec.model import Attachment, BodyHeading, Distribution, Masthead, Section, Signature, Spec, Speech
from docgen.spec.validate import validate
from docgen.spec.yamlsource import YamlDocument, decode_utf8, load_yaml

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
    try:
        size = path.stat().st_size
        if size > MAX_SPEC_BYTES:
            raise SpecError(
                f"规格文件太大（{size // 1024 // 1024} MB，上限 {MAX_SPEC_BYTES // 1024 // 1024} MB）",
                SourceRef(str(path)),
                hint="检查是否选错了文件；特别长的材料请拆成几份公文",
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SpecError("找不到规格文件", SourceRef(str(path)), hint="检查文件名和所在目录") from None
    except IsADirectoryError:
        raise SpecError("这是一个目录，不是规格文件", SourceRef(str(path))) from None
    except PermissionError:
        raise SpecError("没有权限读取规格文件", SourceRef(str(path))) from None
    return decode_utf8(raw, str(path))


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
        return validate(YamlDocument(data=source, file="<dict>", text=""))
    if isinstance(source, str) and "\n" in source:
        return validate(load_yaml(source, "<文本>"))
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        text = _read(path)
        key = (str(path), text)
        spec = _recent.get(key)
        if spec is None:
            spec = replace(validate(load_yaml(text, str(path))), path=path.resolve())
            _recent.clear()  # one entry: `docgen build` checks a spec, then builds it
            _recent[key] = spec
        return spec
    raise TypeError(f"load_spec() takes a path, YAML text, a dict or a Spec, not {type(source).__name__}")
