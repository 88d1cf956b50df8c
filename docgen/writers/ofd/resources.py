"""Images of the frame as MultiMedia resources: each distinct file once, embedded in the package under Res/."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from docgen.errors import OutputError, SourceRef
from docgen.layout.frame import Frame, ImageItem

__all__ = ["EmbeddedImage", "ImageTable"]

_FORMATS = {b"\x89PNG\r\n\x1a\n": ("PNG", "png"), b"\xff\xd8\xff": ("JPEG", "jpg")}


@dataclass(frozen=True)
class EmbeddedImage:
    id: int
    format: str  # MultiMedia Format: PNG or JPEG
    name: str  # the file's name inside the package (Res/…)
    data: bytes


class ImageTable:
    def __init__(self) -> None:
        self.images: list[EmbeddedImage] = []
        self._by_path: dict[Path, int] = {}
        self._by_digest: dict[bytes, int] = {}

    def collect(self, frame: Frame, next_id: int) -> int:
        """Read every image of the frame, in order of first use; the same picture under two names is embedded
        once. Return the next free ID."""
        for page in frame.pages:
            for item in page.items:
                if isinstance(item, ImageItem) and item.path not in self._by_path:
                    next_id = self._add(item.path, next_id)
        return next_id

    def _add(self, path: Path, next_id: int) -> int:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise OutputError(f"图片无法读取，OFD 没有写出：{exc.strerror or exc}", SourceRef(str(path))) from exc
        kind = next((known for magic, known in _FORMATS.items() if data.startswith(magic)), None)
        if kind is None:
            raise OutputError(
                "图片不是 PNG 或 JPEG 文件，OFD 不能嵌入", SourceRef(str(path)), hint="把印章图片另存为 PNG 再试"
            )
        digest = hashlib.sha256(data).digest()
        known_id = self._by_digest.get(digest)
        if known_id is None:
            known_id = self._by_digest[digest] = next_id
            self.images.append(EmbeddedImage(next_id, kind[0], f"image_{len(self.images)}.{kind[1]}", data))
            next_id += 1
        self._by_path[path] = known_id
        return next_id

    def resource(self, path: Path) -> int:
        return self._by_path[path]
