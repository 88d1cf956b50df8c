"""Writing the seed's OFD against writing its PDF (and DOCX), in one process: the layout done once per render, each
writer timed alone; medians of ``--runs`` after one warm-up. ``python bench/bench_ofd.py [--runs 7]``."""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import docgen

SEED = Path(__file__).resolve().parent.parent / "specs" / "jinan-2023-party-building.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    warm = docgen.render(SEED)
    sizes = {name: len(getattr(warm, name)()) for name in ("to_pdf", "to_ofd", "to_docx")}
    print("| writer | ms (median) | KB |")
    print("|---|---:|---:|")
    for name in ("to_pdf", "to_ofd", "to_docx"):
        times = []
        for _ in range(args.runs):
            document = docgen.render(SEED)
            _ = document.frame  # the layout and the page frame, shared by the PDF and OFD writers
            start = time.perf_counter()
            getattr(document, name)()
            times.append(time.perf_counter() - start)
        print(f"| {name} | {statistics.median(times) * 1000:.0f} | {sizes[name] // 1024} |")


if __name__ == "__main__":
    main()
