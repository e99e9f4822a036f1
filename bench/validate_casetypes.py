"""Benchmark: validating the whole casetypes/ folder from a cold start.

Prints figures; asserts nothing. Run with `make bench` or
`.venv/bin/python bench/validate_casetypes.py [FOLDER] [--runs N]`.

- cold: a fresh Python process running `portal validate` (imports included), as CI does;
- warm: load_catalogue() again in one process (what the web app pays once at start-up).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT / "casetypes"))
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    cold = []
    for _ in range(args.runs):
        started = time.perf_counter()
        subprocess.run(  # noqa: S603 -- this project's own command, fixed arguments
            [sys.executable, "-m", "webapp.cli", "validate", args.folder],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        cold.append(time.perf_counter() - started)

    sys.path.insert(0, str(ROOT))
    from engine import load_catalogue
    from engine.catalogue import yaml_files

    load_catalogue(args.folder)  # imports and the schema validator, once
    warm = []
    for _ in range(args.runs):
        started = time.perf_counter()
        catalogue = load_catalogue(args.folder)
        warm.append(time.perf_counter() - started)

    files = len(yaml_files([args.folder]))
    print(
        f"files: {files}; case types: {len(catalogue.case_types)}; "
        f"link tiles: {len(catalogue.links)}"
    )
    print(
        f"cold `portal validate` (process start to exit), {args.runs} runs: "
        f"median {statistics.median(cold) * 1000:.0f} ms, min {min(cold) * 1000:.0f} ms"
    )
    print(
        f"warm load_catalogue(), {args.runs} runs: "
        f"median {statistics.median(warm) * 1000:.0f} ms, min {min(warm) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
