"""Many people at once: references stay unique, and concurrent saves of one draft both land."""

import contextlib
import threading

import pytest
import wtforms
from sqlalchemy import event, func, select, text
from werkzeug.datastructures import MultiDict

from tests.webapp.conftest import text_of
from tests.webapp.helpers import AGREEMENT, ARRANGEMENT, CHILD, PDF, answer, start
from webapp.areas.cases import services, starting
from webapp.models import Attachment, Case, School, User


def run_together(count, work):
    """Run work(i) in `count` threads released at the same moment; re-raise any failure."""
    barrier = threading.Barrier(count)
    failures, results = [], [None] * count

    def runner(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # reported below, in the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    return results


def meeting(count, work, seen=None):
    """`work` as requests sent at the same moment reach it: each call is noted in `seen` (its
    last argument), waits until `count` calls have come (a second at most), then runs. Requests
    made to take turns before this point come one by one, and each waits out its second."""
    gate = threading.Barrier(count, timeout=1)

    def met(*args):
        if seen is not None:
            seen.append(args[-1])
        with contextlib.suppress(threading.BrokenBarrierError):
            gate.wait()
        return work(*args)

    return met


def _updates_cases(state) -> bool:
    """Whether a statement the session runs is an UPDATE of the cases table (a save's write)."""
    return state.is_update and getattr(state.statement, "table", None) is Case.__table__


def test_twenty_cases_started_at_once_get_twenty_distinct_references(app, world):
    catalogue = app.extensions["catalogue"]
    types = [catalogue.get("part-time-timetable"), catalogue.get("physical-intervention")]

    def start(index):
        session = app.extensions["db_sessions"]()
        try:
            user = session.get(User, world.alice.id)
            school = session.get(School, world.school_a.id)
            return starting.start_case(session, user, school, types[index % 2]).reference
        finally:
            session.close()

    references = run_together(20, start)
    assert len(set(references)) == 20
    # One counter per prefix: PTT and PIR numbers interleave without gaps.
    numbers = sorted(int(r[-4:]) for r in references)
    assert numbers == list(range(1001, 1021))


def test_two_pages_of_one_draft_saved_at_once_both_survive(app, world):
    case_type = app.extensions["catalogue"].get("part-time-timetable")
    session = app.extensions["db_sessions"]()
    case = starting.start_case(
        session,
        session.get(User, world.alice.id),
        session.get(School, world.school_a.id),
        case_type,
    )
    reference = case.reference
    session.close()
    posts = {"child": CHILD, "arrangement": ARRANGEMENT}

    def save(index):
        page_id = list(posts)[index]
        data = MultiDict()
        for key, value in posts[page_id].items():
            for item in value if isinstance(value, list) else [value]:
                data.add(key, item)
        session = app.extensions["db_sessions"]()
        try:
            draft = session.scalar(select(Case).where(Case.reference == reference))
            form = case_type.form_class(page_id, wtforms.Form)(data)
            return services.save_page(session, draft, case_type, page_id, form, 0).valid
        finally:
            session.close()

    for _round in range(3):  # a few times, to give the race its chances
        assert run_together(2, save) == [True, True]
        session = app.extensions["db_sessions"]()
        stored = session.scalar(select(Case).where(Case.reference == reference))
        assert stored.answers["forename"] == "Jordan"
        assert stored.answers["part_time_hours"] == 15
        session.close()
        # Next round starts from the versions now stored.
        session = app.extensions["db_sessions"]()
        stored = session.scalar(select(Case).where(Case.reference == reference))
        stored.page_versions = {}
        session.commit()
        session.close()


def test_a_save_retried_after_a_concurrent_write_keeps_the_file_uploaded_with_it(
    app, sign_in, world, db_session
):
    portal = sign_in(world.alice)
    reference, _ = start(portal, "part-time-timetable")
    case_id = db_session.scalar(select(Case.id).where(Case.reference == reference))
    bumped = []

    def concurrent_write(state):
        """Another writer changes the case between the save's read and its write (on the
        save's own connection: on SQLite another one would wait for the save's lock)."""
        if _updates_cases(state) and not bumped:
            bumped.append(reference)
            state.session.connection().execute(
                text("update cases set row_version = row_version + 1 where id = :id"),
                {"id": case_id},
            )

    sessions = app.extensions["db_sessions"]
    event.listen(sessions, "do_orm_execute", concurrent_write)
    try:
        path = f"/cases/{reference}/pages/agreement"
        answer(portal, path, AGREEMENT, files={"signed_plan": ("plan.pdf", PDF)})
    finally:
        event.remove(sessions, "do_orm_execute", concurrent_write)
    assert bumped == [reference]  # the first commit met the concurrent write and was retried
    stored = db_session.scalar(select(Case).where(Case.reference == reference))
    attachment = db_session.get(Attachment, stored.answers["signed_plan"]["id"])
    assert attachment is not None and attachment.data == PDF
    assert db_session.scalar(select(func.count()).select_from(Attachment)) == 1
    assert "Current file: plan.pdf" in text_of(portal.get(path).page)


# On SQLite the save holds the write lock from its read to its write (BEGIN IMMEDIATE), so no
# other writer can come between them: the race exists on PostgreSQL only.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_save_never_lands_on_a_case_abandoned_between_its_read_and_its_write(
    app, sign_in, world, db_session
):
    """Found by review: the retry after a concurrent write did not ask again whether the case
    could still be changed, so an autosave wrote into a case abandoned (or sent) meanwhile."""
    portal = sign_in(world.alice)
    reference, first_page = start(portal, "part-time-timetable")
    case_id = db_session.scalar(select(Case.id).where(Case.reference == reference))
    abandoned = []

    def abandon_meanwhile(state):
        """Another request abandons the case between the save's read and its write."""
        if _updates_cases(state) and not abandoned:
            abandoned.append(reference)
            with app.extensions["db_engine"].begin() as other:
                other.execute(
                    text(
                        "update cases set status = 'Abandoned', row_version = row_version + 1 "
                        "where id = :id"
                    ),
                    {"id": case_id},
                )

    sessions = app.extensions["db_sessions"]
    event.listen(sessions, "do_orm_execute", abandon_meanwhile)
    try:
        response = portal.post(f"{first_page}/autosave", {"forename": "After", "page_version": "1"})
    finally:
        event.remove(sessions, "do_orm_execute", abandon_meanwhile)
    assert abandoned, "the concurrent write never ran"
    assert response.status_code == 409 and response.json["saved"] is False
    db_session.expire_all()
    stored = db_session.get(Case, case_id)
    assert stored.status == "Abandoned" and stored.answers.get("forename") != "After"
