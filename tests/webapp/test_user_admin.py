"""User admin: school admins manage the users of their own schools, and nothing else.

Alice administers school A; Carol belongs to A and B; Bob only to B; Nina to the nursery; Dana
(the `dana` fixture) only to A.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select, text
from werkzeug.datastructures import MultiDict

from tests.webapp.conftest import PASSWORD, _hashes, staff, text_of
from tests.webapp.helpers import audit_rows, errors_on, fresh, mails, password_in, send, start
from tests.webapp.test_concurrency import meeting, run_together
from webapp.areas.user_admin import services
from webapp.domain import accounts, throttle, trusted_devices
from webapp.infra.database import db
from webapp.models import (
    AuditEvent,
    Membership,
    OutboxMessage,
    School,
    SignInFailures,
    TrustedDevice,
    User,
)


@pytest.fixture
def alice(sign_in, world):
    return sign_in(world.alice)


@pytest.fixture
def dana(db_session, world) -> User:
    """A user of school A only, who has signed in before: Alice administers all her schools."""
    password_hash, answer_hash = _hashes()
    return member_of(
        world.school_a,
        db_session,
        "dana@a.example.org",
        "Dana",
        "Tester",
        job_title="SENCO",
        password_hash=password_hash,
        security_question="first_pet",
        security_answer_hash=answer_hash,
    )


def member_of(school, db_session, email, first_name, last_name, **details) -> User:
    """A user of this school only (by default one who cannot sign in: no real password)."""
    user = User(
        email=email,
        first_name=first_name,
        last_name=last_name,
        **{"password_hash": "x", **details},
        memberships=[Membership(school_id=school.id)],
    )
    db_session.add(user)
    db_session.commit()
    return user


def edit(portal, user, **changes):
    """Open a user's edit page, change some answers, press Save changes."""
    return send(portal, f"/user-admin/{user.id}", expect=None, **changes)


def password_works(db_session, email: str, password: str) -> bool:
    """Whether this password would get the user past the password step (nothing is counted)."""
    from webapp.domain.accounts import generated_password_expired
    from webapp.domain.passwords import check_password

    user = fresh(db_session).scalar(select(User).where(User.email == email))
    return (
        user is not None
        and check_password(user.password_hash, password)
        and not user.is_locked
        and not generated_password_expired(user)
    )


NEW_USER = {
    "email": " Dev.Patel@A.example.org ",
    "first_name": "Dev",
    "last_name": "Patel",
    "job_title": "Class teacher",
    "mobile": "+44 7700 900982",
    "is_admin": "no",
}


# --- The list ------------------------------------------------------------------------------


def test_the_list_shows_only_users_of_the_admins_schools_in_seven_columns(alice, world):
    page = alice.get("/user-admin/").page
    headers = [th.get_text(strip=True) for th in page.select("thead th")]
    assert headers == [
        "Email address",
        "First name",
        "Last name",
        "Job title",
        "Mobile number",
        "Is admin?",
        "Lock status",
    ]
    rows = {
        tr.select("td")[0].find("a").contents[0].strip(): [
            td.get_text(" ", strip=True) for td in tr.select("td")
        ]
        for tr in page.select("tbody tr")
    }
    assert set(rows) == {"alice@a.example.org", "carol@ab.example.org"}  # not Bob, not Nina
    assert rows["alice@a.example.org"][1:] == ["Alice", "Tester", "SENCO", "", "Yes", "Unlocked"]
    assert rows["carol@ab.example.org"][5:] == ["No", "Unlocked"]
    link = page.find("a", href=f"/user-admin/{world.carol.id}")
    assert "carol@ab.example.org" in link.get_text()


def test_the_list_is_searchable_by_name_and_email(alice, world, db_session):
    member_of(world.school_a, db_session, "zoe.100%@a.example.org", "Zoë", "Adams")

    def found(query):
        page = alice.get("/user-admin/", query_string={"q": query}).page
        return [tr.select_one("td a").contents[0].strip() for tr in page.select("tbody tr")]

    assert found("CAROL") == ["carol@ab.example.org"]
    assert found("alice tester") == ["alice@a.example.org"]
    assert found("adams") == ["zoe.100%@a.example.org"]
    assert found("100%") == ["zoe.100%@a.example.org"]  # % is a character, not a wildcard
    assert found("_") == []
    assert found("bob") == []  # another school's user is never found
    page = alice.get("/user-admin/", query_string={"q": "nobody"}).page
    assert "0 users found" in text_of(page)


def test_the_list_sorts_by_each_column_and_says_so(alice, world, db_session):
    member_of(
        world.school_a,
        db_session,
        "aaron@a.example.org",
        "Aaron",
        "Young",
        job_title="Other",
        mobile="07700900001",
        is_locked=True,
    )

    def order(sort, direction):
        page = alice.get("/user-admin/", query_string={"sort": sort, "order": direction}).page
        return page, [tr.select_one("td a").contents[0].strip() for tr in page.select("tbody tr")]

    page, emails = order("last_name", "asc")
    assert emails == ["alice@a.example.org", "carol@ab.example.org", "aaron@a.example.org"]
    header = page.find("th", attrs={"aria-sort": True})
    assert header.get_text(strip=True) == "Last name" and header["aria-sort"] == "ascending"
    assert len(page.select("th[aria-sort]")) == 1
    assert order("first_name", "desc")[1] == [
        "carol@ab.example.org",
        "alice@a.example.org",
        "aaron@a.example.org",
    ]
    assert order("email", "asc")[1][0] == "aaron@a.example.org"
    assert order("is_admin", "desc")[1][0] == "alice@a.example.org"
    assert order("locked", "desc")[1][0] == "aaron@a.example.org"
    assert order("mobile", "desc")[1][0] == "aaron@a.example.org"
    page, _ = order("job_title", "desc")
    assert page.find("th", attrs={"aria-sort": "descending"}).get_text(strip=True) == "Job title"
    # The active column's link turns the order round; the others start ascending.
    assert "sort=job_title&order=asc" in page.find("a", string="Job title")["href"]
    assert "sort=email&order=asc" in page.find("a", string="Email address")["href"]
    assert "q=" not in page.find("a", string="Email address")["href"]


