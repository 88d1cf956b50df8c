"""The public pipeline: spec → ``Document`` (model + style) → bytes or files.

Reads top to bottom like the architecture: load and validate the spec, pick the style profile, render the template
into the document model, lay it out, write it.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import DocgenError, SourceRef, StyleError, TemplateError
from docgen.fonts import ResolvedFace, resolve_fonts, substitution_notice
from docgen.forked import can_fork, run_beside
from docgen.layout.frame import Frame
from docgen.layout.metrics import GridMetrics
from docgen.layout.pages import PagedDocument, layout_document
from docgen.model.blocks import DocModel
from docgen.output import write_atomic
from docgen.spec import Spec, load_spec
from docgen.style import PROFILES_DIR, StyleProfile, load_profile
from docgen.template import render_model
from docgen.untrusted import Limits, check_files, check_paths, check_profile_fonts, check_size, normalize_roots
from docgen.writers import DEFAULT_FORMATS, FORMATS, WRITERS

LOG = logging.getLogger("docgen")
_NOTICES_GIVEN: set[str] = set()


@dataclass
class Document:
    """A rendered document: its block model and the style it is laid out in. ``to_docx()``, ``to_pdf()`` (and
    ``to_bytes(format)``) give the files' bytes; ``layout`` and ``frame`` are the layout's stages."""

    model: DocModel
    style: StyleProfile
    name: str = "document"
    _layout: PagedDocument | None = field(default=None, repr=False)
    _frame: Frame | None = field(default=None, repr=False)
    _fonts: dict[str, ResolvedFace] | None = field(default=None, repr=False)
    #: After the frame is made: characters no available font could draw, by face (shown as empty boxes).
    missing_glyphs: dict[str, set[str]] = field(default_factory=dict, repr=False)
    #: What the layout did that the author should know (a 标志 condensed, the 主送 moved to the 版记), in Chinese.
    notes: list[str] = field(default_factory=list, repr=False)
    #: The spec's data as written (plain values), kept in the DOCX so that ``docgen import`` gives it back.
    spec_data: Any = field(default=None, repr=False)

    @property
    def layout(self) -> PagedDocument:
        """Lines placed on pages of the 公文 grid (computed once); what the layout had to do that the author should
        know is logged (and kept in ``notes``)."""
        paged = self._laid_out()
        for note in paged.notes:
            if note not in self.notes:
                self.notes.append(note)
                LOG.warning("%s：%s", self.name, note)
        return paged

    def _laid_out(self) -> PagedDocument:
        if self._layout is None:
            from docgen.fonts.book import font_box, ink_extent, latin_advances

            def ink(role: str, text: str) -> tuple[float, float] | None:
                return ink_extent(self.fonts[self.style.role(role).font], text)

            # Latin text is measured with the font that will draw it (Times New Roman's table where that is it);
            # a placed line (a 标志) is placed by the ink of the font that draws it.
            def box(face: str) -> tuple[float, float] | None:
                return font_box(self.fonts[face])

            metrics = GridMetrics(self.style, latin_advances(self.fonts["latin"]), ink, box)
            metrics.share_line_break_caches(self.style, self.fonts["latin"])
            self._layout = layout_document(self.model, self.style, metrics)
        return self._layout

    @property
    def page_count(self) -> int:
        return len(self.layout.pages)

    @property
    def fonts(self) -> dict[str, ResolvedFace]:
        """The font file serving each face on this machine (resolved once)."""
        if self._fonts is None:
            self._fonts = resolve_fonts(self.style)
        return self._fonts

    @property
    def frame(self) -> Frame:
        """Every page as positioned glyphs, rules and images, in the fonts of this machine (computed once); the
        warnings about substituted fonts and characters drawn from fallback fonts are logged here."""
        if self._frame is None:
            from docgen.layout.position import position_pages

            if (notice := substitution_notice(self.fonts)) and notice not in _NOTICES_GIVEN:
                _NOTICES_GIVEN.add(notice)  # once per process: a batch or a service builds many documents alike
                LOG.warning(notice)
            self._frame = position_pages(self.layout, self.style, self.fonts, self.model.title, self.model.author)
            self.missing_glyphs = {face: set(chars) for face, chars in self._frame.missing.items()}
            if self._frame.fallbacks:
                LOG.warning(
                    "这些字符在公文字体中没有字形，PDF 中改用其他字体显示：%s",
                    _by_role(self.style, self._frame.fallbacks),
                )
            if self._frame.missing:
                LOG.warning(
                    "这些字符在可用字体中都没有字形，PDF 中会显示为空框：%s", _by_role(self.style, self._frame.missing)
                )
        return self._frame

    def to_docx(self) -> bytes:
        return self.to_bytes("docx")

    def to_pdf(self) -> bytes:
        return self.to_bytes("pdf")

    def to_ofd(self) -> bytes:
        """The document as OFD (GB/T 33190-2016), the fixed-layout format Chinese e-government archives use."""
        return self.to_bytes("ofd")

    def to_bytes(self, fmt: str) -> bytes:
        if fmt not in WRITERS:
            raise DocgenError(f"不支持的输出格式“{fmt}”", hint=f"可用的格式：{'、'.join(FORMATS)}")
        return WRITERS[fmt](self)


def _by_role(style: StyleProfile, chars: Mapping[str, frozenset[str]]) -> str:
    def roles_of(face: str) -> str:
        return "、".join(name for name, role in style.roles.items() if role.font == face) or "数字和西文"

    def listed(found: frozenset[str]) -> str:
        shown = sorted(found)[:_CHARS_LISTED]
        more = f"等 {len(found)} 个" if len(found) > len(shown) else ""
        return "".join(shown) + more

    return "；".join(f"{listed(c)}（{roles_of(key)}）" for key, c in chars.items())


#: how many characters a warning lists for each face (a document may have thousands no font has)
_CHARS_LISTED = 100


def _render_formats(document: Document, formats: list[str], parallel: bool) -> dict[str, bytes]:
    """Every format's bytes; with ``parallel`` (the command line's choice, never the library's), DOCX and PDF side
    by side on two cores where that is safe (see ``docgen.forked``)."""
    if parallel and "pdf" in formats and can_fork():
        _convert_fonts_beside(document.fonts)
    if parallel and set(formats) == {"docx", "pdf"} and can_fork():
        document.layout  # noqa: B018 - laid out once, before the fork, for both writers
        docx, pdf = run_beside(document.to_docx, document.to_pdf)
        return {fmt: docx if fmt == "docx" else pdf for fmt in formats}
    return {fmt: document.to_bytes(fmt) for fmt in formats}


def _convert_fonts_beside(fonts: Mapping[str, ResolvedFace]) -> None:
    """A first build on a machine converts each CFF face it uses for the PDF (3–5 s a face): with two or more to
    convert, half of them in a forked child, beside the others. Each conversion lands in the font cache whole (or
    not at all), where the build then finds it; a child that fails leaves its share to the build."""
    from docgen.fonts.convert import converted, needs_conversion

    pending = sorted({(face.path, face.index) for face in fonts.values() if needs_conversion(face.path, face.index)})
    if len(pending) < 2:
        return

    def convert(share: list[tuple[Path, int]]) -> bytes:
        for path, index in share:
            with contextlib.suppress(Exception):  # a font that cannot be converted: the build reports it at its face
                converted(path, index)
        return b""

    run_beside(lambda: convert(pending[1::2]), lambda: convert(pending[::2]))


def _style_for(
    spec: Spec, style: str | os.PathLike[str] | StyleProfile | None, roots: list[Path] | None = None
) -> StyleProfile:
    """The style profile: the caller's, else the spec's (a name, a path, or single keys changed in place). A
    profile the spec names that does not exist is reported at the spec's ``style:`` line."""
    if isinstance(style, StyleProfile):
        return style
    if style is not None:
        return load_profile(style, Path.cwd())
    try:
        if isinstance(spec.style, dict):
            overrides = spec.source.sub(("style",)) if spec.source else spec.style
            return load_profile(spec.style.get("extends", "gbt9704"), spec.base_dir, overrides, roots=roots)
        if spec.style:
            return load_profile(spec.style, spec.base_dir, roots=roots)
    except StyleError as error:
        # A profile that cannot be opened (missing, a folder, a device) has no line of its own to point at: the
        # clerk's mistake is the spec's style: line.
        if error.line is None and spec.source is not None:
            path = ("style", "extends") if isinstance(spec.style, dict) else ("style",)
            named = error.file and Path(error.file).parent != PROFILES_DIR  # docgen's own folder says nothing
            where = f"（{error.file}）" if named and error.file not in error.message else ""
            raise type(error)(error.message + where, spec.source.ref(path), error.hint) from None
        raise
    return load_profile("gbt9704")


