"""Benchmark: whole-process time and peak memory of `docgen build` (DOCX, PDF, both) for the seed spec and for specs
10× and 50× its size, LibreOffice converting the same DOCX to PDF (for comparison), and a first build on a bare
machine (empty font cache, default fonts). Each number is the median of several runs.

    python bench/bench_build.py            # prints a Markdown table (copy it into the README)
    python bench/bench_build.py --runs 7

Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "specs" / "jinan-2023-party-building.yaml"

# Run a command as the only child of a small Python process, so RUSAGE_CHILDREN's maxrss is that command's peak.
_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
elapsed = time.perf_counter() - start
print(json.dumps({"code": code, "seconds": elapsed, "peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True, env=env
    )
    result = json.loads(out.stdout)
    if result["code"] != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return result["seconds"], result["peak_kb"] / 1024


def scaled_spec(factor: int, folder: Path) -> Path:
    """The seed spec with its speeches repeated ``factor`` times (and the body too), as a bigger real-looking input."""
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data["body"] = data["body"] * factor
    data["attachments"][0]["speeches"] = data["attachments"][0]["speeches"] * factor
    path = folder / f"seed-x{factor}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def long_paragraph(folder: Path) -> Path:
    """A spec whose body is one paragraph of 100,000 characters (the seed's text, repeated)."""
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    text = "".join(data["body"])
    data["body"] = [(text * (100_000 // len(text) + 1))[:100_000]]
    del data["attachments"]
    path = folder / "long-paragraph.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000), encoding="utf-8")
    return path


def median_of(runs: int, command: list[str]) -> tuple[float, float]:
    samples = [measure(command) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def first_build_command(folder: Path) -> tuple[list[str], dict[str, str]]:
    """A build as on a bare machine: an empty font cache and the default faces (Noto Serif SC / Sans SC, CFF),
    so the time includes converting them."""
    from docgen.fonts import default_font

    serif, sans = str(default_font("serif")[1]), str(default_font("sans")[1])
    env = dict(os.environ, DOCGEN_CACHE_DIR=str(folder / "empty-cache"))
    for face in ("FANGSONG", "XIAOBIAOSONG", "KAITI", "SONGTI"):
        env[f"DOCGEN_FONT_{face}"] = serif
    env["DOCGEN_FONT_HEITI"] = sans
    return [sys.executable, "-m", "docgen", "build", str(SEED), "-o", str(folder), "-f", "pdf"], env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed-only", action="store_true", help="only the seed's rows and LibreOffice on the seed")
    args = parser.parse_args()
    # pip writes .pyc files when it installs docgen; an editable install run with PYTHONDONTWRITEBYTECODE (as in
    # CI) never does, and would compile every module at every start. Measure what an installed docgen does.
    compileall.compile_dir(str(ROOT / "docgen"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        specs = {"seed": SEED}
        if not args.seed_only:
            specs |= {
                "seed ×10": scaled_spec(10, folder),
                "seed ×25": scaled_spec(25, folder),
                "seed ×50": scaled_spec(50, folder),
                "one 100,000-character paragraph": long_paragraph(folder),
            }
        docgen = [sys.executable, "-m", "docgen", "build"]
        commands: list[tuple[str, int, list[str]]] = [
            ("Python start-up alone (`python -c pass`)", 0, [sys.executable, "-c", "pass"])
        ]
        for name, formats in (
            ("seed", ["docx"]),
            ("seed", ["pdf"]),
            ("seed", ["docx", "pdf"]),
            ("seed ×10", ["docx", "pdf"]),
            ("seed ×25", ["docx", "pdf"]),
            ("seed ×50", ["docx", "pdf"]),
            ("one 100,000-character paragraph", ["docx", "pdf"]),
        ):
            if name in specs:
                flags = [flag for fmt in formats for flag in ("-f", fmt)]
                label = f"`docgen build` {name} → {' + '.join(f.upper() for f in formats)}"
                commands.append((label, _pages(specs[name]), [*docgen, str(specs[name]), "-o", str(folder), *flags]))
        for name in specs:  # warm: fonts converted and cached, files in the page cache; DOCX for LibreOffice
            measure([*docgen, str(specs[name]), "-o", str(folder)])
        soffice = shutil.which("soffice")
        if soffice:
            profile = (folder / "lo-profile").as_uri()
            for name in [n for n in ("seed", "seed ×10") if n in specs]:
                docx = folder / (specs[name].stem + ".docx")
                command = [soffice, "--headless", f"-env:UserInstallation={profile}", "--convert-to", "pdf"]
                command += ["--outdir", str(folder / "lo"), str(docx)]
                measure(command)  # the first run creates the profile
                commands.append((f"LibreOffice DOCX → PDF, {name}", _pages(specs[name]), command))
        # Round robin, not one command's runs back to back: this machine's speed drifts by ±30 % over minutes,
        # and every row (LibreOffice's too) should see the same drift.
        samples: dict[str, list[tuple[float, float]]] = {label: [] for label, _, _ in commands}
        for _ in range(args.runs):
            for label, _, command in commands:
                samples[label].append(measure(command))
        rows = [
            (
                label,
                pages,
                statistics.median(s for s, _ in samples[label]),
                statistics.median(p for _, p in samples[label]),
            )
            for label, pages, _ in commands
        ]
        if not args.seed_only:
            command, env = first_build_command(folder)
            seconds, peak = measure(command, env)
            rows.append(
                ("first build on a bare machine: seed → PDF, default fonts converted", _pages(SEED), seconds, peak)
            )
    print(f"Median of {args.runs} runs, taken in turn (the bare-machine build: one run), whole process:\n")
    print("| what | pages | seconds | peak memory (MB) |")
    print("|---|---:|---:|---:|")
    for name, pages, seconds, peak in rows:
        print(f"| {name} | {pages or ''} | {seconds:.2f} | {peak:.0f} |")
    by_label = {name: seconds for name, _, seconds, _ in rows}
    lo = by_label.get("LibreOffice DOCX → PDF, seed")
    if lo:
        for label in ("`docgen build` seed → PDF", "`docgen build` seed → DOCX + PDF"):
            print(f"\nLibreOffice's conversion of the seed / {label}: {lo / by_label[label]:.1f}×", end="")
        print()


def _pages(spec: Path) -> int:
    import docgen

    return docgen.render(spec).page_count


if __name__ == "__main__":
    main()
