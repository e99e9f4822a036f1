"""The API's OpenAPI document holds together, and the API keeps to it: every $ref resolves,
every schema is a valid JSON Schema 2020-12, path parameters match their templates; and a
Hypothesis fuzz of every operation's parameters, headers and bodies gets no 5xx, problem
details for every error and answers the document's schemas accept.

Schemathesis runs over the served document in test_api_fuzz.py; the checks here are this
project's own: the document's structure, and a fuzz over the parameters the document declares
with junk Schemathesis would not send (any text as a key, any JSON as a body). FUZZ_EXAMPLES
as in test_fuzz.py.
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tests.webapp.test_api import PTT, Api
from tests.webapp.test_caseviewer import stored_case
from webapp.areas.api import openapi
from webapp.domain.api_clients import create_client

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
DOC = openapi.document()


def _refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _resolve(pointer: str):
    assert pointer.startswith("#/"), pointer
    node = DOC
    for part in pointer[2:].split("/"):
        node = node[part]
    return node


def test_the_openapi_document_holds_together():
    assert DOC["openapi"] == "3.1.0" and DOC["info"]["title"] and DOC["info"]["version"]
    for pointer in _refs(DOC):
        _resolve(pointer)
    for schema in DOC["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    operation_ids = []
    for path, methods in DOC["paths"].items():
        for method, operation in methods.items():
            assert method in ("get", "post")
            operation_ids.append(operation["operationId"])
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), path
            for parameter in operation.get("parameters", []):
                Draft202012Validator.check_schema(parameter["schema"])
            for status, answer in operation["responses"].items():
                assert re.fullmatch(r"[1-5]\d\d", status)
                assert _resolve(answer["$ref"]) if "$ref" in answer else answer["description"]
    assert len(operation_ids) == len(set(operation_ids))


def fits(name: str, body) -> list[str]:
    """What breaks the document's schema `name` in `body`."""
    schema = {"components": DOC["components"], "$ref": f"#/components/schemas/{name}"}
    return [e.message for e in Draft202012Validator(schema).iter_errors(body)]


def _checked(response, success_schema: str | None = None):
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json"
        assert not fits("Problem", response.get_json())
    elif success_schema and response.status_code == 200:
        assert not fits(success_schema, response.get_json())


@pytest.fixture
def api_world(app, db_session, world):
    app.config["PORTAL_API_SETTLE_SECONDS"] = 0
    catalogue = app.extensions["catalogue"]
    _client, key = create_client(db_session, catalogue, "Fuzz", [PTT], ["Start review"])
    refs = [
        stored_case(db_session, world.school_a, world.alice, activity=a, label=a)
        for a in ("notified", "review")
    ]
    return Api(app.test_client(), key), refs


TEXT = st.text(max_size=40) | st.sampled_from(["", "0", "-1", "9" * 30, "Active", PTT, "review"])
QUERY = st.dictionaries(
    st.sampled_from(["case_type", "activity", "status", "changed_since", "cursor", "limit", "x"]),
    TEXT | st.sampled_from(["2026-01-01T00:00:00Z", "2026-13-01T00:00:00+01:00", "W10="]),
    max_size=4,
)


@FUZZ
@given(query=QUERY)
def test_fuzzed_listings_answer_without_5xx(api_world, query):
    api, _refs = api_world
    response = api.client.get(
        "/api/v1/cases?" + urlencode(query), headers={"Authorization": f"Bearer {api.key}"}
    )
    _checked(response, "CaseList")


@FUZZ
@given(reference=TEXT, attachment=TEXT, version=st.integers(-(2**40), 2**40))
def test_fuzzed_paths_answer_without_5xx(api_world, reference, attachment, version):
    api, refs = api_world
    auth = {"Authorization": f"Bearer {api.key}"}
    for ref in (reference, refs[0]):
        ref = quote(ref, safe="") or "x"
        _checked(api.client.get(f"/api/v1/cases/{ref}", headers=auth), "Case")
        file = quote(attachment, safe="") or "x"
        _checked(api.client.get(f"/api/v1/cases/{ref}/attachments/{file}", headers=auth))
    schema = (
        f"/api/v1/case-types/{quote(reference, safe='') or 'x'}/versions/{version}/answers-schema"
    )
    _checked(api.client.get(schema, headers=auth))
    _checked(
        api.client.get(f"/api/v1/case-types/{PTT}/versions/{version}/answers-schema", headers=auth)
    )


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
BODY = JSON | st.fixed_dictionaries(
    {"action": st.sampled_from(["Start review", "Complete case", "", " "]) | st.text(max_size=10)},
    optional={"note": st.text(max_size=30) | JSON},
)


@FUZZ
@given(body=BODY, key=st.text(max_size=20), authorization=st.text(max_size=30))
def test_fuzzed_transitions_answer_without_5xx(api_world, body, key, authorization):
    api, refs = api_world
    for headers in ({"Authorization": f"Bearer {api.key}"}, {"Authorization": authorization}):
        try:
            headers["Idempotency-Key"] = key
            headers = {k: v.encode("latin-1").decode("latin-1") for k, v in headers.items()}
        except UnicodeEncodeError:
            continue  # not sendable as a header
        if any(c in v for v in headers.values() for c in "\r\n"):
            continue  # nor is this
        response = api.client.post(
            f"/api/v1/cases/{refs[0]}/transitions", json=body, headers=headers
        )
        _checked(response, "Case")
