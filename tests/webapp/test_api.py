"""The JSON API (issue 14): a council system with a key reads the cases of the case types it
was given (404 for anything else), polls them through a cursor that returns every change
once, gets ETags, files and answer schemas, and moves cases once per Idempotency-Key; every
error is problem details and every call is audited."""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import threading

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select, update

from tests.webapp.conftest import check_page
from tests.webapp.test_case_pdf import pdf_text
from tests.webapp.test_caseviewer import PTT, case_row, stored_case, submit_ptt
from webapp.areas.api import transitions
from webapp.domain.api_clients import (
    change_client,
    create_client,
    revoke_client,
    revoke_key,
    rotate_key,
)
from webapp.infra import clock
from webapp.models import Attachment, AuditEvent, Case, CaseEvent, CaseTypeVersion
from webapp.models_api import ApiClient, ApiIdempotencyKey

PROBLEM = "application/problem+json"
INTERNAL = "Internal: rang the head, the plan is fine"
REVIEW = "Review details on the case in caseviewer"


@pytest.fixture
def api(app, db_session):
    """A council system's key for part-time timetables, allowed to start reviews."""
    app.config["PORTAL_API_SETTLE_SECONDS"] = 0
    catalogue = app.extensions["catalogue"]
    _client, key = create_client(db_session, catalogue, "SEND system", [PTT], ["Start review"])
    return Api(app.test_client(), key)


class Api:
    """A test client that sends the key."""

    def __init__(self, client, key):
        self.client, self.key = client, key

    def get(self, url, expect=200, key=None, **headers):
        auth = {"Authorization": f"Bearer {key or self.key}"}
        response = self.client.get(url, headers={**auth, **headers})
        assert response.status_code == expect, response.get_data(as_text=True)[:2000]
        return response

    def move(self, reference, action, key="k-1", note=None, expect=200, **headers):
        body = {"action": action, **({"note": note} if note is not None else {})}
        headers = {"Authorization": f"Bearer {self.key}", "Idempotency-Key": key, **headers}
        response = self.client.post(
            f"/api/v1/cases/{reference}/transitions", json=body, headers=headers
        )
        assert expect is None or response.status_code == expect, response.get_data(True)[:2000]
        return response


def problem(response, status):
    assert response.status_code == status and response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    return body