def test_a_long_list_comes_in_pages(alice, app):
    app.config["USER_ADMIN_PAGE_SIZE"] = 1
    page = alice.get("/user-admin/", query_string={"page": "2", "sort": "email"}).page
    assert [tr.select_one("td a").contents[0].strip() for tr in page.select("tbody tr")] == [
        "carol@ab.example.org"
    ]
    assert "2 users" in text_of(page)
    current = page.select_one(".govuk-pagination__item--current a")
    assert current.get_text(strip=True) == "2" and "sort=email" in current["href"]
    assert alice.get("/user-admin/", query_string={"page": "99"}).page.select("tbody tr")


# --- Add user ------------------------------------------------------------------------------


def test_a_new_user_is_emailed_a_password_that_no_page_or_audit_row_shows(
    pages, alice, world, db_session
):
    page = alice.get("/user-admin/add").page
    assert page.find("select", attrs={"name": "job_title"})
    response = alice.post(
        "/user-admin/add", {**NEW_USER, "schools": str(world.school_a.id)}, expect=302
    )
    assert response.headers["Location"] == "/user-admin/"
    listing = alice.get("/user-admin/").page
    assert "Dev Patel has been added" in text_of(listing)

    user = fresh(db_session).scalar(select(User).where(User.email == "dev.patel@a.example.org"))
    assert (user.first_name, user.last_name, user.job_title, user.mobile) == (
        "Dev",
        "Patel",
        "Class teacher",
        "+44 7700 900982",  # as typed: shown as the person wrote it
    )
    assert [(m.school_id, m.is_admin) for m in user.memberships] == [(world.school_a.id, False)]
    [mail] = mails(db_session, "dev.patel@a.example.org", "sign_up")
    assert "Username: dev.patel@a.example.org" in mail.body
    password = password_in(mail)
    assert len(password) >= 16
    assert password_works(db_session, user.email, password)
    assert not any(password in body for body in pages)
    details = [json.dumps(e.detail) for e in fresh(db_session).scalars(select(AuditEvent))]
    assert not any(password in detail for detail in details)
    [created] = audit_rows(db_session, "user_created")
    assert (created.actor_id, created.user_id, created.school_id) == (
        world.alice.id,
        user.id,
        world.school_a.id,
    )


def test_an_email_already_in_use_is_refused_and_what_was_typed_is_kept(alice, world, db_session):
    staff(db_session, "olly@council.example.org", "officer")  # another school's user is added
    alice.get("/user-admin/add")  # (test_colleague_of_another_school.py)
    response = alice.post(
        "/user-admin/add",
        {**NEW_USER, "email": "Olly@Council.example.org", "schools": str(world.school_a.id)},
        expect=200,
    )
    assert errors_on(response) == [
        "This email address belongs to a member of council staff. Council staff cannot also be "
        "school users"
    ]
    assert response.page.find("title").get_text().startswith("Error: ")
    assert response.page.find("input", attrs={"name": "first_name"})["value"] == "Dev"
    assert response.page.find("input", attrs={"name": "mobile"})["value"] == "+44 7700 900982"


def test_adding_someone_already_a_user_says_who_and_of_which_school(alice, world, db_session):
    """ "A user with this email address already exists" left an admin adding a colleague
    stuck: already theirs (then find them in the list) or another school's (the council adds
    them), they could not tell."""
    alice.get("/user-admin/add")
    response = alice.post(
        "/user-admin/add",
        {**NEW_USER, "email": "carol@AB.example.org", "schools": str(world.school_a.id)},
        expect=200,
    )
    assert errors_on(response) == ["Carol Tester is already a user of Aylestone Primary School"]
    summary = response.page.select_one(".govuk-error-summary a")
    assert summary["href"] == "#email"
    assert response.page.find("option", selected=True).get_text() == "Class teacher"
    bob = fresh(db_session).get(User, world.bob.id)
    assert bob.school_ids == {world.school_b.id}  # Bob was not quietly added to school A
    assert not mails(db_session, "bob@b.example.org", "sign_up")


def test_add_user_says_what_is_missing_or_wrong(alice, world):
    alice.get("/user-admin/add")
    response = alice.post(
        "/user-admin/add",
        {"email": "not-an-address", "mobile": "12345", "job_title": "", "is_admin": "no"},
        expect=200,
    )
    assert errors_on(response) == [
        "Enter an email address in the correct format, like name@example.org",
        "Enter their first name",
        "Enter their last name",
        "Select their job title",
        "Enter a UK mobile number, like 07700 900 982",
        "Select at least one school",
    ]
    for link in response.page.select(".govuk-error-summary__list a"):
        assert response.page.find(id=link["href"][1:]), f"{link['href']} leads nowhere"


def test_a_form_cannot_grant_a_school_or_a_role_the_admin_was_not_offered(
    alice, world, db_session, app
):
    alice.get("/user-admin/add")
    for schools in (
        [str(world.school_b.id)],
        [str(world.school_a.id), str(world.nursery.id)],
        ["999999"],
        ["A"],
    ):
        response = alice.post(
            "/user-admin/add",
            MultiDict(
                [
                    *NEW_USER.items(),
                    *(("schools", s) for s in schools),
                    ("csrf_token", alice.csrf_token),
                ]
            ),
        )
        assert response.status_code == 200
        assert "Select schools from the list" in errors_on(response)
    response = alice.post(
        "/user-admin/add", {**NEW_USER, "is_admin": "superuser", "schools": str(world.school_a.id)}
    )
    assert errors_on(response) == ["Select whether they are an administrator"]
    response = edit(alice, world.carol, schools=[str(world.school_a.id), str(world.nursery.id)])
    assert "Select schools from the list" in errors_on(response)
    assert fresh(db_session).scalar(select(User).where(User.first_name == "Dev")) is None
    assert fresh(db_session).get(User, world.carol.id).school_ids == {
        world.school_a.id,
        world.school_b.id,
    }
    # The service refuses them too, whatever the form lets through.
    details = {key: value for key, value in NEW_USER.items() if key != "is_admin"}
    with app.app_context():
        session = db()
        admin = session.get(User, world.alice.id)
        with pytest.raises(services.NotFound):
            services.add_user(session, admin, **details, school_ids=[world.school_b.id])
        with pytest.raises(services.NotFound):
            services.add_user(
                session,
                admin,
                **details,
                school_ids=[world.school_a.id],
                admin_school_ids=[world.school_b.id],
            )
        carol = {
            "email": world.carol.email,
            "first_name": "Carol",
            "last_name": "Tester",
            "job_title": "SENCO",
            "mobile": "",
            "locked": False,
        }
        with pytest.raises(services.NotFound):
            services.update_user(
                session,
                admin,
                world.carol.id,
                **carol,
                school_ids=[world.school_a.id, world.nursery.id],
            )
        with pytest.raises(services.NotFound):
            services.update_user(
                session,
                admin,
                world.carol.id,
                **carol,
                school_ids=[world.school_a.id],
                admin_school_ids=[world.school_b.id],
            )
        session.rollback()
    assert fresh(db_session).scalar(select(User).where(User.first_name == "Dev")) is None


