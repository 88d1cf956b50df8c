"""Benchmark: a batch of 20 specs built by one process (`-j 1`) and by two (`-j 2`), whole process.

The 20 specs are docgen's example specs (specs/*.yaml, every kind, with their seals; most are one to three pages) and
copies of the seed to make up the number, in a temporary folder; with ``--seed`` they are 20 copies of the seed (21
pages each). Each command builds all of them to PDF into an empty folder; the two commands
are run in turn, run after run (this machine drifts), and the script prints the medians and their ratio. Not a
test: nothing here asserts a time.

Beside it, in the same runs, the machine's own ceiling: a loop of pure Python run twice one after the other and
twice at once in two processes. What two processes gain on a loop that shares nothing is the most any Python batch
can gain here (a virtual machine's second core may be a hyperthread, or shared with its neighbours).

    python bench/bench_batch.py              # 5 runs of each
    python bench/bench_batch.py --runs 9 --formats docx,pdf
    python bench/bench_batch.py --seed
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "specs" / "jinan-2023-party-building.yaml"
COUNT = 20


def make_batch(folder: Path, seed_only: bool) -> list[Path]:
    shutil.copytree(ROOT / "specs", folder / "specs")
    specs = [] if seed_only else sorted((folder / "specs").glob("*.yaml"))
    for number in range(COUNT - len(specs)):
        copy = folder / "specs" / f"seed-copy-{number + 1:02d}.yaml"
        shutil.copy(SEED, copy)
        specs.append(copy)
    return specs[:COUNT]


def timed(command: list[str], out: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} … failed:\n{done.stderr[-2000:]}")
    return seconds


#: a pure-Python loop sharing nothing (no files, no memory), about a second long
_LOOP = "n = 0\nfor i in range(12_000_000):\n    n += i & 7\n"


def loop_twice(at_once: bool) -> float:
    """Seconds for two runs of ``_LOOP``: one after the other, or in two processes at once."""
    command = [sys.executable, "-c", _LOOP]
    start = time.perf_counter()
    if at_once:
        running = [subprocess.Popen(command) for _ in range(2)]
        for process in running:
            process.wait()
    else:
        for _ in range(2):
            subprocess.run(command, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--formats", default="pdf", help="comma-separated: pdf, docx, ofd (default pdf)")
    parser.add_argument("--seed", action="store_true", help="20 copies of the seed instead of the example specs")
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "docgen"), quiet=1)  # as an installed docgen runs (see bench_build.py)
    formats = [flag for fmt in args.formats.split(",") for flag in ("-f", fmt.strip())]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        specs = make_batch(folder, args.seed)
        out = folder / "out"
        times: dict[int, list[float]] = {1: [], 2: []}
        loops: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(args.runs):
            for jobs in (1, 2):
                command = [sys.executable, "-m", "docgen", "build", *map(str, specs), *formats, "-o", str(out)]
                times[jobs].append(timed([*command, "-j", str(jobs)], out))
            for at_once in (False, True):
                loops[at_once].append(loop_twice(at_once))
        one, two = statistics.median(times[1]), statistics.median(times[2])
        in_turn, at_once = statistics.median(loops[False]), statistics.median(loops[True])
    kind = "copies of the seed" if args.seed else "specs (the examples and copies of the seed)"
    print(f"{COUNT} {kind} → {args.formats}, median of {args.runs} runs each, whole process ({os.cpu_count()} cores):")
    print(f"  -j 1: {one:.2f} s   -j 2: {two:.2f} s   speed-up: {one / two:.2f}×")
    print(f"the machine's ceiling, a pure-Python loop run twice, median of {args.runs}:")
    print(f"  in turn: {in_turn:.2f} s   at once: {at_once:.2f} s   speed-up: {in_turn / at_once:.2f}×")


if __name__ == "__main__":
    main()
