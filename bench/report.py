"""The runner's plan (quick or full), P1 (from bench/validation_growth.py), and the one table."""

from __future__ import annotations

import itertools
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bench import validation_growth as growth


@dataclass(frozen=True)
class Plan:
    small: int
    large: int
    rounds: int
    seconds: float
    sign_ins: int
    starts: int
    start_clients: int
    full: bool

    @classmethod
    def of(cls, full: bool, large: int | None, rounds: int | None, seconds: float | None):
        if full:
            plan = cls(10_000, 1_000_000, 5, 20.0, 50, 1000, 50, True)
        else:
            plan = cls(10_000, 100_000, 5, 3.0, 20, 200, 16, False)
        return cls(
            plan.small,
            large or plan.large,
            rounds or plan.rounds,
            seconds or plan.seconds,
            plan.sign_ins,
            plan.starts,
            plan.start_clients,
            full,
        )

    def describe(self) -> str:
        return (
            f"{'FULL' if self.full else 'quick'}: {self.small:,} vs {self.large:,} cases, "
            f"{self.rounds} rounds of {self.seconds:g} s per measurement"
        )


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    server = subprocess.run(  # noqa: S603,S607 -- PostgreSQL's own client, fixed arguments
        ["psql", "-h", "127.0.0.1", "-d", "postgres", "-tAc", "SHOW server_version"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    python = platform.python_version()
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    return (
        f"machine: {os.cpu_count()} cores ({cpu}), shared, load average {load}; "
        f"PostgreSQL {server}; Python {python}"
    )


def validation(rounds: int) -> dict:
    """P1: cold `portal validate` vs libyaml alone on 1 and 16 copies of casetypes/, interleaved
    (bench/validation_growth.py's copies and commands); seconds by (tool, size, "elapsed" or
    "CPU"): CPU time (user + system of the process) is far less disturbed by a busy machine.
    The checkout is compiled to bytecode first, as validation_growth.py does: with
    PYTHONDONTWRITEBYTECODE set, every run would otherwise compile the sources anew."""
    growth.compile_bytecode(growth.ROOT)
    work = Path(tempfile.mkdtemp(prefix="bench-validate-"))
    runs = defaultdict(list)
    try:
        folders = {}
        for size in (1, 16):
            folders[size] = work / f"x{size}"
            growth.write_copies(folders[size], size)
        for _ in range(rounds):
            for size, folder in folders.items():
                for tool, checkout in (("portal", growth.ROOT), ("libyaml", None)):
                    elapsed, cpu = growth._timed(growth._command(checkout, folder), checkout)
                    runs[tool, size, "elapsed"].append(elapsed)
                    runs[tool, size, "CPU"].append(cpu)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return runs


def size(cases: int) -> str:
    """10k, 100k, 1M."""
    return f"{cases // 1_000_000}M" if cases % 1_000_000 == 0 else f"{cases // 1000}k"


def _spread(values, unit="", scale=1.0, digits=0) -> str:
    values = [v * scale for v in values]
    return (
        f"{statistics.median(values):.{digits}f}{unit} "
        f"({min(values):.{digits}f}–{max(values):.{digits}f})"
    )


class Table:
    """Figures gathered by the runner, printed as one table."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.figures = defaultdict(list)
        self.rows = []

    def add(self, key: str, side: str, figures) -> None:
        self.figures[key, side].append(figures)

    def validation(self, runs: dict) -> None:
        sizes = ((1, "≤ 3× libyaml", None), (16, "< 1 s and ≤ 3×", 1.0))
        for (size, goal, limit), clock in itertools.product(sizes, ("elapsed", "CPU")):
            portal, base = runs["portal", size, clock], runs["libyaml", size, clock]
            ratio = statistics.median(portal) / statistics.median(base)
            met = ratio <= 3 and (limit is None or statistics.median(portal) < limit)
            self.rows.append(
                (f"P1 `portal validate` cold, {size}× casetypes/, {clock}",
                 _spread(portal, " s", digits=2), "CSafeLoader " + _spread(base, " s", digits=2),
                 f"{ratio:.1f}×", goal, met)
            )  # fmt: skip

    def memory(self, export: tuple, baseline_server) -> None:
        from bench.load import memory_of

        peak, took, megabytes, status = export
        failed = "" if status == 200 else f", answered {status}"
        base = max((memory_of(p).get("VmHWM", 0) for p in baseline_server.worker_pids()), default=0)
        self.rows.append(
            (f"P6 worker peak RSS, CSV export at {self.plan.large:,}",
             f"{peak:.0f} MB ({megabytes:.0f} MB CSV in {took:.1f} s{failed})",
             f"{base / 1024:.0f} MB (baseline worker)", "—", "≤ 150 MB", peak <= 150 and not failed)
        )  # fmt: skip

    def sign_in_memory(self, peak: float, made: int) -> None:
        self.rows.append(
            ("P6 worker peak RSS, 16 clients signing in at once",
             f"{peak:.0f} MB ({made} sign-ins)", "—", "—", "≤ 150 MB", peak <= 150)
        )  # fmt: skip

    def starts(self, figures, duplicates: int, made: int) -> None:
        self.rows.append(
            (f"P5 {self.plan.starts} starts, {self.plan.start_clients} clients, 4 workers",
             f"{duplicates} duplicates, {figures.failures} failed, {figures.rate:.0f} starts/s",
             f"{made} cases made", "—", "0 duplicates", duplicates == 0 and figures.failures == 0)
        )  # fmt: skip

    def _pages(self) -> list:
        rows = []
        for key, what, goal, portal_over in (
            ("P2", "P2 form page GET, 8 clients (req/s; p95)", 1.2, False),
            ("P3", "P3 autosave, 16 clients (req/s; p95)", 0.5, True),
        ):
            portal, base = self.figures[key, "portal"], self.figures[key, "baseline"]
            if not portal:
                continue
            p_rate = statistics.median(f.rate for f in portal)
            b_rate = statistics.median(f.rate for f in base)
            ratio = p_rate / b_rate if portal_over else b_rate / p_rate
            rows.append(
                (what, _cell(portal), _cell(base), f"{ratio:.2f}×",
                 f"portal/baseline ≥ {goal}×" if portal_over else f"baseline/portal ≤ {goal}×",
                 ratio >= goal if portal_over else ratio <= goal)
            )  # fmt: skip
        return rows

    def cpu_lines(self) -> list[str]:
        """Where P2's and P3's CPU goes, per request: the server's gunicorn workers, every
        PostgreSQL process and the bench's own clients (medians of the rounds). Throughput on
        a shared machine moves with its load; CPU per request much less."""
        lines = []
        for key, what in (("P2", "P2 form page GET"), ("P3", "P3 autosave")):
            sides = {side: self.figures[key, side] for side in ("portal", "baseline")}
            if not all(sides.values()):
                continue
            cells = []
            for who in ("worker", "postgres", "clients"):
                portal, base = (
                    statistics.median(f.cpu_per_request(who) for f in runs)
                    for runs in sides.values()
                )
                cells.append(f"{who} {portal:.2f} vs {base:.2f} ms")
            lines.append(f"{what}, CPU per request, portal vs baseline: " + "; ".join(cells))
        return lines

    def _lists(self) -> list:
        rows = []
        from bench.run import LISTS

        for name in LISTS:
            small, large = self.figures[name, "small"], self.figures[name, "large"]
            if not small:
                continue
            s = [f.p95 * 1000 for f in small]
            big = [f.p95 * 1000 for f in large]
            ratio = statistics.median(big) / statistics.median(s)
            rows.append(
                (f"P4 {name}, p95 (2 clients)", f"{size(self.plan.small)}: " + _spread(s, " ms"),
                 f"{size(self.plan.large)}: " + _spread(big, " ms"), f"{ratio:.1f}× large/small",
                 "≤ 1.5×", ratio <= 1.5)
            )  # fmt: skip
        return rows

    def _sign_ins(self) -> list:
        runs = self.figures["P7", "portal"]
        if not runs:
            return []
        rates = [f.rate for f in runs]
        failed = sum(f.failures for f in runs)
        return [
            (f"P7 sign-ins/s ({self.plan.sign_ins} per round, 8 clients)",
             _spread(rates, "/s", digits=1) + (f", {failed} failed" if failed else ""), "—", "—",
             "≥ 20/s", statistics.median(rates) >= 20 and not failed)
        ]  # fmt: skip

    def print(self) -> None:
        rows = [r for r in self.rows if r[0].startswith("P1")] + self._pages() + self._lists()
        rows += [r for r in self.rows if r[0].startswith("P5")]
        rows += [r for r in self.rows if r[0].startswith("P6")] + self._sign_ins()
        header = (
            "measurement",
            "portal median (min–max)",
            "baseline median (min–max)",
            "ratio",
            "goal",
            "met?",
        )
        print()
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" for _ in header) + "|")
        for row in rows:
            *cells, met = row
            print("| " + " | ".join(str(c) for c in cells) + f" | {'yes' if met else '**no**'} |")
        for line in self.cpu_lines():
            print(f"\n{line}")


def _cell(runs) -> str:
    rates = [f.rate for f in runs]
    p95 = [f.p95 * 1000 for f in runs]
    failed = sum(f.failures for f in runs)
    extra = f", {failed} failed" if failed else ""
    return f"{_spread(rates, '/s')}; p95 {statistics.median(p95):.0f} ms{extra}"