def test_without_a_live_key_the_answer_is_a_401_problem(api, db_session):
    for headers in (
        {},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": f"Basic {api.key}"},
        {"Authorization": f"Bearer {api.key[:-2]}xx"},
    ):
        response = api.client.get("/api/v1/cases", headers=headers)
        problem(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    client = db_session.scalars(select(ApiClient)).one()
    new = rotate_key(db_session, client)
    api.get("/api/v1/case-types") and api.get("/api/v1/case-types", key=new)  # both live
    revoke_key(db_session, client, api.key.split("_")[1])
    problem(api.get("/api/v1/case-types", expect=401), 401)  # rotated out
    api.get("/api/v1/case-types", key=new)
    revoke_client(db_session, client)
    problem(api.get("/api/v1/case-types", expect=401, key=new), 401)


def test_a_client_sees_only_its_case_types_and_others_are_404(api, world, db_session):
    mine = stored_case(db_session, world.school_a, world.alice)
    other = stored_case(db_session, world.school_a, world.alice, case_type_id="send-referral")
    draft = stored_case(db_session, world.school_a, world.alice, status="Draft", activity=None)
    db_session.execute(update(Case).where(Case.reference == draft).values(submitted_at=None))
    db_session.commit()
    listed = [c["reference"] for c in api.get("/api/v1/cases").get_json()["items"]]
    assert listed == [mine]
    assert [t["id"] for t in api.get("/api/v1/case-types").get_json()["items"]] == [PTT]
    api.get(f"/api/v1/cases/{mine}")
    for reference in (other, draft, "EDU-NOPE-X1"):
        problem(api.get(f"/api/v1/cases/{reference}", expect=404), 404)
        problem(api.move(reference, "Start review", key=reference, expect=404), 404)
    # Another client's case type, or none at all, is a 400 naming only this client's own: an
    # empty list was what a typo got, for ever, without a word.
    for case_type in ("send-referral", "part-time-timetabel"):
        detail = problem(api.get(f"/api/v1/cases?case_type={case_type}", expect=400), 400)
        assert detail["detail"] == f"case_type must be one of this client's: {PTT}"
    problem(api.get("/api/v1/case-types/send-referral/versions/1/answers-schema", expect=404), 404)
    schema = api.get(f"/api/v1/case-types/{PTT}/versions/2/answers-schema").get_json()
    assert schema["$schema"].endswith("2020-12/schema")


def test_a_case_holds_what_was_sent_its_files_and_the_schools_timeline(
    api, app, world, db_session, sign_in
):
    reference = submit_ptt(sign_in(world.alice))
    found = case_row(db_session, reference)
    db_session.add(
        CaseEvent(case_id=found.id, kind="note", note="Internal: ring the head", for_school=False)
    )
    db_session.commit()
    case = api.get(f"/api/v1/cases/{reference}").get_json()
    assert case["school"] == {"name": "Aylestone Primary School", "urn": "111111", "laestab": None}
    assert case["answers"] == found.sent_answers and case["case_type"]["version"] == 2
    assert case["raised_by"]["email"] == world.alice.email
    assert [e["kind"] for e in case["timeline"]][0] == "submitted"
    assert "Internal" not in str(case)
    assert [t["action"] for t in case["transitions"]] == ["Start review"]
    (file,) = case["files"]
    download = api.get(file["href"])
    assert download.get_data().startswith(b"%PDF")
    assert "Date" not in download.headers  # send_file's own: the server sends one (RFC 9110)
    db_session.execute(update(Attachment).values(scan_status="pending"))
    db_session.commit()
    # A file the case lists but the scanner has not cleared says so (it said "There is no such
    # thing for this client", of a file the case shows)
    detail = problem(api.get(file["href"], expect=404), 404)["detail"]
    assert "once its scan_status is clean (pending: try again later)" in detail


def test_every_link_the_api_gives_is_at_the_portals_own_address(api, world, db_session, sign_in):
    # Found by attack4: the links were made from the request's Host and scheme. Behind a proxy
    # not trusted for X-Forwarded-Proto (PORTAL_TRUSTED_PROXIES left at 0) every `next`, `self`
    # and file link was http://, and a client following one sent its key in clear; a Host
    # header named any site. Like the webhooks' and emails' links, they are PORTAL_BASE_URL's.
    reference = submit_ptt(sign_in(world.alice))
    stranger = {"Host": "attacker.example"}  # over plain http, as the test client asks
    listed = api.get("/api/v1/cases?limit=1", **stranger).get_json()
    case = api.get(f"/api/v1/cases/{reference}", **stranger).get_json()
    types = api.get("/api/v1/case-types", **stranger).get_json()
    links = [
        listed["next"],
        listed["items"][0]["links"]["self"],
        case["links"]["self"],
        case["case_type"]["answers_schema"],
        case["files"][0]["href"],
        types["items"][0]["versions"][0]["answers_schema"],
    ]
    assert all(link.startswith("https://portal.example.org/api/v1/") for link in links), links
    assert api.get(listed["next"]).get_json()["cursor"] == listed["cursor"]  # still the API
    assert api.get(case["files"][0]["href"]).get_data().startswith(b"%PDF")


def test_a_case_pdf_holds_the_case_and_its_timeline_without_internal_notes(
    api, world, db_session, sign_in
):
    reference = submit_ptt(sign_in(world.alice))
    found = case_row(db_session, reference)
    db_session.add(CaseEvent(case_id=found.id, kind="note", note=INTERNAL, for_school=False))
    db_session.commit()
    api.move(reference, "Start review")
    response = api.get(f"/api/v1/cases/{reference}/pdf")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f"attachment; filename={reference}.pdf"
    text = pdf_text(response)
    for expected in (reference, "Aylestone Primary School", "Jordan", "signed plan.pdf"):
        assert expected in text  # the reference, the school, an answer, a file by name
    for expected in ("Case submitted", "Start review", "For the council's systems"):
        assert expected in text  # the timeline, and who it was made for
    assert INTERNAL not in text  # officers' working notes: not in the API's JSON, nor here
    calls = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "api_call")).all()
    assert {
        "client": "SEND system",
        "endpoint": "api.get_case_pdf",
        "method": "GET",
        "reference": reference,
        "outcome": 200,
    } in [c.detail for c in calls]


def test_a_case_pdf_of_another_case_type_is_404_and_without_a_key_401(api, world, db_session):
    mine = stored_case(db_session, world.school_a, world.alice)
    other = stored_case(db_session, world.school_a, world.alice, case_type_id="send-referral")
    for reference in (other, "EDU-NOPE-X1"):
        problem(api.get(f"/api/v1/cases/{reference}/pdf", expect=404), 404)
    for headers in ({}, {"Authorization": "Bearer nonsense"}):
        problem(api.client.get(f"/api/v1/cases/{mine}/pdf", headers=headers), 401)


def test_etag_answers_304_until_the_case_changes(api, world, db_session):
    reference = stored_case(
        db_session, world.school_a, world.alice, activity="notified", label="Notified"
    )
    first = api.get(f"/api/v1/cases/{reference}")
    etag = first.headers["ETag"]
    assert api.get(f"/api/v1/cases/{reference}", expect=304, **{"If-None-Match": etag}).data == b""
    api.move(reference, "Start review")
    again = api.get(f"/api/v1/cases/{reference}", **{"If-None-Match": etag})
    assert again.headers["ETag"] != etag and again.get_json()["activity"]["id"] == "review"