def render(
    spec: str | os.PathLike[str] | dict[str, Any] | Spec,
    templates: str | os.PathLike[str] | None = None,
    style: str | os.PathLike[str] | StyleProfile | None = None,
    *,
    trusted: bool = True,
    roots: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] = (),
    limits: Limits | None = None,
) -> Document:
    """Spec (path, YAML text, dict or ``Spec``) → ``Document`` in memory; writes nothing.

    With ``trusted=False`` (a service building specs written by others) the spec may name templates, styles and
    fonts only inside ``roots``, and is refused beyond ``limits`` (default ``Limits()``)."""
    allowed = None if trusted else normalize_roots(roots)
    loaded = load_spec(spec, roots=allowed)
    template_limits = None
    if allowed is not None:  # a spec from someone else
        limits = limits or Limits()
        check_paths(loaded, allowed)
        check_files(loaded, allowed)
        check_size(loaded, limits)
        template_limits = limits.template
    profile = _style_for(loaded, style, allowed)
    if allowed is not None:
        check_profile_fonts(profile, allowed)
    model = render_model(loaded, templates, template_limits)
    _check_images(model, loaded)
    name = loaded.path.stem if loaded.path else "document"
    data = loaded.source.data if loaded.source is not None else None
    document = Document(model, profile, name, spec_data=data)
    if _recipients_movable(loaded) and document._laid_out().first_page_without_body:
        # GB/T 9704 §7.3.2: when the 主送 leaves the first page no room for body text, it goes to the 版记.
        moved = _recipients_in_distribution(loaded)
        candidate = Document(render_model(moved, templates, template_limits), profile, name, spec_data=data)
        if not candidate._laid_out().first_page_without_body:  # moving it helps (it does not when a landscape
            document = candidate  # table, which has pages of its own, comes first)
            document.notes.append(
                "主送机关较多，首页排不下正文，已按 GB/T 9704 §7.3.2 移到版记（distribution.recipients）"
            )
            LOG.warning("%s：%s", name, document.notes[-1])
    return document


