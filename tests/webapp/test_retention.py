"""Retention: used codes, expired reset links, sent mail and old drafts are purged."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.webapp.helpers import start
from webapp.domain.retention import purge
from webapp.infra import clock
from webapp.models import Attachment, AuditEvent, Case, LoginCode, OutboxMessage, PasswordReset


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_purge_removes_what_is_past_keeping_and_keeps_the_rest(app, world, sign_in, db_session):
    portal = sign_in(world.alice)  # a used code and a sign-in mail
    reference, _ = start(portal, "part-time-timetable")
    portal.get("/sign-out")
    from tests.webapp.test_account_journeys import ask_for_reset

    ask_for_reset(portal, world.bob.email)  # an unused reset link
    assert count(db_session, LoginCode) == 1 and count(db_session, PasswordReset) == 1
    later = clock.now() + dt.timedelta(days=2)
    for message in db_session.scalars(select(OutboxMessage)):
        message.sent_at = clock.now()
    db_session.commit()

    counts = purge(db_session, now=later)
    assert counts["sign-in codes"] == 1 and counts["reset links"] == 1
    assert counts["sent mail"] == 0 and counts["old drafts"] == 0
    assert count(db_session, Case) == 1

    counts = purge(db_session, draft_days=180, now=later + dt.timedelta(days=200))
    assert counts["sent mail"] >= 1 and counts["old drafts"] == 1
    assert count(db_session, Case) == 0
    purged = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "draft_purged"))
    assert purged.detail == {"reference": reference, "untouched_days": 180}


def test_a_sign_in_code_never_delivered_in_time_is_dropped(app, world, client, db_session):
    client.get("/sign-in")
    client.post(
        "/sign-in",
        {"email": world.alice.email, "password": "correct horse battery staple"},
        expect=302,
    )
    assert count(db_session, OutboxMessage) == 1
    purge(db_session, now=clock.now() + dt.timedelta(minutes=6))
    assert count(db_session, OutboxMessage) == 0


def test_portal_purge_command(tmp_path, monkeypatch, capsys, portal_env):
    from webapp.cli import main
    from webapp.infra.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'purged.sqlite3'}"
    upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["purge"]) == 0
    assert capsys.readouterr().out.startswith("purged: 0 sign-in codes")


def test_old_drafts_are_purged_a_batch_at_a_time_each_kept(
    app, world, sign_in, db_session, monkeypatch
):
    """Many old drafts (the first purge of a council with years of them) are purged oldest
    first, a batch at a time, each batch committed with its audit events: never all loaded
    at once (gigabytes in the mail worker at 1M cases)."""
    from webapp.domain import retention

    portal = sign_in(world.alice)
    references = [start(portal, "part-time-timetable")[0] for _ in range(5)]
    monkeypatch.setattr(retention, "DRAFT_BATCH", 2)
    committed = []
    real_commit = db_session.commit
    monkeypatch.setattr(db_session, "commit", lambda: committed.append(1) or real_commit())

    later = clock.now() + dt.timedelta(days=200)
    assert purge(db_session, draft_days=180, now=later)["old drafts"] == 5
    assert count(db_session, Case) == 0 and len(committed) >= 3
    purged = db_session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "draft_purged")
    ).all()
    assert sorted(detail["reference"] for detail in purged) == sorted(references)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_draft_resumed_while_the_purge_runs_is_kept(app, world, sign_in, db_session):
    """Found in review: the purge read a batch of old drafts, then deleted them by id. A
    school that went back to one of them just then (its save committed between the two)
    saw it saved, and then lost the draft with all of its answers and files. Only what is
    still untouched goes; PostgreSQL only, where a save does not wait for the purge."""
    from sqlalchemy import create_engine, event, text

    portal = sign_in(world.alice)
    resumed, _ = start(portal, "part-time-timetable")
    forgotten, _ = start(portal, "part-time-timetable")
    for case in db_session.scalars(select(Case)):
        db_session.add(_file_of(case, world.alice.id))
    db_session.commit()
    later = clock.now() + dt.timedelta(days=200)
    other = create_engine(db_session.bind.url)

    def save_meanwhile(conn, cursor, statement, *args):
        if "ORDER BY cases.updated_at" in statement and not saved:  # the batch was read
            saved.append(resumed)
            with other.begin() as typing:
                typing.execute(
                    text("update cases set updated_at = :at where reference = :ref"),
                    {"at": later, "ref": resumed},
                )

    saved: list[str] = []
    event.listen(db_session.bind, "after_cursor_execute", save_meanwhile)
    try:
        counts = purge(db_session, draft_days=180, now=later)
    finally:
        event.remove(db_session.bind, "after_cursor_execute", save_meanwhile)
        other.dispose()
    assert saved == [resumed]
    left = db_session.scalars(select(Case.reference)).all()
    assert left == [resumed] and counts["old drafts"] == 1
    purged = db_session.scalars(
        select(AuditEvent.detail).where(AuditEvent.action == "draft_purged")
    ).all()
    assert [detail["reference"] for detail in purged] == [forgotten]
    filed = select(Case.reference).join(Attachment, Attachment.case_id == Case.id)
    assert db_session.scalars(filed).all() == [resumed]  # its file kept, the other's gone
    assert count(db_session, Attachment) == 1


def _file_of(case, user_id):
    return Attachment(
        case_id=case.id,
        field_key="evidence",
        filename="plan.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=4,
        data=b"%PDF",
        uploaded_by_id=user_id,
    )


def test_a_draft_purged_while_open_in_a_tab_says_why_it_has_gone(app, world, sign_in, db_session):
    """A school user comes back to a tab still open on a draft the purge has deleted: the
    background save said only "Not saved automatically … saved when you press Continue", and
    Continue then led to "Page not found". Both now say the draft was deleted, when and why,
    and that the changes were not saved. Another school's user learns nothing of it."""
    from werkzeug.datastructures import MultiDict

    from tests.webapp.conftest import text_of
    from tests.webapp.helpers import shown_values

    portal = sign_in(world.alice)
    reference, path = start(portal, "part-time-timetable")
    typed = MultiDict(shown_values(portal.get(path).page))
    later = clock.now() + dt.timedelta(days=200)
    assert purge(db_session, draft_days=180, now=later)["old drafts"] == 1
    why = f"Draft {reference} was deleted on "
    because = "because it had not been used for 180 days."

    autosaved = portal.post(f"{path}/autosave", typed, expect=410)
    answer = autosaved.get_json()
    assert answer["saved"] is False and answer["reload"] is True
    assert why in answer["message"] and because in answer["message"]
    assert "Your latest changes have not been saved." in answer["message"]

    typed["action"] = "save"
    shown = text_of(portal.post(path, typed, expect=410).page)
    assert f"Draft {reference} has been deleted" in shown
    assert why in shown and because in shown
    assert "The changes you made on the page have not been saved." in shown
    assert because in text_of(portal.get(f"/cases/{reference}", expect=410).page)

    other = sign_in(world.bob)  # school B: the reference is none of theirs
    assert "Page not found" in text_of(other.get(path, expect=404).page)