def test_if_match_moves_a_case_only_while_it_is_as_the_client_read_it(app, api, world, db_session):
    """A system reads a case at "notified" and decides to abandon it; meanwhile another system
    starts its review. Acting on its old read, with that ETag in If-Match, the first is told
    412 and the case is not abandoned (without If-Match it is, as before: see the second case)."""
    catalogue = app.extensions["catalogue"]
    _client, key = create_client(
        db_session, catalogue, "Attendance system", [PTT], ["Abandon case"]
    )
    mine = Api(app.test_client(), key)
    reference, unguarded = (
        stored_case(db_session, world.school_a, world.alice, activity="notified", label="Notified")
        for _ in range(2)
    )
    url = f"/api/v1/cases/{reference}"
    read = mine.get(url).headers["ETag"]
    api.move(reference, "Start review", key="other")  # the other system, meanwhile
    now = mine.get(url).headers["ETag"]
    for stale in (read, '"not-an-etag"', f"W/{now}"):  # a weak tag never matches (RFC 9110)
        refused = mine.move(
            reference, "Abandon case", stale, "Duplicate", 412, **{"If-Match": stale}
        )
        assert "has changed since you read it" in problem(refused, 412)["detail"]
    assert case_row(db_session, reference).activity == "review"
    # Read again, the current ETag (here in a list) lets the move through; the answer carries
    # the case's new ETag, the one the next GET gives.
    current = {"If-Match": f'"x", {now}'}
    moved = mine.move(reference, "Abandon case", "k-1", "Duplicate", **current)
    assert case_row(db_session, reference).activity == "abandoned"
    assert moved.headers["ETag"] == mine.get(url).headers["ETag"] != now
    # A retry with the same key gets the first answer, though its If-Match is old by now.
    retried = mine.move(reference, "Abandon case", "k-1", "Duplicate", **current)
    assert retried.get_json() == moved.get_json()
    # * matches the case whatever it is: then judged as ever (abandoned: nothing open, 409).
    mine.move(reference, "Abandon case", "k-3", "Duplicate", 409, **{"If-Match": "*"})
    # Without If-Match, today's behaviour: the move is taken from wherever the case now is.
    api.move(unguarded, "Start review", key="other-2")
    mine.move(unguarded, "Abandon case", "k-2", "Duplicate", 200)
    assert case_row(db_session, unguarded).activity == "abandoned"


def test_a_retried_transition_never_moves_the_case_twice(api, world, db_session):
    reference = stored_case(
        db_session, world.school_a, world.alice, activity="notified", label="Notified"
    )
    first = api.move(reference, "Start review", key="retry-me").get_json()
    assert first["activity"] == {"id": "review", "label": REVIEW}
    assert api.move(reference, "Start review", key="retry-me").get_json() == first
    moves = db_session.scalars(select(CaseEvent).where(CaseEvent.kind == "transition")).all()
    assert len(moves) == 1
    assert len(db_session.scalars(select(ApiIdempotencyKey)).all()) == 1
    body = problem(
        api.move(reference, "Start review", key="retry-me", note="other", expect=422), 422
    )
    assert "different request" in body["detail"]
    stale = problem(api.move(reference, "Start review", key="again", expect=409), 409)
    # It is in review now: the 409 says where the case is and what is open (it said only that
    # the action "cannot be taken by this client", as if it had never been given)
    assert stale["detail"] == (
        f"'Start review' is not open to this client where the case is now, at 'review' "
        f"({REVIEW}); open now: none"
    )
    problem(api.move(reference, "Complete case", key="not-given", expect=409), 409)  # never given
    problem(api.move(reference, "Start review", key="", expect=400), 400)


def test_a_note_on_a_transition_that_takes_none_is_refused_not_dropped(api, world, db_session):
    """README's example sent "Start review" with a note; the workflow keeps none for it
    (`note: none`), so the note vanished while the client believed the school and the council
    had it. Now a 422 says so, and nothing moves; without the note the move is taken."""
    reference = stored_case(
        db_session, world.school_a, world.alice, activity="notified", label="Notified"
    )
    offered = api.get(f"/api/v1/cases/{reference}").get_json()["transitions"]
    assert offered == [{"action": "Start review", "to": "review", "note": "none"}]
    refused = api.move(reference, "Start review", key="with-note", note="Taken", expect=422)
    assert problem(refused, 422)["detail"] == "'Start review' takes no note: send it without one"
    assert case_row(db_session, reference).activity == "notified"
    moved = api.move(reference, "Start review", key="without", note="  ").get_json()
    assert moved["activity"]["id"] == "review" and moved["timeline"][-1]["note"] is None


