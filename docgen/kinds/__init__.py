"""Document kinds as data: a kind is a folder holding ``kind.yaml`` (names and the field table), ``document.xml``
(its template) and ``example.yaml``; shared parts (版头, 署名, 版记, 附件 …) are declared once in
``templates/parts/fields.yaml``. Adding a kind touches no Python: a clerk's templates folder may hold kinds of its
own, found before the built-in ones.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from docgen.errors import SourceRef, SpecError, TemplateError
from docgen.inputs import read_bounded
from docgen.kinds.record import Record
from docgen.kinds.schema import Field, parse_fields
from docgen.kinds.validate import validate_content
from docgen.spec.yamlsource import KeyPath, YamlDocument, decode_utf8, load_yaml

__all__ = ["DEFAULT_KIND", "UNIVERSAL_KEYS", "Field", "Kind", "Record", "find_kind", "list_kinds", "validate_content"]

#: The kind of a spec that names none (the first kind docgen had).
DEFAULT_KIND = "meeting-summary"
#: Keys every spec may have, whatever its kind: which kind, which style, which clerk templates.
UNIVERSAL_KEYS = ("kind", "style", "templates")
KIND_FILE = "kind.yaml"
#: What ``docgen check`` may know about a kind beyond its fields (行文规则), named in kind.yaml's ``traits:``.
TRAITS = {
    "upward": "上行文：版头要有签发人",
    "one-recipient": "只能有一个主送机关（如请示：一文一事，一个主送机关）",
    "contact-note": "附注要写联系人和电话（如请示）",
}
PARTS_FILE = Path("parts") / "fields.yaml"
MAX_KIND_BYTES = 256 * 1024


@dataclass(frozen=True)
class Kind:
    """One document kind: its name (``notice``), the other names a spec may use (``通知``), what it is, its folder
    (``document.xml`` is its template) and its field table."""

    name: str
    names: tuple[str, ...]
    label: str
    description: str
    folder: Path
    fields: Field
    example: Path | None = None
    #: rules of 行文 the checker applies (``TRAITS``)
    traits: tuple[str, ...] = ()

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.names)


def builtin_dir() -> Path:
    """The templates shipped with docgen: inside the installed package, or the repository's ``templates/``."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "base.xml").is_file():
            return candidate
    raise TemplateError("找不到 docgen 自带的模板目录", hint="重新安装 docgen（pip install .）")  # pragma: no cover


def _read(path: Path) -> YamlDocument:
    text = decode_utf8(read_bounded(path, MAX_KIND_BYTES, "公文种类定义文件", TemplateError), str(path))
    try:
        return load_yaml(text, str(path), packaged=path.is_relative_to(builtin_dir()))
    except SpecError as exc:
        raise TemplateError(exc.message, exc.source, exc.hint) from None


def _stamp(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=16)
def _parts(stamp: tuple[str, int, int]) -> dict[str, tuple[Any, YamlDocument, KeyPath]]:
    doc = _read(Path(stamp[0]))
    if not isinstance(doc.data, dict):
        raise TemplateError("共用部分文件应写成“名称: 声明”的形式", SourceRef(stamp[0], 1, 1))
    return {name: (value, doc, (name,)) for name, value in doc.data.items()}