# --- Edit user -----------------------------------------------------------------------------


def test_edit_saves_only_when_save_changes_is_pressed(alice, dana, world, db_session):
    """The button said only "Submit" (and the warning "press Submit"): a button says what it
    does, as GOV.UK's do. (Dana belongs to Alice's school only: her details are Alice's to
    change, test_account_details.py.)"""
    page = alice.get(f"/user-admin/{dana.id}").page
    assert "Changes are saved only when you press Save changes" in text_of(page)
    [button] = page.select("form[method=post] .govuk-button-group button")
    assert button.get_text(strip=True) == "Save changes"
    assert page.find("input", attrs={"name": "first_name"})["value"] == "Dana"
    assert page.find("input", attrs={"name": "lock_status", "value": "unlocked"}).has_attr(
        "checked"
    )
    alice.get("/user-admin/")  # left without pressing Submit: nothing changes
    dana = fresh(db_session).get(User, dana.id)
    assert (dana.first_name, dana.job_title, dana.mobile) == ("Dana", "SENCO", "")

    response = edit(
        alice, dana, first_name="Danielle", job_title="Headteacher", mobile="07700 900 123"
    )
    assert response.status_code == 302
    assert "Your changes to Danielle Tester have been saved" in text_of(
        alice.get(response.headers["Location"]).page
    )
    dana = fresh(db_session).get(User, dana.id)
    assert (dana.first_name, dana.job_title, dana.mobile) == (
        "Danielle",
        "Headteacher",
        "07700 900 123",
    )
    [updated] = audit_rows(db_session, "user_updated")
    assert (updated.actor_id, updated.user_id) == (world.alice.id, dana.id)
    assert updated.detail == {"fields": ["first_name", "job_title", "mobile"]}


def test_making_a_user_an_admin_is_audited_with_the_school(alice, world, db_session):
    assert edit(alice, world.carol, is_admin="yes").status_code == 302
    carol = fresh(db_session).get(User, world.carol.id)
    roles = {m.school_id: m.is_admin for m in carol.memberships}
    assert roles == {world.school_a.id: True, world.school_b.id: False}
    [granted] = audit_rows(db_session, "admin_granted")
    assert (granted.actor_id, granted.user_id, granted.school_id) == (
        world.alice.id,
        world.carol.id,
        world.school_a.id,
    )


def test_an_admin_of_several_schools_chooses_which_ones_a_user_administers(
    sign_in, world, db_session
):
    db_session.add(Membership(user_id=world.alice.id, school_id=world.school_b.id, is_admin=True))
    db_session.get(Membership, (world.carol.id, world.school_b.id)).is_admin = True
    db_session.commit()
    alice = sign_in(world.alice)
    page = alice.get(f"/user-admin/{world.carol.id}").page
    assert page.find("input", attrs={"name": "is_admin"}) is None
    ticked = {i["value"] for i in page.select("input[name=admin_schools][checked]")}
    assert ticked == {str(world.school_b.id)}
    row = alice.get("/user-admin/").page.find("a", href=f"/user-admin/{world.carol.id}")
    assert "Yes: Beaumont Leys School" in text_of(row.find_parent("tr"))

    # Changing a name leaves the roles as they were: B only.
    assert edit(alice, world.carol, first_name="Caroline").status_code == 302
    roles = {
        m.school_id: m.is_admin for m in fresh(db_session).get(User, world.carol.id).memberships
    }
    assert roles == {world.school_a.id: False, world.school_b.id: True}
    assert edit(alice, world.carol, admin_schools=[str(world.school_a.id)]).status_code == 302
    roles = {
        m.school_id: m.is_admin for m in fresh(db_session).get(User, world.carol.id).memberships
    }
    assert roles == {world.school_a.id: True, world.school_b.id: False}
    # Now Alice is the last admin of B, and stays one.
    response = edit(alice, world.alice, admin_schools=[str(world.school_a.id)])
    assert errors_on(response) == [
        "You are the only administrator of Beaumont Leys School. Make someone else an "
        "administrator of Beaumont Leys School first."
    ]
    assert response.page.find(id="admin_schools")

    # Administering a school means belonging to it.
    alice.get("/user-admin/add")
    assert alice.post(
        "/user-admin/add",
        MultiDict(
            [
                *NEW_USER.items(),
                ("schools", str(world.school_a.id)),
                ("admin_schools", str(world.school_b.id)),
                ("csrf_token", alice.csrf_token),
            ]
        ),
        expect=302,
    )
    dev = fresh(db_session).scalar(select(User).where(User.first_name == "Dev"))
    assert {m.school_id: m.is_admin for m in dev.memberships} == {
        world.school_a.id: False,
        world.school_b.id: True,
    }


def test_only_an_admin_of_all_a_users_schools_may_change_their_email(alice, world, db_session):
    page = alice.get(f"/user-admin/{world.carol.id}").page
    assert page.find("input", attrs={"name": "email"}) is None  # Carol is also in school B
    response = edit(alice, world.carol, email="mallory@evil.example.org")
    assert "You cannot change this user's email address" in errors_on(response)[0]
    assert fresh(db_session).get(User, world.carol.id).email == "carol@ab.example.org"

    alice.get("/user-admin/add")
    alice.post("/user-admin/add", {**NEW_USER, "schools": str(world.school_a.id)}, expect=302)
    dev = fresh(db_session).scalar(select(User).where(User.first_name == "Dev"))
    assert edit(alice, dev, email="DEV@a.example.org").status_code == 302
    assert fresh(db_session).get(User, dev.id).email == "dev@a.example.org"
    # The old address is told, and the user's sessions end.
    generation = fresh(db_session).get(User, dev.id).session_generation
    assert edit(alice, dev, email="dev.new@a.example.org").status_code == 302
    moved = fresh(db_session).get(User, dev.id)
    assert moved.email == "dev.new@a.example.org" and moved.session_generation == generation + 1
    notice = fresh(db_session).scalar(
        select(OutboxMessage)
        .where(OutboxMessage.kind == "email_changed")
        .order_by(OutboxMessage.id.desc())
    )
    assert notice.to_address == "dev@a.example.org" and "dev.new@a.example.org" in notice.body
    response = edit(alice, dev, email="carol@ab.example.org")
    assert errors_on(response) == ["A user with this email address already exists"]
    # Her own needs her password again, which this page does not ask for.
    assert (
        alice.get(f"/user-admin/{world.alice.id}").page.find("input", attrs={"name": "email"})
        is None
    )
    response = edit(alice, world.alice, email="alice@elsewhere.example.org")
    assert errors_on(response) == ["You cannot change your own email address here"]
    assert fresh(db_session).get(User, world.alice.id).email == "alice@a.example.org"