def test_a_json_body_without_its_content_type_is_told_what_is_missing(api, world, db_session):
    """`curl -d '{"action": …}'` without `-H "Content-Type: application/json"` sends a form;
    the 400 said "Send a JSON object", to a client that had sent one."""
    reference = stored_case(
        db_session, world.school_a, world.alice, activity="notified", label="Notified"
    )
    headers = {"Authorization": f"Bearer {api.key}", "Idempotency-Key": "form"}
    response = api.client.post(
        f"/api/v1/cases/{reference}/transitions",
        data='{"action": "Start review"}',
        headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    detail = problem(response, 400)["detail"]
    assert detail == "Send the body as JSON, with Content-Type: application/json"
    assert case_row(db_session, reference).activity == "notified"


def test_a_replayed_key_gives_nothing_of_a_case_type_the_client_no_longer_reads(
    app, api, world, db_session
):
    """The council takes part-time timetables away from the SEND system. Its earlier moves'
    Idempotency-Keys, kept for a week, still answered with the whole case as it was then,
    answers and all: now a case out of its scope is a 404 however it is asked for."""
    reference = stored_case(
        db_session, world.school_a, world.alice, activity="notified", label="Notified"
    )
    api.move(reference, "Start review", key="retry-me")
    client = db_session.scalars(select(ApiClient)).one()
    change_client(db_session, app.extensions["catalogue"], client, ["physical-intervention"])
    body = problem(api.move(reference, "Start review", key="retry-me", expect=404), 404)
    assert "answers" not in body and reference not in str(body.get("activity", ""))


def test_two_racing_requests_with_one_key_move_the_case_once(api, world, db_session):
    reference = stored_case(
        db_session, world.school_a, world.alice, activity="notified", label="Notified"
    )
    start, answers = threading.Barrier(2), []

    def send():
        start.wait()
        answers.append(api.move(reference, "Start review", key="twin", expect=None))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].get_json() == answers[1].get_json()
    moves = db_session.scalars(select(CaseEvent).where(CaseEvent.kind == "transition")).all()
    assert len(moves) == 1


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # two writers at once
def test_a_twin_that_lands_between_the_lookup_and_the_move_is_replayed(
    api, world, db_session, monkeypatch
):
    """The racing twins above, in the order a busy server gave them (CI, 1 December 2026):
    the second looked its key up before the first had stored it, then found the case moved
    by the first and answered 409 "not open where the case is now" to a retry of a request
    that had succeeded. Here the first runs whole just after the second's lookup."""
    reference = stored_case(
        db_session, world.school_a, world.alice, activity="notified", label="Notified"
    )
    looked_up, first = transitions._stored, []
    runner = threading.Thread(
        target=lambda: first.append(api.move(reference, "Start review", key="twin"))
    )

    def lookup_then_first(*args):
        found = looked_up(*args)
        if not runner.is_alive() and not first:  # the second's lookup: the first runs whole
            runner.start()
            runner.join()
        return found

    monkeypatch.setattr(transitions, "_stored", lookup_then_first)
    second = api.move(reference, "Start review", key="twin", expect=None)
    assert (first[0].status_code, second.status_code) == (200, 200)
    assert second.get_json() == first[0].get_json()
    moves = db_session.scalars(select(CaseEvent).where(CaseEvent.kind == "transition")).all()
    assert len(moves) == 1


def test_bad_requests_are_problem_details(api, world, db_session):
    for query in (
        "status=Draft",
        "limit=0",
        "limit=9999",
        "changed_since=yesterday",
        "changed_since=2026-01-01T00:00:00",
        "cursor=abc",
        "colour=red",
        "status=",  # found by Schemathesis: given empty, these were taken as not given
        "changed_since=",
    ):
        problem(api.get(f"/api/v1/cases?{query}", expect=400), 400)
    problem(api.get("/api/v1/nowhere", expect=404), 404)
    response = api.client.post(
        "/api/v1/cases/X/transitions",
        data="[",
        headers={
            "Authorization": f"Bearer {api.key}",
            "Idempotency-Key": "x",
            "Content-Type": "application/json",
        },
    )
    problem(response, 400)


def test_a_filter_given_twice_or_empty_is_a_400_not_a_wider_list(api, world, db_session):
    """`status=Active&status=Completed` listed the Active cases alone, and `case_type=` (a
    script's unset variable) every case type, without a word: both are 400s, as an empty
    status always was. An empty cursor is the start, where a poller without one begins."""
    stored_case(db_session, world.school_a, world.alice)
    for query, detail in (
        ("status=Active&status=Completed", "status is given more than once"),
        ("case_type=part-time-timetable&case_type=send-referral", "case_type is given more"),
        ("limit=5&cursor=&limit=10", "limit is given more than once"),
        ("case_type=", "case_type must be one of this client's: part-time-timetable"),
        ("activity=", "activity must be an activity id of this client's case types: "),
    ):
        body = problem(api.get(f"/api/v1/cases?{query}", expect=400), 400)
        assert body["detail"].startswith(detail), body
    assert len(api.get("/api/v1/cases?cursor=").get_json()["items"]) == 1


def test_a_case_leaves_the_date_header_to_the_server(api, world, db_session):
    """The case's answer carried a Date of its own beside the server's (gunicorn and Werkzeug
    both add one): two Date lines, which RFC 9110 forbids and strict HTTP clients refuse. The
    test client adds none, so any Date here is the app's (a file's download: see above)."""
    reference = stored_case(db_session, world.school_a, world.alice)
    first = api.get(f"/api/v1/cases/{reference}")
    again = api.get(f"/api/v1/cases/{reference}", 304, **{"If-None-Match": first.headers["ETag"]})
    for response in (first, again, api.get("/api/v1/cases")):
        assert "Date" not in response.headers


