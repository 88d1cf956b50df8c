"""Benchmark: `docgen check` is linear in the length of the text, even where every few characters hold a finding.

One paragraph of 会议强调 text with an ASCII comma every 20 characters (each a D001 finding), at 10,000, 100,000 and
1,000,000 characters (500, 5,000 and 50,000 commas); whole process, median of several runs. The time per character
should stay flat; before the fix it grew with the length (3.5 s at 17 KB, 51 s at 70 KB, 204 s at 140 KB).

    python bench/bench_check.py [--runs 3]

Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def paragraph_spec(folder: Path, chars: int) -> tuple[Path, int]:
    unit = "会议强调要加强领导统筹协调抓好落实推进,"  # 20 characters, the last a half-width comma
    text = (unit * (chars // len(unit) + 1))[:chars]
    path = folder / f"para-{chars}.yaml"
    path.write_text(f"title: 标题\nbody:\n  - {text}\n", encoding="utf-8")
    return path, text.count(",")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print("| characters | commas (findings) | seconds | µs per character |")
        print("|---:|---:|---:|---:|")
        for chars in (10_000, 100_000, 1_000_000):
            spec, commas = paragraph_spec(Path(tmp), chars)
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                subprocess.run([sys.executable, "-m", "docgen", "check", str(spec)], capture_output=True, check=False)
                times.append(time.perf_counter() - start)
            seconds = statistics.median(times)
            print(f"| {chars:,} | {commas:,} | {seconds:.2f} | {seconds / chars * 1e6:.2f} |")


if __name__ == "__main__":
    main()