def test_a_reset_link_sent_to_the_old_address_dies_when_the_address_changes(
    alice, dana, db_session, new_client
):
    """Dana's old mailbox is read by someone else now (she left that job, or it was broken
    into): Alice gives her account a new address. A forgotten-password link mailed to the old
    address an hour before still opened the security question; now it is a dead link."""
    from tests.webapp.test_account_journeys import ask_for_reset, reset_link

    ask_for_reset(new_client(), dana.email)
    link = reset_link(db_session, dana.email)
    assert edit(alice, dana, email="dana.new@a.example.org").status_code == 302
    page = new_client().get(link, expect=404).page
    assert "The link does not work" in text_of(page)


def test_locking_ends_the_users_sessions_and_unlocking_clears_failures(
    app, alice, sign_in, world, dana, db_session
):
    signed_in = sign_in(dana)
    signed_in.get("/my-cases")
    assert edit(alice, dana, lock_status="locked").status_code == 302
    response = signed_in.client.get("/my-cases")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    locked = fresh(db_session).get(User, dana.id)
    assert locked.is_locked
    [event] = audit_rows(db_session, "user_locked")
    assert (event.actor_id, event.user_id) == (world.alice.id, dana.id)
    page = alice.get("/user-admin/").page
    assert "Locked" in text_of(page.find("a", href=f"/user-admin/{dana.id}").find_parent("tr"))

    with app.test_request_context():
        for _ in range(7):  # the account waits: unlocking forgives that too
            throttle.note_failure(db_session, dana.email)
    db_session.commit()
    assert edit(alice, dana, lock_status="unlocked").status_code == 302
    carol_now = fresh(db_session).get(User, dana.id)
    assert not carol_now.is_locked
    assert fresh(db_session).scalars(select(SignInFailures)).all() == []
    [event] = audit_rows(db_session, "user_unlocked")
    assert (event.actor_id, event.user_id) == (world.alice.id, dana.id)
    assert password_works(db_session, dana.email, PASSWORD)


def test_an_account_locked_on_new_browsers_is_shown_to_its_admins_until_a_new_password(
    app, alice, council_admin, world, dana, db_session
):
    """Strangers' 50 failures in a row lock out every browser Dana has not signed in on; she is
    told to ask an administrator for a new password. Her admins' pages said "Unlocked", and
    nothing there said why she could not sign in or what lifts it."""
    officer = staff(db_session, "olu@council.example.org", "officer")
    with app.test_request_context():
        for _ in range(throttle.HARD_LOCK_AFTER):
            throttle.note_failure(db_session, dana.email)
            throttle.note_failure(db_session, officer.email)
    db_session.commit()
    officers = council_admin.get("/council/officers").page
    line = officers.find("a", href=f"/council/officers/{officer.id}").find_parent("tr")
    assert "Locked on new browsers" in text_of(line)
    # The officer's own page said "Unlocked" beside nothing: why, and what lifts it.
    their_page = council_admin.get(f"/council/officers/{officer.id}").page
    assert "cannot sign in on a browser they have not signed in on before" in text_of(their_page)
    their_reset = f"/council/officers/{officer.id}/reset-password"
    assert their_page.find("a", href=their_reset, string="Reset their password")
    notice = "Dana Tester cannot sign in on a browser they have not signed in on before"
    reset = f"/user-admin/{dana.id}/reset-password"

    def her_line() -> str:
        page = alice.get("/user-admin/").page
        return text_of(page.find("a", href=f"/user-admin/{dana.id}").find_parent("tr"))

    assert "Locked on new browsers" in her_line()
    page = alice.get(f"/user-admin/{dana.id}").page
    assert notice in text_of(page)
    assert page.find("a", href=reset, string="Reset their password")
    school = text_of(council_admin.get(f"/council/schools/{world.school_a.id}").page)
    assert "Locked on new browsers" in school
    account = council_admin.get(f"/council/schools/{world.school_a.id}/users/{dana.id}").page
    assert "Locked on new browsers" in text_of(account) and notice in text_of(account)

    alice.get(reset)
    alice.post(reset, expect=302)  # a new password lifts it
    assert "Locked on new browsers" not in her_line() and "Unlocked" in her_line()
    assert notice not in text_of(alice.get(f"/user-admin/{dana.id}").page)
    school = text_of(council_admin.get(f"/council/schools/{world.school_a.id}").page)
    assert "Locked on new browsers" not in school


def test_an_admin_cannot_lock_themself(alice, world, db_session):
    response = edit(alice, world.alice, lock_status="locked")
    assert errors_on(response) == ["You cannot lock your own account"]
    assert not fresh(db_session).get(User, world.alice.id).is_locked
    alice.get("/user-admin/")  # still signed in


# --- Reset password ------------------------------------------------------------------------


def test_reset_password_asks_first_then_emails_a_password_the_admin_never_sees(
    pages, alice, world, dana, db_session
):
    old_hash = dana.password_hash
    page = alice.get(f"/user-admin/{dana.id}/reset-password").page
    assert (
        "Are you sure? A new password will be emailed to Dana Tester at "
        "dana@a.example.org. You will not see it."
    ) in text_of(page)
    assert fresh(db_session).get(User, dana.id).password_hash == old_hash  # asked only
    response = alice.post(f"/user-admin/{dana.id}/reset-password", expect=302)
    landing = alice.get(response.headers["Location"]).page
    assert "A new password has been emailed to Dana Tester" in text_of(landing)

    [mail] = mails(db_session, "dana@a.example.org", "password_reset_by_admin")
    password = password_in(mail)
    assert not any(password in body for body in pages)
    assert not password_works(db_session, dana.email, PASSWORD)
    assert password_works(db_session, dana.email, password)
    [event] = audit_rows(db_session, "password_reset_by_admin")
    assert (event.actor_id, event.user_id) == (world.alice.id, dana.id)
    assert password not in json.dumps(event.detail)


