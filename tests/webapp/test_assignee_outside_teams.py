"""A case assigned to an officer who no longer works its case type (moved to another team, or
their team no longer works it) says so: it read 'Sam Singh' in the queue and on its page, as if
he were working it, while he could no longer see it at all ("You are not in a council team
yet"), so nobody took it over. As a locked assignee's is (test_caseviewer)."""

from __future__ import annotations

from sqlalchemy import select

from tests.webapp.conftest import staff, text_of
from tests.webapp.helpers import send
from tests.webapp.test_caseviewer import council, stored_case  # noqa: F401 (a fixture)
from webapp.models import Team

OUTSIDE = "Sam Singh (not in a team that works this case type)"


def _assigned_to(portal, reference) -> tuple[str, str]:
    row = next(
        r for r in portal.get("/caseviewer/").page.select("tbody tr") if reference in r.get_text()
    )
    page = portal.get(f"/caseviewer/cases/{reference}").page
    return text_of(row.select("td")[-1]), text_of(page.select_one("#case-details"))


def test_an_assignee_moved_to_another_team_is_said_to_be_outside_it(
    sign_in,
    world,
    council,  # noqa: F811 (the fixture imported)
    db_session,
):
    reference = stored_case(db_session, world.school_a, world.alice, assigned_to=council.sam)
    olivia = sign_in(council.olivia)
    assert _assigned_to(olivia, reference)[0] == "Sam Singh"  # while he works it
    send, early_years = db_session.scalars(select(Team).order_by(Team.name.desc()))
    send.members = [m for m in send.members if m.id != council.sam.id]
    early_years.members = [*early_years.members, council.sam]
    db_session.commit()
    in_queue, on_page = _assigned_to(olivia, reference)
    assert in_queue == OUTSIDE
    assert f"Assigned to {OUTSIDE}" in on_page
    sign_in(council.sam).get(f"/caseviewer/cases/{reference}", expect=404)  # he cannot see it


def test_an_assignee_whose_team_stops_working_the_case_type_likewise(
    sign_in,
    world,
    council,  # noqa: F811 (the fixture imported)
    db_session,
):
    reference = stored_case(db_session, world.school_a, world.alice, assigned_to=council.sam)
    send = db_session.scalar(select(Team).where(Team.name == "SEND"))
    send.case_type_ids = ["send-referral"]  # part-time timetables go to a team of their own
    olivia = db_session.merge(council.olivia)
    db_session.add(Team(name="PTT only", case_type_ids=["part-time-timetable"], members=[olivia]))
    db_session.commit()
    in_queue, on_page = _assigned_to(sign_in(council.olivia), reference)
    assert in_queue == OUTSIDE
    assert f"Assigned to {OUTSIDE}" in on_page


def test_moving_an_officer_off_a_team_says_which_of_their_cases_they_no_longer_see(
    sign_in,
    world,
    council,  # noqa: F811 (the fixture imported)
    db_session,
):
    """Where it happens, the council admin is told: saving Sam's teams without SEND said only
    'Your changes have been saved', and his two active cases went out of his sight unannounced
    (a completed one needs nobody)."""
    for status in ("Active", "Active", "Completed"):
        stored_case(db_session, world.school_a, world.alice, status=status, assigned_to=council.sam)
    cara = sign_in(staff(db_session, "cara@council.example.org", "admin"))
    early_years = db_session.scalar(select(Team).where(Team.name == "Early Years"))
    response = send(cara, f"/council/officers/{council.sam.id}", teams=[str(early_years.id)])
    said = text_of(cara.get(response.headers["Location"]).page)
    assert "Your changes to Sam Singh have been saved" in said
    assert (
        "Sam Singh is assigned 2 active cases of case types their teams no longer work, so "
        "they can no longer see them: assign them to someone else in caseviewer" in said
    )
    response = send(cara, f"/council/officers/{council.sam.id}", job_title="Lead officer")
    assert "no longer see" not in text_of(cara.get(response.headers["Location"]).page)  # told once
