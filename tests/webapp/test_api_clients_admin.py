"""Council admins manage API clients on a page (issue 14): add one (its key shown once), rotate
and revoke keys, revoke the client, register its webhook; nobody else gets in (404)."""

import pytest
from sqlalchemy import select

from tests.webapp.conftest import staff, text_of
from tests.webapp.helpers import errors_on
from webapp.domain.api_clients import client_for_key
from webapp.models import AuditEvent, User
from webapp.models_api import ApiClient

LIST = "/council/api-clients"


def add(admin, **extra):
    data = {"name": "SEND system", "case_types": ["part-time-timetable"], **extra}
    admin.get(f"{LIST}/add")
    page = admin.post(f"{LIST}/add", data, expect=200).page
    return page, page.select_one("#secret")


def test_an_admin_adds_a_client_and_sees_its_key_once(council_admin, db_session):
    assert "There are no API clients yet" in text_of(council_admin.get(LIST).page)
    offered = [i["value"] for i in council_admin.get(f"{LIST}/add").page.select("[name=actions]")]
    # The system's transitions are open to every client: a box for one changed nothing
    assert "Start review" in offered and "Notify case officers" not in offered
    page, secret = add(council_admin, actions=["Start review"], networks="192.0.2.0/24")
    key = secret.get_text()
    assert "you will not see it again" in text_of(page)
    client = db_session.scalars(select(ApiClient)).one()
    assert client_for_key(db_session, key, "192.0.2.9") == client
    assert client.actions == ["Start review"] and client.allowed_networks == ["192.0.2.0/24"]
    listed = council_admin.get(LIST).page
    assert "SEND system" in text_of(listed) and key not in str(listed)
    assert key not in str(council_admin.get(f"{LIST}/{client.id}").page)
    assert key.split("_", 2)[2] not in str(db_session.scalars(select(AuditEvent.detail)).all())


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "", "case_types": ["part-time-timetable"]}, "Enter the client's name"),
        ({"name": "X"}, "Select the case types it may use"),
        ({"name": "X", "case_types": ["nonsense"]}, "Select case types from the list"),
        ({"name": "X", "case_types": ["part-time-timetable"], "networks": "intranet"}, "network"),
    ],
)
def test_what_cannot_be_a_client_is_shown_in_the_error_summary(council_admin, data, message):
    council_admin.get(f"{LIST}/add")
    page = council_admin.post(f"{LIST}/add", data, expect=200).page
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None and message in summary.get_text()
    assert page.select_one("#secret") is None


@pytest.mark.parametrize(
    "data, box, message",
    [
        (
            {"case_types": ["early-years-census"], "actions": ["Send to panel"]},
            "actions",
            "Select only actions of the case types chosen: Early Years Census has no "
            "‘Send to panel’",
        ),
        (
            {"networks": "192.0.2.0/24\nintranet"},
            "networks",
            "Enter each network as an address or an address and its size, like 192.0.2.0/24: "
            "‘intranet’ is neither",
        ),
    ],
)
def test_a_refused_action_or_network_is_told_on_its_own_question(council_admin, data, box, message):
    """Found by a council admin: an action none of the chosen case types has was told on the
    client's name ('No officer or system transition of these case types is called: …'),
    and the summary's link went there, not to the actions."""
    council_admin.get(f"{LIST}/add")
    page = council_admin.post(
        f"{LIST}/add", {"name": "SEND system", "case_types": ["part-time-timetable"], **data}
    ).page
    assert errors_on_page(page) == [message]
    [link] = page.select(".govuk-error-summary__list a")
    assert link["href"] == f"#{box}"
    assert message in text_of(page.select_one(f"#{box}-error"))


def test_a_client_whose_name_says_network_is_told_on_its_name(council_admin):
    add(council_admin, name="SEND network")
    council_admin.get(f"{LIST}/add")
    page = council_admin.post(
        f"{LIST}/add", {"name": "SEND network", "case_types": ["part-time-timetable"]}
    ).page
    [link] = page.select(".govuk-error-summary__list a")
    assert link["href"] == "#name"


