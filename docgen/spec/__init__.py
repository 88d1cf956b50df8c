"""Spec loading: a YAML file, YAML text or a dict → a validated ``Spec`` of its kind."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from docgen.errors import SpecError
from docgen.inputs import read_bounded
from docgen.spec.model import Spec
from docgen.spec.yamlsource import YamlDocument, decode_utf8, from_python, load_yaml

__all__ = ["MAX_SPEC_BYTES", "Spec", "load_spec", "validate"]

#: A 500-page spec is about 1.5 MB of UTF-8; anything far larger is a mistake (a binary, a log file).
MAX_SPEC_BYTES = 16 * 1024 * 1024


def _read(path: Path) -> str:
    return decode_utf8(read_bounded(path, MAX_SPEC_BYTES, "规格文件", SpecError), str(path))


def _text_of(doc: YamlDocument, key: str) -> str | None:
    value = doc.data.get(key) if isinstance(doc.data, dict) else None
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SpecError(f"“{key}”应是一个名称或路径", doc.ref((key,)))
    return value.strip()


def validate(
    doc: YamlDocument,
    path: Path | None = None,
    templates: str | os.PathLike[str] | None = None,
    roots: list[Path] | None = None,
) -> Spec:
    """Loaded YAML → ``Spec``: find the kind (in the clerk's templates folder, then docgen's), then validate the
    content against its field table, reporting every problem at once. ``roots``: a spec from someone else may name
    folders and files only inside these; nothing outside them is opened."""
    from docgen.kinds import DEFAULT_KIND, UNIVERSAL_KEYS, find_kind, kind_folders, validate_content

    base = path.parent if path else Path.cwd()
    kind_name = _text_of(doc, "kind") or DEFAULT_KIND
    own_templates = _text_of(doc, "templates")
    style = doc.data.get("style") if isinstance(doc.data, dict) else None
    if style is not None and not isinstance(style, (str, dict)):
        raise SpecError("style 应是样式名、样式文件的路径，或要修改的样式键", doc.ref(("style",)))
    folders = kind_folders(None)
    for extra in (own_templates and base / own_templates, templates):
        if extra and roots is not None:
            from docgen.untrusted import UntrustedInputError, inside

            if not inside(Path(extra), roots):
                where = doc.ref(("templates",)) if extra != templates else None
                hint = "不受信任的规格只能用服务指定目录里的模板"
                raise UntrustedInputError(f"规格引用了允许范围以外的模板目录：{extra}", where, hint)
        if extra and Path(extra).is_dir():
            folders.insert(0, Path(extra))
    kind = find_kind(kind_name, folders, doc.ref(("kind",)))
    content = validate_content(doc, kind.fields, UNIVERSAL_KEYS, base, roots)
    return Spec(
        kind=kind.name,
        content=content,
        style=style.strip() if isinstance(style, str) else style,
        templates=own_templates,
        path=path,
        source=doc,
        schema=kind,
    )


#: The last spec loaded from a file, by (path, text): the same text gives the same (immutable) Spec, and parsing the
#: YAML with positions is the slow part.
_recent: dict[tuple[str, str, str, str], Spec] = {}


def load_spec(
    source: str | os.PathLike[str] | dict[str, Any] | Spec,
    templates: str | os.PathLike[str] | None = None,
    *,
    roots: list[Path] | None = None,
) -> Spec:
    """Load and validate a spec.

    ``source`` may be a path to a YAML file, YAML text (anything containing a newline), a dict shaped like the YAML,
    or an already loaded ``Spec`` (returned as is). ``templates``: a clerk's templates folder, where kinds are looked
    for before docgen's own. ``roots``: for a spec from someone else, the folders its files must lie in. Raises
    ``SpecError`` naming file, line, column and key path of every problem.
    """
    if isinstance(source, Spec):
        return source
    if isinstance(source, dict):
        return validate(from_python(source), templates=templates, roots=roots)
    if isinstance(source, str) and ("\n" in source or "\r" in source):
        return validate(load_yaml(source, "<文本>"), templates=templates, roots=roots)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        text = _read(path)
        key = (str(path), text, str(templates), str(roots))
        spec = _recent.get(key)
        if spec is None:
            # The path as named, not resolved: a spec reached through a link writes its outputs under the link's
            # name, beside the link (as the batch's check for clashing output names assumes).
            spec = validate(load_yaml(text, str(path)), path.absolute(), templates, roots)
            _recent.clear()  # one entry: `docgen build` checks a spec, then builds it
            _recent[key] = spec
        return spec
    raise SpecError(
        f"规格应是文件路径、YAML 文字、字典或 Spec，而不是 {type(source).__name__}",
        hint="docgen.render('spec.yaml') 或 docgen.render({'title': …, 'body': […]})",
    )
