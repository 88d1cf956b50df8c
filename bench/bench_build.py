"""Benchmark: whole-process time and peak memory of `docgen build`, for the seed spec and for specs 10× and 50× its
size, and LibreOffice converting the same DOCX to PDF (for comparison). Each number is the median of several runs.

    python bench/bench_build.py            # prints a Markdown table (copy it into the README)
    python bench/bench_build.py --runs 7

Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
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


def measure(command: list[str]) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True)
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


def median_of(runs: int, command: list[str]) -> tuple[float, float]:
    samples = [measure(command) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        specs = {"seed": SEED, "seed ×10": scaled_spec(10, folder), "seed ×50": scaled_spec(50, folder)}
        docgen = [sys.executable, "-m", "docgen", "build"]
        rows = []
        for name, spec in specs.items():
            pages = _pages(spec)
            seconds, peak = median_of(args.runs, [*docgen, str(spec), "-o", str(folder), "-f", "docx"])
            rows.append((f"`docgen build` {name} → DOCX", pages, seconds, peak))
        soffice = shutil.which("soffice")
        if soffice:
            profile = (folder / "lo-profile").as_uri()
            for name in ("seed", "seed ×10"):
                docx = folder / (specs[name].stem + ".docx")
                command = [
                    soffice,
                    "--headless",
                    f"-env:UserInstallation={profile}",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(folder),
                    str(docx),
                ]
                measure(command)  # first run creates the profile
                seconds, peak = median_of(args.runs, command)
                rows.append((f"LibreOffice DOCX → PDF, {name}", _pages(specs[name]), seconds, peak))
    print(f"Median of {args.runs} runs, whole process (Python start-up included), on this machine:\n")
    print("| what | pages | seconds | peak memory (MB) |")
    print("|---|---:|---:|---:|")
    for name, pages, seconds, peak in rows:
        print(f"| {name} | {pages} | {seconds:.2f} | {peak:.0f} |")


def _pages(spec: Path) -> int:
    import docgen

    return docgen.render(spec).page_count


if __name__ == "__main__":
    main()