def errors_on_page(page) -> list[str]:
    return [text_of(li) for li in page.select(".govuk-error-summary__list li")]


def test_revoking_a_key_asks_first_and_warns_when_it_is_the_only_live_one(
    council_admin, db_session
):
    """Found by a council admin: Revoke on the key's row refused it at once, with no question,
    though the council system stops there and then (and the two keys of a rotation look
    alike)."""
    _page, secret = add(council_admin)
    key = secret.get_text()
    key_id = key.split("_")[1]
    client = db_session.scalars(select(ApiClient)).one()
    row = council_admin.get(f"{LIST}/{client.id}").page
    link = row.select_one(f'a[href="{LIST}/{client.id}/keys/{key_id}/revoke"]')
    assert link is not None and text_of(link) == f"Revoke key {key_id}"
    asked = council_admin.get(f"{LIST}/{client.id}/keys/{key_id}/revoke").page
    assert f"Are you sure you want to revoke key {key_id} of SEND system?" in text_of(asked)
    assert "This is the only live key of SEND system" in text_of(asked)
    assert client_for_key(db_session, key)  # asking revoked nothing
    council_admin.post(f"{LIST}/{client.id}/keys/{key_id}/revoke", expect=302)
    db_session.expire_all()
    assert client_for_key(db_session, key) is None
    # Revoked already: nothing to ask, back to the client
    council_admin.get(f"{LIST}/{client.id}/keys/{key_id}/revoke", expect=302)


def test_a_clients_case_types_actions_and_networks_change_and_its_key_goes_on(
    council_admin, db_session
):
    """Found by a council admin: what a client may do was fixed at its creation, so giving a
    council system one more action meant a new client, a new key and a new signing secret."""
    _page, secret = add(council_admin, actions=["Start review"])
    key = secret.get_text()
    client = db_session.scalars(select(ApiClient)).one()
    page = council_admin.get(f"{LIST}/{client.id}").page
    link = page.select_one(f'a[href="{LIST}/{client.id}/change"]')
    assert text_of(link) == "Change its case types, actions or networks"
    form = council_admin.get(f"{LIST}/{client.id}/change").page
    ticked = [i["value"] for i in form.select("input[type=checkbox][checked]")]
    assert ticked == ["part-time-timetable", "Start review"]
    # Nothing ticked, a network that is not one: said in the summary, what was typed kept
    changed = {"case_types": [], "actions": ["Complete case"], "networks": "10.0.0.300"}
    response = council_admin.post(f"{LIST}/{client.id}/change", changed, expect=200)
    assert errors_on(response) == ["Select the case types it may use"]
    changed["case_types"] = ["part-time-timetable", "send-referral"]
    response = council_admin.post(f"{LIST}/{client.id}/change", changed, expect=200)
    assert "10.0.0.300" in errors_on(response)[0]
    assert "10.0.0.300" in response.page.select_one("textarea").text
    changed["networks"] = "192.0.2.0/24"
    council_admin.post(f"{LIST}/{client.id}/change", changed, expect=302)
    db_session.expire_all()
    client = db_session.get(ApiClient, client.id)
    assert client.case_type_ids == ["part-time-timetable", "send-referral"]
    assert client.actions == ["Complete case"] and client.allowed_networks == ["192.0.2.0/24"]
    assert client_for_key(db_session, key, "192.0.2.7") == client  # the same key goes on
    [row] = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "api_client_changed"))
    assert row.actor_id is not None and key.split("_", 2)[2] not in str(row.detail)


