"""Reading a user's file with a bound: every file docgen reads on a user's behalf (a spec, a style profile, a lexicon,
a template, a text to import, a font) goes through ``read_bounded``.

``stat().st_size`` cannot be trusted for a bound: ``/dev/zero`` and ``/proc`` files report 0 and never end, a FIFO
blocks the reader until someone writes. So the file is opened without blocking, refused unless it is a regular file,
and read only up to the limit: a file that turns out longer is refused, whatever its size said.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from docgen.errors import DocgenError, SourceRef

__all__ = ["MB", "read_bounded", "regular_file"]

MB = 1024 * 1024


def _refuse(error: type[DocgenError], path: Path, message: str, hint: str | None = None) -> DocgenError:
    return error(message, SourceRef(str(path)), hint=hint)


def _open(path: Path, what: str, error: type[DocgenError]) -> int:
    """A descriptor for a regular file, opened without blocking (a FIFO would block a plain open)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise _refuse(error, path, f"找不到{what}", "检查文件名和所在目录") from None
    except IsADirectoryError:
        raise _refuse(error, path, f"这是一个目录，不是{what}", "写出目录中的文件名") from None
    except PermissionError:
        raise _refuse(error, path, f"没有权限读取{what}") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _refuse(error, path, f"{what}是一个循环的符号链接") from None
        raise _refuse(error, path, f"无法打开{what}：{exc.strerror}") from None
    mode = os.fstat(fd).st_mode
    if stat.S_ISDIR(mode):
        os.close(fd)
        raise _refuse(error, path, f"这是一个目录，不是{what}", "写出目录中的文件名")
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise _refuse(error, path, f"{what}不是普通文件（是设备、管道或套接字）", "只能读取磁盘上的普通文件")
    return fd


def regular_file(path: str | os.PathLike[str], what: str, error: type[DocgenError]) -> Path:
    """``path`` if it names a regular file (following links), else the error: for files read by other libraries
    (fonts), which would hang on a FIFO or read a device forever."""
    file = Path(path)
    os.close(_open(file, what, error))
    return file


def read_bounded(path: str | os.PathLike[str], limit: int, what: str, error: type[DocgenError]) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or ``error`` naming the file and what to do."""
    file = Path(path)
    fd = _open(file, what, error)
    try:
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 * MB, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _refuse(error, file, f"读取{what}失败：{exc.strerror}") from None
    finally:
        os.close(fd)
    if size > limit:
        raise _refuse(
            error,
            file,
            f"{what}太大（超过 {limit // MB if limit >= MB else limit} {'MB' if limit >= MB else '字节'}）",
            "检查是否选错了文件；特别长的材料请拆成几份",
        )
    return b"".join(chunks)
