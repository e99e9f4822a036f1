"""A service's work is all committed or none of it: a refusal half-way leaves nothing behind,
even when the same request commits something else afterwards, and a UNIQUE race is told to the
person as the form's own error (webapp.infra.database.transaction)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.webapp.test_council_admin import fresh, staff
from webapp.areas.pages.services import record_feedback
from webapp.domain import schools
from webapp.domain.errors import EmailInUse, Refused, URNInUse
from webapp.infra.database import db, transaction
from webapp.models import AuditEvent, Feedback, School


def test_a_refusal_half_way_through_onboarding_leaves_no_school(app, world, db_session):
    officer = staff(db_session, "olly@council.example.org", "officer")
    with app.app_context():
        session = db()
        # The school is added and flushed before the admin's address turns out to be council
        # staff's: the refusal must take the school back with it.
        with pytest.raises(Refused, match="belongs to a member of council staff") as refused:
            schools.add_school(
                session,
                None,
                name="Rushey Mead Academy",
                urn="130777",
                setting_type="school",
                email=officer.email,
            )
        assert refused.value.problems == {"email": str(refused.value)}
        record_feedback(session, "satisfied", "", None)  # a later commit in the same request
    looked = fresh(db_session)
    assert looked.scalar(select(School).where(School.urn == "130777")) is None
    assert (
        looked.scalars(select(AuditEvent).where(AuditEvent.action == "school_onboarded")).all()
        == []
    )
    assert len(looked.scalars(select(Feedback)).all()) == 1


def test_a_unique_race_becomes_the_callers_error_and_the_session_goes_on(app, world):
    with app.app_context():
        session = db()
        # As if another admin had added URN 111111 between the check and the commit.
        conflict = lambda: URNInUse(world.school_a)  # noqa: E731
        with pytest.raises(URNInUse) as taken, transaction(session, conflict=conflict):
            session.add(School(name="Someone else's", urn="111111", setting_type="school"))
        assert taken.value.problems == {
            "urn": "URN 111111 is already used by Aylestone Primary School"
        }
        assert session.scalar(select(School).where(School.name == "Someone else's")) is None
        with pytest.raises(EmailInUse):  # the next service call starts cleanly
            schools.onboard_school(
                session,
                name="Another",
                urn="130778",
                setting_type="school",
                admin_email=world.alice.email,
                admin_first_name="Alice",
                admin_last_name="Tester",
            )
