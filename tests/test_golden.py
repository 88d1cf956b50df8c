"""Layout golden pages: every example spec's pages as text grids (``docgen debug pages``), compared line by line
with tests/golden/*.txt. A change that moves a line on purpose regenerates them: ``python tests/update_golden.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

import docgen
from docgen.layout.dump import dump_pages
from docgen.template import builtin_templates_dir

from .conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
SPECS: dict[str, Path] = {
    "seed": ROOT / "specs" / "jinan-2023-party-building.yaml",
    "full-features": ROOT / "tests" / "specs" / "full-features.yaml",
    **{
        f"example-{kind.name}": kind / "example.yaml"
        for kind in sorted(builtin_templates_dir().iterdir())
        if (kind / "example.yaml").is_file()
    },
    **{
        f"spec-{spec.stem}": spec
        for spec in sorted((ROOT / "specs").glob("*.yaml"))
        if spec.stem != "jinan-2023-party-building"
    },
}


def pages_of(spec: Path) -> str:
    document = docgen.render(spec)
    return dump_pages(document.layout, document.style)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_pages_are_the_golden_ones(name: str) -> None:
    golden = GOLDEN / f"{name}.txt"
    assert golden.is_file(), f"no golden pages for {name}: run python tests/update_golden.py"
    expected = golden.read_text(encoding="utf-8").splitlines()
    actual = pages_of(SPECS[name]).splitlines()
    for number, (want, got) in enumerate(zip(expected, actual, strict=False), start=1):
        assert got == want, f"{golden.name}:{number}: layout moved (python tests/update_golden.py if on purpose)"
    assert len(actual) == len(expected), f"{golden.name}: {len(actual)} rows, golden has {len(expected)}"