def test_a_password_reset_by_an_admin_lasts_seven_days_by_the_portals_clock(
    app, world, dana, db_session, new_client, moving_clock
):
    """The reset stamped the real time on the new password, while its lifetime was checked
    against the portal's clock (webapp/infra/clock.py): with that clock moved on, a fresh
    password was refused at once, and with it moved back, one unused past its seven days
    still worked. Sign-up passwords (accounts.create_user) are stamped the same way."""
    moving_clock.advance(days=30)
    with app.app_context():
        session = db()
        accounts.reset_password(
            session, session.get(User, dana.id), session.get(User, world.alice.id)
        )
        session.commit()
    password = password_in(mails(db_session, dana.email, "password_reset_by_admin")[-1])
    portal = new_client()
    portal.get("/sign-in")
    portal.post("/sign-in", {"email": dana.email, "password": password}, expect=302)  # works
    moving_clock.advance(days=7, minutes=1)
    portal = new_client()
    portal.get("/sign-in")
    refused = portal.post("/sign-in", {"email": dana.email, "password": password}, expect=403)
    assert "The password we sent you has expired" in text_of(refused.page)


def test_an_admin_cannot_reset_their_own_password_here(alice, world, db_session):
    page = alice.get(f"/user-admin/{world.alice.id}").page
    assert not page.find("a", href=f"/user-admin/{world.alice.id}/reset-password")
    alice.get(f"/user-admin/{world.alice.id}/reset-password")
    response = alice.post(f"/user-admin/{world.alice.id}/reset-password", expect=302)
    assert "You cannot reset your own password" in text_of(
        alice.get(response.headers["Location"]).page
    )
    assert not mails(db_session, world.alice.email, "password_reset_by_admin")


# --- Remove from a school, and the last admin ----------------------------------------------


def test_remove_a_user_from_a_school(alice, world, db_session):
    path = f"/user-admin/{world.carol.id}/schools/{world.school_a.id}/remove"
    page = alice.get(path).page
    assert "remove Carol Tester from Aylestone Primary School" in text_of(page.find("h1"))
    assert fresh(db_session).get(User, world.carol.id).school_ids == {
        world.school_a.id,
        world.school_b.id,
    }
    alice.post(path, expect=302)
    carol = fresh(db_session).get(User, world.carol.id)
    assert carol.school_ids == {world.school_b.id} and not carol.is_locked
    [event] = audit_rows(db_session, "membership_removed")
    assert (event.actor_id, event.user_id, event.school_id) == (
        world.alice.id,
        world.carol.id,
        world.school_a.id,
    )
    # No longer one of Alice's users.
    assert "carol@ab.example.org" not in text_of(alice.get("/user-admin/").page)
    assert alice.client.get(f"/user-admin/{world.carol.id}").status_code == 404


def test_removing_a_user_from_their_only_school_locks_the_account(alice, world, db_session):
    alice.get("/user-admin/add")
    alice.post("/user-admin/add", {**NEW_USER, "schools": str(world.school_a.id)}, expect=302)
    dev = fresh(db_session).scalar(select(User).where(User.first_name == "Dev"))
    path = f"/user-admin/{dev.id}/schools/{world.school_a.id}/remove"
    assert "their account will be locked" in text_of(alice.get(path).page)
    alice.post(path, expect=302)
    dev = fresh(db_session).get(User, dev.id)
    assert dev.school_ids == set() and dev.is_locked


def test_two_admins_removing_someone_from_their_last_two_schools_at_once_lock_them(
    alice, world, sign_in, db_session, monkeypatch
):
    """Carol works at Aylestone and Beaumont Leys; both schools' admins remove her at the same
    moment. Each counted two schools, so neither locked her: an open account in no school, in
    no admin's list. Now the second removal counts after the first and locks the account."""
    fresh(db_session).get(Membership, (world.bob.id, world.school_b.id)).is_admin = True
    db_session.commit()
    bob = sign_in(world.bob)
    removing = [(alice, world.school_a), (bob, world.school_b)]
    paths = [f"/user-admin/{world.carol.id}/schools/{school.id}/remove" for _a, school in removing]
    for (admin, _school), path in zip(removing, paths, strict=True):
        admin.get(path)
    meet, removal = meeting(2, lambda: None), services.removal

    def removal_then_meeting(*args):  # both read her two schools, then remove
        found = removal(*args)
        meet()
        return found

    monkeypatch.setattr(services, "removal", removal_then_meeting)
    answers = run_together(2, lambda i: removing[i][0].post(paths[i]))
    assert [answer.status_code for answer in answers] == [302, 302]
    carol = fresh(db_session).get(User, world.carol.id)
    assert carol.school_ids == set() and carol.is_locked


def test_someone_removed_from_their_only_school_can_be_added_again(alice, world, db_session):
    # Found by trying it: removed (by mistake, or before coming back to the school), the
    # colleague was in no list, and adding them again said only "A user with this email
    # address already exists": nobody could ever bring them back.
    alice.get("/user-admin/add")
    alice.post("/user-admin/add", {**NEW_USER, "schools": str(world.school_a.id)}, expect=302)
    dev = fresh(db_session).scalar(select(User).where(User.first_name == "Dev"))
    alice.post(f"/user-admin/{dev.id}/schools/{world.school_a.id}/remove", expect=302)
    alice.get("/user-admin/add")
    again = {**NEW_USER, "last_name": "Patel-Shah", "schools": str(world.school_a.id)}
    alice.post("/user-admin/add", again, expect=302)
    assert "Dev Patel-Shah has been added" in text_of(alice.get("/user-admin/").page)
    dev = fresh(db_session).get(User, dev.id)
    assert not dev.is_locked and dev.last_name == "Patel-Shah"
    assert [(m.school_id, m.is_admin) for m in dev.memberships] == [(world.school_a.id, False)]
    first, second = mails(db_session, "dev.patel@a.example.org", "sign_up")
    assert password_works(db_session, dev.email, password_in(second))
    assert not password_works(db_session, dev.email, password_in(first))
    assert [row.school_id for row in audit_rows(db_session, "membership_added")] == [
        world.school_a.id
    ]


