import re
import textwrap
from pathlib import Path

import pytest

from tests.webapp.conftest import shipped_casetypes_and, usual_app
from tests.webapp.helpers import PDF, answer, date, errors_on, start

MEDICAL = Path("/tmp/a8/ct/health/medical-needs.yaml").read_text().replace("workflow: notice", "workflow: standard")
TRIP = Path("/tmp/a8/ct/trips/trip-risk.yaml").read_text().replace(
    "options: transport_mode}", "options: [coach, train, other]}").replace(
    "options: risk_level}", "options: [Low, Medium, High]}")


@pytest.fixture(scope="module")
def casetypes_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("casetypes") / "casetypes"
    return shipped_casetypes_and(folder, {"medical": MEDICAL, "trip": TRIP})


@pytest.fixture
def app(database_url, casetypes_folder):
    with usual_app(database_url, PORTAL_CASETYPES=str(casetypes_folder)) as app:
        yield app


def test_walk_medical(sign_in, world, db_session):
    portal = sign_in(world.alice)
    reference, path = start(portal, "medical-needs")
    print(reference, path)
    r = answer(portal, path, {"child_name": "Sam Smith", **date("date_of_birth", 3, 4, 2015)})
    nxt = r.headers["Location"]; print("->", nxt)
    page = portal.get(nxt).page
    print(page.select_one("h1").get_text(strip=True))
    r = answer(portal, nxt, {"kinds": ["asthma", "other"], "other_kind": "Eczema", **date("diagnosed_on", 1, 1, 2020)})
    nxt = r.headers["Location"]; print("->", nxt)
    nxt = f"/cases/{reference}/pages/medicines"
    r = answer(portal, nxt, {"medicines-0-medicine_name": "Inhaler", "medicines-0-dose_mg": "0.5", "medicines-0-doses_a_day": "2", **date("medicines-0-expires_on", 1, 1, 2030)}, expect=None)
    print(r.status_code, r.headers.get("Location"), errors_on(r) if r.status_code == 200 else "")
    if r.status_code == 200:
        print(r.get_data(as_text=True)[:100])
    nxt = f"/cases/{reference}/pages/plan"
    page = portal.get(nxt).page
    print(page.select_one("h1").get_text(strip=True), nxt)
    r = answer(portal, nxt, {**date("review_date", 1, 1, 2029)}, files={"plan_file": ("plan.pdf", PDF)}, expect=None)
    print(r.status_code, r.headers.get("Location"), errors_on(r) if r.status_code == 200 else "")
    if r.status_code == 200:
        r = answer(portal, nxt, {**date("review_date", 1, 1, 2029)}, expect=None)
        print("again", r.status_code, r.headers.get("Location"))
    loc = r.headers.get("Location")
    if loc:
        page = portal.get(loc).page
        print(page.select_one("h1").get_text(strip=True))
        print(re.sub(r"\s+", " ", page.select_one("main").get_text(" "))[:1500])
