"""What an autosave and a form page cost, in what they send and evaluate (never in time): a
form page is one SELECT (the user, their memberships and the case together) and, on
PostgreSQL, no transaction; an autosave is that SELECT and one UPDATE, nothing read after it;
the session cookie left alone while nothing in it changes; and a session that still ends
after its idle limit, never while the user works."""

from __future__ import annotations

import contextlib

import pytest
from psycopg import _connection_base
from sqlalchemy import event, select

from engine import CaseType
from tests.webapp.helpers import start
from tests.webapp.test_concurrency import run_together
from webapp.models import Case


@contextlib.contextmanager
def statements_sent(app, whole: bool = False):
    """The SQL statements the app sends meanwhile, first word upper-cased (`whole`: each
    statement's whole text)."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        sent.append(statement if whole else statement.split(None, 1)[0].upper())

    engine = app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


@contextlib.contextmanager
def commands_sent(monkeypatch):
    """What psycopg sends besides statements meanwhile: BEGIN, COMMIT, ROLLBACK (round trips
    of their own, which SQLAlchemy's events do not show)."""
    sent: list[str] = []
    command = _connection_base.BaseConnection._exec_command

    def record(connection, query, *args, **kwargs):
        sent.append(bytes(query).decode().split(None, 1)[0].upper())
        return command(connection, query, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(_connection_base.BaseConnection, "_exec_command", record)
        yield sent


def test_an_autosave_is_one_read_and_one_update(app, sign_in, world, monkeypatch):
    portal = sign_in(world.carol)  # two schools: memberships that a lazy load would fetch
    reference, _ = start(portal, "part-time-timetable", world.school_b)
    autosave = f"/cases/{reference}/pages/child/autosave"
    portal.post(autosave, {"forename": "Jord", "page_version": "1"}, expect=200)
    with statements_sent(app) as sent, commands_sent(monkeypatch) as commands:
        response = portal.post(autosave, {"forename": "Jordan", "page_version": "2"}, expect=200)
    assert response.json == {"saved": True, "page_version": 3}
    # The user with their memberships and the case with its school, in one query; then the
    # write, and nothing read again after it (SQLite's own BEGIN IMMEDIATE aside); on
    # PostgreSQL, no BEGIN or COMMIT around them either.
    assert [s for s in sent if s != "BEGIN"] == ["SELECT", "UPDATE"]
    assert commands == []


def test_a_form_page_is_one_select_and_on_postgresql_no_transaction(
    app, sign_in, world, monkeypatch
):
    portal = sign_in(world.carol)
    reference, path = start(portal, "part-time-timetable", world.school_b)
    portal.post(f"{path}/autosave", {"forename": "Jordan", "page_version": "1"}, expect=200)
    with statements_sent(app) as sent, commands_sent(monkeypatch) as commands:
        page = portal.get(path).page
    assert page.find("input", attrs={"name": "forename"})["value"] == "Jordan"
    assert [s for s in sent if s != "BEGIN"] == ["SELECT"]  # SQLite's BEGIN IMMEDIATE aside
    assert commands == []  # no BEGIN, no ROLLBACK: nothing but the one query went out


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_page_sent_with_continue_is_still_saved_in_a_transaction(
    app, sign_in, world, monkeypatch
):
    portal = sign_in(world.alice)
    _reference, path = start(portal, "part-time-timetable")
    version = portal.get(path).page.find(attrs={"name": "page_version"})["value"]
    with commands_sent(monkeypatch) as commands:
        data = {"forename": "Jordan", "page_version": version, "action": "save"}
        portal.post(path, data, expect=302)
    assert commands[0] == "BEGIN" and "COMMIT" in commands


def test_a_stale_autosave_still_reads_the_case_again_and_refuses(app, sign_in, world):
    portal = sign_in(world.alice)
    reference, _ = start(portal, "part-time-timetable")
    autosave = f"/cases/{reference}/pages/child/autosave"
    portal.post(autosave, {"forename": "Jord", "page_version": "1"}, expect=200)
    with statements_sent(app) as sent:  # the page is at version 2 now
        portal.post(autosave, {"forename": "Old tab", "page_version": "1"}, expect=409)
    assert "UPDATE" not in sent


def test_the_session_cookie_is_sent_again_only_when_the_session_changes(
    sign_in, world, moving_clock
):
    portal = sign_in(world.alice)
    reference, _ = start(portal, "part-time-timetable")
    autosave = f"/cases/{reference}/pages/child/autosave"
    moving_clock.advance(minutes=2)
    first = portal.client.post(
        autosave, data={"forename": "J", "page_version": "1", "csrf_token": portal.csrf_token}
    )
    assert first.status_code == 200 and "Set-Cookie" in first.headers  # the activity, written
    moving_clock.advance(seconds=20)
    again = portal.client.post(
        autosave, data={"forename": "Jo", "page_version": "2", "csrf_token": portal.csrf_token}
    )
    assert again.status_code == 200 and "Set-Cookie" not in again.headers


def test_a_user_who_keeps_working_is_never_signed_out_and_an_idle_one_is(
    sign_in, world, moving_clock
):
    portal = sign_in(world.alice)
    reference, _ = start(portal, "part-time-timetable")
    autosave = f"/cases/{reference}/pages/child/autosave"
    for version in range(60):  # an autosave every 50 seconds for 50 minutes
        moving_clock.advance(seconds=50)
        data = {"forename": f"J{version}", "page_version": str(version + 1)}
        portal.post(autosave, data, expect=200)
    moving_clock.advance(minutes=29)
    portal.get("/", expect=200)  # 29 minutes idle: still signed in
    moving_clock.advance(minutes=30, seconds=1)
    assert portal.client.get("/").status_code == 302  # 30 minutes idle: signed out


def test_a_form_page_evaluates_the_answers_once(app, sign_in, world, monkeypatch):
    portal = sign_in(world.alice)
    reference, path = start(portal, "part-time-timetable")
    portal.post(f"{path}/autosave", {"forename": "Jordan", "page_version": "1"}, expect=200)
    evaluations = []
    evaluate = CaseType.values

    def counted(case_type, answers):
        evaluations.append(case_type.id)
        return evaluate(case_type, answers)

    monkeypatch.setattr(CaseType, "values", counted)
    page = portal.get(path).page
    assert page.find("input", attrs={"name": "forename"})["value"] == "Jordan"
    assert evaluations == ["part-time-timetable"]


def test_two_tabs_autosaving_two_pages_at_the_same_moment_both_keep_their_answers(
    app, sign_in, world, db_session
):
    portal = sign_in(world.alice)
    reference, _ = start(portal, "part-time-timetable")
    tabs = [portal, sign_in(world.alice)]  # two browsers, so that neither waits for the other
    tabs[1].get(f"/cases/{reference}/pages/arrangement")  # the page, with its CSRF token
    sent = [("child", {"forename": "Jordan"}), ("arrangement", {"part_time_hours": "15"})]
    saved_before = {"child": 1, "arrangement": 0}  # start() saved the first page once

    def autosave(index):
        page_id, answers = sent[index]
        path = f"/cases/{reference}/pages/{page_id}/autosave"
        return tabs[index].post(
            path, {**answers, "page_version": str(round_ + saved_before[page_id])}, expect=200
        )

    for round_ in range(3):  # a few times, to give the race its chances
        responses = run_together(2, autosave)
        assert [r.json["page_version"] for r in responses] == [round_ + 2, round_ + 1]
        db_session.expire_all()
        stored = db_session.scalar(select(Case).where(Case.reference == reference))
        assert (stored.answers["forename"], stored.answers["part_time_hours"]) == ("Jordan", 15)
        db_session.rollback()


def test_a_head_request_of_a_page_saves_nothing(app, sign_in, world, db_session):
    """Found by review: HEAD took the saving branch of a form page (and, once GET ran without
    a transaction, saved outside one); a new case's page answered 400 to it by luck."""
    from sqlalchemy import func

    from tests.webapp.helpers import CHILD, answer, start_unsaved

    alice = sign_in(world.alice)
    reference, first = start(alice, "part-time-timetable")
    answer(alice, first, CHILD)
    before = db_session.scalar(select(Case).where(Case.reference == reference))
    versions, row_version = dict(before.page_versions), before.row_version
    response = alice.client.head(f"/cases/{reference}/pages/arrangement")  # not saved yet
    assert response.status_code == 200
    db_session.expire_all()
    after = db_session.scalar(select(Case).where(Case.reference == reference))
    assert (after.page_versions, after.row_version) == (versions, row_version)
    location = start_unsaved(alice, "part-time-timetable")
    cases = db_session.scalar(select(func.count()).select_from(Case))
    assert alice.client.head(location).status_code == 200
    assert db_session.scalar(select(func.count()).select_from(Case)) == cases
