"""Spec → block markup → ``DocModel``, through Jinja2 templates that clerks may copy and edit.

Templates run in Jinja2's sandbox with ``StrictUndefined`` and autoescaping: spec text is data (``{{ 7*7 }}`` in a
paragraph stays as typed), a misspelt variable stops the build, and a template cannot reach Python internals.
Errors name the template file and line.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from types import TracebackType

import jinja2
from jinja2 import nodes

from docgen.cache import cache_root
from docgen.errors import DocgenError, OutputError, SourceRef, SpecError, TemplateError
from docgen.model.blocks import DocModel
from docgen.model.parse import parse_markup
from docgen.output import write_atomic
from docgen.spec.model import Spec
from docgen.template.context import plain_context
from docgen.template.loader import TemplateFolders
from docgen.template.sandbox import CODE_VERSION, Budget, DocgenSandbox, TemplateLimit, TemplateLimits

__all__ = [
    "TemplateLimits",
    "builtin_templates_dir",
    "export_templates",
    "list_kinds",
    "render_model",
    "template_search_path",
]


def builtin_templates_dir() -> Path:
    """The templates shipped with docgen: inside the installed package, or the repository's ``templates/``."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "base.xml").is_file():
            return candidate
    raise TemplateError("找不到 docgen 自带的模板目录", hint="重新安装 docgen（pip install .）")  # pragma: no cover


def template_search_path(spec: Spec, templates: str | os.PathLike[str] | None = None) -> list[Path]:
    """Clerk template folders first (the ``templates`` argument, then the spec's ``templates:`` key), built-ins last."""
    path: list[Path] = []
    if templates is not None:
        path.append(Path(templates))
    if spec.templates:
        path.append(spec.base_dir / spec.templates)
    for folder in path:
        if not folder.is_dir():
            ref = spec.source.ref(("templates",)) if spec.source and spec.templates else SourceRef(str(folder))
            raise TemplateError(f"模板目录不存在：{folder}", ref, hint="templates 的路径相对于规格文件所在目录")
    path.append(builtin_templates_dir())
    return path


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in the user's cache (Jinja checks each against its source's checksum), so a build
    does not compile the same templates again; a cache that cannot be read or written is simply not used. The
    folder carries the sandbox's code version: code compiled under another policy is never loaded."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            super().dump_bytecode(bucket)


def _environment(loader: jinja2.BaseLoader, budget: Budget) -> DocgenSandbox:
    return DocgenSandbox(
        budget,
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        bytecode_cache=_CompiledTemplates(str(cache_root() / "templates" / CODE_VERSION)),
    )


def _template_frame(tb: TracebackType | None, served: list[str]) -> tuple[str, int] | None:
    """The innermost traceback frame that belongs to a template file (Jinja rewrites frames to template lines)."""
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename in served:
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


_UNDEFINED_ATTR = re.compile(r"^(?:'(?P<obj>[^']*)' (?:object )?)?has no attribute '(?P<attr>[^']*)'$")
_UNDEFINED_NAME = re.compile(r"^'(?P<name>[^']*)' is undefined$")


def _undefined_message(exc: jinja2.UndefinedError) -> str:
    text = str(exc.message)
    if m := _UNDEFINED_NAME.match(text):
        return f"模板用到了不存在的变量“{m['name']}”"
    if m := _UNDEFINED_ATTR.match(text):
        return f"模板用到了不存在的属性“{m['attr']}”"
    return f"模板用到了不存在的值（{text}）"


def _where(exc: BaseException, loader: TemplateFolders, name: str) -> SourceRef:
    found = _template_frame(exc.__traceback__, loader.served)
    return SourceRef(*found) if found else SourceRef(loader.served[-1] if loader.served else name)


def render_markup(
    spec: Spec, templates: str | os.PathLike[str] | None = None, limits: TemplateLimits | None = None
) -> tuple[str, TemplateFolders]:
    """Render the spec's template to block markup text, within ``limits`` (time and size)."""
    search = template_search_path(spec, templates)
    loader = TemplateFolders(search[:-1], search[-1])
    env = _environment(loader, Budget(limits or TemplateLimits()))
    name = f"{spec.kind}/document.xml"
    try:
        template = env.get_template(name)
        if loader.folders:  # a clerk's folder is in play (the built-in templates are tested)
            _check_blocks(env, loader, name, ())
        return template.render(plain_context(spec)), loader
    except jinja2.TemplateNotFound as exc:
        kinds = [kind for kind, _ in list_kinds(loader.folders[0] if loader.folders else None)]
        ref = spec.source.ref(("kind",)) if spec.source else SourceRef()
        if exc.name == name:
            raise TemplateError(
                f"没有“{spec.kind}”这种公文模板", ref, hint=f"kind 可用的值：{'、'.join(kinds)}"
            ) from None
        raise TemplateError(
            f"模板“{exc.name}”不存在", _where(exc, loader, name), hint="检查 extends/include 里的模板名"
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"模板语法错误：{exc.message}",
            SourceRef(exc.filename or name, exc.lineno),
            hint="检查 {% %} 与 {{ }} 是否配对，block/for/if 是否都有对应的 end",
        ) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            _undefined_message(exc),
            _where(exc, loader, name),
            hint="检查变量名拼写；规格里的内容都在 spec 下，如 spec.title、spec.masthead.name；"
            "模板里不能调用方法（如 .upper()），请用过滤器（| upper）",
        ) from None
    except (jinja2.exceptions.SecurityError, TemplateLimit) as exc:
        raise TemplateError(
            str(exc) if isinstance(exc, TemplateLimit) else "模板试图访问不允许的内容（出于安全考虑已阻止）",
            _where(exc, loader, name),
            hint="模板只能读取 spec 中的内容，用过滤器处理文字；循环和宏不要套得太深",
        ) from None
    except DocgenError:
        raise
    except RecursionError as exc:
        raise TemplateError(
            "模板递归太深：宏调用了自身，或模板继承、包含了自身",
            _where(exc, loader, name),
            hint="检查 extends/include 的模板名和宏的调用",
        ) from None
    except Exception as exc:  # the template's own code failed ({{ 1/0 }}, int('x')): the clerk's to fix
        found = _template_frame(exc.__traceback__, loader.served)
        if found is None:
            raise  # not in a template: a bug in docgen
        raise TemplateError(f"模板运行出错：{type(exc).__name__}: {exc}", SourceRef(*found)) from None