def test_every_time_has_six_decimals_even_at_a_whole_second(
    api, app, world, db_session, monkeypatch
):
    """Times came as isoformat() wrote them: `…T09:00:00.123456Z`, but `…T09:00:00Z` at a
    whole second, which a client parsing with one format (strptime's `%S.%fZ`) took for a bad
    time once in a million. Every time, in the API and in webhooks, has six decimals."""
    from webapp.domain import webhooks

    whole = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    reference = stored_case(db_session, world.school_a, world.alice, submitted_at=whole)
    db_session.execute(
        update(Case)
        .where(Case.reference == reference)
        .values(created_at=whole, sent_updated_at=whole)
    )
    db_session.commit()
    case = api.get(f"/api/v1/cases/{reference}").get_json()
    listed = api.get("/api/v1/cases").get_json()["items"][0]
    expected = "2026-11-30T09:00:00.000000Z"
    assert case["created_at"] == case["submitted_at"] == case["updated_at"] == expected
    assert listed["submitted_at"] == listed["updated_at"] == expected
    monkeypatch.setattr(clock, "now", lambda: whole)
    client = db_session.scalars(select(ApiClient)).one()
    with app.test_request_context():
        delivery = webhooks._delivery(client, case_row(db_session, reference), "case.submitted", {})
    assert json.loads(delivery.body)["created_at"] == expected


def test_a_method_a_path_does_not_take_is_a_405_naming_those_it_does(api):
    """Found by Schemathesis: TRACE got a 405 without Allow (RFC 9110 requires it), PUT got a
    404 (the catch-all route took it), and OPTIONS listed the catch-all's methods too."""
    auth = {"Authorization": f"Bearer {api.key}"}
    for method, path, allowed in (
        ("PUT", "/api/v1/cases", "GET, HEAD"),
        ("TRACE", "/api/v1/cases", "GET, HEAD"),
        ("DELETE", "/api/v1/cases/X/transitions", "POST"),
        ("GET", "/api/v1/cases/X/transitions", "POST"),
    ):
        response = api.client.open(path, method=method, headers=auth)
        problem(response, 405)
        assert response.headers["Allow"] == allowed
    options = api.client.open("/api/v1/cases/X", method="OPTIONS")
    assert options.status_code == 204 and options.headers["Allow"] == "GET, HEAD, OPTIONS"
    for method in ("PUT", "TRACE", "OPTIONS"):
        problem(api.client.open("/api/v1/nowhere", method=method, headers=auth), 404)


def test_every_call_is_audited_without_content(api, world, db_session):
    reference = stored_case(db_session, world.school_a, world.alice)
    api.get(f"/api/v1/cases/{reference}")
    api.client.get("/api/v1/cases")
    calls = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "api_call")).all()
    details = [c.detail for c in calls]
    assert {
        "client": "SEND system",
        "endpoint": "api.get_case",
        "method": "GET",
        "reference": reference,
        "outcome": 200,
    } in details
    assert {
        "client": None,
        "endpoint": "api.list_cases",
        "method": "GET",
        "reference": None,
        "outcome": 401,
    } in details
    assert api.key.split("_", 2)[2] not in str(details)


def test_each_client_has_its_own_rate_limit(api, app, db_session):
    app.config["PORTAL_LIMIT_API"] = "3 per minute"
    for _ in range(3):
        api.get("/api/v1/case-types")
    limited = problem(api.get("/api/v1/case-types", expect=429), 429)
    assert "3 per 1 minute" in limited["detail"]
    for _ in range(5):  # a client in a loop: its first refusal is audited, not every one
        api.get("/api/v1/case-types", expect=429)
    outcomes = [
        e.detail["outcome"]
        for e in db_session.scalars(select(AuditEvent).where(AuditEvent.action == "api_call"))
    ]
    assert sorted(outcomes) == [200, 200, 200, 429]
    other = Api(
        api.client, create_client(db_session, app.extensions["catalogue"], "Warehouse", [PTT])[1]
    )
    other.get("/api/v1/case-types")


def test_pages_follow_links_and_filters(api, world, db_session):
    refs = [stored_case(db_session, world.school_a, world.alice) for _ in range(5)]
    stored_case(
        db_session,
        world.school_a,
        world.alice,
        status="Completed",
        activity="completed",
        label="Done",
    )
    seen, url = [], "/api/v1/cases?limit=2&status=Active"
    while url:
        response = api.get(url)
        page = response.get_json()
        seen += [c["reference"] for c in page["items"]]
        url = page["next"] if page["more"] else None
        assert ("Link" in response.headers) == page["more"]
    assert seen == refs
    assert (
        api.get("/api/v1/cases?activity=completed").get_json()["items"][0]["status"] == "Completed"
    )


