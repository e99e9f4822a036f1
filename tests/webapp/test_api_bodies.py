"""A transition's body that no case can take is the client's mistake, told as a 400 problem
and nothing moved: it was a 500 ("Something went wrong on our side") with a traceback in the
log, which a client retries for ever and an operator is paged for (found by attack6)."""

from __future__ import annotations

import pytest

from tests.webapp.test_api import PTT, Api, problem
from tests.webapp.test_caseviewer import case_row, stored_case
from webapp.domain.api_clients import create_client


@pytest.fixture
def system(app, db_session) -> Api:
    """A council system's key for part-time timetables, allowed to ask for more information."""
    app.config["PORTAL_API_SETTLE_SECONDS"] = 0
    catalogue = app.extensions["catalogue"]
    actions = ["Request more information"]
    _client, key = create_client(db_session, catalogue, "SEND system", [PTT], actions)
    return Api(app.test_client(), key)


def _send(system: Api, reference: str, body: bytes, key: str):
    headers = {"Authorization": f"Bearer {system.key}", "Idempotency-Key": key}
    return system.client.post(
        f"/api/v1/cases/{reference}/transitions",
        data=body,
        headers={**headers, "Content-Type": "application/json"},
    )


def test_json_nested_too_deep_is_a_400_not_a_500(system, world, db_session):
    """`[[[[…]]]]` 100,000 deep (200 KB, well inside the request limit) made Python's JSON
    reader give up with RecursionError, which nothing caught."""
    reference = stored_case(db_session, world.school_a, world.alice)
    response = _send(system, reference, b"[" * 100_000 + b"]" * 100_000, "deep")
    detail = problem(response, 400)["detail"]
    assert detail.startswith("Send a JSON object")
    assert case_row(db_session, reference).activity == "review"


def test_a_note_with_a_lone_surrogate_is_a_400_not_a_500(system, world, db_session):
    """JSON may write half of a UTF-16 pair (`"\\udfff"`); Python reads it as a lone
    surrogate, which neither PostgreSQL nor SQLite can store as text: the note reached the
    database and the client got a 500. The API's cursors refused such text already."""
    reference = stored_case(db_session, world.school_a, world.alice)
    for number, note in enumerate((b"\\udfff", b"Phoned \\ud800 the school")):
        body = b'{"action": "Request more information", "note": "' + note + b'"}'
        response = _send(system, reference, body, f"half-{number}")
        assert "note must be" in problem(response, 400)["detail"]
    assert case_row(db_session, reference).activity == "review"