def test_someone_added_again_signs_in_with_the_password_sent_on_any_browser(
    app, alice, world, db_session, new_client
):
    """Found by review: adding again gives a new password, but (unlike an admin's reset) it
    neither ended the trust of browsers signed in with the old one nor forgave the strangers'
    failures against it. A removed account a council admin had unlocked, then guessed at until
    untrusted browsers were hard-locked, got the emailed password and 'you cannot sign in on
    this browser until your password is changed'."""
    alice.get("/user-admin/add")
    alice.post("/user-admin/add", {**NEW_USER, "schools": str(world.school_a.id)}, expect=302)
    dev = fresh(db_session).scalar(select(User).where(User.first_name == "Dev"))
    alice.post(f"/user-admin/{dev.id}/schools/{world.school_a.id}/remove", expect=302)
    dev = fresh(db_session).get(User, dev.id)
    with app.test_request_context():
        accounts.unlock(db_session, dev, actor=fresh(db_session).get(User, world.alice.id))
        trusted_devices.trust(db_session, dev, None)  # a browser he signed in on
        for _ in range(throttle.HARD_LOCK_AFTER):  # then strangers' guesses
            accounts.record_failure(db_session, dev, "password")
        db_session.commit()
    alice.get("/user-admin/add")
    alice.post("/user-admin/add", {**NEW_USER, "schools": str(world.school_a.id)}, expect=302)
    password = password_in(mails(db_session, "dev.patel@a.example.org", "sign_up")[-1])
    browser = new_client()
    browser.get("/sign-in")
    data = {"email": "dev.patel@a.example.org", "password": password}
    response = browser.post("/sign-in", data, expect=302)
    assert response.headers["Location"].endswith("/sign-in/code")
    trusted = select(TrustedDevice).where(TrustedDevice.user_id == dev.id)
    assert fresh(db_session).scalars(trusted).all() == []


def test_two_admins_adding_the_same_removed_user_at_once_add_them_once(
    alice, world, sign_in, db_session, monkeypatch
):
    """Aylestone's and Beaumont Leys' admins both add Dev, removed from his last school, at the
    same moment: each found him in no school, so he became a member of both (each admin's
    account of someone the other also ran) and got two passwords, one of them dead. Now the
    second finds him in the first one's school, and adds him to its own keeping his account and
    the one password sent."""
    alice.get("/user-admin/add")
    alice.post("/user-admin/add", {**NEW_USER, "schools": str(world.school_a.id)}, expect=302)
    dev = fresh(db_session).scalar(select(User).where(User.first_name == "Dev"))
    alice.post(f"/user-admin/{dev.id}/schools/{world.school_a.id}/remove", expect=302)
    fresh(db_session).get(Membership, (world.bob.id, world.school_b.id)).is_admin = True
    db_session.commit()
    bob = sign_in(world.bob)
    adding = [(alice, world.school_a), (bob, world.school_b)]
    for admin, _school in adding:
        admin.get("/user-admin/add")
    meet, add_again = meeting(2, lambda: None), accounts.add_again

    def meeting_then_adding_again(*args, **kwargs):  # both found him in no school, then add
        meet()
        return add_again(*args, **kwargs)

    monkeypatch.setattr(accounts, "add_again", meeting_then_adding_again)

    def add(index):
        admin, school = adding[index]
        return admin.post("/user-admin/add", {**NEW_USER, "schools": str(school.id)})

    answers = run_together(2, add)
    assert [answer.status_code for answer in answers] == [302, 302]
    dev = fresh(db_session).get(User, dev.id)
    assert dev.school_ids == {world.school_a.id, world.school_b.id} and not dev.is_locked
    [_first, again] = mails(db_session, dev.email, "sign_up")  # one new password, which works
    assert password_works(db_session, dev.email, password_in(again))
    assert len(mails(db_session, dev.email, "added_to_school")) == 1


def test_someone_locked_by_the_council_then_removed_is_not_unlocked_by_adding_them_again(
    alice, world, db_session
):
    """Adding again undoes a removal only: an account the council locked (a break-in, say)
    before the school removed it stays locked, whatever a school admin adds."""
    alice.get("/user-admin/add")
    alice.post("/user-admin/add", {**NEW_USER, "schools": str(world.school_a.id)}, expect=302)
    dev = fresh(db_session).scalar(select(User).where(User.first_name == "Dev"))
    accounts.lock(db_session, dev, actor=None, reason="locked by a council admin")
    db_session.commit()
    alice.post(f"/user-admin/{dev.id}/schools/{world.school_a.id}/remove", expect=302)
    alice.get("/user-admin/add")
    again = {**NEW_USER, "schools": str(world.school_a.id)}
    response = alice.post("/user-admin/add", again, expect=200)
    assert errors_on(response) == [
        "This email address has an account that cannot be added to your school now. Ask the "
        "council about it"
    ]
    dev = fresh(db_session).get(User, dev.id)
    assert dev.is_locked and dev.memberships == []
    assert len(mails(db_session, "dev.patel@a.example.org", "sign_up")) == 1


def test_a_school_never_loses_its_last_admin(alice, world, dana, db_session):
    path = f"/user-admin/{world.alice.id}/schools/{world.school_a.id}/remove"
    alice.get(f"/user-admin/{world.alice.id}")  # its page says so and offers no button now
    response = alice.post(path, expect=200)  # (test_removal_asked_first.py); a post is refused
    assert errors_on(response) == [
        "You are the only administrator of Aylestone Primary School. Make someone else an "
        "administrator of Aylestone Primary School first."
    ]
    response = edit(alice, world.alice, is_admin="no")
    assert errors_on(response)[0].startswith("You are the only administrator of Aylestone")
    alice_now = fresh(db_session).get(User, world.alice.id)
    assert [(m.school_id, m.is_admin) for m in alice_now.memberships] == [(world.school_a.id, True)]

    # A locked admin does not count: the school needs one who can act.
    edit(alice, dana, is_admin="yes", lock_status="locked")
    response = edit(alice, world.alice, is_admin="no")
    assert errors_on(response)[0].startswith("You are the only administrator")

    # With another working admin, Alice may step down, and is taken Home.
    edit(alice, dana, lock_status="unlocked")
    response = edit(alice, world.alice, is_admin="no")
    assert response.headers["Location"] == "/"
    assert not fresh(db_session).get(User, world.alice.id).is_school_admin
    assert alice.client.get("/user-admin/").status_code == 404
    [revoked] = audit_rows(db_session, "admin_revoked")
    assert (revoked.actor_id, revoked.user_id, revoked.school_id) == (
        world.alice.id,
        world.alice.id,
        world.school_a.id,
    )


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite: one writer
@pytest.mark.parametrize("how", ["is_admin", "lock_status"])
def test_two_admins_removing_each_other_at_the_same_moment_leave_the_school_one(
    alice, world, dana, sign_in, db_session, monkeypatch, how
):
    """Found by an attacker's trial: two administrators, each taking away the other's role (or
    locking the other) at the same moment, each counted the other as the school's remaining
    administrator, and the school was left with none. Such changes to a school take turns."""
    edit(alice, dana, is_admin="yes")
    danas = sign_in(dana)
    counted = []
    count = meeting(2, accounts.other_open_admins)

    def other_open_admins(session, school_id, user):  # both meet, then count
        counted.append(count(session, school_id, user))
        return counted[-1]

    monkeypatch.setattr(accounts, "other_open_admins", other_open_admins)
    change = {"is_admin": {"is_admin": "no"}, "lock_status": {"lock_status": "locked"}}[how]
    pairs = [(alice, dana), (danas, world.alice)]
    run_together(2, lambda i: edit(pairs[i][0], pairs[i][1], **change))
    assert sorted(counted) == [0, 1]  # the second counted after the first had changed
    db_session.expire_all()
    admins = db_session.scalars(
        select(User)
        .join(Membership)
        .where(Membership.school_id == world.school_a.id, Membership.is_admin.is_(True))
        .where(User.is_locked.is_(False))
    ).all()
    assert len(admins) == 1


