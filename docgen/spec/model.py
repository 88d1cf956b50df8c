"""The validated spec: which kind it is, its content (validated against the kind's field table), how it is styled
and where it came from. Nothing here knows about layout."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.spec.yamlsource import YamlDocument

if TYPE_CHECKING:
    from docgen.kinds import Kind
    from docgen.kinds.record import Record


@dataclass(frozen=True)
class Spec:
    """A spec of one kind. Its content reads as attributes: ``spec.title``, ``spec.signature.date``,
    ``spec.attachments[0].speeches`` — whatever the kind declares (absent optional fields are None or empty)."""

    kind: str
    content: Record
    #: A profile name or path, or a mapping of single keys to change (``extends:`` names the profile they change).
    style: str | dict[str, Any] | None = None
    templates: str | None = None
    #: Where the spec came from (None for a dict built in memory); relative paths in the spec resolve against it.
    path: Path | None = field(default=None, compare=False)
    source: YamlDocument | None = field(default=None, compare=False, repr=False)
    #: The kind's definition (its field table and folder).
    schema: Kind | None = field(default=None, compare=False, repr=False)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in ("content",):
            raise AttributeError(name)
        return getattr(self.content, name)

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()