def test_rotate_then_revoke_the_old_key_then_the_client(council_admin, db_session):
    _page, secret = add(council_admin)
    old = secret.get_text()
    client = db_session.scalars(select(ApiClient)).one()
    council_admin.get(f"{LIST}/{client.id}")
    new = council_admin.post(f"{LIST}/{client.id}/rotate", expect=200).page.select_one("#secret")
    new = new.get_text()
    assert client_for_key(db_session, old) and client_for_key(db_session, new)
    council_admin.get(f"{LIST}/{client.id}")
    council_admin.post(f"{LIST}/{client.id}/rotate", expect=302)  # two live: refused
    page = council_admin.get(f"{LIST}/{client.id}").page
    assert "2 live keys: revoke one first" in text_of(page)
    asked = council_admin.get(f"{LIST}/{client.id}/keys/{old.split('_')[1]}/revoke").page
    assert "only live key" not in text_of(asked)
    old_id = old.split("_")[1]
    council_admin.post(f"{LIST}/{client.id}/keys/{old_id}/revoke", expect=302)
    db_session.expire_all()
    assert client_for_key(db_session, old) is None and client_for_key(db_session, new)
    council_admin.get(f"{LIST}/{client.id}/revoke")
    council_admin.post(f"{LIST}/{client.id}/revoke", expect=302)
    db_session.expire_all()
    assert client_for_key(db_session, new) is None
    assert "(revoked)" in text_of(council_admin.get(LIST).page)
    assert _audited_by_the_admin(db_session) == [
        "api_client_created",
        "api_key_issued",
        "api_key_revoked",
        "api_client_revoked",
    ]


def _audited_by_the_admin(db_session) -> list[str]:
    """The actions on API clients in the audit trail, each of which names the admin who took it."""
    cara = db_session.scalars(select(User).where(User.email == "cara@council.example.org")).one()
    events = db_session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.action.startswith("api_client")
            | AuditEvent.action.startswith("api_key")
            | AuditEvent.action.startswith("webhook_")
        )
        .order_by(AuditEvent.id)
    ).all()
    assert [e.actor_id for e in events] == [cara.id] * len(events)
    return [e.action for e in events]


def test_a_webhook_must_be_https_and_public(council_admin, db_session, app):
    add(council_admin)
    client = db_session.scalars(select(ApiClient)).one()
    page = council_admin.get(f"{LIST}/{client.id}").page
    assert page.select_one("input[name=url]") is not None
    for url, message in [
        ("http://example.org/hook", "must start with https://"),
        ("https://10.0.0.8/hook", "must be a public address"),
        ("https://127.0.0.1:8443/hook", "must be a public address"),
    ]:
        page = council_admin.post(
            f"{LIST}/{client.id}", {"url": url, "events": ["case.submitted"]}, expect=200
        ).page
        assert message in page.select_one(".govuk-error-summary").get_text()
    app.config["PORTAL_WEBHOOK_ALLOW_LOOPBACK"] = True
    page = council_admin.post(
        f"{LIST}/{client.id}",
        {"url": "http://127.0.0.1:9/hook", "events": ["case.submitted", "case.transition"]},
        expect=200,
    ).page
    secret = page.select_one("#secret").get_text()
    db_session.expire_all()
    stored = db_session.get(ApiClient, client.id)
    assert stored.webhook_secret == secret and stored.webhook_url == "http://127.0.0.1:9/hook"
    assert stored.webhook_events == ["case.submitted", "case.transition"]
    # Changed later: saved, and the secret is never shown again (found by review).
    changed = council_admin.post(
        f"{LIST}/{client.id}", {"url": "http://127.0.0.1:10/hook", "events": ["case.submitted"]}
    )
    assert changed.status_code == 302
    page = council_admin.get(changed.headers["Location"]).page
    assert page.select_one("#secret") is None and secret not in str(page)
    assert "has been saved" in page.select_one(".govuk-notification-banner").get_text()
    db_session.expire_all()
    assert db_session.get(ApiClient, client.id).webhook_url == "http://127.0.0.1:10/hook"
    assert _audited_by_the_admin(db_session) == ["api_client_created", "webhook_set", "webhook_set"]


