"""Regenerate the layout golden pages (tests/golden/*.txt) after a change that moves lines on purpose:

    python tests/update_golden.py

Then read the diff (git diff tests/golden) as a reader of the pages would, and commit it with the change.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_golden import GOLDEN, SPECS, pages_of  # noqa: E402


def main() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for name, spec in SPECS.items():
        (GOLDEN / f"{name}.txt").write_text(pages_of(spec), encoding="utf-8")
        print(f"updated {GOLDEN / name}.txt")


if __name__ == "__main__":
    main()