def _check_blocks(env: jinja2.Environment, loader: jinja2.BaseLoader, name: str, chain: tuple[str, ...]) -> set[str]:
    """Blocks a template may fill: a block that its parent does not have would be dropped by Jinja without a
    word, so it is an error (a misspelt {% block titel %} must not silently keep the built-in title)."""
    source, filename, _ = loader.get_source(env, name)
    if name in chain:
        raise TemplateError(
            f"模板继承成环：{' → '.join((*chain, name))}",
            SourceRef(filename),
            hint="clerk 模板应继承 builtin/ 开头的自带模板",
        )
    tree = env.parse(source, name, filename)
    blocks = list(tree.find_all(nodes.Block))
    nested = {inner.name for block in blocks for inner in block.find_all(nodes.Block)}
    own = {block.name: block.lineno for block in blocks}
    parent = next(tree.find_all(nodes.Extends), None)
    if parent is None or not isinstance(parent.template, nodes.Const):
        return set(own)
    inherited = _check_blocks(env, loader, parent.template.value, (*chain, name))
    # Top-level blocks override the parent's; blocks nested inside them are new places to override further down.
    for block, line in own.items():
        if block not in inherited and block not in nested:
            raise TemplateError(
                f"模板定义了块“{block}”，但它继承的“{parent.template.value}”里没有这个块，内容不会出现",
                SourceRef(filename, line),
                hint=f"可以覆盖的块：{'、'.join(sorted(inherited))}",
            )
    return inherited | set(own)


def list_kinds(templates: str | os.PathLike[str] | None = None) -> list[tuple[str, Path]]:
    """Document kinds the template folders offer (a kind is a folder with document.xml), clerk folders first."""
    from docgen.kinds import kind_folders
    from docgen.kinds import list_kinds as kinds_in

    return [(kind.name, kind.folder) for kind in kinds_in(kind_folders(templates))]


def export_templates(kind: str, target: Path, *, overwrite: bool = False) -> list[Path]:
    """Copy a kind's built-in folder (its template, field table and example), the skeletons kinds extend and the
    shared markup into ``target``, for a clerk to edit."""
    from docgen.kinds import find_kind, kind_folders

    source = builtin_templates_dir()
    try:
        found = find_kind(kind, kind_folders(None))
    except SpecError as error:
        raise TemplateError(error.message, hint=error.hint) from None
    if target.exists() and not target.is_dir():
        raise OutputError("目标已存在，而且不是目录", SourceRef(str(target)), hint="换一个目录名")
    # The shared markup (parts/macros.xml) comes along: a clerk's copy is used before docgen's. The shared field
    # declarations do not: they are docgen's contract with every kind, not a clerk's to change.
    skeletons = sorted(source.glob("*.xml"))  # base.xml, official.xml: what kinds extend
    files = [*skeletons, source / "parts" / "macros.xml", *sorted(found.folder.iterdir())]
    files = [path for path in files if path.is_file()]
    copies = [target / path.relative_to(source) for path in files]
    existing = [copy for copy in copies if copy.exists()]
    if existing and not overwrite:
        raise TemplateError(
            f"目标目录里已有模板文件：{existing[0]}", SourceRef(str(existing[0])), hint="换一个目录，或加 --force 覆盖"
        )
    for original, copy in zip(files, copies, strict=True):
        write_atomic(copy, original.read_bytes())
    return copies


def _locator(loader: TemplateFolders):  # type: ignore[no-untyped-def]
    """Map a tag of the rendered markup to the template line that wrote it: its ``_at`` mark (added when the
    template was compiled), else the first line of a served template holding that tag."""

    def locate(at: str | None, line: int, snippet: str) -> SourceRef:
        if at:
            name, _, number = at.rpartition(":")
            if name in loader.files and number.isdigit():
                return SourceRef(loader.files[name], int(number))
        tag = re.match(r"\s*<\s*([\w-]+)", snippet)
        if tag:
            needle = f"<{tag.group(1)}"
            for filename in loader.served:
                for number, text in enumerate(loader.sources[filename].splitlines(), start=1):
                    if needle in text:
                        return SourceRef(filename, number, text.index(needle) + 1)
        main = loader.served[0] if loader.served else "<模板>"
        return SourceRef(main, None, None, f"生成的标记第 {line} 行：{snippet[:60]}")

    return locate


def render_model(
    spec: Spec, templates: str | os.PathLike[str] | None = None, limits: TemplateLimits | None = None
) -> DocModel:
    """Spec → DocModel through the spec's template (``kind``), clerk folders searched before the built-ins."""
    markup, loader = render_markup(spec, templates, limits)
    return parse_markup(markup, _locator(loader))
