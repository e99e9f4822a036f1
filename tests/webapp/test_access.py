"""Every case, draft, file and search result is scoped to the user's schools: anything else
answers 404, so references cannot be probed."""

import pytest
from sqlalchemy import select

from tests.webapp.helpers import AGREEMENT, PDF, answer, start
from webapp.models import Attachment


@pytest.fixture
def alices_case(sign_in, world, db_session):
    """A draft of school A with an uploaded file; (reference, attachment id)."""
    portal = sign_in(world.alice)
    reference, _ = start(portal, "part-time-timetable")
    answer(
        portal,
        f"/cases/{reference}/pages/agreement",
        AGREEMENT,
        files={"signed_plan": ("plan.pdf", PDF)},
    )
    attachment = db_session.scalar(select(Attachment))
    return reference, attachment.id


@pytest.mark.parametrize(
    "path",
    [
        "/cases/{ref}",
        "/cases/{ref}/view",
        "/cases/{ref}/pages/child",
        "/cases/{ref}/pages/agreement",
        "/cases/{ref}/check-answers",
        "/cases/{ref}/confirmation",
        "/cases/{ref}/abandon",
        "/cases/{ref}/files/{file}",
    ],
)
def test_another_schools_case_answers_404(sign_in, world, alices_case, path):
    reference, attachment = alices_case
    bob = sign_in(world.bob)
    response = bob.client.get(path.format(ref=reference, file=attachment))
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/cases/{ref}/pages/child",
        "/cases/{ref}/pages/child/autosave",
        "/cases/{ref}/submit",
        "/cases/{ref}/abandon",
    ],
)
def test_another_school_cannot_change_a_case(sign_in, world, alices_case, path):
    reference, _ = alices_case
    bob = sign_in(world.bob)
    bob.get("/sign-out")  # a page with a form: a CSRF token of his own
    response = bob.post(
        path.format(ref=reference), {"forename": "Mallory", "page_version": "0", "declared": "y"}
    )
    assert response.status_code == 404


def test_an_unknown_reference_looks_the_same_as_another_schools(sign_in, world, alices_case):
    bob = sign_in(world.bob)
    unknown = bob.client.get("/cases/EDU-SENED-PTT9999/view")
    other = bob.client.get(f"/cases/{alices_case[0]}/view")
    assert unknown.status_code == other.status_code == 404
    assert unknown.get_data() == other.get_data()


def test_a_file_of_the_users_school_downloads_as_an_attachment(sign_in, world, alices_case):
    reference, attachment = alices_case
    carol = sign_in(world.carol)  # school A and B
    response = carol.client.get(f"/cases/{reference}/files/{attachment}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # The file id alone is not enough: it must belong to the case in the address.
    _, other = start(carol, "part-time-timetable", school=world.school_b)
    other_ref = other.split("/")[2]
    assert carol.client.get(f"/cases/{other_ref}/files/{attachment}").status_code == 404


def test_signed_out_users_are_sent_to_sign_in(client, alices_case):
    response = client.client.get(f"/cases/{alices_case[0]}/view")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_case_types_a_setting_may_not_raise_cannot_be_started(sign_in, world):
    nursery = sign_in(world.nina)
    assert nursery.client.get("/submit-case/part-time-timetable").status_code == 404
    assert nursery.client.get("/submit-case/no-such-form").status_code == 404


# ---- a reference in small letters ----


def _case_routes(app):
    """Every route of the school's and the officer's case pages that takes a reference."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in ("cases", "caseviewer") and "reference" in rule.arguments
    ]


def test_every_case_address_with_its_reference_in_small_letters_is_redirected_to_capitals(
    app, sign_in, world, alices_case
):
    """Typed or pasted in small letters, a case's address (school side or officer side, any
    method) leads permanently to the same address in capitals, its query kept."""
    reference, attachment = alices_case
    alice = sign_in(world.alice)
    alice.get("/sign-out")  # a page with a form: a CSRF token of her own
    routes = _case_routes(app)
    assert {r.endpoint.split(".")[0] for r in routes} == {"cases", "caseviewer"}
    for rule in routes:
        values = {"page_id": "child", "attachment_id": attachment, "group_id": "items", "index": 0}
        canonical = rule.build({**values, "reference": reference}, append_unknown=False)[1]
        small = rule.build({**values, "reference": reference.lower()}, append_unknown=False)[1]
        assert small != canonical, rule.rule
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            sent = {"csrf_token": alice.csrf_token} if method == "POST" else None
            response = alice.client.open(small + "?x=1", method=method, data=sent)
            assert (response.status_code, response.headers.get("Location")) == (
                308,
                canonical + "?x=1",
            ), f"{method} {rule.rule}"


def test_a_case_in_small_letters_opens_for_its_school_and_is_not_found_for_others(
    sign_in, world, alices_case
):
    reference, _ = alices_case
    alice = sign_in(world.alice)
    page = alice.client.get(f"/cases/{reference.lower()}/check-answers", follow_redirects=True)
    assert page.status_code == 200 and reference in page.get_data(as_text=True)
    # Bob (another school) is answered as for a reference that does not exist, step by step.
    bob = sign_in(world.bob)
    answers = []
    for asked in (reference.lower(), "edu-sened-ptt9999"):
        first = bob.client.get(f"/cases/{asked}/view")
        final = bob.client.get(f"/cases/{asked}/view", follow_redirects=True)
        answers.append((first.status_code, final.status_code, final.get_data()))
    assert answers[0] == answers[1]
    assert answers[0][:2] == (308, 404)