def test_an_activity_filter_no_workflow_has_is_a_400_naming_those_there_are(
    api, app, world, db_session
):
    """`activity=` an id none of the client's case types has (a typo, a label) listed nothing,
    without a word; an activity only an older kept version has still filters its cases."""
    stored_case(db_session, world.school_a, world.alice, activity="review")
    standard = "abandoned, completed, more_information, notified, review, submitted"
    for query in ("activity=reveiw", f"activity={REVIEW}", f"case_type={PTT}&activity=panel"):
        detail = problem(api.get(f"/api/v1/cases?{query}", expect=400), 400)["detail"]
        whose = f"case type {PTT}" if "case_type" in query else "this client's case types"
        assert detail == f"activity must be an activity id of {whose}: {standard}"
    assert len(api.get("/api/v1/cases?activity=review").get_json()["items"]) == 1
    # Version 7 had a "triage" step since dropped: a case sent on it may still stand there.
    older = copy.deepcopy(app.extensions["catalogue"].get(PTT).definition)
    older["version"] = 7
    older["workflow"]["activities"]["triage"] = {"label": "Triage", "status": "Active"}
    older["workflow"]["transitions"].append(
        {"from": "notified", "to": "triage", "action": "Triage", "by": "officer"}
    )
    db_session.add(CaseTypeVersion(case_type_id=PTT, version=7, definition=older))
    db_session.commit()
    triaged = stored_case(db_session, world.school_a, world.alice, activity="triage")
    listed = api.get("/api/v1/cases?activity=triage").get_json()["items"]
    assert [c["reference"] for c in listed] == [triaged]


def _poll(api, cursor):
    page = api.get("/api/v1/cases?limit=3" + (f"&cursor={cursor}" if cursor else "")).get_json()
    return [(c["reference"], c["updated_at"]) for c in page["items"]], page["cursor"]


@pytest.mark.parametrize("settle", [5, 0])
def test_the_cursor_returns_every_change_exactly_once_under_concurrent_updates(
    api, app, world, db_session, monkeypatch, settle
):
    """Writers stamp `updated_at` before they commit: a change stamped earlier can commit
    after a poller passed its time. Held back for the settle window, it is not missed;
    without the window (0) the slow writers' changes are missed, which is why it exists."""
    app.config["PORTAL_API_SETTLE_SECONDS"] = settle
    base = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    now = {"t": base}
    monkeypatch.setattr(clock, "now", lambda: now["t"])
    refs = [stored_case(db_session, world.school_a, world.alice) for _ in range(12)]
    busy, slow = refs[:6], refs[6:]  # the slow ones are changed once, by a slow writer
    rng = random.Random(14)  # noqa: S311 -- seeded, repeatable
    changes, late, seen, cursor = set(), [], [], None

    def stamp(ref, at):
        db_session.execute(update(Case).where(Case.reference == ref).values(sent_updated_at=at))
        db_session.commit()
        changes.add((ref, clock.utc_text(at)))  # as the API writes times

    for ref in refs:
        stamp(ref, base)
    for step in range(40):
        now["t"] = base + dt.timedelta(seconds=step + 1)
        if late:  # the slow writer, which stamped a moment ago, commits now
            stamp(*late.pop())
        if step % 6 == 0 and slow:
            late.append((slow.pop(), now["t"] - dt.timedelta(seconds=rng.choice([0.5, 1, 2]))))
        stamp(rng.choice(busy), now["t"])
        items, cursor = _poll(api, cursor)
        seen += items
    now["t"] += dt.timedelta(seconds=60)
    while items := _poll(api, cursor)[0]:
        seen += items
        cursor = _poll(api, cursor)[1]
    latest = {}
    for ref, at in sorted(changes, key=lambda c: dt.datetime.fromisoformat(c[1])):
        latest[ref] = at
    assert len(seen) == len(set(seen))  # nothing twice
    missed = set(latest.items()) - set(seen)  # every case's last change, the slow ones too
    assert bool(missed) == (settle == 0), missed
    later = {}
    for ref, at in seen:  # what a poller saw of each case only moves forward
        moment = dt.datetime.fromisoformat(at)
        assert moment >= later.get(ref, base)
        later[ref] = moment


def test_the_openapi_document_describes_every_route(api, app):
    response = api.client.get("/api/v1/openapi.json")
    doc = response.get_json()
    assert doc["openapi"] == "3.1.0"
    paths = {"/api/v1" + p.replace("{", "<").replace("}", ">") for p in doc["paths"]}
    routes = {
        r.rule.replace("<int:", "<")
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("api.")
        and r.endpoint not in ("api.openapi_document", "api.openapi_page", "api.nowhere")
    }
    assert routes == paths
    page = api.client.get("/api/v1/docs")
    assert page.status_code == 200 and b"GET /api/v1/cases" in page.data
    check_page(BeautifulSoup(page.get_data(as_text=True), "html.parser"))