def _recipients_movable(spec: Spec) -> bool:
    """Whether the kind has a 主送 that may move to the 版记 (文件 kinds) and the spec puts it before the body."""
    fields = spec.schema.fields if spec.schema is not None else None
    distribution = fields.child("distribution") if fields is not None else None
    return bool(
        distribution is not None
        and distribution.child("recipients") is not None
        and spec.content.get("recipients")
        and not (spec.content.get("distribution") or {}).get("recipients")
    )


def _recipients_in_distribution(spec: Spec) -> Spec:
    """The same spec with its 主送 in the 版记 (``distribution.recipients``) instead of under the title."""
    from dataclasses import replace

    from docgen.kinds.record import Record

    content = dict(spec.content)
    distribution = dict(content.get("distribution") or {})
    field = spec.schema.fields.child("distribution")  # type: ignore[union-attr]
    for child in field.fields if field is not None else ():  # every declared key present, as validation makes it
        distribution.setdefault(child.name, () if child.type in ("list", "paragraphs") else None)
    distribution["recipients"] = content["recipients"]
    content["distribution"] = Record(distribution)
    content["recipients"] = ()
    return replace(spec, content=Record(content))


def _declared_files(spec: Spec) -> set[str]:
    """The files the spec declared in its ``file`` fields (validated: regular files, images, inside the roots)."""
    files: set[str] = set()

    def walk(field: Any, value: Any) -> None:
        if value is None:
            return
        if field.type == "file" and isinstance(value, str):
            files.add(value)
        elif field.type == "list" and field.of is not None:
            for item in value:
                walk(field.of, item)
        elif field.type == "mapping":
            for child in field.fields:
                walk(child, value.get(child.name))

    if spec.schema is not None:
        walk(spec.schema.fields, spec.content)
    return files


def _check_images(model: DocModel, spec: Spec) -> None:
    """A template may show only images the spec declared (a seal named in the spec): never a file it names itself."""
    from docgen.model.blocks import Signature

    declared = _declared_files(spec)
    for _, block in model.walk():
        if isinstance(block, Signature):
            for signer in block.signers:
                if signer.image and signer.image not in declared:
                    raise TemplateError(
                        f"模板要显示的图片“{signer.image}”不是规格里写的图片文件",
                        hint="印章、签名章图片只能来自规格（如 signature.seals），模板不能自己指定文件",
                    )


def build(
    spec: str | os.PathLike[str] | dict[str, Any] | Spec,
    out_dir: str | os.PathLike[str] | None = None,
    formats: Iterable[str] = DEFAULT_FORMATS,
    *,
    templates: str | os.PathLike[str] | None = None,
    style: str | os.PathLike[str] | StyleProfile | None = None,
    name: str | None = None,
    parallel: bool = False,
) -> list[Path]:
    """Render and write one file per format, named after the spec (``jinan.yaml`` → ``jinan.docx``), into
    ``out_dir`` (default: beside the spec, or the current directory for in-memory specs). Every output is rendered
    before any is written, and each is written atomically. ``parallel``: write DOCX and PDF side by side in a
    forked process (the ``docgen`` command's choice; a library leaves its caller's process alone by default)."""
    formats = list(dict.fromkeys(formats))
    for fmt in formats:
        if fmt not in WRITERS:
            raise DocgenError(f"不支持的输出格式“{fmt}”", SourceRef(), hint=f"可用的格式：{'、'.join(FORMATS)}")
    loaded = load_spec(spec)
    document = render(loaded, templates=templates, style=style)
    folder = Path(out_dir) if out_dir is not None else (loaded.base_dir if loaded.path else Path.cwd())
    stem = name or document.name
    outputs = {folder / f"{stem}.{fmt}": data for fmt, data in _render_formats(document, formats, parallel).items()}
    for path, data in outputs.items():
        write_atomic(path, data)
    return list(outputs)
