"""Write the DOCX in a forked child while this process writes the PDF.

The two writers share nothing but the laid-out document, and a build of both formats spends about as long in each,
so on a machine with two cores they can run side by side: the child gets the layout for free (fork copies the
process), returns the DOCX bytes through a pipe, and writes no file itself, so outputs still appear whole or not at
all. Only where forking is safe and useful: a POSIX fork (not macOS, whose system libraries may not survive it), more
than one CPU, and no other thread in the process (a forked child gets only the calling thread, with every lock as
the others left it).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["Exceeded", "can_fork", "run_beside", "run_bounded"]


def can_fork() -> bool:
    return (
        hasattr(os, "fork") and sys.platform != "darwin" and (os.cpu_count() or 1) > 1 and threading.active_count() == 1
    )


def _die_with(parent: int) -> None:
    """In the child: be killed when the parent dies, even by SIGKILL, which no handler sees (Linux's
    PR_SET_PDEATHSIG); if the parent is already gone, end now. Elsewhere a killed parent's child finishes its
    DOCX, writes it into a pipe nobody reads, and ends."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    if os.getppid() != parent:
        os._exit(1)


def _fork_job(job: Callable[[], Any], prepare: Callable[[], None] | None = None) -> tuple[int, int]:
    """Fork a child that runs ``job`` (after ``prepare``: limits, an alarm) and sends back (True, result) or
    (False, the exception), pickled, through a pipe; it dies with this process and leaves without running its exit
    handlers. Returns (the child's pid, the pipe's read end)."""
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            _die_with(parent)
            os.close(read_end)
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C reaches the whole process group: just die
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            if prepare is not None:
                prepare()
            try:
                message = pickle.dumps((True, job()), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as error:  # every failure goes back to the parent
                try:
                    message = pickle.dumps((False, error), protocol=pickle.HIGHEST_PROTOCOL)
                except Exception:  # an exception that does not pickle: the parent sees no answer
                    message = b""
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(message)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end


def _answer(pid: int, read_end: int, own_job: Callable[[], Any] = lambda: None) -> tuple[bytes, Any]:
    """``own_job()`` here, then the child's message; interrupted or failed here, the child is stopped too."""
    try:
        own = own_job()
        with os.fdopen(read_end, "rb") as pipe:
            message = pipe.read()
        read_end = -1
    finally:
        if read_end != -1:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.close(read_end)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    return message, own


class Exceeded(Exception):
    """A bounded child ran out of its time or memory."""


def run_bounded(job: Callable[[], Any], *, seconds: int, memory: int) -> Any:
    """``job()`` in a forked child under ``memory`` bytes of address space and a ``seconds`` alarm: its result,
    or its exception raised here; ``Exceeded`` when it ran out of either."""
    import resource

    def prepare() -> None:
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        signal.alarm(seconds)

    message, _ = _answer(*_fork_job(job, prepare))
    if not message:
        raise Exceeded
    ok, value = pickle.loads(message)
    if not ok:
        if isinstance(value, MemoryError):
            raise Exceeded from None
        raise value
    return value


def run_beside(child_job: Callable[[], bytes], own_job: Callable[[], bytes]) -> tuple[bytes, bytes]:
    """``(child_job(), own_job())``, the first computed in a forked child. An exception in the child is raised
    here; if the child dies without an answer (killed, out of memory), its job is run here instead."""
    message, own = _answer(*_fork_job(child_job), own_job)
    if not message:
        return child_job(), own
    ok, value = pickle.loads(message)
    if not ok:
        raise value
    return value, own
