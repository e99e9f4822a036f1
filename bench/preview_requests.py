"""Benchmark: what `portal preview` costs a request, with the files unchanged and with a file
just changed (read and validated again), against the portal's page answered from a catalogue
loaded once (the baseline: the same page's HTML with no file check at all).

Prints figures; asserts nothing. `.venv/bin/python bench/preview_requests.py [--rounds N]`.

Each round, in one process and in alternating order: a page of the part-time timetable
through the preview's test client (files unchanged: one stat per file), the same after
touching one file (the folder loaded and checked again), and the baseline: the same page
rendered by the preview with its file check replaced by the already loaded catalogue.
Printed: medians, spreads (min-max), and the ratios to the baseline.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
URL = "/part-time-timetable/pages/child"


def _timed(client) -> float:
    started = time.perf_counter()
    response = client.get(URL)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{URL} answered {response.status_code}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    from webapp.preview import create_preview_app

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "casetypes"
        shutil.copytree(ROOT / "casetypes", folder)
        touched = folder / "send" / "part-time-timetable.yaml"
        files = len(list(folder.rglob("*.yaml")))
        app = create_preview_app([str(folder)], {"TESTING": True})
        fixed = create_preview_app([str(folder)], {"TESTING": True})
        loaded = fixed.extensions["preview_catalogue"].current()
        fixed.extensions["preview_catalogue"].current = lambda: loaded  # no file check
        client, baseline = app.test_client(), fixed.test_client()
        _timed(client), _timed(baseline)  # templates compiled, forms built
        times: dict[str, list[float]] = {"baseline": [], "unchanged": [], "changed": []}
        for round_ in range(args.rounds):
            order = ["baseline", "unchanged", "changed"]
            for name in order if round_ % 2 else reversed(order):
                if name == "changed":
                    later = time.time_ns() + round_ * 10**6
                    os.utime(touched, ns=(later, later))
                times[name].append(_timed(baseline if name == "baseline" else client))
    base = statistics.median(times["baseline"])
    print(f"GET {URL}, {args.rounds} rounds interleaved, {files} files")
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"  {name:<10} median {median * 1000:7.1f} ms "
            f"({min(values) * 1000:.1f}-{max(values) * 1000:.1f}), {median / base:.2f}x baseline"
        )


if __name__ == "__main__":
    main()
