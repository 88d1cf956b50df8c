"""Many documents at once: each spec built in its own process (``jobs`` at a time), failures collected, not fatal.

Every output file is written atomically (temporary file + rename), so builds sharing an output folder never see or
leave half a file; two specs that would write the same file name are refused before anything is built.

Failures of one spec never stop the others: a user error is reported with its position, and so is a bug (an
internal error, with its traceback) or a worker that died (killed, out of memory). Interrupting the batch (Ctrl-C,
SIGTERM) cancels what has not started and stops the workers at once: nothing is written after the signal.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from docgen.document import build
from docgen.errors import DocgenError, OutputError, SourceRef
from docgen.writers import DEFAULT_FORMATS

INTERNAL_ERROR = "docgen 内部错误：这不是你的规格文件的问题，请把上面的信息报告给开发者。"


@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    failures: list[tuple[Path, str]] = field(default_factory=list)  # (spec, message as the CLI prints it)
    warnings: list[str] = field(default_factory=list)  # distinct warnings, in the order first seen
    #: specs that failed on a bug in docgen (or a worker that died), not on a user error
    internal: list[Path] = field(default_factory=list)
    #: what ``check`` said about each spec (``build_many(check=…)``), in the order of the specs
    findings: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class _Outcome:
    written: list[Path]
    error: str | None = None
    warnings: tuple[str, ...] = ()
    internal: bool = False
    findings: str = ""


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


_building = False
_parent_pid = os.getpid()


def _worker_start(settings: object = None) -> None:
    """In a worker process: the parent's settings (a worker started by spawning, not forking, has none), then the
    signals."""
    if settings is not None:
        import dataclasses

        from docgen.settings import configure

        configure(**dataclasses.asdict(settings))  # type: ignore[call-overload]
    _worker_signals()


def _worker_signals() -> None:
    """In a worker process: SIGTERM/SIGINT during a build unwind it (temporary files are removed); when idle,
    the worker simply ends."""

    def stop(signum: int, frame: object) -> None:
        if _building:
            raise KeyboardInterrupt
        os._exit(130)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def _build_one(
    spec: Path,
    out_dir: Path | None,
    formats: tuple[str, ...],
    templates: Path | None,
    style: str | None,
    parallel: bool = False,
    check: Callable[[Path], str] | None = None,
) -> _Outcome:
    """Build one spec (after ``check``, whose answer it keeps); in a worker it returns plain values (an error as
    its printed text)."""
    global _building
    collect = _Collect()
    logger = logging.getLogger("docgen")
    logger.addHandler(collect)
    _building = True
    findings = ""
    try:
        if check is not None:
            findings = check(spec)
        written = build(spec, out_dir=out_dir, formats=formats, templates=templates, style=style, parallel=parallel)
        return _Outcome(written, None, tuple(collect.messages), findings=findings)
    except DocgenError as error:
        located = error if error.file else error.at_file(str(spec))
        return _Outcome([], str(located), tuple(collect.messages), findings=findings)
    except KeyboardInterrupt:
        if os.getpid() != _parent_pid:  # a worker being stopped: its temporary files are gone, so just end
            os._exit(130)
        raise
    except Exception:  # a bug: this spec fails, the others go on
        message = f"{spec}:\n{traceback.format_exc()}{INTERNAL_ERROR}"
        return _Outcome([], message, tuple(collect.messages), True, findings)
    finally:
        _building = False
        logger.removeHandler(collect)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # the build reports it
        return 0


def _check_names(specs: Sequence[Path], out_dir: Path | None, formats: tuple[str, ...]) -> None:
    targets: dict[Path, Path] = {}
    for spec in specs:
        folder = out_dir if out_dir is not None else spec.parent
        for fmt in formats:
            target = (folder / f"{spec.stem}.{fmt}").resolve()
            if target in targets and targets[target] != spec:
                raise OutputError(
                    f"{targets[target]} 和 {spec} 会写到同一个文件 {target.name}",
                    SourceRef(str(spec)),
                    hint="给其中一个规格文件改名，或分别输出到不同目录",
                )
            targets[target] = spec


def _stop(pool: object) -> None:
    """Cancel what has not started and end the workers now (SIGTERM: a build in progress removes its temporary
    files; a worker still alive after two seconds is killed)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)  # type: ignore[attr-defined]
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(2)
            if process.is_alive():
                process.kill()
                process.join(1)


def _in_pool(
    indexes: list[int], run: Callable[[int], tuple], jobs: int, record: Callable[[int, _Outcome], None]
) -> list[int]:
    """Run specs in a process pool; returns those whose outcome was lost because a worker died."""
    from concurrent.futures import ProcessPoolExecutor, as_completed  # 15 ms of imports a single build skips
    from concurrent.futures.process import BrokenProcessPool

    lost: list[int] = []
    from docgen.settings import current

    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_start, initargs=(current(),))
    try:
        futures = {pool.submit(_build_one, *run(i)): i for i in indexes}
        for future in as_completed(futures):
            try:
                record(futures[future], future.result())
            except BrokenProcessPool:
                lost.append(futures[future])
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown(wait=True)
    return lost


def build_many(
    specs: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str] | None = None,
    formats: Iterable[str] = DEFAULT_FORMATS,
    *,
    jobs: int = 1,
    templates: str | os.PathLike[str] | None = None,
    style: str | None = None,
    progress: Callable[[int, int, int], None] | None = None,
    parallel: bool = False,
    check: Callable[[Path], str] | None = None,
) -> BatchResult:
    """Build every spec, ``jobs`` processes at a time, continuing past failures. ``progress(done, total, failed)``
    is called after each document. ``parallel``: each document's DOCX beside its PDF (see ``docgen.build``).
    ``check(spec)``: run before each spec's build in the process that builds it (a function that pickles, for the
    workers); its answers are in ``BatchResult.findings``."""
    paths = [Path(spec) for spec in specs]
    folder = Path(out_dir) if out_dir is not None else None
    fmts = tuple(dict.fromkeys(formats))
    tmpl = Path(templates) if templates is not None else None
    _check_names(paths, folder, fmts)
    result = BatchResult()
    outcomes: dict[int, _Outcome] = {}

    def record(index: int, outcome: _Outcome) -> None:
        outcomes[index] = outcome
        if progress:
            progress(len(outcomes), len(paths), sum(1 for o in outcomes.values() if o.error))

    def arguments(index: int) -> tuple:
        return paths[index], folder, fmts, tmpl, style, parallel and jobs <= 1, check

    if jobs <= 1 or len(paths) <= 1:
        for index in range(len(paths)):
            record(index, _build_one(*arguments(index)))
    else:
        # The largest specs first: a long build started last would leave the other workers idle at the end.
        order = sorted(range(len(paths)), key=lambda index: -_size(paths[index]))
        lost = _in_pool(order, arguments, jobs, record)
        # A worker died (killed, out of memory) and took its pool with it: build the unfinished ones again, each
        # in a pool of its own, so that the one that kills its worker is the one reported.
        for index in lost:
            if _in_pool([index], arguments, 1, record):
                message = f"{paths[index]}: 排版这个规格的进程意外退出（可能是内存不足或被终止）"
                record(index, _Outcome([], message, (), True))
    for index in sorted(outcomes):
        outcome = outcomes[index]
        result.written += outcome.written
        if outcome.error:
            result.failures.append((paths[index], outcome.error))
            if outcome.internal:
                result.internal.append(paths[index])
        for warning in outcome.warnings:
            if warning not in result.warnings:
                result.warnings.append(warning)
        if check is not None:
            result.findings.append((paths[index], outcome.findings))
    return result
