"""Building specs written by others (a web service): what such a spec may name and how large it may be.

``docgen.render(spec, trusted=False, roots=[...])`` refuses a spec that names a file — a templates folder, a style
profile, a profile it extends, a font file — outside the given roots, and one larger than the limits below.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from docgen.errors import DocgenError, SourceRef, SpecError
from docgen.spec import Spec
from docgen.style import StyleProfile


@dataclass(frozen=True)
class Limits:
    max_paragraphs: int = 5_000
    max_paragraph_chars: int = 20_000
    max_total_chars: int = 2_000_000


class UntrustedInputError(DocgenError):
    """A spec from an untrusted source names files outside the allowed roots or is too large."""

    kind = "不受信任的输入"


def _inside(path: Path, roots: Iterable[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == root or root in resolved.parents for root in (r.resolve() for r in roots))


def check_paths(spec: Spec, roots: Iterable[str | os.PathLike[str]]) -> None:
    """Named files (templates folder, style profile path) must lie inside one of the roots."""
    allowed = [Path(root) for root in roots]
    named: list[tuple[str, str]] = []
    if spec.templates:
        named.append(("templates", spec.templates))
    if isinstance(spec.style, str) and (spec.style.endswith((".yaml", ".yml")) or "/" in spec.style):
        named.append(("style", spec.style))
    if (
        isinstance(spec.style, dict)
        and isinstance(spec.style.get("extends"), str)
        and (spec.style["extends"].endswith((".yaml", ".yml")) or "/" in spec.style["extends"])
    ):
        named.append(("style", spec.style["extends"]))
    for key, value in named:
        path = Path(value) if Path(value).is_absolute() else spec.base_dir / value
        if not _inside(path, allowed):
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


def check_profile_fonts(profile: StyleProfile, roots: Iterable[str | os.PathLike[str]]) -> None:
    allowed = [Path(root) for root in roots]
    for face in profile.fonts.values():
        if face.file and not _inside(Path(face.file), allowed):
            raise UntrustedInputError(f"样式指定了允许范围以外的字体文件：{face.file}", SourceRef(profile.source))


def check_size(spec: Spec, limits: Limits) -> None:
    texts: list[tuple[str, str]] = []
    for i, item in enumerate(spec.body):
        texts.append((f"body[{i}]", item if isinstance(item, str) else item.text))
    for a, attachment in enumerate(spec.attachments):
        texts += [(f"attachments[{a}].paragraphs[{i}]", p) for i, p in enumerate(attachment.paragraphs)]
        for s, speech in enumerate(attachment.speeches):
            texts += [(f"attachments[{a}].speeches[{s}].lead[{i}]", p) for i, p in enumerate(speech.lead)]
            for n, section in enumerate(speech.sections):
                base = f"attachments[{a}].speeches[{s}].sections[{n}]"
                texts += [(f"{base}.paragraphs[{i}]", p) for i, p in enumerate(section.paragraphs)]
    if len(texts) > limits.max_paragraphs:
        raise UntrustedInputError(f"段落太多（{len(texts)} 段，上限 {limits.max_paragraphs} 段）")
    total = 0
    for path, text in texts:
        total += len(text)
        if len(text) > limits.max_paragraph_chars:
            raise SpecError(
                f"段落太长（{len(text)} 字，上限 {limits.max_paragraph_chars} 字）",
                SourceRef(key_path=path),
                hint="把它分成几段",
            )
    if total > limits.max_total_chars:
        raise UntrustedInputError(f"文字太多（{total} 字，上限 {limits.max_total_chars} 字）")
