"""Council admin: council admins onboard schools and their admins, add council staff, put them in
teams that work case types, and lock or unlock them. Nobody else finds these pages.

Cara is a council admin and Olly a case officer; the world's school users are as in conftest.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tests.webapp.conftest import PortalClient, staff, text_of
from tests.webapp.helpers import audit_rows, errors_on, fresh, mails, password_in, send
from webapp.areas.council_admin import services
from webapp.models import AuditEvent, Membership, OutboxMessage, School, Team, User


@pytest.fixture
def cara_user(db_session, world):
    return staff(db_session, "cara@council.example.org", "admin")


@pytest.fixture
def olly_user(db_session, world):
    return staff(db_session, "olly@council.example.org", "officer")


@pytest.fixture
def cara(sign_in, cara_user):
    return sign_in(cara_user)


NEW_SCHOOL = {
    "name": "Rushey  Mead Primary School",
    "setting_type": "school",
    "urn": " 120999 ",
    "email": " Head@RusheyMead.example.org",
    "first_name": "Sam",
    "last_name": "Okafor",
    "job_title": "Headteacher",
}


def add_school(portal, expect=302, **changes):
    portal.get("/council/schools/add")
    return portal.post("/council/schools/add", {**NEW_SCHOOL, **changes}, expect=expect)


def add_officer(portal, email="owen@council.example.org", role="officer", teams=(), expect=302):
    portal.get("/council/officers/add")
    data = MultiDict(
        {
            "email": email,
            "first_name": "Owen",
            "last_name": "Lee",
            "job_title": "SEND caseworker",
            "role": role,
        }
    )
    for team in teams:
        data.add("teams", str(team))
    return portal.post("/council/officers/add", data, expect=expect)


def add_team(portal, name, case_types=(), members=(), expect=302):
    portal.get("/council/teams/add")
    data = MultiDict({"name": name})
    for case_type_id in case_types:
        data.add("case_types", case_type_id)
    for member in members:
        data.add("members", str(member))
    return portal.post("/council/teams/add", data, expect=expect)


def team_named(db_session, name) -> Team:
    return fresh(db_session).scalar(select(Team).where(Team.name == name))


# --- Schools ---------------------------------------------------------------------------------


def test_a_new_school_and_its_first_admin_who_signs_in_with_the_emailed_password(
    cara, cara_user, sign_in, app, db_session, pages
):
    response = add_school(cara)
    school = fresh(db_session).scalar(select(School).where(School.urn == "120999"))
    assert response.headers["Location"].endswith(f"/council/schools/{school.id}")
    assert (school.name, school.setting_type) == ("Rushey Mead Primary School", "school")
    admin = db_session.scalar(select(User).where(User.email == "head@rusheymead.example.org"))
    assert (admin.first_name, admin.last_name, admin.job_title) == ("Sam", "Okafor", "Headteacher")
    assert [(m.school_id, m.is_admin) for m in admin.memberships] == [(school.id, True)]
    assert admin.council_role == ""

    [mail] = mails(db_session, admin.email, "sign_up")
    assert "Username: head@rusheymead.example.org" in mail.body
    assert "Rushey Mead Primary School" in mail.body
    password = password_in(mail)

    page = cara.get(f"/council/schools/{school.id}").page
    assert "We have emailed Sam Okafor their username and a password" in text_of(page)
    assert "head@rusheymead.example.org" in text_of(page.select_one("tbody"))
    listing = cara.get("/council/schools?q=rushey").page
    [row] = [
        [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in listing.select("tbody tr")
    ]
    assert row == ["Rushey Mead Primary School", "120999", "School", "1", "Sam Okafor"]

    [onboarded] = audit_rows(db_session, "school_onboarded")
    assert (onboarded.actor_id, onboarded.user_id, onboarded.school_id) == (
        cara_user.id,
        admin.id,
        school.id,
    )
    [created] = audit_rows(db_session, "user_created")
    assert (created.actor_id, created.user_id, created.school_id) == (
        cara_user.id,
        admin.id,
        school.id,
    )

    # The new admin signs in with the emailed password and manages the school's users.
    head = PortalClient(app.test_client(), app)
    head.sign_in(admin.email, password)
    head.get("/account/security-question")
    head.post(
        "/account/security-question", {"question": "birth_town", "answer": "Leicester"}, expect=302
    )
    head.get("/account/choose-password")
    head.post("/account/choose-password", {"keep-submit": "1"}, expect=302)
    users = head.get("/user-admin/").page
    cells = [td.get_text(" ", strip=True) for td in users.select("tbody tr td")]
    assert cells[0].startswith("head@rusheymead.example.org") and cells[5] == "Yes"
    assert head.client.get("/council/schools").status_code == 404
    assert not any(password in body for body in pages[:-1] if body)  # never shown to Cara


def test_a_urn_already_used_is_refused_and_what_was_typed_is_kept(cara, world, db_session):
    response = add_school(cara, expect=200, urn="111111")
    assert errors_on(response) == ["URN 111111 is already used by Aylestone Primary School"]
    assert response.page.title.get_text().startswith("Error: ")
    page = response.page
    assert page.find("input", id="name")["value"] == "Rushey Mead Primary School"
    assert page.find("input", id="urn")["value"] == "111111"
    assert page.find("input", id="email")["value"] == "head@rusheymead.example.org"
    assert page.find("input", id="first_name")["value"] == "Sam"
    assert page.find("option", selected=True)["value"] == "Headteacher"
    assert page.find("input", attrs={"name": "setting_type", "value": "school"}).has_attr("checked")
    assert (
        fresh(db_session).scalar(select(User).where(User.email == "head@rusheymead.example.org"))
        is None
    )
    assert not mails(db_session, "head@rusheymead.example.org", "sign_up")
    assert not audit_rows(db_session, "school_onboarded")


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"urn": "12345"}, "Enter a URN of 6 digits, like 123456"),
        ({"urn": "EY123456"}, "Enter a URN of 6 digits, like 123456"),
        (
            {"setting_type": "early_years", "urn": "E1234567"},
            "Enter an early years URN: EY and 6 digits, or 6 or 7 digits, like EY123456",
        ),
        ({"setting_type": "academy_trust"}, "Select the type of setting"),
        ({"name": "  "}, "Enter the name of the school or setting"),
        ({"first_name": ""}, "Enter their first name"),
        ({"job_title": "Chief Executive"}, "Select their job title"),
        (
            {"email": "not-an-address"},
            "Enter an email address in the correct format, like name@example.org",
        ),
    ],
)
def test_school_form_mistakes_are_shown_in_the_error_summary(cara, db_session, changes, error):
    response = add_school(cara, expect=200, **changes)
    assert error in errors_on(response)
    assert fresh(db_session).scalar(select(School).where(School.urn == "120999")) is None


def test_an_early_years_setting_takes_an_ofsted_urn(cara, db_session):
    add_school(cara, name="Little Oaks Nursery", setting_type="early_years", urn="ey 765432")
    school = fresh(db_session).scalar(select(School).where(School.urn == "EY765432"))
    assert school.setting_type == "early_years"
    # A setting's page speaks of the setting, not of a school
    page = text_of(cara.get(f"/council/schools/{school.id}").page)
    assert "The setting’s administrators add and manage" in page and "school’s" not in page


def test_someone_running_several_settings_is_made_admin_of_another_with_no_new_account(
    cara, cara_user, world, db_session
):
    # Bob uses the portal for school B; he also runs the new nursery. His details are kept.
    add_school(
        cara,
        name="Little Oaks Nursery",
        setting_type="early_years",
        urn="EY765432",
        email="BOB@b.example.org",
        first_name="",
        last_name="",
        job_title="",
    )
    bob = fresh(db_session).get(User, world.bob.id)
    school = db_session.scalar(select(School).where(School.urn == "EY765432"))
    assert {(m.school_id, m.is_admin) for m in bob.memberships} == {
        (world.school_b.id, False),
        (school.id, True),
    }
    assert bob.first_name == "Bob"
    assert not mails(db_session, bob.email, "sign_up")
    # Found by a council admin: nothing told Bob he now ran the nursery's users.
    [told] = mails(db_session, bob.email, "admin_granted")
    assert "You are now an administrator of Little Oaks Nursery" in told.subject
    assert "User admin" in told.body and "Password" not in told.body
    [added] = audit_rows(db_session, "membership_added")
    assert (added.actor_id, added.user_id, added.school_id, added.detail) == (
        cara_user.id,
        bob.id,
        school.id,
        {"admin": True},
    )


def test_another_admin_for_a_school_new_or_existing(cara, cara_user, world, db_session):
    school_a = world.school_a
    path = f"/council/schools/{school_a.id}"
    page = cara.get(path).page
    assert "alice@a.example.org" in text_of(page) and "carol@ab.example.org" in text_of(page)

    # Names are needed for someone new.
    response = send(cara, path, expect=200, email="dev@a.example.org")
    assert errors_on(response) == [
        "Enter their first name",
        "Enter their last name",
        "Select their job title",
    ]
    assert not mails(db_session, "dev@a.example.org", "sign_up")

    send(
        cara,
        path,
        email="dev@a.example.org",
        first_name="Dev",
        last_name="Patel",
        job_title="Deputy headteacher",
    )
    dev = fresh(db_session).scalar(select(User).where(User.email == "dev@a.example.org"))
    assert [(m.school_id, m.is_admin) for m in dev.memberships] == [(school_a.id, True)]
    [sign_up] = mails(db_session, dev.email, "sign_up")
    # The first email says what the account is for, not only that it exists
    assert "You are an administrator of Aylestone Primary School: in User admin" in sign_up.body

    # Carol already belongs to school A: she becomes one of its admins.
    send(cara, path, email="carol@ab.example.org")
    carol = fresh(db_session).get(User, world.carol.id)
    assert {(m.school_id, m.is_admin) for m in carol.memberships} == {
        (school_a.id, True),
        (world.school_b.id, False),
    }
    [granted] = audit_rows(db_session, "admin_granted")
    assert (granted.actor_id, granted.user_id, granted.school_id) == (
        cara_user.id,
        carol.id,
        school_a.id,
    )
    [told] = mails(db_session, carol.email, "admin_granted")
    assert "Aylestone Primary School" in told.subject
    response = send(cara, path, expect=200, email="carol@ab.example.org")
    assert errors_on(response) == [
        "Carol Tester is already an administrator of Aylestone Primary School"
    ]
    # Council staff are not school users.
    response = send(cara, path, expect=200, email="cara@council.example.org")
    assert "Council staff cannot also be school users" in errors_on(response)[0]
    assert fresh(db_session).get(User, cara_user.id).memberships == []
    cara.get("/council/schools/999999", expect=404)


def test_the_schools_list_searches_and_sorts(cara, world):
    def names(url):
        return [
            tr.select_one("td a").get_text(strip=True)
            for tr in cara.get(url).page.select("tbody tr")
        ]

    assert names("/council/schools") == [
        "Aylestone Primary School",
        "Beaumont Leys School",
        "Little Acorns Pre-School",
    ]
    assert names("/council/schools?sort=name&order=desc")[0] == "Little Acorns Pre-School"
    assert names("/council/schools?sort=users&order=desc")[0] == "Aylestone Primary School"
    assert names("/council/schools?q=ey123") == ["Little Acorns Pre-School"]
    assert names("/council/schools?q=BEAUMONT") == ["Beaumont Leys School"]
    # One found is "1 school or setting", not "1 school and setting"
    found = cara.get("/council/schools?q=BEAUMONT").page.select_one("[role=status]")
    assert found.get_text(strip=True) == "1 school or setting found"
    rows = cara.get("/council/schools").page.select("tbody tr")
    first = [td.get_text(" ", strip=True) for td in rows[0].select("td")]
    assert first == ["Aylestone Primary School", "111111", "School", "2", "Alice Tester"]


# --- Council staff and teams ------------------------------------------------------------------


def test_an_officer_is_added_and_put_in_a_team_that_works_part_time_timetables(
    cara, cara_user, db_session
):
    add_officer(cara)
    listed = text_of(cara.get("/council/officers").page)
    # Added to no team: told that they will see no cases until they are in one
    assert "Owen Lee is in no team yet, so they see no cases" in listed
    owen = fresh(db_session).scalar(select(User).where(User.email == "owen@council.example.org"))
    assert (owen.council_role, owen.memberships, owen.job_title) == (
        "officer",
        [],
        "SEND caseworker",
    )
    [mail] = mails(db_session, owen.email, "sign_up")
    assert "Username: owen@council.example.org" in mail.body
    [created] = audit_rows(db_session, "user_created")
    assert (created.actor_id, created.user_id, created.detail) == (
        cara_user.id,
        owen.id,
        {"council_role": "officer"},
    )

    page = cara.get("/council/teams/add").page
    label = page.find("label", attrs={"for": "case_types-part-time-timetable"})
    assert "Part-time timetable" in label.get_text()
    hint = page.find(id="case_types-part-time-timetable-hint").get_text()
    assert "SEND part-time timetables" in hint
    headings = [h.get_text(strip=True) for h in page.select("fieldset h2")]
    assert headings == ["Early Years", "School changes", "SEND forms"]
    assert not page.find("input", attrs={"value": "send-local-offer"})  # a link, not a form

    add_team(cara, "SEND casework", ["part-time-timetable"], [owen.id])
    team = team_named(db_session, "SEND casework")
    assert team.case_type_ids == ["part-time-timetable"]
    assert [user.email for user in team.members] == ["owen@council.example.org"]
    [created] = audit_rows(db_session, "team_created")
    assert created.actor_id == cara_user.id
    assert created.detail == {
        "team_id": team.id,
        "team": "SEND casework",
        "case_types": ["part-time-timetable"],
    }
    [joined] = audit_rows(db_session, "team_member_added")
    assert (joined.actor_id, joined.user_id) == (cara_user.id, owen.id)

    # A second team may work the same case type.
    add_team(cara, "Inclusion", ["part-time-timetable", "send-referral"], [owen.id])
    rows = {
        tr.select_one("td a").contents[0].strip(): [
            td.get_text(" ", strip=True) for td in tr.select("td")
        ]
        for tr in cara.get("/council/officers").page.select("tbody tr")
    }
    assert rows["owen@council.example.org"][1:] == [
        "Owen",
        "Lee",
        "Case officer",
        "Inclusion, SEND casework",
        "Unlocked",
    ]
    assert rows["cara@council.example.org"][3] == "Council admin"


def test_a_teams_case_types_are_changed_and_a_forged_case_type_is_refused(
    cara, cara_user, olly_user, db_session
):
    add_team(cara, "Attendance", ["education-welfare"], [olly_user.id])
    team = team_named(db_session, "Attendance")
    path = f"/council/teams/{team.id}"
    send(cara, path, case_types=["education-welfare", "part-time-timetable"])
    assert team_named(db_session, "Attendance").case_type_ids == [
        "education-welfare",
        "part-time-timetable",
    ]
    [updated] = audit_rows(db_session, "team_updated")
    assert updated.actor_id == cara_user.id
    assert updated.detail["case_types_added"] == ["part-time-timetable"]

    for forged in ("no-such-case-type", "send-local-offer"):
        response = send(cara, path, expect=200, case_types=["education-welfare", forged])
        assert errors_on(response) == ["Select case types from the list"]
    assert team_named(db_session, "Attendance").case_type_ids == [
        "education-welfare",
        "part-time-timetable",
    ]
    # A member who is not council staff cannot be slipped in either.
    response = send(cara, path, expect=200, members=[str(olly_user.id), "1"])
    assert errors_on(response) == ["Select members from the list"]
    # The name must be unused.
    add_team(cara, "SEND", ["send-referral"])
    response = send(cara, path, expect=200, name="send")
    assert errors_on(response) == ["A team with this name already exists"]

    send(cara, path, case_types=[], members=[])
    team = team_named(db_session, "Attendance")
    assert (team.case_type_ids, team.members) == ([], [])
    [left] = audit_rows(db_session, "team_member_removed")
    assert (left.user_id, left.detail["team"]) == (olly_user.id, "Attendance")

    cara.get(f"/council/teams/{team.id}/delete")
    cara.post(f"/council/teams/{team.id}/delete", expect=302)
    assert team_named(db_session, "Attendance") is None
    assert audit_rows(db_session, "team_deleted")[0].actor_id == cara_user.id


def test_the_teams_page_says_which_case_types_nobody_works(cara, olly_user, db_session):
    """A case type no team works, or whose teams' officers are all locked, has its cases seen
    by nobody and nobody emailed when a school sends one (the school reads 'Case Officers
    Notification'): only `portal validate --strict` said so (W730), never the Teams page."""
    every = set(catalogue_names(cara))
    page = cara.get("/council/teams").page
    assert unworked_on(page) == every

    add_team(cara, "Attendance", ["education-welfare", "part-time-timetable"], [olly_user.id])
    add_team(cara, "Nobody yet", ["school-closure"], [])
    page = cara.get("/council/teams").page
    assert unworked_on(page) == every - {
        "Education Welfare Service referral (attendance)",
        "Part-time timetable alternative provision notification to LA",
    }
    olly = db_session.get(User, olly_user.id, populate_existing=True)
    olly.is_locked = True
    db_session.commit()
    assert unworked_on(cara.get("/council/teams").page) == every


def catalogue_names(portal) -> list[str]:
    page = portal.get("/council/teams/add").page
    return [
        page.find("label", attrs={"for": box["id"]}).get_text(strip=True)
        for box in page.select("input[name=case_types]")
    ]


def unworked_on(page) -> set[str]:
    warning = page.select_one("#unworked")
    if warning is None:
        return set()
    assert "nobody sees the cases schools send" in text_of(warning)
    return {li.get_text(strip=True) for li in warning.select("li")}


def test_an_officers_role_and_teams_are_changed_and_they_are_locked_and_unlocked(
    cara, cara_user, olly_user, sign_in, app, db_session
):
    add_team(cara, "Early years", ["early-years-census"])
    team = team_named(db_session, "Early years")
    path = f"/council/officers/{olly_user.id}"
    olly = sign_in(olly_user)  # signed in, to be signed out by the lock

    send(cara, path, role="admin", teams=[str(team.id)])
    user = fresh(db_session).get(User, olly_user.id)
    assert user.council_role == "admin"
    assert [m.id for m in team_named(db_session, "Early years").members] == [olly_user.id]
    [changed] = audit_rows(db_session, "council_role_changed")
    assert (changed.actor_id, changed.user_id, changed.detail) == (
        cara_user.id,
        olly_user.id,
        {"from_role": "officer", "to_role": "admin"},
    )

    response = send(cara, path, expect=200, teams=["987654"])
    assert errors_on(response) == ["Select teams from the list"]

    send(cara, path, role="officer", lock_status="locked")
    user = fresh(db_session).get(User, olly_user.id)
    assert (user.council_role, user.is_locked) == ("officer", True)
    [locked] = audit_rows(db_session, "user_locked")
    assert (locked.actor_id, locked.user_id) == (cara_user.id, olly_user.id)
    assert olly.client.get("/").status_code == 302  # their session has ended
    row = [
        tr
        for tr in cara.get("/council/officers").page.select("tbody tr")
        if "olly@" in tr.get_text()
    ][0]
    assert "Locked" in row.select("td")[-1].get_text()

    send(cara, path, lock_status="unlocked")
    assert not fresh(db_session).get(User, olly_user.id).is_locked
    [unlocked] = audit_rows(db_session, "user_unlocked")
    assert (unlocked.actor_id, unlocked.user_id) == (cara_user.id, olly_user.id)
    sign_in(olly_user)  # can sign in again

    cara.get(f"{path}/reset-password")
    cara.post(f"{path}/reset-password", expect=302)
    [mail] = mails(db_session, olly_user.email, "password_reset_by_admin")
    assert "A council admin of the portal has reset your School Portal password" in mail.body
    assert audit_rows(db_session, "password_reset_by_admin")[0].actor_id == cara_user.id


def test_a_council_admin_cannot_remove_their_own_admin_role_or_lock_themselves(
    cara, cara_user, db_session
):
    path = f"/council/officers/{cara_user.id}"
    response = send(cara, path, expect=200, role="officer")
    assert errors_on(response) == ["You cannot remove your own council admin role"]
    response = send(cara, path, expect=200, lock_status="locked")
    assert errors_on(response) == ["You cannot lock your own account"]
    user = fresh(db_session).get(User, cara_user.id)
    assert (user.council_role, user.is_locked) == ("admin", False)
    assert not audit_rows(db_session, "council_role_changed")
    assert not audit_rows(db_session, "user_locked")
    cara.get(f"{path}/reset-password")
    cara.post(f"{path}/reset-password", expect=302)
    assert not mails(db_session, cara_user.email, "password_reset_by_admin")


def test_an_address_already_in_use_and_a_forged_role_are_refused(
    cara, cara_user, world, db_session
):
    """ "A user with this email address already exists" did not say whose: a school's user
    (who cannot also be council staff, as adding a school's admin says the other way round)
    or someone already in the list of council staff."""
    response = add_officer(cara, email="carol@ab.example.org", expect=200)
    assert errors_on(response) == [
        "This email address belongs to a user of Aylestone Primary School and Beaumont Leys "
        "School. School users cannot also be council staff"
    ]
    # Three or more schools are listed as in English, not "A and B and C" (h-newuser7).
    db_session.add(Membership(user_id=world.carol.id, school_id=world.nursery.id))
    db_session.commit()
    response = add_officer(cara, email="carol@ab.example.org", expect=200)
    assert errors_on(response) == [
        "This email address belongs to a user of Aylestone Primary School, Beaumont Leys "
        "School and Little Acorns Pre-School. School users cannot also be council staff"
    ]
    response = add_officer(cara, email="Cara@council.example.org", expect=200)
    assert errors_on(response) == [f"{cara_user.full_name} is already a member of council staff"]
    response = add_officer(cara, role="superuser", expect=200)
    assert errors_on(response) == ["Select their role"]
    assert (
        fresh(db_session).scalar(select(User).where(User.email == "owen@council.example.org"))
        is None
    )
    # School users are not council staff: no page of theirs here.
    cara.get(f"/council/officers/{world.alice.id}", expect=404)


def test_school_users_and_case_officers_get_404_for_every_council_page(
    sign_in, world, cara_user, olly_user, client, db_session
):
    add_target = {
        "name": "Forged School",
        "setting_type": "school",
        "urn": "654321",
        "email": "mallory@example.org",
        "first_name": "Mal",
        "last_name": "Lory",
        "job_title": "Headteacher",
        "role": "admin",
        "lock_status": "locked",
    }
    fresh(db_session).add(Team(name="Existing", case_type_ids=["send-referral"]))
    db_session.commit()
    team = team_named(db_session, "Existing")
    forms = [
        "/council/schools/add",
        f"/council/schools/{world.school_a.id}",
        f"/council/schools/{world.school_a.id}/users/{world.alice.id}",
        f"/council/schools/{world.school_a.id}/users/{world.alice.id}/reset-password",
        f"/council/schools/{world.school_a.id}/users/{world.alice.id}/lock",
        "/council/officers/add",
        f"/council/officers/{cara_user.id}",
        f"/council/officers/{cara_user.id}/reset-password",
        "/council/teams/add",
        f"/council/teams/{team.id}",
        f"/council/teams/{team.id}/delete",
    ]
    urls = ["/council/", "/council/schools", "/council/officers", "/council/teams", *forms]
    portals = [sign_in(user) for user in (world.alice, world.bob, olly_user)]
    audit_before = len(fresh(db_session).scalars(select(AuditEvent)).all())
    for portal in portals:
        portal.get("/sign-out")  # a page with a form: a CSRF token of their own
        home = portal.get("/").page
        assert not home.find("a", string="Council admin")
        for url in urls:
            assert portal.client.get(url).status_code == 404, url
        for url in forms:
            response = portal.client.post(url, data={"csrf_token": portal.csrf_token, **add_target})
            assert response.status_code == 404, url
    for url in urls:  # signed out: asked to sign in
        response = client.client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert fresh(db_session).scalar(select(School).where(School.urn == "654321")) is None
    assert fresh(db_session).get(User, cara_user.id).council_role == "admin"
    assert team_named(db_session, "Existing") is not None
    assert len(fresh(db_session).scalars(select(AuditEvent)).all()) == audit_before
    assert (
        not fresh(db_session)
        .scalars(select(OutboxMessage).where(OutboxMessage.to_address == "mallory@example.org"))
        .all()
    )


def test_council_admins_find_their_pages_from_home_and_the_navigation(cara):
    home = cara.get("/").page
    nav = [a.get_text(strip=True) for a in home.select(".govuk-service-navigation__link")]
    assert "Council admin" in nav
    assert home.find("a", class_="app-action__link", string="Council admin")["href"] == (
        "/council/"
    )
    page = cara.get("/council/teams").page
    current = page.select_one(".govuk-service-navigation__item--active")
    assert current and "Council admin" in current.get_text()


def test_the_audit_trail_and_pages_never_hold_a_password(cara, olly_user, world, db_session, pages):
    add_school(cara)
    add_officer(cara)
    owen = fresh(db_session).scalar(select(User).where(User.email == "owen@council.example.org"))
    add_team(cara, "SEND casework", ["part-time-timetable"], [owen.id])
    send(cara, f"/council/officers/{olly_user.id}", lock_status="locked")
    cara.get(f"/council/officers/{owen.id}/reset-password")
    cara.post(f"/council/officers/{owen.id}/reset-password", expect=302)
    cara.get("/council/officers")
    passwords = [
        password_in(m)
        for m in fresh(db_session).scalars(select(OutboxMessage))
        if m.kind in ("sign_up", "password_reset_by_admin")
    ]
    assert len(passwords) == 3
    events = fresh(db_session).scalars(select(AuditEvent)).all()
    assert {
        "school_onboarded",
        "user_created",
        "team_created",
        "team_member_added",
        "user_locked",
        "password_reset_by_admin",
    } <= {e.action for e in events}
    for event in events:
        assert not any(p in str(event.detail) for p in passwords), event.action
        assert "password" not in " ".join(event.detail).lower()
    assert not any(p in body for p in passwords for body in pages)


def test_services_refuse_anyone_but_a_council_admin(app, world, olly_user, db_session):
    with app.app_context():
        session = fresh(db_session)
        officer = session.get(User, olly_user.id)
        schools = services.SCHOOLS.args(app.config["COUNCIL_SCHOOLS_PAGE_SIZE"])
        officers = services.OFFICERS.args(app.config["COUNCIL_OFFICERS_PAGE_SIZE"])
        for call in (
            lambda: services.list_schools(session, officer, schools),
            lambda: services.list_officers(session, officer, officers),
            lambda: services.list_teams(session, officer),
            lambda: services.add_officer(
                session, officer, email="x@example.org", first_name="X", last_name="Y"
            ),
            lambda: services.school_for(session, officer, world.school_a.id),
        ):
            with pytest.raises(services.NotFound):
                call()
        alice = session.get(User, world.alice.id)
        with pytest.raises(services.NotFound):
            services.list_schools(session, alice, schools)
    assert (
        fresh(db_session)
        .scalars(select(Membership).where(Membership.user_id == olly_user.id))
        .all()
        == []
    )
