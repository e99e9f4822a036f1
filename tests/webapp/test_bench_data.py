"""The benchmarks' data (bench/data.py, bench/answers.py) is a portal the app really serves: answers
the engine accepts, references by the portal's rule, users who sign in through the real flow.
Nothing here times anything: the figures are bench/run.py's."""

from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import text

from bench import data
from bench.answers import AnswerPool
from engine import load_catalogue
from tests.webapp.conftest import (
    BASE_URL,
    RELAXED_LIMITS,
    ROOT,
    PortalClient,
    _postgres_problem,
    portal_app,
    private_schema,
)
from webapp.infra.database import make_engine

CATALOGUE = load_catalogue(str(ROOT / "casetypes"))


@pytest.fixture(scope="module")
def pool():
    return AnswerPool(CATALOGUE, per_type=3)


@pytest.mark.parametrize("case_type_id", sorted(CATALOGUE.case_types))
def test_answers_are_what_the_engine_accepts_typed_again(pool, case_type_id):
    case_type = CATALOGUE.get(case_type_id)
    rng = random.Random(5)  # noqa: S311 -- seeded sample answers
    for _ in range(5):
        answers = json.loads(pool.answers_for(case_type_id, rng))
        assert set(answers) <= set(case_type.fields)
        given = {k for k, v in answers.items() if v not in ([], "", None)}
        assert len(given) >= 5
        so_far: dict = {}
        for page in case_type.visible_pages(answers):
            typed = {
                f.id: f.kind.to_form(f, answers[f.id])
                for f in page.fields
                if f.kind.is_input and f.id in given
            }
            result = case_type.check_page(page.id, typed, so_far)
            assert [e.key for e in result.errors if e.key.split("-")[0] in given] == []
            so_far = result.answers


def test_answers_weigh_one_to_three_kilobytes_of_json(pool):
    rng = random.Random(6)  # noqa: S311 -- seeded sample answers
    sizes = [len(pool.answers_for(t, rng)) for t in CATALOGUE.case_types for _ in range(20)]
    assert min(sizes) > 600
    assert max(sizes) < 4000
    assert 1000 <= sorted(sizes)[len(sizes) // 2] <= 3000


class _Recorded:
    """A cursor that keeps what the generator would write: each COPY's rows, each INSERT."""

    def __init__(self):
        self.copied, self.inserted = {}, []

    def copy(self, statement):
        table = statement.split()[1]
        recorded = self

        class Copy:
            def __enter__(self):
                return self

            def __exit__(self, *_):
                return False

            def write(self, text):
                recorded.copied.setdefault(table, []).extend(text.splitlines())

        return Copy()

    def execute(self, statement, values=()):
        self.inserted.append((statement, values))


def test_generated_cases_change_between_their_creation_and_now_and_every_team_works_some(pool):
    """A case updated in the future (some 11,000 of a million were: every case created in the
    last weeks) sorts before every real one in "updated" lists; a team with no case types (Early
    Years, matched by a category spelt "Early years") has an empty queue its officer never
    benches. Neither is a council's data."""
    world = data.World(url="", cases=3000)
    cursor = _Recorded()
    data._people(cursor, world, CATALOGUE, "hash", "hash")
    teams = {values[1]: json.loads(values[2]) for sql, values in cursor.inserted if "teams" in sql}
    assert set(teams) == set(data.TEAMS)
    assert all(teams.values()), teams
    taken = set().union(*teams.values())
    assert taken == set(CATALOGUE.case_types)  # and every case type is some team's

    at = data.CASE_COLUMNS.index
    for row in data._case_rows(world, CATALOGUE, pool, {}):
        created, updated, submitted = (
            row[at("created_at")],
            row[at("updated_at")],
            row[at("submitted_at")],
        )
        assert created <= updated <= data.NOW, row[at("reference")]
        assert row[at("sent_updated_at")] == updated
        if submitted is not None:
            assert created <= submitted <= updated, row[at("reference")]


def test_a_filled_database_is_a_portal_its_users_sign_in_to():
    problem = _postgres_problem()
    if problem:
        pytest.skip(problem)
    with private_schema("bench") as url:
        data.fill(url, 400, progress=lambda _line: None)
        engine = make_engine(url)
        with engine.connect() as connection:
            cases, references = connection.execute(
                text("select count(*), count(distinct reference) from cases")
            ).one()
            counters = dict(connection.execute(text("select * from reference_counters")).all())
            highest = connection.execute(
                text("select reference from cases order by id desc limit 1")
            ).scalar()
            big = connection.execute(
                text("select count(*) from cases where school_id <= :big"),
                {"big": data.BIG_SCHOOLS},
            ).scalar()
            latest = connection.execute(
                text("select reference from cases where school_id = 1 order by updated_at desc")
            ).scalar()
            draft = connection.execute(
                text(
                    "select reference, last_page from cases where school_id = 1 "
                    "and status = 'Draft' order by id limit 1"
                )
            ).one()
        engine.dispose()
        assert cases == references == 400
        prefix = highest.rsplit("-", 1)[0]
        assert highest.endswith(str(counters[prefix]))  # the next case numbers on from there
        assert 40 <= big <= 130  # three schools of 300 hold about a fifth

        settings = {"PORTAL_BASE_URL": BASE_URL, "DEVELOPMENT": False}
        with portal_app(url, SESSION_COOKIE_SECURE=False, **settings, **RELAXED_LIMITS) as app:
            school = PortalClient(app.test_client(), app)
            school.sign_in(data.school_email(1, 1), data.PASSWORD)
            assert latest in school.get("/my-cases").get_data(as_text=True)
            school.get(f"/cases/{draft.reference}/pages/{draft.last_page}")
            officer = PortalClient(app.test_client(), app)
            officer.sign_in(data.officer_email(1), data.PASSWORD)
            assert "govuk-table" in officer.get("/caseviewer/").get_data(as_text=True)
