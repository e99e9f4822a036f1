"""Oversized forms: a repeating group takes no more than its max_items, and no form may send
more values or bytes than the portal's limits (413 with the portal's page) — url-encoded as
well as multipart (issue 9, item 2)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.test import encode_multipart

from tests.webapp.conftest import text_of
from tests.webapp.helpers import PROVIDER, answer, errors_on, stored, up_to_provision

PTT = "part-time-timetable"
MAX_PROVIDERS = 5  # casetypes/send/part-time-timetable.yaml


@pytest.fixture
def provision(sign_in, world):
    """Alice on the part-time timetable's provision page (up to 5 providers)."""
    portal = sign_in(world.alice)
    reference, path = up_to_provision(portal)
    return portal, reference, path


def providers(count: int, start: int = 0) -> dict:
    """`count` filled-in providers, as the page's inputs name them."""
    items = {}
    for index in range(start, start + count):
        for key, value in PROVIDER.items():
            items[key.replace("-0-", f"-{index}-")] = value
        items[f"providers-{index}-provider_name"] = f"Provider {index}"
    return items


def names_on(page) -> list[str]:
    return [i["value"] for i in page.select("input[name$='-provider_name']")]


def test_items_beyond_the_groups_limit_are_refused_and_not_kept(provision, db_session):
    portal, reference, path = provision
    response = answer(portal, path, providers(MAX_PROVIDERS + 3), expect=200)
    assert errors_on(response) == [f"Add no more than {MAX_PROVIDERS} providers"]
    first_five = [f"Provider {n}" for n in range(MAX_PROVIDERS)]
    assert names_on(response.page) == first_five
    case = stored(db_session, reference)
    assert len(case.raw_input["provision"]["providers"]) == MAX_PROVIDERS
    assert [p["provider_name"] for p in case.answers["providers"]] == first_five
    assert names_on(portal.get(path).page) == first_five


def test_the_limit_counts_items_whatever_their_numbers(provision):
    portal, _reference, path = provision
    items = {**providers(MAX_PROVIDERS), **providers(1, start=900)}
    response = answer(portal, path, items, expect=200)
    assert errors_on(response) == [f"Add no more than {MAX_PROVIDERS} providers"]


def test_a_full_group_takes_all_its_items(provision):
    portal, _reference, path = provision
    answer(portal, path, providers(MAX_PROVIDERS), expect=302)


def test_adding_to_a_full_group_says_why_nothing_was_added(provision):
    portal, _reference, path = provision
    response = answer(portal, path, providers(MAX_PROVIDERS), action="add:providers")
    assert response.headers["Location"].endswith("#providers")
    page = portal.get(path).page
    assert f"Add no more than {MAX_PROVIDERS} providers" in text_of(page)
    assert len(names_on(page)) == MAX_PROVIDERS
    assert not page.find("button", attrs={"value": "add:providers"})


def test_thousands_of_items_are_refused_before_they_are_read(app, provision, db_session):
    portal, reference, path = provision
    version = portal.get(path).page.find("input", attrs={"name": "page_version"})["value"]
    items = providers(3000)
    assert len(items) > app.config["MAX_FORM_PARTS"]
    data = MultiDict([("page_version", version), ("csrf_token", portal.csrf_token), *items.items()])
    boundary, body = encode_multipart(data)
    response = portal.post(
        path, body, content_type=f"multipart/form-data; boundary={boundary}", expect=413
    )
    assert_form_too_large(response)
    assert "providers" not in stored(db_session, reference).answers


def assert_form_too_large(response) -> None:
    assert response.page.find("h1").get_text(strip=True) == "The form is too large to send"
    assert "nothing on it was saved" in text_of(response.page)


# ---- url-encoded forms: the same limits as multipart ----


def test_an_url_encoded_form_with_too_many_values_gets_413(app, client):
    client.get("/feedback")
    values = [("csrf_token", client.csrf_token), ("rating", "satisfied")]
    values += [(f"x{n}", "") for n in range(app.config["MAX_FORM_PARTS"])]
    body = urlencode(values)
    response = client.post(
        "/feedback", body, content_type="application/x-www-form-urlencoded", expect=413
    )
    assert_form_too_large(response)


def test_an_url_encoded_form_too_large_gets_413(app, client):
    client.get("/feedback")
    comments = "x" * app.config["MAX_FORM_MEMORY_SIZE"]
    body = urlencode({"csrf_token": client.csrf_token, "rating": "satisfied", "comments": comments})
    response = client.post(
        "/feedback", body, content_type="application/x-www-form-urlencoded", expect=413
    )
    assert_form_too_large(response)


def test_an_url_encoded_form_within_the_limits_is_read(app, client):
    client.get("/feedback")
    values = [("csrf_token", client.csrf_token), ("rating", "satisfied"), ("comments", "Fine")]
    values += [(f"x{n}", "") for n in range(app.config["MAX_FORM_PARTS"] - 4)]
    body = urlencode(values)
    client.post("/feedback", body, content_type="application/x-www-form-urlencoded", expect=302)


def test_a_multipart_value_too_large_gets_413(app, client):
    client.get("/feedback")
    comments = "x" * (app.config["MAX_FORM_MEMORY_SIZE"] + 1)
    data = {"csrf_token": client.csrf_token, "rating": "satisfied", "comments": comments}
    boundary, body = encode_multipart(MultiDict(data))
    response = client.post(
        "/feedback", body, content_type=f"multipart/form-data; boundary={boundary}", expect=413
    )
    assert_form_too_large(response)


def test_the_limit_on_values_fits_the_largest_case_type_page(app):
    # The early-years census takes 200 children of 15 values each.
    assert app.config["MAX_FORM_PARTS"] >= 200 * 15


def test_the_limits_come_from_the_environment(monkeypatch):
    from webapp.infra import config

    monkeypatch.setenv("PORTAL_MAX_FORM_FIELDS", "4000")
    monkeypatch.setenv("PORTAL_MAX_FORM_KB", "100")
    settings = config.settings({"DEVELOPMENT": True})
    assert settings["MAX_FORM_PARTS"] == 4000
    assert settings["MAX_FORM_MEMORY_SIZE"] == 100 * 1024
