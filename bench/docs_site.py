"""Benchmark: `portal docs` on the whole casetypes/ folder, against `portal validate`.

Prints figures; asserts nothing. `.venv/bin/python bench/docs_site.py [FOLDER] [--runs N]`.

Each round runs, in a fresh Python process each (imports included, as CI and an author pay),
`portal validate FOLDER` (the baseline: loading and checking alone) and `portal docs FOLDER
--out TMP`, in alternating order, so both see the same machine. Printed: medians, spreads
(min-max), and the ratio of the medians: what writing the site costs on top of loading.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(arguments: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 -- this project's own command, fixed arguments
        [sys.executable, "-m", "webapp.cli", *arguments], cwd=ROOT, check=True, capture_output=True
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT / "casetypes"))
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"validate": [], "docs": []}
    with tempfile.TemporaryDirectory() as out:
        commands = {
            "validate": ["validate", args.folder],
            "docs": ["docs", args.folder, "--out", out],
        }
        for round_number in range(args.runs):
            order = ["validate", "docs"] if round_number % 2 == 0 else ["docs", "validate"]
            for name in order:
                times[name].append(_run(commands[name]))
        pages = len(list(Path(out).glob("*.html")))
    print(f"folder: {args.folder}; pages written: {pages}; rounds: {args.runs} (interleaved)")
    for name, runs in times.items():
        print(
            f"cold `portal {name}`: median {statistics.median(runs) * 1000:.0f} ms "
            f"({min(runs) * 1000:.0f}-{max(runs) * 1000:.0f})"
        )
    ratio = statistics.median(times["docs"]) / statistics.median(times["validate"])
    print(f"docs / validate: {ratio:.2f}x")


if __name__ == "__main__":
    main()