def test_a_transition_whose_when_does_not_hold_is_neither_offered_nor_taken(app, db_session, world):
    """Found by review: the API offered transitions whose `when:` was false, and taking one
    answered 500."""
    catalogue = app.extensions["catalogue"]
    record = catalogue.get("physical-intervention")
    refer = "Refer injuries to health and safety"
    _client, key = create_client(db_session, catalogue, "H&S", [record.id], [refer])
    api = Api(app.test_client(), key)
    reference = stored_case(db_session, world.school_a, world.alice, case_type_id=record.id)
    case = db_session.scalar(select(Case).where(Case.reference == reference))
    case.case_type_version = record.version
    case.sent_answers = {"pupil_injured": False, "staff_injured": False}
    db_session.commit()
    offered = [t["action"] for t in api.get(f"/api/v1/cases/{reference}").get_json()["transitions"]]
    assert refer not in offered
    problem(api.move(reference, refer, expect=409), 409)
    case.sent_answers = {"pupil_injured": True, "staff_injured": False}
    db_session.commit()
    offered = [t["action"] for t in api.get(f"/api/v1/cases/{reference}").get_json()["transitions"]]
    assert refer in offered
    assert api.move(reference, refer, key="k-2").get_json()["activity"]["id"] == "injury_review"


def test_a_moment_beyond_the_calendar_is_a_400_problem(api):
    """Found by review: these overflowed converting to UTC, and answered 500."""
    for moment in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"):
        problem(api.get(f"/api/v1/cases?changed_since={moment.replace('+', '%2B')}", 400), 400)


def test_an_offset_whose_plus_was_not_encoded_is_read_as_written(api, world, db_session):
    """Found by an integrator: `changed_since=2026-12-01T09:00:00+01:00` typed into a URL
    arrives with a space for its `+`, and was a 400 "must be an ISO 8601 date and time"."""
    reference = stored_case(db_session, world.school_a, world.alice)
    for moment in ("2000-01-01T09:00:00+01:00", "2000-01-01T09:00:00%2B01:00"):
        listed = api.get(f"/api/v1/cases?changed_since={moment}").get_json()["items"]
        assert [c["reference"] for c in listed] == [reference]
    assert (
        api.get("/api/v1/cases?changed_since=2999-01-01T09:00:00+01:00").get_json()["items"] == []
    )
    problem(api.get("/api/v1/cases?changed_since=2000-01-01T09:00:00 1:00", expect=400), 400)
    # A day and a time without an offset is still told to give one (not read as a +09:00)
    naive = problem(api.get("/api/v1/cases?changed_since=2000-01-01 09:00", expect=400), 400)
    assert "needs its offset" in naive["detail"]


def failed_calls_audited(db_session) -> list[str]:
    """The addresses of the audited calls that had no live key."""
    db_session.expire_all()
    calls = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "api_call")).all()
    return [c.ip for c in calls if c.detail["outcome"] == 401]


def test_bad_keys_are_limited_per_address_and_audited_once(api, app, db_session):
    """A flood of bad keys from one address: a few 401s, then 429 with Retry-After for every
    call from there without a live key; a live key from there is still served (a revoked
    client's poller must not lock out a live client on the same address: found by review);
    other addresses go on; one audit row per address."""
    app.config["PORTAL_LIMIT_API_FAILURES"] = "3 per minute;10 per hour"
    bad = {"Authorization": "Bearer portal_0123456789abcdef_" + "x" * 43}
    for _ in range(3):
        problem(api.client.get("/api/v1/cases", headers=bad), 401)
    for headers in (bad, {}):
        refused = api.client.get("/api/v1/case-types", headers=headers)
        assert "without a live key" in problem(refused, 429)["detail"]
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
    live = api.client.get("/api/v1/case-types", headers={"Authorization": f"Bearer {api.key}"})
    assert live.status_code == 200
    elsewhere = {"REMOTE_ADDR": "192.0.2.44"}
    right = {"Authorization": f"Bearer {api.key}"}
    for headers, status in ((bad, 401), (right, 200), (bad, 401)):
        response = api.client.get("/api/v1/case-types", headers=headers, environ_base=elsewhere)
        assert response.status_code == status
    assert sorted(failed_calls_audited(db_session)) == ["127.0.0.1", "192.0.2.44"]
    limited = db_session.scalars(select(AuditEvent).where(AuditEvent.ip == "127.0.0.1")).all()
    assert sorted(c.detail["outcome"] for c in limited) == [200, 401]  # no 429 is audited


def test_an_ipv6_caller_is_counted_by_its_64(api, app, db_session):
    app.config["PORTAL_LIMIT_API_FAILURES"] = "2 per minute"
    bad = {"Authorization": "Bearer nonsense"}

    def status(address):
        environ = {"REMOTE_ADDR": address}
        return api.client.get("/api/v1/cases", headers=bad, environ_base=environ).status_code

    assert [status("2001:db8::1"), status("2001:db8::ffff:2")] == [401, 401]
    assert status("2001:db8::3") == 429  # another address of the same /64
    assert status("2001:db8:0:1::1") == 401  # the next /64
    assert sorted(failed_calls_audited(db_session)) == ["2001:db8:0:1::1", "2001:db8::1"]