def test_an_edit_that_demotes_and_locks_takes_its_turn_at_schools_in_the_order_of_their_ids(
    app, sign_in, world, db_session
):
    """An edit that took away a user's role at B and locked them (who also runs A) locked B's
    row, then A's when the lock counted A's other admins: a lock of someone running A and B
    at the same moment takes A, then B, and PostgreSQL failed one of the two (a deadlock)."""
    db_session.add(Membership(user_id=world.alice.id, school_id=world.school_b.id, is_admin=True))
    for school in (world.school_a, world.school_b):
        db_session.get(Membership, (world.carol.id, school.id)).is_admin = True
    db_session.commit()
    alice = sign_in(world.alice)
    alice.get(f"/user-admin/{world.carol.id}")
    locked = []

    def school_locks(state):
        statement = state.statement
        froms = statement.get_final_froms() if state.is_select else []
        if getattr(statement, "_for_update_arg", None) is not None and School.__table__ in froms:
            for value in statement.compile().params.values():
                locked.extend(value if isinstance(value, list) else [value])

    sessions = app.extensions["db_sessions"]
    sa_event.listen(sessions, "do_orm_execute", school_locks)
    try:
        response = edit(
            alice, world.carol, admin_schools=[str(world.school_a.id)], lock_status="locked"
        )
    finally:
        sa_event.remove(sessions, "do_orm_execute", school_locks)
    assert response.status_code == 302
    first_taken = list(dict.fromkeys(locked))  # a row held already is not waited for again
    assert first_taken == sorted({world.school_a.id, world.school_b.id})
    carol = fresh(db_session).get(User, world.carol.id)
    assert carol.is_locked


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite: one writer
def test_a_change_to_who_runs_a_school_does_not_hold_up_the_schools_other_work(
    app, world, db_session
):
    """The school's row is locked while an admin's change counts its administrators. Locked
    FOR UPDATE, it also held up every row written that names the school (a member added, a
    case, an audit row) until that change ended, and a change adding someone to a school while
    another change held it could deadlock with that one. Only the counting takes turns."""
    with app.app_context():
        session = db()
        accounts.take_turns_at(session, [world.school_a.id])  # an admin's change, under way
        try:
            db_session.execute(text("set lock_timeout = '2s'"))
            db_session.add(Membership(user_id=world.bob.id, school_id=world.school_a.id))
            db_session.commit()  # not kept waiting for the change to end
        finally:
            session.rollback()
    assert world.school_a.id in fresh(db_session).get(User, world.bob.id).school_ids


# --- Scope: other schools' users, and people who are not admins ----------------------------


def test_an_admin_of_school_a_cannot_act_on_a_user_of_school_b(alice, world, db_session):
    bob = world.bob
    before = (bob.first_name, bob.password_hash, bob.is_locked, bob.session_generation)
    alice.get("/user-admin/add")  # a page with a form: a CSRF token
    token = alice.csrf_token
    changes = {
        "email": "bob@b.example.org",
        "first_name": "Mallory",
        "last_name": "Tester",
        "job_title": "Other",
        "is_admin": "yes",
        "schools": str(world.school_a.id),
        "lock_status": "locked",
        "csrf_token": token,
    }
    attempts = [
        ("get", f"/user-admin/{bob.id}"),
        ("post", f"/user-admin/{bob.id}"),
        ("get", f"/user-admin/{bob.id}/reset-password"),
        ("post", f"/user-admin/{bob.id}/reset-password"),
        ("get", f"/user-admin/{bob.id}/schools/{world.school_b.id}/remove"),
        ("post", f"/user-admin/{bob.id}/schools/{world.school_b.id}/remove"),
        ("post", f"/user-admin/{bob.id}/schools/{world.school_a.id}/remove"),
        # Carol is Alice's user, but school B is not Alice's school.
        ("post", f"/user-admin/{world.carol.id}/schools/{world.school_b.id}/remove"),
    ]
    unknown = alice.client.get("/user-admin/987654")
    assert unknown.status_code == 404
    assert alice.client.get("/user-admin/99999999999999999999").status_code == 404
    for method, path in attempts:
        response = getattr(alice.client, method)(path, data=changes)
        assert response.status_code == 404, (method, path)
        assert response.get_data() == unknown.get_data()  # as if there were no such user
    bob_now = fresh(db_session).get(User, bob.id)
    assert (
        bob_now.first_name,
        bob_now.password_hash,
        bob_now.is_locked,
        bob_now.session_generation,
    ) == before
    assert bob_now.school_ids == {world.school_b.id}
    assert fresh(db_session).get(User, world.carol.id).school_ids == {
        world.school_a.id,
        world.school_b.id,
    }
    assert not mails(db_session, bob.email, "password_reset_by_admin")
    assert not audit_rows(db_session, "user_locked")
    assert not audit_rows(db_session, "membership_removed")


