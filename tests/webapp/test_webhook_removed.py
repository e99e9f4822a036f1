"""A council system's webhook could be set and changed, never removed: the domain had
remove_webhook and the docs spoke of "its webhook removed", but no page or command called it.
A council whose endpoint was retired could only point it elsewhere or revoke the whole client
(its API key too), while every move of its cases was tried for 24 hours and listed as failed.
The client's page now removes it, asking first, audited."""

from sqlalchemy import select

from tests.webapp.conftest import text_of
from tests.webapp.test_api_clients_admin import LIST, add, save_webhook
from webapp.models import AuditEvent, User
from webapp.models_api import ApiClient


def _remove_link(page):
    return next((a for a in page.find_all("a") if "Remove the webhook" in a.get_text()), None)


def test_a_webhook_is_removed_asking_first(council_admin, db_session, app):
    add(council_admin)
    client = db_session.scalars(select(ApiClient)).one()
    save_webhook(council_admin, client, app)
    page = council_admin.get(f"{LIST}/{client.id}").page
    link = _remove_link(page)
    assert link["href"] == f"{LIST}/{client.id}/webhook/remove"
    asked = text_of(council_admin.get(link["href"]).page)
    assert "Are you sure you want to remove the webhook of SEND system?" in asked
    assert "http://127.0.0.1:9/hook" in asked
    db_session.expire_all()
    assert db_session.get(ApiClient, client.id).webhook_url  # asking changed nothing
    response = council_admin.post(link["href"])
    assert response.headers["Location"] == f"{LIST}/{client.id}"
    page = council_admin.get(f"{LIST}/{client.id}").page
    assert "The webhook of SEND system has been removed" in text_of(page)
    assert _remove_link(page) is None
    db_session.expire_all()
    removed = db_session.get(ApiClient, client.id)
    assert (removed.webhook_url, removed.webhook_events) == ("", [])
    row = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "webhook_removed")).one()
    cara = db_session.scalars(select(User).where(User.email == "cara@council.example.org")).one()
    assert row.actor_id == cara.id and row.detail == {"client": "SEND system"}
    council_admin.get(link["href"], expect=302)  # none left to remove: back to the client
