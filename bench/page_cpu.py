"""Where a form page GET's CPU goes, in process on PostgreSQL: the portal's page (P2's page,
part-time-timetable's "child", of a draft answered in full as bench/data.py's drafts are)
against the baseline's page of the same case (bench/baseline_app.py: Flask + WTForms with the
same GOV.UK macros):

    createdb -h 127.0.0.1 bench_page
    .venv/bin/python bench/page_cpu.py postgresql+psycopg://root@127.0.0.1:5432/bench_page \
        [--rounds 9] [--requests 200] [--profile N]

- "baseline": GET /form/<case id> of bench/baseline_app.py (one SELECT, the form rendered);
- "pipeline": the portal's page address with its view answering a short page at once: what
  every signed-in GET costs before its view runs (session, user and case, headers);
- "page": the portal's whole form page GET;
- "baseline+": the baseline given the portal's two template speed-ups (webapp/web/templating.py's
  `indent`, webapp/web/govuk_attributes.py): P2's baseline uses GOV.UK's macros as the package
  ships them, so this line tells what the portal gains on rendering from what it gains elsewhere.

CPU time of this process (the test client's own share is in every line), rounds interleaved;
prints the median (min–max) per request, each line's ratio to the baseline, and the median
CPU of the templates' rendering (in Flask's render_template) within it. With `--profile N
[--line baseline]`, N GETs of the portal's page (or of that line) are profiled with cProfile
instead, and the top functions by cumulative and by own time printed.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from pathlib import Path

import flask.templating
from flask_login import login_required
from jinja2 import ChoiceLoader, DictLoader

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from answers import AnswerPool  # noqa: E402
from autosave_roundtrips import TYPE, portal, start_case  # noqa: E402

from engine import load_catalogue  # noqa: E402
from webapp.infra.database import reads_only_on_get  # noqa: E402
from webapp.models import Base  # noqa: E402
from webapp.web.govuk_attributes import govuk_attributes  # noqa: E402
from webapp.web.templating import indent  # noqa: E402


class _RenderClock:
    """CPU time spent in Flask's render_template (the template rendered), added up."""

    def __init__(self):
        self.spent = 0.0
        render = flask.templating._render

        def timed(*args):
            started = time.process_time()
            try:
                return render(*args)
            finally:
                self.spent += time.process_time() - started

        flask.templating._render = timed


def _checked(client, path: str, name: str):
    def send():
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{name}: {response.status_code} {response.text[:300]}")

    return send


def _profile(send, count: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        send()
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)


def _answered_in_full(engine) -> int:
    """The draft's id, its answers made a whole case's, as bench/data.py's drafts are."""
    with engine.begin() as connection:
        case_id = connection.exec_driver_sql("SELECT max(id) FROM cases").scalar()
        pool = AnswerPool(load_catalogue(str(ROOT / "casetypes")))
        connection.exec_driver_sql(
            "UPDATE cases SET answers = %(answers)s, raw_input = '{}' WHERE id = %(id)s",
            {"answers": pool.answers_for(TYPE, random.Random(11)), "id": case_id},
        )
    return case_id


def _lines(app, client, url: str) -> dict:
    """The three lines measured, each a function sending one GET."""
    path = start_case(client)
    case_id = _answered_in_full(app.extensions["db_engine"])
    page_view = app.view_functions["cases.page"]

    @reads_only_on_get
    @login_required
    def answer_at_once(reference: str, page_id: str):
        return "<!DOCTYPE html><title>Page</title><h1>Page</h1>"

    def portal_page(view, name):
        send = _checked(client, path, name)

        def swapped():
            app.view_functions["cases.page"] = view
            send()

        return swapped

    os.environ["BENCH_DATABASE_URL"] = url
    import baseline_app

    baseline = baseline_app.create_app().test_client()
    sped_up = _sped_up(baseline_app.create_app()).test_client()
    return {
        "baseline": _checked(baseline, f"/form/{case_id}", "baseline"),
        "pipeline": portal_page(answer_at_once, "pipeline"),
        "page": portal_page(page_view, "page"),
        "baseline+": _checked(sped_up, f"/form/{case_id}", "baseline+"),
    }


def _sped_up(app):
    """The baseline app rendering with the portal's template speed-ups, as the portal does."""
    app.jinja_env.filters["indent"] = indent
    app.jinja_env.globals["govuk_attributes"] = govuk_attributes
    override = "govuk_frontend_jinja/macros/attributes.html"
    shadow = DictLoader({override: (ROOT / "webapp" / "templates" / override).read_text()})
    app.jinja_loader = ChoiceLoader([shadow, app.jinja_loader])
    return app


def _measure(lines: dict, rounds: int, requests: int) -> None:
    clock = _RenderClock()
    taken = {name: [] for name in lines}
    rendering = {name: [] for name in lines}
    for _ in range(rounds):
        for name, send in lines.items():
            clock.spent = 0.0
            started = time.process_time()
            for _ in range(requests):
                send()
            taken[name].append((time.process_time() - started) / requests * 1000)
            rendering[name].append(clock.spent / requests * 1000)
    base = statistics.median(taken["baseline"])
    print(f"CPU per form page GET, in process, {rounds} rounds of {requests}:")
    for name, values in taken.items():
        median = statistics.median(values)
        print(
            f"  {name:9} {median:.2f} ms ({min(values):.2f}–{max(values):.2f}), "
            f"{median / base:.2f}× the baseline; rendering "
            f"{statistics.median(rendering[name]):.2f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "url", nargs="?", default="postgresql+psycopg://root@127.0.0.1:5432/bench_page"
    )
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--requests", type=int, default=200, help="requests per line a round")
    parser.add_argument("--profile", type=int, default=0, help="profile N GETs instead")
    parser.add_argument("--line", default="page", help="the line --profile profiles")
    args = parser.parse_args()

    app, client = portal(args.url)
    try:
        lines = _lines(app, client, args.url)
        for send in lines.values():  # warm: pools, caches, compiled templates
            for _ in range(30):
                send()
        if args.profile:
            _profile(lines[args.line], args.profile)
        else:
            _measure(lines, args.rounds, args.requests)
    finally:
        Base.metadata.drop_all(app.extensions["db_engine"])
        app.extensions["db_engine"].dispose()


if __name__ == "__main__":
    main()
