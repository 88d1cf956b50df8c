"""Writing files so that they appear whole or not at all: a temporary file beside the target, then a rename.

- The temporary file is a hidden ``.NAME.PID.RANDOM.tmp`` beside the target (a rename is atomic only within one
  file system); one left by a process that was killed (``kill -9``) is removed the next time the same file is
  written, once no process with its PID runs. (Linux's anonymous ``O_TMPFILE`` would leave nothing at all, but
  giving it a name through /proc fails on overlay file systems, where containers run.)
- A new file gets the permissions the user's umask allows (as any program's would); a file that is replaced keeps
  its own, so ``docgen check --fix`` does not widen a 0600 spec to 0644.
- ``expect``: the bytes the file must still hold just before it is replaced (a file edited meanwhile is refused,
  not overwritten).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from pathlib import Path

from docgen.errors import OutputError, SourceRef

__all__ = ["write_atomic"]


def _umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux), else by setting it back."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or a system that cannot tell: keep its file
        return True
    return True


def _remove_stale(folder: Path, name: str) -> None:
    """Temporary files of this target left by processes that were killed."""
    pattern = re.compile(rf"^\.{re.escape(name)}\.(\d+)\.[0-9a-f]+\.tmp$")
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            match = pattern.match(entry.name)
            if match and int(match.group(1)) != os.getpid() and not _alive(int(match.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _visible_name(folder: Path, name: str) -> Path:
    return folder / f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"


def _open_temporary(folder: Path, name: str) -> tuple[int, Path]:
    temporary = _visible_name(folder, name)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    return os.open(temporary, flags, 0o600), temporary


def write_atomic(path: Path, data: bytes, *, mode: int | None = None, expect: bytes | None = None) -> None:
    """Write ``data`` to ``path`` atomically; on any failure the old file (if any) stays and no temporary file is
    left. ``mode``: the permissions (default: the replaced file's, or what the umask allows for a new one)."""
    path = Path(path)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale(folder, path.name)
        fd, temporary = _open_temporary(folder, path.name)
    except OSError as exc:
        raise OutputError(
            f"无法在目录中创建文件：{exc.strerror}", SourceRef(str(folder)), hint="检查输出目录是否存在、是否有写权限"
        ) from None
    if mode is None:
        try:
            existing = os.stat(path)
            mode = stat.S_IMODE(existing.st_mode) if stat.S_ISREG(existing.st_mode) else None
        except OSError:
            mode = None
        if mode is None:
            mode = 0o666 & ~_umask()
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        if expect is not None and _current(path) != expect:
            raise OutputError(
                "文件在读取之后被修改过，没有写入",
                SourceRef(str(path)),
                hint="重新运行这条命令（先关闭正在编辑它的程序）",
            )
        os.replace(temporary, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise OutputError(
                f"写入失败：{exc.strerror}", SourceRef(str(path)), hint="检查磁盘空间，以及文件是否正被 Word/WPS 打开"
            ) from None
        raise


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