def test_the_service_functions_are_scoped_too(app, world):
    with app.app_context():
        session = db()
        alice = session.get(User, world.alice.id)
        carol = session.get(User, world.carol.id)
        page_size = app.config["USER_ADMIN_PAGE_SIZE"]
        first_page = services.USERS.args(page_size)
        for call in (
            lambda: services.set_lock(session, alice, world.bob.id, True),
            lambda: services.reset_user_password(session, alice, world.bob.id),
            lambda: services.remove_from_school(session, alice, world.bob.id, world.school_b.id),
            lambda: services.list_users(session, carol, first_page),  # not an admin
            lambda: services.set_lock(session, carol, world.alice.id, True),
        ):
            with pytest.raises(services.NotFound):
                call()
        with pytest.raises(services.Refused, match="your own account"):
            services.set_lock(session, alice, alice.id, True)
        listing = services.list_users(
            session, alice, services.USERS.args(page_size, search="tester", sort="email")
        )
        assert [row.user.email for row in listing.rows] == [
            "alice@a.example.org",
            "carol@ab.example.org",
        ]
        # Carol is Alice's user, but also school B's: her whole account is not Alice's to act on.
        with pytest.raises(services.Refused, match="also belongs to Beaumont Leys School"):
            services.set_lock(session, alice, world.carol.id, True)
        with pytest.raises(services.Refused, match="also belongs to Beaumont Leys School"):
            services.reset_user_password(session, alice, world.carol.id)
        assert not session.get(User, world.carol.id).is_locked


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/user-admin/"),
        ("get", "/user-admin/add"),
        ("post", "/user-admin/add"),
        ("get", "/user-admin/{alice}"),
        ("post", "/user-admin/{alice}"),
        ("get", "/user-admin/{alice}/reset-password"),
        ("post", "/user-admin/{alice}/reset-password"),
        ("get", "/user-admin/{alice}/schools/{a}/remove"),
        ("post", "/user-admin/{alice}/schools/{a}/remove"),
    ],
)
def test_people_who_administer_no_school_get_404_for_every_admin_page(
    sign_in, world, db_session, method, path
):
    carol = sign_in(world.carol)
    carol.get("/sign-out")  # a page with a form: a CSRF token of her own
    url = path.format(alice=world.alice.id, a=world.school_a.id)
    audit_before = len(fresh(db_session).scalars(select(AuditEvent)).all())
    response = getattr(carol.client, method)(
        url,
        data={
            "csrf_token": carol.csrf_token,
            "first_name": "Mallory",
            "is_admin": "yes",
            "schools": str(world.school_a.id),
        },
    )
    assert response.status_code == 404
    alice = fresh(db_session).get(User, world.alice.id)
    assert alice.first_name == "Alice" and alice.school_ids == {world.school_a.id}
    assert len(fresh(db_session).scalars(select(AuditEvent)).all()) == audit_before
    assert (
        not fresh(db_session)
        .scalars(select(OutboxMessage).where(OutboxMessage.to_address == world.alice.email))
        .all()
    )


def test_home_shows_user_admin_to_admins_and_disabled_to_others(sign_in, world, client):
    home = sign_in(world.alice).get("/").page
    assert home.find("a", string="User admin")["href"] == "/user-admin/"
    home = sign_in(world.carol).get("/").page
    disabled = home.select_one(".app-action--disabled")
    assert "User admin" in text_of(disabled) and not disabled.find("a")
    response = client.client.get("/user-admin/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_every_admin_action_is_in_the_audit_trail_with_actor_and_user(alice, world, db_session):
    alice.get("/user-admin/add")
    alice.post("/user-admin/add", {**NEW_USER, "schools": str(world.school_a.id)}, expect=302)
    dev = fresh(db_session).scalar(select(User).where(User.first_name == "Dev"))
    edit(alice, dev, last_name="Patel-Shah", is_admin="yes", lock_status="locked")
    edit(alice, dev, is_admin="no", lock_status="unlocked")
    alice.get(f"/user-admin/{dev.id}/reset-password")
    alice.post(f"/user-admin/{dev.id}/reset-password", expect=302)
    alice.get(f"/user-admin/{dev.id}/schools/{world.school_a.id}/remove")
    alice.post(f"/user-admin/{dev.id}/schools/{world.school_a.id}/remove", expect=302)
    events = (
        fresh(db_session)
        .scalars(select(AuditEvent).where(AuditEvent.user_id == dev.id).order_by(AuditEvent.id))
        .all()
    )
    assert [e.action for e in events] == [
        "user_created",
        "user_updated",
        "admin_granted",
        "user_locked",
        "admin_revoked",
        "user_unlocked",
        "password_reset_by_admin",
        "membership_removed",
        "user_locked",
    ]
    assert {e.actor_id for e in events} == {world.alice.id}
    assert all(e.at is not None for e in events)
    for event in events:
        if event.action in ("user_created", "admin_granted", "admin_revoked", "membership_removed"):
            assert event.school_id == world.school_a.id


def test_a_confirmation_pages_title_is_its_question(alice, world, sign_in):
    """Found by trying it: the tab (and a screen reader, on arriving) said "Remove Carol
    Tester from …" or "Abandon draft …" while the page asked "Are you sure you want to …?"
    (GOV.UK: the title matches the h1). check_page now holds every confirmation to it."""
    path = f"/user-admin/{world.carol.id}/schools/{world.school_a.id}/remove"
    page = alice.get(path).page
    question = "Are you sure you want to remove Carol Tester from Aylestone Primary School?"
    assert text_of(page.find("h1")) == question
    assert text_of(page.find("title")).startswith(f"{question} – ")
    reference, _first = start(alice, "part-time-timetable")
    page = alice.get(f"/cases/{reference}/abandon").page
    question = f"Are you sure you want to abandon draft {reference}?"
    assert text_of(page.find("h1")) == question
    assert text_of(page.find("title")).startswith(f"{question} – ")


def test_mail_to_a_user_of_two_schools_names_them_as_a_sentence_does(sign_in, world, db_session):
    """The sign-up email listed a new user's schools as "A, B", and is an administrator of "A,
    B"; the rest of the portal says "A and B", and "A, B and C" (engine.describe.join_words)."""
    db_session.add(Membership(user_id=world.alice.id, school_id=world.school_b.id, is_admin=True))
    db_session.commit()
    alice = sign_in(world.alice)
    alice.get("/user-admin/add")
    schools = [("schools", str(world.school_a.id)), ("schools", str(world.school_b.id))]
    admin = [("admin_schools", str(world.school_a.id)), ("admin_schools", str(world.school_b.id))]
    alice.post(
        "/user-admin/add",
        MultiDict([*NEW_USER.items(), *schools, *admin, ("csrf_token", alice.csrf_token)]),
        expect=302,
    )
    body = mails(db_session, "dev.patel@a.example.org", "sign_up")[-1].body
    both = "Aylestone Primary School and Beaumont Leys School"
    assert f"has been set up for you for {both}." in body
    assert f"You are an administrator of {both}:" in body
