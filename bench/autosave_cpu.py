"""Where an autosave's CPU goes, in process on PostgreSQL: the portal's whole autosave against
the same endpoint answering at once after the portal's request pipeline, and against the
baseline's one-UPDATE endpoint (bench/baseline_app.py) on the same row:

    createdb -h 127.0.0.1 bench_save
    .venv/bin/python bench/autosave_cpu.py postgresql+psycopg://root@127.0.0.1:5432/bench_save \
        [--rounds 9] [--requests 200]

- "baseline": Flask, the form parsed, one `UPDATE … RETURNING`, JSON (what P3 compares with);
- "pipeline": the portal's autosave address with its view answering `{"saved": true}` at once:
  what every signed-in POST costs before its view runs (the session cookie checked, the user
  and the case read in one query, session limits, CSRF, the rate limiter, security headers);
- "autosave": the whole autosave (the page checked by the engine, one conditional UPDATE).

CPU time of this process (the test client's own share is in every line), rounds interleaved;
prints the median (min–max) per request and each line's share of the whole autosave. The
"pipeline" line is the floor of any view: the autosave can be no cheaper than it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from flask import jsonify
from flask_login import login_required

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from autosave_roundtrips import portal, start_case  # noqa: E402

from webapp.infra.database import single_statement  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "url", nargs="?", default="postgresql+psycopg://root@127.0.0.1:5432/bench_save"
    )
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--requests", type=int, default=200, help="requests per line a round")
    args = parser.parse_args()

    app, client = portal(args.url)
    path = start_case(client)
    page = client.get(path).text
    form = {"forename": "Jordan", "surname": "Miles", "upn": "Y856200124123"}
    form["csrf_token"] = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    version = [page.split('name="page_version" type="hidden" value="')[1].split('"')[0]]
    autosave_view = app.view_functions["cases.autosave"]

    @single_statement
    @login_required
    def answer_at_once(reference: str, page_id: str):
        return jsonify(saved=True)

    def portal_save(view):
        def send():
            app.view_functions["cases.autosave"] = view
            response = client.post(f"{path}/autosave", data={**form, "page_version": version[0]})
            if response.status_code != 200:
                raise SystemExit(f"autosave: {response.status_code} {response.text[:300]}")
            version[0] = str(response.get_json().get("page_version", version[0]))

        return send

    os.environ["BENCH_DATABASE_URL"] = args.url
    import baseline_app

    baseline = baseline_app.create_app().test_client()
    case_id = app.extensions["db_engine"].connect().exec_driver_sql("SELECT max(id) FROM cases")
    case_id = case_id.scalar()

    def baseline_save():
        response = baseline.post(f"/autosave/{case_id}", data={**form, "page_version": "1"})
        if response.status_code != 200:
            raise SystemExit(f"baseline: {response.status_code}")

    lines = {
        "baseline": baseline_save,
        "pipeline": portal_save(answer_at_once),
        "autosave": portal_save(autosave_view),
    }
    for send in lines.values():  # warm: pools, caches, prepared statements
        for _ in range(30):
            send()
    taken = {name: [] for name in lines}
    for _ in range(args.rounds):
        for name, send in lines.items():
            started = time.process_time()
            for _ in range(args.requests):
                send()
            taken[name].append((time.process_time() - started) / args.requests * 1000)
    whole = statistics.median(taken["autosave"])
    print(f"CPU per request, in process, {args.rounds} rounds of {args.requests}:")
    for name, values in taken.items():
        median = statistics.median(values)
        print(
            f"  {name:9} {median:.2f} ms ({min(values):.2f}–{max(values):.2f}), "
            f"{median / whole:.0%} of the autosave"
        )


if __name__ == "__main__":
    main()