@lru_cache(maxsize=64)
def _load(stamp: tuple[str, int, int], parts_stamp: tuple[str, int, int]) -> Kind:
    path = Path(stamp[0])
    doc = _read(path)
    data = doc.data
    if not isinstance(data, dict):
        raise TemplateError("kind.yaml 应写成“键: 值”的形式", SourceRef(str(path), 1, 1))
    allowed = ("name", "names", "label", "description", "fields", "parts", "example", "traits")
    for key in data:
        if key not in allowed:
            raise TemplateError(
                f"kind.yaml 中没有“{key}”这个键", doc.ref((key,), at_key=True), f"可用的键：{'、'.join(allowed)}"
            )
    folder = path.parent
    name = data.get("name") or folder.name
    if name != folder.name:
        raise TemplateError(f"kind.yaml 的 name 应与目录名“{folder.name}”相同", doc.ref(("name",)))
    parts = dict(_parts(parts_stamp))
    own = data.get("parts") or {}
    if not isinstance(own, dict):
        raise TemplateError("parts 应写成“名称: 声明”的形式", doc.ref(("parts",)))
    parts.update({key: (value, doc, ("parts", key)) for key, value in own.items()})
    label = str(data.get("label") or name)
    fields = parse_fields(data.get("fields"), doc, ("fields",), parts, "规格文件")
    for reserved in UNIVERSAL_KEYS:
        if fields.child(reserved):
            raise TemplateError(
                f"“{reserved}”是每种公文都有的键，不能在 fields 里再声明", fields.child(reserved).source
            )  # type: ignore[union-attr]
    names = data.get("names") or []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise TemplateError("names 应是名称列表，如 [通知]", doc.ref(("names",)))
    traits = data.get("traits") or []
    if not isinstance(traits, list) or any(t not in TRAITS for t in traits):
        listed = "；".join(f"{name}（{meaning}）" for name, meaning in TRAITS.items())
        raise TemplateError("traits 应是下列名称的列表", doc.ref(("traits",)), f"可用：{listed}")
    example = folder / str(data.get("example") or "example.yaml")
    return Kind(
        name=name,
        names=tuple(names),
        label=label,
        description=str(data.get("description") or ""),
        folder=folder,
        fields=fields,
        example=example if example.is_file() else None,
        traits=tuple(traits),
    )


def kind_folders(templates: str | os.PathLike[str] | None = None) -> list[Path]:
    """Where kinds are looked for: a clerk's templates folder, then the built-in one."""
    return ([Path(templates)] if templates else []) + [builtin_dir()]


def load_kind(folder: Path) -> Kind | None:
    """The kind of a folder: its own kind.yaml, or — for a clerk's folder that only overrides a built-in kind's
    template — the built-in kind.yaml of the same name."""
    candidate = _kind_file(folder)
    return None if candidate is None else _load(_stamp(candidate), _stamp(builtin_dir() / PARTS_FILE))


def list_kinds(folders: Sequence[Path]) -> list[Kind]:
    """Every kind the folders offer (a kind is a folder with a template), clerk folders first."""
    seen: dict[str, Kind] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir()):
            if entry.name not in seen and (entry / "document.xml").is_file():
                kind = load_kind(entry)
                if kind is not None:
                    seen[entry.name] = kind
    return list(seen.values())


@lru_cache(maxsize=64)
def _names(stamp: tuple[str, int, int]) -> tuple[str, ...]:
    """The names a kind.yaml gives its kind, read without building its field table (a build needs one kind)."""
    data = _read(Path(stamp[0])).data
    if not isinstance(data, dict):
        return ()
    names = data.get("names")
    own = (str(data.get("name") or Path(stamp[0]).parent.name),)
    return own + tuple(n for n in names if isinstance(n, str)) if isinstance(names, list) else own


def _kind_file(folder: Path) -> Path | None:
    """The kind.yaml that defines a folder's kind (as ``load_kind`` finds it)."""
    for candidate in (folder / KIND_FILE, builtin_dir() / folder.name / KIND_FILE):
        if candidate.is_file():
            return candidate
    return None


def find_kind(name: str, folders: Sequence[Path], ref: SourceRef | None = None) -> Kind:
    """The kind a spec names (by its name or one of its other names, ``通知``); a SpecError listing the kinds
    otherwise. The kinds are searched in ``list_kinds``'s order and only the one named is loaded in full."""
    seen: set[str] = set()
    for folder in folders:
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir()):
            if entry.name in seen or not (entry / "document.xml").is_file():
                continue
            seen.add(entry.name)
            kind_file = _kind_file(entry)
            if kind_file is not None and name in _names(_stamp(kind_file)):
                kind = load_kind(entry)
                if kind is not None and name in kind.all_names:
                    return kind
    kinds = list_kinds(folders)
    for kind in kinds:
        if name in kind.all_names:
            return kind
    every = [n for kind in kinds for n in kind.all_names]
    close = difflib.get_close_matches(name, every, n=1, cutoff=0.5)
    available = "、".join(f"{k.name}（{'、'.join(k.names)}）" if k.names else k.name for k in kinds)
    hint = (f"是不是要写“{close[0]}”？" if close else "") + f"kind 可用的值：{available}"
    raise SpecError(f"没有“{name}”这种公文", ref, hint)
