"""Writing files so that they appear whole or not at all: a temporary file beside the target, then a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from docgen.errors import OutputError, SourceRef


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; on any failure the old file (if any) stays and no temp file is left."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(
            f"无法在目录中创建文件：{exc.strerror}", SourceRef(str(folder)), hint="检查输出目录是否存在、是否有写权限"
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError):
            raise OutputError(
                f"写入失败：{exc.strerror}", SourceRef(str(path)), hint="检查磁盘空间，以及文件是否正被 Word/WPS 打开"
            ) from None
        raise
