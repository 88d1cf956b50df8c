"""The one exception family docgen raises for problems a user can fix.

Every error carries where it happened (file, line, column, key path) and what to do, so the CLI can print
``spec.yaml:12:5: 错误：…`` without a traceback. Messages are in Chinese because clerks read them.
"""

from __future__ import annotations

from dataclasses import dataclass


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


class DocgenError(Exception):
    """Base of every error a user can fix: bad spec, bad template, bad style, unwritable output."""

    kind = "错误"

    def __init__(self, message: str, source: SourceRef | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source or SourceRef()
        self.hint = hint

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

    def __str__(self) -> str:
        text = f"{self.source.location()}: {self.kind}：{self.message}"
        if self.source.key_path:
            text += f"（{self.source.key_path}）"
        if self.hint:
            text += f"\n  提示：{self.hint}"
        return text


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
