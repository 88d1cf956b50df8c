"""One type for everything docgen tells a user about their input: ``Diagnostic`` (where, what, what to do, how bad,
which rule), and the exception that carries one or more of them, ``DocgenError``.

Validation gathers every problem of a spec (up to ``MAX_DIAGNOSTICS``) before it fails; ``docgen check`` reports its
findings as diagnostics of level warning or info as well. The CLI prints each as ``file:line:col: 错误：… (key.path)``
plus a hint, without a traceback. Messages are in Chinese because clerks read them.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "LEVELS",
    "MAX_DIAGNOSTICS",
    "Diagnostic",
    "DocgenError",
    "OutputError",
    "SourceRef",
    "SpecError",
    "StyleError",
    "TemplateError",
]

#: How many problems one error reports at most: the rest are usually the same slip again.
MAX_DIAGNOSTICS = 20

#: level → how a clerk reads it
LEVELS = {"error": "必错", "warning": "疑似", "info": "提示"}


@dataclass(frozen=True)
class SourceRef:
    """A place in a user's file. Lines and columns are 1-based, as editors show them."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    key_path: str | None = None

    def location(self) -> str:
        parts = [self.file or "<输入>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class Diagnostic:
    """One thing to tell the user: where (``source``), what (``message``), what to do (``hint``), how bad
    (``level``: error, warning or info) and, for the rules of ``docgen check``, which rule (``code``)."""

    message: str
    source: SourceRef = SourceRef()
    hint: str | None = None
    level: str = "error"
    code: str | None = None

    @property
    def file(self) -> str | None:
        return self.source.file

    @property
    def line(self) -> int | None:
        return self.source.line

    @property
    def column(self) -> int | None:
        return self.source.column

    @property
    def key_path(self) -> str | None:
        return self.source.key_path

    @property
    def location(self) -> str:
        return self.source.location()

    def render(self, kind: str = "错误") -> str:
        """``file:line:col: kind：message（key.path）`` and the hint on the next line."""
        text = f"{self.source.location()}: {kind}：{self.message}"
        if self.source.key_path:
            text += f"（{self.source.key_path}）"
        if self.hint:
            text += f"\n  提示：{self.hint}"
        return text


class DocgenError(Exception):
    """Base of every error a user can fix: bad spec, bad template, bad style, unwritable output. Carries one
    diagnostic or several (validation reports every problem of a spec at once); the first is the error's own."""

    kind = "错误"

    def __init__(
        self,
        message: str,
        source: SourceRef | None = None,
        hint: str | None = None,
        *,
        more: Iterable[Diagnostic] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source or SourceRef()
        self.hint = hint
        self.diagnostics: tuple[Diagnostic, ...] = (Diagnostic(message, self.source, hint), *more)

    @classmethod
    def of(cls, diagnostics: Iterable[Diagnostic]) -> DocgenError:
        """One error for several problems, the first in file order leading."""
        found = sorted(diagnostics, key=lambda d: (d.file or "", d.line or 0, d.column or 0))
        first, *rest = found
        return cls(first.message, first.source, first.hint, more=rest)

    @property
    def file(self) -> str | None:
        return self.source.file

    @property
    def line(self) -> int | None:
        return self.source.line

    @property
    def column(self) -> int | None:
        return self.source.column

    @property
    def key_path(self) -> str | None:
        return self.source.key_path

    def at_file(self, file: str) -> DocgenError:
        """The same error with ``file`` named where it named none (a build names its spec for what the layout or
        a writer found about the whole document)."""
        located = copy.copy(self)
        located.diagnostics = tuple(
            d if d.file else dataclasses.replace(d, source=dataclasses.replace(d.source, file=file))
            for d in self.diagnostics
        )
        located.source = located.diagnostics[0].source
        return located

    def __str__(self) -> str:
        shown = self.diagnostics[:MAX_DIAGNOSTICS]
        lines = [diagnostic.render(self.kind) for diagnostic in shown]
        if len(self.diagnostics) > len(shown):
            lines.append(f"（还有 {len(self.diagnostics) - len(shown)} 个问题没有列出）")
        return "\n".join(lines)


class SpecError(DocgenError):
    """The spec file cannot be read or does not have the expected shape."""

    kind = "规格错误"


class TemplateError(DocgenError):
    """A template is missing, has a syntax error, or produced markup docgen cannot understand."""

    kind = "模板错误"


class StyleError(DocgenError):
    """A style profile is missing or holds an impossible value."""

    kind = "样式错误"


class OutputError(DocgenError):
    """An output file could not be written."""

    kind = "输出错误"
