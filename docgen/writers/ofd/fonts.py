"""The document's fonts: one Font resource per (font file, official name), one embedded subset per font file.

The same file may serve several faces (where the machine has no 仿宋 or 楷体, one serif stands in for 仿宋, 楷体
and 宋体): each face still gets its own Font resource named with its official name (``FontRef.family``), so a
reader that substitutes system fonts by name picks 仿宋_GB2312 for the body and 楷体_GB2312 for the headings,
while all of them point at the one subset of the file, which holds the glyphs of every face it serves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docgen.errors import OutputError, SourceRef
from docgen.layout.frame import FontRef, Frame, GlyphRun
from docgen.writers.ofd.subset import Subset, subset_font

__all__ = ["EmbeddedFile", "FontResource", "FontTable", "is_plain"]


def is_plain(run: GlyphRun) -> bool:
    """A run whose every glyph is the cmap glyph of one character (no shaping): the common, fast case."""
    return all(glyph.gid is None and len(glyph.text) == 1 for glyph in run.glyphs)


@dataclass
class EmbeddedFile:
    """One font file as it is embedded: the characters and shaped glyph ids drawn with it, then its subset."""

    path: Path
    index: int
    name: str  # the file's name inside the package (Res/…)
    chars: set[str] = field(default_factory=set)
    gids: set[int] = field(default_factory=set)
    subset: Subset | None = None

    def glyph(self, gid: int) -> int:
        """The subset's id of a shaped glyph (0, .notdef, if the font does not have it)."""
        assert self.subset is not None
        return self.subset.gids.get(gid, 0)


@dataclass(frozen=True)
class FontResource:
    id: int
    family: str
    file: EmbeddedFile


class FontTable:
    """Collects what every font draws (first pass over the frame), then makes the subsets."""

    def __init__(self) -> None:
        self.files: dict[tuple[str, int], EmbeddedFile] = {}
        self.resources: dict[tuple[str, int, str], FontResource] = {}
        self._by_ref: dict[FontRef, FontResource] = {}
        self._plain: set[int] = set()  # id() of the frame's plain runs, found once in ``collect``

    def collect(self, frame: Frame, next_id: int) -> int:
        """Register every font of the frame in order of first use and the glyphs drawn with it; return the next
        free ID after the fonts'."""
        for page in frame.pages:
            for item in page.items:
                if not isinstance(item, GlyphRun) or not item.glyphs:
                    continue
                resource = self._by_ref.get(item.pen.font)
                if resource is None:
                    resource, next_id = self._register(item.pen.font, next_id)
                embedded = resource.file
                if is_plain(item):
                    self._plain.add(id(item))
                    embedded.chars.update(item.text)
                    continue
                for glyph in item.glyphs:
                    if glyph.gid is not None:
                        embedded.gids.add(glyph.gid)
                    else:
                        embedded.chars.update(glyph.text)
        return next_id

    def _register(self, ref: FontRef, next_id: int) -> tuple[FontResource, int]:
        file_key = (str(ref.path), ref.index)
        embedded = self.files.get(file_key)
        if embedded is None:
            embedded = self.files[file_key] = EmbeddedFile(ref.path, ref.index, f"font_{len(self.files)}.ttf")
        family = ref.family or ref.face or Path(ref.path).stem
        key = (*file_key, family)
        resource = self.resources.get(key)
        if resource is None:
            resource = self.resources[key] = FontResource(next_id, family, embedded)
            next_id += 1
        self._by_ref[ref] = resource
        return resource, next_id

    def plain(self, run: GlyphRun) -> bool:
        """Whether a run of the collected frame is plain (``is_plain``), without looking at its glyphs again."""
        return id(run) in self._plain

    def resource(self, ref: FontRef) -> FontResource:
        return self._by_ref[ref]

    def make_subsets(self) -> None:
        for embedded in self.files.values():
            try:
                embedded.subset = subset_font(embedded.path, embedded.index, embedded.chars, embedded.gids)
            except OSError as exc:
                raise OutputError(
                    f"字体文件无法读取，OFD 没有写出：{exc.strerror or exc}", SourceRef(str(embedded.path))
                ) from exc
            if embedded.subset.data[:4] == b"OTTO":  # PostScript outlines (the frame should never hand us one)
                embedded.name = embedded.name.removesuffix(".ttf") + ".otf"
