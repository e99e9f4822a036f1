"""Per-address limits (SECURITY-CHECKLIST 5): sign-in, code entry, sending a code again,
forgotten password and feedback answer 429 with a page saying how long to wait; the address
is the client's, also behind a trusted proxy; Redis holds the counts when REDIS_URL is set."""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest

from tests.webapp.conftest import PortalClient, text_of
from webapp import create_app
from webapp.infra.config import RATE_LIMITS

# What a stranger can post to each limited page, and how many posts a minute the default allows.
POSTS = {
    "/sign-in": ({"email": "someone@example.org", "password": "a guess"}, 20),
    "/sign-in/code": ({"code": "123456"}, 20),
    "/sign-in/code/resend": ({}, 5),
    "/forgotten-password": ({"email": "someone@example.org"}, 5),
    "/feedback": ({"rating": "satisfied", "comments": "Quick to use"}, 5),
}


@pytest.fixture
def real_limits(app):
    """The app with the limits it ships with (the `app` fixture raises them for other tests)."""
    app.config.update(RATE_LIMITS)
    return app


def portal_from(app, address="192.0.2.10"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return PortalClient(client, app)


def post_until_refused(portal, path, data, allowed):
    """`allowed` posts get through (whatever the page makes of them); the next one is a 429."""
    form_page = "/sign-in" if path.startswith("/sign-in") else path
    for _ in range(allowed):
        portal.get(form_page)
        assert portal.post(path, data).status_code != 429
    portal.get(form_page)
    return portal.post(path, data, expect=429)


# What each page's 429 says happened (its heading) and what was held back.
TOLD = {
    "/sign-in": ("Too many attempts to sign in", "You have not been signed in."),
    "/sign-in/code": ("Too many codes entered", "The code you entered has not been checked."),
    "/sign-in/code/resend": ("Too many new codes asked for", "No new code has been sent."),
    "/forgotten-password": ("Too many requests to reset a password", "No email has been sent."),
    "/feedback": ("Too much feedback sent", "Your feedback has not been sent."),
}


@pytest.mark.parametrize("path", list(POSTS))
def test_each_limited_page_refuses_a_client_that_posts_too_often(
    real_limits, world, path, monkeypatch
):
    from webapp.infra import clock

    # 10:41 in the UK (GMT in December): a wait of up to a minute ends by 10:42.
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 12, 1, 10, 41, tzinfo=dt.UTC))
    data, allowed = POSTS[path]
    portal = portal_from(real_limits)
    refused = post_until_refused(portal, path, data, allowed)
    heading, held_back = TOLD[path]
    # What happened, what was not done and when to try again, in words (once "Sorry, there
    # have been too many attempts", said of feedback too, with no time to come back).
    assert text_of(refused.page.find("h1")) == heading
    page = text_of(refused.page)
    assert f"from your internet connection in a short time. {held_back}" in page
    assert "Wait 1 minute, then try again. You can try again from 10:42am." in page
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # Reading the page is never limited, and another address is not held up.
    portal.get("/sign-in" if path.startswith("/sign-in") else path, expect=200)
    other = portal_from(real_limits, "192.0.2.11")
    other.get("/sign-in" if path.startswith("/sign-in") else path)
    assert other.post(path, data).status_code != 429


def test_an_ipv6_client_is_counted_by_its_64_not_by_each_address(real_limits, world):
    """Attack: a machine holds a whole IPv6 /64, so every post can come from a new address
    of it. Counted by the single address, each got a fresh limit and the limits held
    nothing back (password spraying, reset mail); the API already counted its failures by
    /64. Now the /64 is one client."""
    data, allowed = POSTS["/forgotten-password"]
    for n in range(1, allowed + 1):
        portal = portal_from(real_limits, f"2001:db8:1:2::{n:x}")
        portal.get("/forgotten-password")
        assert portal.post("/forgotten-password", data).status_code != 429
    portal = portal_from(real_limits, "2001:db8:1:2:ffff::1")
    portal.get("/forgotten-password")
    portal.post("/forgotten-password", data, expect=429)
    neighbour = portal_from(real_limits, "2001:db8:1:3::1")  # another /64: its own count
    neighbour.get("/forgotten-password")
    assert neighbour.post("/forgotten-password", data).status_code != 429