def test_audited_failures_are_capped_across_addresses(api, app, db_session):
    """An attacker with many addresses still cannot grow the audit table without bound."""
    app.config["PORTAL_LIMIT_API_FAILURE_AUDIT"] = "2 per hour"
    for number in range(5):
        environ = {"REMOTE_ADDR": f"198.51.100.{number}"}
        problem(api.client.get("/api/v1/cases", environ_base=environ), 401)
    assert failed_calls_audited(db_session) == ["198.51.100.0", "198.51.100.1"]


def test_without_a_trusted_proxy_x_forwarded_for_does_not_reset_the_count(api, app):
    app.config["PORTAL_LIMIT_API_FAILURES"] = "2 per minute"
    statuses = [
        api.client.get(
            "/api/v1/cases", headers={"X-Forwarded-For": f"198.51.100.{number}"}
        ).status_code
        for number in range(3)
    ]
    assert statuses == [401, 401, 429]


def test_behind_a_trusted_proxy_each_client_address_is_counted(app, db_session):
    from webapp import create_app

    settings = {"PORTAL_TRUSTED_PROXIES": 1, "PORTAL_LIMIT_API_FAILURES": "2 per minute"}
    proxied = create_app({**app.config, **settings})
    try:
        client = proxied.test_client()
        client.environ_base["REMOTE_ADDR"] = "10.0.0.1"  # the proxy

        def status(address):
            forwarded = {"X-Forwarded-For": address}
            return client.get("/api/v1/cases", headers=forwarded).status_code

        assert [status("198.51.100.7") for _ in range(3)] == [401, 401, 429]
        assert status("198.51.100.8") == 401  # another client behind the same proxy
        assert sorted(failed_calls_audited(db_session)) == ["198.51.100.7", "198.51.100.8"]
    finally:
        proxied.extensions["db_engine"].dispose()


def test_idempotency_keys_are_remembered_for_the_window_then_purged(api, app, world, db_session):
    """A retry within PORTAL_API_IDEMPOTENCY_DAYS gets the first answer; after the purge the
    key is forgotten: the same request is taken afresh (and refused: the case has moved)."""
    from webapp.domain.retention import purge

    reference = stored_case(
        db_session, world.school_a, world.alice, activity="notified", label="Notified"
    )
    first = api.move(reference, "Start review", key="k-week").get_json()
    six_days, eight_days = (clock.now() + dt.timedelta(days=d) for d in (6, 8))
    assert purge(db_session, now=six_days, idempotency_days=7)["API idempotency keys"] == 0
    assert api.move(reference, "Start review", key="k-week").get_json() == first
    assert purge(db_session, now=eight_days, idempotency_days=7)["API idempotency keys"] == 1
    assert db_session.scalars(select(ApiIdempotencyKey)).all() == []
    problem(api.move(reference, "Start review", key="k-week", expect=409), 409)
    moves = db_session.scalars(select(CaseEvent).where(CaseEvent.kind == "transition")).all()
    assert len(moves) == 1


def test_what_the_school_saves_but_has_not_sent_is_no_change_to_the_api(
    app, api, world, sign_in, db_session
):
    """Asked for more information, the school's pages save as it types: the case's row
    changes, but nothing the council has does. An integrator saw the case listed again with
    a new `updated_at` and ETag for every such save; now only sending it (or a step of its
    workflow) is a change (docs/integration.md)."""
    from tests.webapp.helpers import ARRANGEMENT, answer, date
    from tests.webapp.test_submit import finished_draft
    from tests.webapp.test_workflow_school_side import officer, officer_moves

    person = officer(db_session, world)
    portal = sign_in(world.alice)
    reference = finished_draft(portal)
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    officer_moves(app, db_session, reference, "Start review", person)
    officer_moves(app, db_session, reference, "Request more information", person, "The date?")
    read = api.get(f"/api/v1/cases/{reference}")
    etag, asked_at = read.headers["ETag"], read.get_json()["updated_at"]
    listing = api.get("/api/v1/cases").get_json()
    assert [(c["reference"], c["updated_at"]) for c in listing["items"]] == [(reference, asked_at)]
    cursor = listing["cursor"]

    saved_before = case_row(db_session, reference).updated_at
    changed = {**ARRANGEMENT, **date("first_review_date", 28, 9, 2026)}
    answer(portal, f"/cases/{reference}/pages/arrangement", changed)
    case = case_row(db_session, reference)
    assert case.answers["first_review_date"] == "2026-09-28" and case.updated_at > saved_before
    api.get(f"/api/v1/cases/{reference}", expect=304, **{"If-None-Match": etag})
    assert api.get(f"/api/v1/cases?cursor={cursor}").get_json()["items"] == []
    assert api.get(f"/api/v1/cases/{reference}").get_json()["updated_at"] == asked_at

    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)  # sent back
    items = api.get(f"/api/v1/cases?cursor={cursor}").get_json()["items"]
    assert [c["reference"] for c in items] == [reference]
    assert items[0]["updated_at"] > asked_at
    full = api.get(f"/api/v1/cases/{reference}").get_json()
    assert full["answers"]["first_review_date"] == "2026-09-28"
