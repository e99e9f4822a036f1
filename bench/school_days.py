"""School-day functions against weekdays_between, interleaved, with the shipped calendar:
median microseconds per evaluation over 7 runs (`.venv/bin/python bench/school_days.py`)."""

import datetime as dt
import statistics
import time

from engine import load_catalogue
from engine.expressions import parse

cal = load_catalogue("casetypes").calendar
exprs = {}
for text in [
    "weekdays_between(a, b)",
    "school_days_between(a, b)",
    "add_school_days(a, 15)",
    "add_school_days(a, 190)",
]:
    e, _ = parse(text)
    e.calendar = cal
    exprs[text] = e
values = {"a": dt.date(2025, 10, 20), "b": dt.date(2026, 7, 1)}
runs = {t: [] for t in exprs}
N = 2000
for _ in range(7):
    for t, e in exprs.items():
        start = time.perf_counter()
        for _ in range(N):
            e.evaluate(values)
        runs[t].append((time.perf_counter() - start) / N * 1e6)
base = statistics.median(runs["weekdays_between(a, b)"])
for t, r in runs.items():
    m = statistics.median(r)
    print(
        f"{t:32s} median {m:7.1f} us  spread {min(r):.1f}-{max(r):.1f}  "
        f"x{m / base:.2f} of weekdays_between"
    )
