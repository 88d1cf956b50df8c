"""The validated spec: frozen dataclasses that templates read. Nothing here knows about layout."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.spec.yamlsource import YamlDocument


@dataclass(frozen=True)
class Masthead:
    """版头 of an internal bulletin (简报/信息): red name, 期号, issuer and date."""

    name: str
    issue: str | None = None
    issuer: str | None = None
    date: dt.date | None = None


@dataclass(frozen=True)
class BodyHeading:
    """A structural heading inside the body; ``number`` counts within its level (一、 → 1)."""

    text: str
    level: int
    number: int


@dataclass(frozen=True)
class Section:
    """A numbered section of a speech: heading (run in, in 黑体) and its paragraphs."""

    heading: str
    paragraphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Speech:
    unit: str
    title: str | None = None
    lead: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Attachment:
    title: str
    speeches: tuple[Speech, ...] = ()
    paragraphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Signature:
    issuer: str
    date: dt.date | None = None


@dataclass(frozen=True)
class Distribution:
    """版记: 抄送 and 印发."""

    cc: tuple[str, ...] = ()
    printed_by: str | None = None
    printed_on: dt.date | None = None


@dataclass(frozen=True)
class Spec:
    kind: str
    title: str
    body: tuple[str | BodyHeading, ...]
    masthead: Masthead | None = None
    attachments: tuple[Attachment, ...] = ()
    signature: Signature | None = None
    distribution: Distribution | None = None
    #: A profile name or path, or a mapping of single keys to change (``extends:`` names the profile they change).
    style: str | dict[str, Any] | None = None
    templates: str | None = None
    #: Where the spec came from (None for a dict built in memory); relative paths in the spec resolve against it.
    path: Path | None = field(default=None, compare=False)
    source: YamlDocument | None = field(default=None, compare=False, repr=False)

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()
