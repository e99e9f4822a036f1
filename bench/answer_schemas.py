"""What answer schemas cost (engine/answer_schema.py): building every shipped case type's, and
checking one case's sent answers against its schema beside what sending it costs already
(`CaseType.problems`, which services.submit_case runs on every case), in interleaved rounds.

    .venv/bin/python bench/answer_schemas.py [--rounds 15] [--checks 200]

Prints medians and spreads (min-max) in milliseconds, and the ratio of the schema check to
the engine's own check of the same answers.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from engine import load_catalogue
from engine.answer_schema import _validator, answer_problems, answers_schema
from webapp.demo import PTT_PAGES, _answer_pages

ROOT = Path(__file__).resolve().parents[1]
PLAN = {"id": "0" * 32, "name": "signed-plan.pdf", "size": 70, "kind": "pdf"}


def _timed(work, repeat: int) -> float:
    """Milliseconds per call of `work`, over `repeat` calls."""
    started = time.perf_counter()
    for _ in range(repeat):
        work()
    return (time.perf_counter() - started) * 1000 / repeat


def _said(name: str, samples: list[float]) -> str:
    spread = f"{min(samples):.3f}-{max(samples):.3f}"
    return f"{name}: median {statistics.median(samples):.3f} ms ({spread})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--checks", type=int, default=200)
    args = parser.parse_args()
    catalogue = load_catalogue(str(ROOT / "casetypes"))
    case_types = list(catalogue.case_types.values())
    ptt = catalogue.get("part-time-timetable")
    pages = {**PTT_PAGES, "agreement": {**PTT_PAGES["agreement"], "signed_plan": PLAN}}
    sent = ptt.submission_answers(_answer_pages(ptt, pages))
    if answer_problems(ptt, sent):
        raise SystemExit(f"the demo answers do not fit: {answer_problems(ptt, sent)}")

    builds, validators, checks, engine_checks = [], [], [], []
    for _ in range(args.rounds):
        builds.append(_timed(lambda: [answers_schema(c) for c in case_types], 3))
        _validator.cache_clear()
        validators.append(_timed(lambda: _validator(ptt), 1))  # built once per case type
        checks.append(_timed(lambda: answer_problems(ptt, sent), args.checks))
        engine_checks.append(_timed(lambda: ptt.problems(sent), args.checks))

    print(f"case types: {len(case_types)}; sent answers of part-time-timetable: {len(sent)} keys")
    print(_said(f"answers_schema() of all {len(case_types)} case types", builds))
    print(_said("a validator for one case type (once per process)", validators))
    print(_said("answer_problems(): one case's sent answers against its schema", checks))
    print(_said("baseline CaseType.problems() of the same answers (run on submit)", engine_checks))
    ratio = statistics.median(checks) / statistics.median(engine_checks)
    print(f"schema check / engine check: {ratio:.2f}x")


if __name__ == "__main__":
    main()
