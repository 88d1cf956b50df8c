"""Building specs written by others (a web service): what such a spec may name and how large it may be.

``docgen.render(spec, trusted=False, roots=[...])`` refuses a spec that names a file — a templates folder, a style
profile or a profile it extends, a font file — outside the given roots, and one larger than the limits below. The
size limits count every piece of text in the spec, whatever key holds it: a field added to a kind later is counted
without anyone remembering to.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen.errors import DocgenError, SourceRef, SpecError
from docgen.spec import Spec
from docgen.spec.yamlsource import KeyPath, format_path
from docgen.style import StyleProfile
from docgen.template.sandbox import TemplateLimits

__all__ = ["Limits", "UntrustedInputError", "check_paths", "check_profile_fonts", "check_size", "normalize_roots"]


#: Template limits for specs from others: tighter than for a clerk's own builds.
UNTRUSTED_TEMPLATE = TemplateLimits(seconds=5.0, max_chars=16_000_000, max_total_chars=128_000_000)


@dataclass(frozen=True)
class Limits:
    #: pieces of text (paragraphs, headings, names …)
    max_paragraphs: int = 5_000
    #: characters in any one piece of text (a title, a paragraph, a unit's name)
    max_paragraph_chars: int = 20_000
    #: characters in the whole spec
    max_total_chars: int = 2_000_000
    #: time and output of the template (tighter than for trusted builds)
    template: TemplateLimits = UNTRUSTED_TEMPLATE


class UntrustedInputError(DocgenError):
    """A spec from an untrusted source names files outside the allowed roots or is too large."""

    kind = "不受信任的输入"


def normalize_roots(roots: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None) -> list[Path]:
    """The allowed folders as paths. One folder may be given on its own: a string is a path, never a list of
    one-character folders (``"/srv/R"`` would otherwise allow ``/``)."""
    if roots is None:
        return []
    if isinstance(roots, (str, bytes, os.PathLike)):
        roots = [roots]  # type: ignore[list-item]
    out = []
    for root in roots:
        if not isinstance(root, (str, os.PathLike)) or not str(root):
            raise UntrustedInputError(f"roots 里的 {root!r} 不是目录路径")
        out.append(Path(root))
    return out


def inside(path: Path, roots: Iterable[Path]) -> bool:
    real = Path(os.path.realpath(path))
    return any(real.is_relative_to(os.path.realpath(root)) for root in roots)


def _looks_like_path(name: str) -> bool:
    return name.endswith((".yaml", ".yml")) or "/" in name or os.sep in name


def check_paths(spec: Spec, roots: list[Path]) -> None:
    """Named files (templates folder, style profile path) must lie inside one of the roots."""
    named: list[tuple[str, str]] = []
    if spec.templates:
        named.append(("templates", spec.templates))
    if isinstance(spec.style, str) and _looks_like_path(spec.style):
        named.append(("style", spec.style))
    if (
        isinstance(spec.style, dict)
        and isinstance(spec.style.get("extends"), str)
        and _looks_like_path(spec.style["extends"])
    ):
        named.append(("style", spec.style["extends"]))
    for key, value in named:
        path = Path(value) if Path(value).is_absolute() else spec.base_dir / value
        if not inside(path, roots):
            ref = spec.source.ref((key,)) if spec.source else SourceRef(key_path=key)
            raise UntrustedInputError(
                f"规格引用了允许范围以外的文件：{value}", ref, hint="不受信任的规格只能引用服务指定目录里的模板和样式"
            )
    if isinstance(spec.style, dict) and any(
        "file" in face for face in (spec.style.get("fonts") or {}).values() if isinstance(face, dict)
    ):
        raise UntrustedInputError(
            "不受信任的规格不能指定字体文件", spec.source.ref(("style",)) if spec.source else None
        )


def check_files(spec: Spec, roots: list[Path]) -> None:
    """Image files a spec declares (seals) must lie inside the roots too."""
    from docgen.document import _declared_files

    for file in sorted(_declared_files(spec)):
        if not inside(Path(file), roots):
            raise UntrustedInputError(
                f"规格引用了允许范围以外的文件：{file}", hint="不受信任的规格只能引用服务指定目录里的图片"
            )


def check_profile_fonts(profile: StyleProfile, roots: list[Path]) -> None:
    for face in profile.fonts.values():
        if face.file and not inside(Path(face.file), roots):
            raise UntrustedInputError(f"样式指定了允许范围以外的字体文件：{face.file}", SourceRef(profile.source))


def _texts(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*path, index))


def check_size(spec: Spec, limits: Limits) -> None:
    """Every piece of text in the spec (title, headings, units, 抄送 … not only paragraphs) counts."""
    if spec.source is None:
        return
    doc = spec.source
    count = total = 0
    for path, text in _texts(doc.data, ()):
        count += 1
        total += len(text)
        if len(text) > limits.max_paragraph_chars:
            raise SpecError(
                f"文字太长（{len(text)} 字，上限 {limits.max_paragraph_chars} 字）",
                doc.ref(path),
                hint="把它分成几段",
            )
        if count > limits.max_paragraphs:
            raise UntrustedInputError(
                f"文字段落太多（上限 {limits.max_paragraphs} 段）", doc.ref(path), hint=f"在 {format_path(path)} 附近"
            )
        if total > limits.max_total_chars:
            raise UntrustedInputError(f"文字太多（上限 {limits.max_total_chars} 字）", doc.ref(path))
