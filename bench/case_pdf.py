"""How long a case's PDF takes to make, against the HTML it is made from.

On a throwaway SQLite file with the demo data (its submitted part-time timetable), measures in
interleaved rounds, in one process after one warm-up of each:

  html       the PDF's HTML alone (webapp/domain/case_pdf.py's template, rendered)
  pdf        case_pdf(): that HTML laid out by WeasyPrint and written as a tagged PDF/UA-1
  pdf-big    case_pdf() of the same case as an alternative-provision timetable with --items
             providers (5, the form's most)

and prints medians with the spread (min–max) in milliseconds, the PDF's size and pages, and
how many times the HTML alone each PDF costs.

    .venv/bin/python bench/case_pdf.py --rounds 15 --items 5
"""

from __future__ import annotations

import argparse
import copy
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--items", type=int, default=5, help="providers of the big case (≤ 5)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = _app(Path(folder) / "bench.sqlite3")
        with app.app_context():
            run(app, options)
        app.extensions["db_engine"].dispose()


def _app(path: Path):
    import webapp.models_api  # noqa: F401 (its tables, with webapp.models' below)
    from webapp import create_app
    from webapp.infra.database import make_engine
    from webapp.models import Base

    url = f"sqlite:///{path}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return create_app(
        {"DEVELOPMENT": True, "DATABASE_URL": url, "PORTAL_CASETYPES": str(ROOT / "casetypes")}
    )


def run(app, options) -> None:
    from pypdf import PdfReader
    from sqlalchemy import select

    from webapp.demo import load_demo_data
    from webapp.domain import case_pdf, workflow
    from webapp.infra.casetypes import catalogue
    from webapp.infra.database import db
    from webapp.models import Case

    session = db()
    load_demo_data(session, catalogue())
    session.commit()
    case = session.scalar(select(Case).where(Case.submitted_at.is_not(None)).limit(1))
    case_type = workflow.definition_for(session, case)
    big = _grown(case, case_type, options.items)
    subjects = {
        "html": lambda: case_pdf._case_html(case, case_type, True).encode(),
        "pdf": lambda: case_pdf.case_pdf(case, case_type, True),
        "pdf-big": lambda: case_pdf.case_pdf(big, case_type, True),
    }
    timings = {name: [] for name in subjects}
    made, first = {}, {}
    for name, make in subjects.items():  # warm-up; the first PDF also imports WeasyPrint
        started = time.perf_counter()
        made[name] = make()
        first[name] = (time.perf_counter() - started) * 1000
    for _round in range(options.rounds):
        for name, make in subjects.items():
            started = time.perf_counter()
            make()
            timings[name].append((time.perf_counter() - started) * 1000)
    base = statistics.median(timings["html"])
    print(f"case {case.reference}; {options.rounds} interleaved rounds; milliseconds")
    heads = ("first", "median", "min–max", "× html", "bytes", "pages")
    print(
        f"{'subject':10}" + "".join(f" {head:>{16 if head == 'min–max' else 8}}" for head in heads)
    )
    for name, values in timings.items():
        median = statistics.median(values)
        data = made[name]
        pages = len(PdfReader(io.BytesIO(data)).pages) if data.startswith(b"%PDF") else 0
        spread = f"{min(values):.1f}–{max(values):.1f}"
        print(
            f"{name:10} {first[name]:8.1f} {median:8.1f} {spread:>16} {median / base:8.1f}"
            f" {len(data):8} {pages:8}"
        )


class _Grown:
    """The case as the PDF reads it, with other sent answers (the stored case is untouched)."""

    def __init__(self, case, answers):
        self._case = case
        self.sent_answers = answers

    def __getattr__(self, name):
        return getattr(self._case, name)


def _grown(case, case_type, items: int):
    """The case as an alternative-provision timetable with `items` providers, checked by the
    case type as its pages would be."""
    from webapp.demo import PTT_PAGES
    from webapp.domain.case_pdf import sent

    answers = copy.deepcopy(sent(case))
    arrangement = {**PTT_PAGES["arrangement"], "arrangement_type": "both"}
    answers = _checked(case_type, "arrangement", arrangement, answers)
    providers = [
        {
            "provider_name": f"Learning Centre number {n}",
            "provider_number": f"{123456 + n}",
            "registered": "yes",
            "provider_days": ["mon", "wed"],
            "provider_hours": "6",
            "weekly_cost": "£250",
            "attendance_code": "B",
        }
        for n in range(items)
    ]
    return _Grown(case, _checked(case_type, "provision", {"providers": providers}, answers))


def _checked(case_type, page_id: str, raw: dict, answers: dict) -> dict:
    result = case_type.check_page(page_id, raw, answers)
    if not result.valid:
        raise SystemExit(f"the big case's {page_id} is invalid: {result.errors}")
    return result.answers


if __name__ == "__main__":
    main()