def test_feedback_refused_for_too_many_attempts_shows_what_was_written(real_limits):
    portal = portal_from(real_limits)
    data = {"rating": "satisfied", "comments": "The dates are easy to enter"}
    refused = post_until_refused(portal, "/feedback", data, 5)
    page = text_of(refused.page)
    assert "Your feedback has not been sent" in page
    assert "The dates are easy to enter" in page


def test_behind_a_trusted_proxy_the_limit_is_the_clients(app, database_url):
    proxied = create_app({**app.config, **RATE_LIMITS, "PORTAL_TRUSTED_PROXIES": 1})
    try:
        portal = portal_from(proxied, "10.0.0.1")  # the proxy
        data = POSTS["/forgotten-password"][0]

        def post(client_address):
            portal.get("/forgotten-password")
            return portal.client.post(
                "/forgotten-password",
                data={**data, "csrf_token": portal.csrf_token},
                headers={"X-Forwarded-For": client_address},
            ).status_code

        assert [post("203.0.113.7") for _ in range(6)] == [200] * 5 + [429]
        assert post("203.0.113.8") == 200  # another client behind the same proxy
    finally:
        proxied.extensions["db_engine"].dispose()


def test_without_a_trusted_proxy_x_forwarded_for_does_not_dodge_the_limit(real_limits):
    portal = portal_from(real_limits)
    statuses = []
    for number in range(6):
        portal.get("/forgotten-password")
        statuses.append(
            portal.client.post(
                "/forgotten-password",
                data={**POSTS["/forgotten-password"][0], "csrf_token": portal.csrf_token},
                headers={"X-Forwarded-For": f"198.51.100.{number}"},
            ).status_code
        )
    assert statuses == [200] * 5 + [429]


def test_a_limit_on_every_page_set_by_the_operator_still_refuses(app):
    # The portal ships none; Flask-Limiter's own setting still works when one is given.
    limited = create_app({**app.config, "RATELIMIT_DEFAULT": "3 per minute"})
    try:
        portal = portal_from(limited)
        statuses = [portal.client.get("/accessibility").status_code for _ in range(4)]
        assert statuses == [200] * 3 + [429]
    finally:
        limited.extensions["db_engine"].dispose()


def test_a_limit_setting_that_is_not_a_rate_is_refused_at_start(app):
    with pytest.raises(RuntimeError, match="PORTAL_LIMIT_FEEDBACK='lots' is not a rate limit"):
        create_app({**app.config, "PORTAL_LIMIT_FEEDBACK": "lots"})


# --- Redis ----------------------------------------------------------------------------------

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_client():
    """A client of the test Redis; skipped with the reason without one (REQUIRE_REDIS=1: fail)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        problem = f"no Redis at {REDIS_URL}: {exc}"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is required here (REQUIRE_REDIS=1): {problem}")
        pytest.skip(problem)
    yield client
    client.close()


def test_limits_are_counted_in_redis_and_shared_by_every_instance(app, redis_client):
    prefix = f"portal-test-{uuid.uuid4().hex}"  # this run's keys only
    settings = {
        **app.config,
        **RATE_LIMITS,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
    }
    first, second = create_app(settings), create_app(settings)
    try:
        refused = post_until_refused(
            portal_from(first), "/forgotten-password", POSTS["/forgotten-password"][0], 5
        )
        assert "Wait 1 minute" in text_of(refused.page)
        keys = [key.decode() for key in redis_client.scan_iter(match=f"*{prefix}*")]
        assert keys and all("192.0.2.10" in key for key in keys)
        # Another instance of the portal, sharing the Redis, refuses the same client at once.
        portal = portal_from(second)
        portal.get("/forgotten-password")
        portal.post("/forgotten-password", POSTS["/forgotten-password"][0], expect=429)
    finally:
        for key in redis_client.scan_iter(match=f"*{prefix}*"):
            redis_client.delete(key)
        for instance in (first, second):
            instance.extensions["db_engine"].dispose()
