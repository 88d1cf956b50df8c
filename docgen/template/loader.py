"""Where templates come from: the clerk's folders, then the built-in ones, and never anywhere else.

A template name is a path inside one of the folders (``meeting-summary/document.xml``); ``builtin/NAME`` always
means the built-in template, so a clerk's template can extend the one it changes. A name that climbs out (``..``)
is not found, and a file that is a link to somewhere outside its folder is refused: ``{% include %}`` must not read
``/etc/passwd`` through a symlink a clerk (or an attacker) left in a template folder. Files are read with a bound,
and only regular files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path

from docgen.errors import SourceRef, TemplateError
from docgen.inputs import read_bounded

__all__ = ["BUILTIN_PREFIX", "MAX_TEMPLATE_BYTES", "TemplateFolders"]

BUILTIN_PREFIX = "builtin/"
#: A template is a page of markup; a megabyte is a thousand pages of it.
MAX_TEMPLATE_BYTES = 1024 * 1024


class TemplateFolders(jinja2.BaseLoader):
    """Clerk folders first, the built-in folder last; remembers the files it served (for error positions)."""

    def __init__(self, folders: Sequence[Path], builtin: Path) -> None:
        self.folders = [Path(folder) for folder in folders]
        self.builtin = Path(builtin)
        self.served: list[str] = []
        self.sources: dict[str, str] = {}
        #: template name (as extends/include name it) → the file it was read from
        self.files: dict[str, str] = {}

    @property
    def searchpath(self) -> list[Path]:
        return [*self.folders, self.builtin]

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # TemplateNotFound for ".." and empty parts
        roots = self.searchpath
        if template.startswith(BUILTIN_PREFIX):
            roots, pieces = [self.builtin], pieces[1:]
        for root in roots:
            candidate = root.joinpath(*pieces)
            if not os.path.lexists(candidate):
                continue
            real = Path(os.path.realpath(candidate))
            if not real.is_relative_to(os.path.realpath(root)):
                raise TemplateError(
                    f"模板“{template}”是指向模板目录以外的链接，不能使用",
                    SourceRef(str(candidate)),
                    hint="把模板文件本身放进模板目录，不要用符号链接",
                )
            raw = read_bounded(real, MAX_TEMPLATE_BYTES, "模板文件", TemplateError)
            try:
                source = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise TemplateError(
                    f"模板文件不是 UTF-8 编码（第 {exc.start + 1} 个字节）",
                    SourceRef(str(candidate)),
                    hint="在编辑器中把模板另存为 UTF-8",
                ) from None
            filename = str(candidate)
            self.files[template] = filename
            if filename not in self.sources:
                self.served.append(filename)
            self.sources[filename] = source
            return source, filename, lambda: True
        raise jinja2.TemplateNotFound(template)
