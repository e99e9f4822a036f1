"""Listing cases through the API at two sizes (issue 14): GET /api/v1/cases as a council
system polls it — the first page, a page deep in the cursor, filtered by case type and
status — and one case, against a baseline: the same keyset SELECT alone, through psycopg.

Fills two throwaway PostgreSQL databases with bench/data.py (api_bench_small, api_bench_large),
adds an API client for three case types, then times in rounds, small and large interleaved
(small, large, then large, small), each scenario for about a second a round, in process
(Flask's test client: the whole app — key check, rate limit, audit row, JSON — without
HTTP). Prints medians of the round medians, spreads (min–max) and large/small ratios.

    .venv/bin/python bench/api_listing.py --small 10000 --large 100000 --rounds 5

`--keep` keeps the databases (and reuses them when they exist); they are dropped otherwise.
`--databases bench_10k bench_1m --keep` uses `make bench`'s kept databases instead of filling
its own (without --keep, the databases named are filled afresh, then dropped).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SERVER = "postgresql://root@127.0.0.1:5432/"
CASE_TYPES = ["part-time-timetable", "send-referral", "early-years-census"]
KEYSET = (
    "SELECT c.*, s.name, s.urn, s.laestab FROM cases c JOIN schools s ON s.id = c.school_id "
    "WHERE c.submitted_at IS NOT NULL AND c.case_type_id = ANY(%s) "
    "ORDER BY c.sent_updated_at, c.id LIMIT 51"
)


def _database(name: str, cases: int, keep: bool) -> str:
    url = SERVER + name
    with psycopg.connect(SERVER + "postgres") as connection:
        found = "SELECT 1 FROM pg_database WHERE datname = %s"
        exists = connection.execute(found, (name,)).fetchone() is not None
    if exists and keep:
        return url
    if exists:
        subprocess.run(["dropdb", "-h", "127.0.0.1", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", name], check=True)
    from bench.data import fill

    started = time.perf_counter()
    fill(url, cases)
    print(f"filled {name} with {cases} cases in {time.perf_counter() - started:.0f} s", flush=True)
    return url


def _app(url: str):
    from webapp import create_app
    from webapp.domain.api_clients import create_client
    from webapp.infra.database import db
    from webapp.models_api import ApiClient

    app = create_app(
        {
            "DATABASE_URL": url.replace("postgresql://", "postgresql+psycopg://"),
            "SECRET_KEY": os.urandom(32).hex(),
            "PORTAL_BASE_URL": "https://portal.example.org",
            "DEVELOPMENT": False,
            "PORTAL_API_SETTLE_SECONDS": 0,
            "PORTAL_LIMIT_API": "100000000 per minute",
        }
    )
    with app.app_context():
        session = db()
        session.query(ApiClient).filter_by(name="bench").delete()
        session.commit()
        catalogue = app.extensions["catalogue"]
        _client, key = create_client(session, catalogue, "bench", CASE_TYPES)
    return app, key


def _scenarios(url: str) -> dict[str, str]:
    """name -> path, with a cursor from the middle of the list and a case's reference."""
    from webapp.web import cursors

    with psycopg.connect(url) as connection:
        count = connection.execute(
            "SELECT count(*) FROM cases WHERE submitted_at IS NOT NULL AND case_type_id = ANY(%s)",
            (CASE_TYPES,),
        ).fetchone()[0]
        updated, case_id, reference = connection.execute(
            "SELECT sent_updated_at, id, reference FROM cases WHERE submitted_at IS NOT NULL "
            "AND case_type_id = ANY(%s) ORDER BY sent_updated_at, id OFFSET %s LIMIT 1",
            (CASE_TYPES, count // 2),
        ).fetchone()
    middle = cursors.write([updated, case_id])
    return {
        "first page": "/api/v1/cases",
        "page from the middle (cursor)": f"/api/v1/cases?cursor={middle}",
        "one case type, Completed": "/api/v1/cases?case_type=send-referral&status=Completed",
        "one case": f"/api/v1/cases/{reference}",
    }


def _time(call, seconds: float) -> float:
    """The median of calls for about `seconds`, in milliseconds."""
    times, until = [], time.perf_counter() + seconds
    while time.perf_counter() < until or len(times) < 5:
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _round(size, apps, scenarios, url, results, seconds):
    app, key = apps[size]
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    for name, path in scenarios[size].items():

        def call(path=path):
            response = client.get(path, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code} {response.data[:300]!r}")

        results[(size, name)].append(_time(call, seconds))
    with psycopg.connect(url[size]) as connection:
        results[(size, "baseline: the keyset SELECT")].append(
            _time(lambda: connection.execute(KEYSET, (CASE_TYPES,)).fetchall(), seconds)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--databases",
        nargs=2,
        default=["api_bench_small", "api_bench_large"],
        metavar=("SMALL", "LARGE"),
        help="their names: with --keep, ones that exist are used as they are (make bench's "
        "bench_10k and bench_1m, say)",
    )
    args = parser.parse_args()
    sizes = {"small": args.small, "large": args.large}
    names = dict(zip(sizes, args.databases, strict=True))
    url = {s: _database(names[s], n, args.keep) for s, n in sizes.items()}
    apps = {s: _app(url[s]) for s in sizes}
    scenarios = {s: _scenarios(url[s]) for s in sizes}
    results: dict = {
        (s, n): [] for s in sizes for n in [*scenarios[s], "baseline: the keyset SELECT"]
    }
    print(f"load before: {os.getloadavg()}", flush=True)
    for number in range(args.rounds):
        order = ("small", "large") if number % 2 == 0 else ("large", "small")
        for size in order:
            _round(size, apps, scenarios, url, results, args.seconds)
    print(f"load after: {os.getloadavg()}")
    print(
        f"{'scenario':34} {'small ms (spread)':>22} {'large ms (spread)':>22} {'large/small':>11}"
    )
    for name in [*scenarios["small"], "baseline: the keyset SELECT"]:
        cells = []
        for size in sizes:
            values = results[(size, name)]
            cells.append(f"{statistics.median(values):7.2f} ({min(values):.2f}–{max(values):.2f})")
        ratio = statistics.median(results[("large", name)]) / statistics.median(
            results[("small", name)]
        )
        print(f"{name:34} {cells[0]:>22} {cells[1]:>22} {ratio:11.2f}")
    for size in sizes:
        apps[size][0].extensions["db_engine"].dispose()
    if not args.keep:
        for size in sizes:
            subprocess.run(["dropdb", "-h", "127.0.0.1", names[size]], check=True)


if __name__ == "__main__":
    main()
