"""Every response, on every route, carries the security headers (SECURITY-CHECKLIST item 17)."""

import pytest

from tests.webapp.helpers import start

ARGUMENTS = {
    "case_type_id": "part-time-timetable",
    "page_id": "child",
    "attachment_id": "0" * 32,
    "token": "not-a-token",
    "filename": "app.css",
    "user_id": "1",
    "school_id": "1",
}


def every_get_url(app, reference):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        values = {
            arg: 1
            if type(rule._converters[arg]).__name__ == "IntegerConverter"
            else ARGUMENTS.get(arg, reference)
            for arg in rule.arguments
        }
        yield rule.endpoint, rule.build(values)[1] if rule.arguments else rule.rule


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_security_headers_on_every_route(app, world, sign_in, client, signed_in):
    portal = sign_in(world.alice) if signed_in else client
    reference = start(sign_in(world.alice), "part-time-timetable")[0]
    checked = []
    for endpoint, url in every_get_url(app, reference):
        response = portal.client.get(url)
        response.close()  # static files stream from disk
        headers = response.headers
        csp = headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp, url
        assert "object-src 'none'" in csp and "base-uri 'none'" in csp, url
        assert "frame-ancestors 'none'" in csp, url
        assert headers.get("X-Content-Type-Options") == "nosniff", url
        assert headers.get("Referrer-Policy"), url
        assert headers.get("Strict-Transport-Security", "").startswith("max-age="), url
        if endpoint != "static":
            assert headers.get("Cache-Control") == "no-store", url
        checked.append(url)
    assert len(checked) > 20


def test_no_hsts_in_local_development(app, client):
    app.config["DEVELOPMENT"] = True
    assert "Strict-Transport-Security" not in client.client.get("/sign-in").headers