def test_nobody_else_gets_in(app, world, sign_in, db_session, council_admin):
    add(council_admin)
    client = db_session.scalars(select(ApiClient)).one()
    officer = staff(db_session, "olu@council.example.org", "officer")
    for person in (world.alice, officer):
        other = sign_in(person)
        other.get("/sign-out")  # a page with a form: a CSRF token of their own
        for url in (
            LIST,
            f"{LIST}/add",
            f"{LIST}/{client.id}",
            f"{LIST}/{client.id}/revoke",
            f"{LIST}/{client.id}/change",
        ):
            other.get(url, expect=404)
        other.get(f"{LIST}/{client.id}/webhook-secret", expect=404)
        other.post(f"{LIST}/{client.id}/webhook-secret", expect=404)
        other.post(f"{LIST}/{client.id}/rotate", expect=404)
        other.post("/council/webhooks/1/replay", expect=404)
    council_admin.get(f"{LIST}/{client.id + 100}", expect=404)
    assert len(db_session.scalars(select(ApiClient)).one().keys) == 1


def save_webhook(council_admin, client, app) -> str:
    """An admin saves the client's webhook the first time: its signing secret."""
    app.config["PORTAL_WEBHOOK_ALLOW_LOOPBACK"] = True
    council_admin.get(f"{LIST}/{client.id}")
    page = council_admin.post(
        f"{LIST}/{client.id}", {"url": "http://127.0.0.1:9/hook", "events": ["case.submitted"]}
    ).page
    return page.select_one("#secret").get_text()


def test_an_admin_makes_a_new_signing_secret_shown_once(council_admin, db_session, app):
    add(council_admin)
    client = db_session.scalars(select(ApiClient)).one()
    first = save_webhook(council_admin, client, app)
    page = council_admin.get(f"{LIST}/{client.id}").page
    button = page.find("a", string=lambda text: text and "Make a new signing secret" in text)
    assert button["href"] == f"{LIST}/{client.id}/webhook-secret"
    asked = council_admin.get(button["href"]).page
    assert "Are you sure you want a new signing secret for SEND system?" in text_of(asked)
    db_session.expire_all()
    assert db_session.get(ApiClient, client.id).webhook_secret == first  # asking changed nothing
    shown = council_admin.post(button["href"], expect=200).page
    secret = shown.select_one("#secret").get_text()
    assert secret.startswith("whsec_") and secret != first
    db_session.expire_all()
    assert db_session.get(ApiClient, client.id).webhook_secret == secret
    assert secret not in str(council_admin.get(f"{LIST}/{client.id}").page)
    rotated = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "webhook_secret_rotated")
    ).one()
    cara = db_session.scalars(select(User).where(User.email == "cara@council.example.org")).one()
    assert rotated.actor_id == cara.id and rotated.detail == {"client": "SEND system"}
    assert secret not in str(db_session.scalars(select(AuditEvent.detail)).all())


def test_no_new_signing_secret_without_a_webhook_or_for_a_revoked_client(
    council_admin, db_session, app
):
    add(council_admin)
    client = db_session.scalars(select(ApiClient)).one()
    url = f"{LIST}/{client.id}/webhook-secret"

    def refused(message):
        council_admin.get(f"{LIST}/{client.id}")
        answer = council_admin.post(url, expect=302)
        assert message in text_of(council_admin.get(answer.headers["Location"]).page)

    assert "Make a new signing secret" not in text_of(council_admin.get(f"{LIST}/{client.id}").page)
    refused("has no webhook yet: save its webhook first")
    first = save_webhook(council_admin, client, app)
    council_admin.get(f"{LIST}/{client.id}/revoke")
    council_admin.post(f"{LIST}/{client.id}/revoke", expect=302)
    refused("SEND system has been revoked")
    db_session.expire_all()
    assert db_session.get(ApiClient, client.id).webhook_secret == first


def test_a_keys_creation_is_shown_in_uk_time(council_admin, db_session):
    """Every other time on the portal is the UK's; this one was UTC, unlabelled: a key made
    at 00:30 BST on 1 July read as made on 30 June."""
    import datetime as dt

    add(council_admin)
    client = db_session.scalars(select(ApiClient)).one()
    client.keys[0].created_at = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)
    db_session.commit()
    row = council_admin.get(f"{LIST}/{client.id}").page.select_one("td[data-label=Created]")
    assert row.get_text(strip=True) == "1 July 2026 at 12:30am"
