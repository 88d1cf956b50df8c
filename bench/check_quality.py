"""Precision and recall of docgen check's damage rules on damaged copies of clean reports.

    python bench/check_quality.py [--seeds 20]

The clean reports are tests/fixtures/check/*.yaml and the seed spec; tests/check_damage.py damages each copy the way
web copies are damaged (ASCII punctuation, injected advert tokens that docgen's lexicon does not list, characters
dropped from fixed phrases, doubled punctuation, a full stop after the title) and remembers every damage.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.check_damage import evaluate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    sources = [
        *sorted((ROOT / "tests" / "fixtures" / "check").glob("clean-*.yaml")),
        ROOT / "specs" / "jinan-2023-party-building.yaml",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        results = evaluate(sources, Path(tmp), range(args.seeds))
    print(f"{len(sources)} clean reports × {args.seeds} damaged copies each\n")
    print("| rule | damages | found | missed | false findings | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, (tp, fp, fn) in results.items():
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(f"| {name} | {tp + fn} | {tp} | {fn} | {fp} | {precision:.3f} | {recall:.3f} |")


if __name__ == "__main__":
    main()
