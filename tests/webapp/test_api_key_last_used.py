"""Rotating a client's key: "add a new one, give it to the council system, then revoke the
old one", but the client's page could not tell whether the system had moved to the new key.
Revoking the old one on trust cut off a system still using it (every call a 401); waiting
left a key live that nothing needed. Each key now says when it was last used (to the minute:
a busy client's calls write it at most once a minute)."""

from sqlalchemy import select

from tests.webapp.test_api_clients_admin import LIST, add
from webapp.models_api import ApiClient, ApiKey
from webapp.web.templating import uk_datetime


def _last_used(council_admin, client_id) -> dict[str, str]:
    page = council_admin.get(f"{LIST}/{client_id}").page
    return {
        row.select_one("code").get_text(): row.select_one("td[data-label='Last used']").get_text(
            strip=True
        )
        for row in page.select("tbody tr")
    }


def test_each_key_says_when_it_was_last_used(council_admin, db_session, app, moving_clock):
    _page, secret = add(council_admin)
    old = secret.get_text()
    client = db_session.scalars(select(ApiClient)).one()
    council_admin.get(f"{LIST}/{client.id}")
    new = council_admin.post(f"{LIST}/{client.id}/rotate", expect=200).page
    new = new.select_one("#secret").get_text()
    old_id, new_id = old.split("_")[1], new.split("_")[1]
    assert _last_used(council_admin, client.id) == {old_id: "Never", new_id: "Never"}
    system = app.test_client()
    assert (
        system.get("/api/v1/cases", headers={"Authorization": f"Bearer {old}"}).status_code == 200
    )
    first = db_session.scalar(select(ApiKey.last_used_at).where(ApiKey.key_id == old_id))
    assert first is not None
    assert _last_used(council_admin, client.id) == {old_id: uk_datetime(first), new_id: "Never"}
    system.get("/api/v1/cases", headers={"Authorization": f"Bearer {old}"})  # same minute
    db_session.expire_all()
    assert db_session.scalar(select(ApiKey.last_used_at).where(ApiKey.key_id == old_id)) == first
    moving_clock.advance(minutes=2)
    system.get("/api/v1/cases", headers={"Authorization": f"Bearer {old}"})
    db_session.expire_all()
    assert db_session.scalar(select(ApiKey.last_used_at).where(ApiKey.key_id == old_id)) > first
    assert (
        system.get(
            "/api/v1/cases", headers={"Authorization": "Bearer portal_" + new_id + "_" + "x" * 43}
        ).status_code
        == 401
    )
    db_session.expire_all()
    assert db_session.scalar(select(ApiKey.last_used_at).where(ApiKey.key_id == new_id)) is None
