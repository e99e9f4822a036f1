"""Benchmark: the shipped journey tests (`portal test casetypes`), in one process.

Prints figures; asserts nothing. Run with `make bench` or
`.venv/bin/python bench/journeys.py [FOLDER] [--runs N]`.

Each round runs the journeys (engine time only: typing, saving, sending, moving through the
workflow, recording coverage) and, interleaved in the same round as the baseline, loads the
case types the same way (what `portal validate` does warm), so a busy machine slows both.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _figures(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    return f"median {statistics.median(ms):.0f} ms ({ms[0]:.0f}-{ms[-1]:.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT / "casetypes"))
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from engine import load_catalogue
    from engine.journeys import run_tests

    result = run_tests([args.folder])  # imports and validators, once
    journeys, loads = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        load_catalogue(args.folder)
        loads.append(time.perf_counter() - started)
        journeys.append(run_tests([args.folder]).run_seconds)

    ratio = statistics.median(journeys) / statistics.median(loads)
    print(
        f"journeys: {result.journeys}; pages: {result.pages}; files: {result.files}; "
        f"failed: {len(result.failures)}; not covered: {len(result.gaps)}"
    )
    print(f"journeys alone, {args.runs} runs: {_figures(journeys)}")
    print(f"baseline load_catalogue(), same rounds: {_figures(loads)}; ratio {ratio:.1f}x")


if __name__ == "__main__":
    main()
