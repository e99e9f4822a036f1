"""Every upload is scanned by ClamAV's daemon (a real clamd, tests/webapp/clamav.py): a clean
file is kept, one carrying a virus is refused and audited, and while clamd is down or slow a
file waits as "being checked" (never passed unchecked) until the worker has scanned it; a case
cannot be sent, nor a file downloaded, before then."""

import runpy
import socket

import pytest
from sqlalchemy import func, select

from tests.webapp.clamav import EICAR, FOUND_AS
from tests.webapp.conftest import BASE_URL, SECRET_KEY, staff, text_of
from tests.webapp.helpers import AGREEMENT, PDF, answer, errors_on, start
from tests.webapp.test_submit import finished_draft
from tests.webapp.test_workflow_school_side import officer_moves
from webapp.domain import scanning
from webapp.models import Attachment, AuditEvent, Case, Team, User

INFECTED_PDF = PDF + EICAR  # a PDF by its content, carrying the test virus
VIRUS_MESSAGE = (
    "The selected file contains a virus and has been deleted; choose a different file, and "
    "ask your IT support to check the computer it came from"
)


def agreement_page(sign_in, world):
    portal = sign_in(world.alice)
    reference, _ = start(portal, "part-time-timetable")
    return portal, reference, f"/cases/{reference}/pages/agreement"


def stored_attachment(db_session) -> Attachment:
    return db_session.scalar(select(Attachment).execution_options(populate_existing=True))


def run_worker_once(app) -> scanning.ScanReport:
    """What `portal mail-worker --once` does for uploads waiting for the scanner."""
    with app.app_context():
        session = app.extensions["db_sessions"]()
        try:
            return scanning.scan_pending(session, app.config)
        finally:
            session.close()


def send_officer(db_session) -> User:
    person = staff(
        db_session, "olivia@council.example.org", "officer", first_name="Olivia", last_name="Okoro"
    )
    db_session.add(Team(name="SEND", case_type_ids=["part-time-timetable"], members=[person]))
    db_session.commit()
    return person


# ---- clamd answers ----


def test_a_clean_file_is_scanned_at_upload_and_kept(clamd, sign_in, world, db_session):
    portal, reference, path = agreement_page(sign_in, world)
    answer(portal, path, AGREEMENT, files={"signed_plan": ("plan.pdf", PDF)})
    stored = stored_attachment(db_session)
    assert (stored.scan_status, stored.scan_detail, stored.data) == ("clean", "", PDF)
    assert stored.scanned_at is not None
    page = portal.get(path).page
    assert "Current file: plan.pdf" in text_of(page)
    assert "not checked for viruses" not in text_of(page)
    download = portal.get(page.select_one(".app-current-file a")["href"], expect=200)
    assert download.data == PDF


def test_a_file_carrying_a_virus_is_refused_deleted_and_audited(clamd, sign_in, world, db_session):
    portal, reference, path = agreement_page(sign_in, world)
    response = answer(
        portal, path, AGREEMENT, files={"signed_plan": ("plan.pdf", INFECTED_PDF)}, expect=200
    )
    assert errors_on(response) == [VIRUS_MESSAGE]
    # Nothing else typed on the page is lost; the file's bytes are kept nowhere.
    assert response.page.find("textarea", attrs={"name": "pupil_views"}).get_text() == (
        "Happy with mornings."
    )
    assert db_session.scalar(select(func.count()).select_from(Attachment)) == 0
    case = db_session.scalar(select(Case).where(Case.reference == reference))
    assert "signed_plan" not in case.answers
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "upload_infected"))
    assert (event.actor_id, event.school_id) == (world.alice.id, world.school_a.id)
    assert event.detail == {
        "reference": reference,
        "question": "signed_plan",
        "signature": FOUND_AS,
        "found_by": "upload",
    }


def test_clamd_over_tcp_scans_the_same(clamd, app, sign_in, world, db_session):
    app.config.update(CLAMD_SOCKET="", CLAMD_HOST="127.0.0.1", CLAMD_PORT=clamd.port)
    portal, _reference, path = agreement_page(sign_in, world)
    response = answer(
        portal, path, AGREEMENT, files={"signed_plan": ("plan.pdf", INFECTED_PDF)}, expect=200
    )
    assert errors_on(response) == [VIRUS_MESSAGE]
    answer(portal, path, AGREEMENT, files={"signed_plan": ("plan.pdf", PDF)})
    assert stored_attachment(db_session).scan_status == "clean"


# ---- clamd down or slow ----


def test_while_clamd_is_down_a_file_waits_and_the_case_cannot_be_sent_until_it_is_scanned(
    clamd, app, sign_in, world, db_session
):
    clamd.stop()
    portal = sign_in(world.alice)
    reference = finished_draft(portal)  # its signed plan uploaded while clamd is down
    stored = stored_attachment(db_session)
    assert (stored.scan_status, stored.data, stored.scanned_at) == ("pending", PDF, None)
    assert "No such file or directory" in stored.scan_detail  # clamd.sock: gone with clamd
    # The school is told at once, on the page and on check answers ...
    agreement = text_of(portal.get(f"/cases/{reference}/pages/agreement").page)
    assert "Current file: p.pdf (1 KB) Being checked for viruses" in agreement
    check = portal.get(f"/cases/{reference}/check-answers").page
    banner = text_of(check.select_one("#files-being-checked"))
    assert "A file is being checked for viruses" in banner
    assert "Signed plan: p.pdf" in text_of(check)
    # ... cannot download it, nor send the case.
    assert portal.client.get(f"/cases/{reference}/files/{stored.id}").status_code == 404
    refused = portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=200)
    assert errors_on(refused) == [
        "Signed plan: p.pdf is being checked for viruses; you can send the case when the "
        "check has finished"
    ]
    assert db_session.scalar(select(Case.status).where(Case.reference == reference)) == "Draft"
    # The worker finds clamd still down: the file keeps waiting, and council admins see it.
    report = run_worker_once(app)
    assert (report.scanned, report.waiting) == (0, 1)
    assert stored_attachment(db_session).scan_status == "pending"
    admin = staff(
        db_session, "admin@council.example.org", "admin", first_name="Ada", last_name="Admin"
    )
    home = text_of(sign_in(admin).get("/council/").page)
    assert "1 uploaded file is waiting for the virus scanner; it has not answered since" in home
    # clamd is back: the worker scans the file, and the case can be sent.
    clamd.start()
    report = run_worker_once(app)
    assert (report.clean, report.waiting) == (1, 0)
    assert stored_attachment(db_session).scan_status == "clean"
    assert "waiting for the virus scanner" not in text_of(sign_in(admin).get("/council/").page)
    portal.get(f"/cases/{reference}/check-answers")
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    assert db_session.scalar(select(Case.status).where(Case.reference == reference)) == "Active"


def test_a_clamd_too_slow_to_answer_leaves_the_file_waiting(
    clamd, app, sign_in, world, db_session, tmp_path
):
    with socket.socket(socket.AF_UNIX) as silent:  # takes the connection, never answers
        silent.bind(str(tmp_path / "slow.sock"))
        silent.listen(1)
        app.config.update(CLAMD_SOCKET=str(tmp_path / "slow.sock"), CLAMD_UPLOAD_TIMEOUT=0.5)
        portal, _reference, path = agreement_page(sign_in, world)
        answer(portal, path, AGREEMENT, files={"signed_plan": ("plan.pdf", PDF)})
    stored = stored_attachment(db_session)
    assert stored.scan_status == "pending" and "timed out" in stored.scan_detail
    app.config.update(CLAMD_SOCKET=str(clamd.socket))
    assert run_worker_once(app).clean == 1


def test_a_virus_found_by_the_worker_is_deleted_and_the_school_told_to_replace_the_file(
    clamd, app, sign_in, world, db_session
):
    clamd.stop()
    portal, reference, path = agreement_page(sign_in, world)
    answer(portal, path, AGREEMENT, files={"signed_plan": ("plan.pdf", INFECTED_PDF)})
    clamd.start()
    assert run_worker_once(app).infected == 1
    stored = stored_attachment(db_session)
    assert (stored.scan_status, stored.scan_detail, stored.data) == ("infected", FOUND_AS, b"")
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "upload_infected"))
    assert event.actor_id is None and event.detail["found_by"] == "worker"
    message = "plan.pdf contains a virus and has been deleted; choose a different file"
    assert message in text_of(portal.get(path).page)
    check = portal.get(f"/cases/{reference}/check-answers")
    assert f"Signed plan: {message}" in errors_on(check)
    link = check.page.find("a", string=f"Signed plan: {message}")
    assert link["href"] == f"{path}?change=1"  # put right, Continue comes back
    assert portal.client.get(f"/cases/{reference}/files/{stored.id}").status_code == 404
    # A clean file in its place is accepted.
    answer(portal, path, AGREEMENT, files={"signed_plan": ("plan.pdf", PDF)})
    assert "Current file: plan.pdf" in text_of(portal.get(path).page)


def test_the_resend_after_a_request_for_more_information_waits_for_the_scan_too(
    clamd, app, sign_in, world, db_session
):
    person = send_officer(db_session)
    portal = sign_in(world.alice)
    reference = finished_draft(portal)
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    officer_moves(app, db_session, reference, "Start review", person)
    officer_moves(app, db_session, reference, "Request more information", person, "A new plan?")
    clamd.stop()
    path = f"/cases/{reference}/pages/agreement"
    answer(portal, path, AGREEMENT, files={"signed_plan": ("new plan.pdf", PDF)})
    refused = portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=200)
    assert errors_on(refused) == [
        "Signed plan: new plan.pdf is being checked for viruses; you can send the case when "
        "the check has finished"
    ]
    clamd.start()
    run_worker_once(app)
    portal.get(f"/cases/{reference}/check-answers")
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    case = db_session.scalar(
        select(Case).where(Case.reference == reference).execution_options(populate_existing=True)
    )
    assert case.activity == "review" and case.sent_answers["signed_plan"]["name"] == "new plan.pdf"


def test_officers_never_download_a_file_the_scanner_has_not_found_clean(
    clamd, sign_in, world, db_session
):
    person = send_officer(db_session)
    portal = sign_in(world.alice)
    reference = finished_draft(portal)
    portal.post(f"/cases/{reference}/submit", {"declared": "y"}, expect=302)
    officer = sign_in(person)
    page = officer.get(f"/caseviewer/cases/{reference}").page
    href = page.find("a", string="p.pdf")["href"]
    assert officer.client.get(href).status_code == 200
    # A file stored before scanning began waits for the worker (migration 0007): no link, 404.
    stored = stored_attachment(db_session)
    stored.scan_status = "pending"
    db_session.commit()
    page = officer.get(f"/caseviewer/cases/{reference}").page
    assert page.find("a", string="p.pdf") is None
    assert "Signed plan: p.pdf Being checked for viruses" in text_of(page)
    assert officer.client.get(href).status_code == 404
    for status in ("infected", "error"):
        stored.scan_status = status
        db_session.commit()
        assert officer.client.get(href).status_code == 404


# ---- without a scanner ----


def test_without_a_scanner_files_are_marked_not_scanned_and_the_page_says_so(
    sign_in, world, db_session
):
    portal, _reference, path = agreement_page(sign_in, world)
    note = "Files are not checked for viruses here: no virus scanner is set up (development only)."
    assert note in text_of(portal.get(path).page)
    answer(portal, path, AGREEMENT, files={"signed_plan": ("plan.pdf", INFECTED_PDF)})
    stored = stored_attachment(db_session)
    assert (stored.scan_status, stored.scan_detail) == ("clean", scanning.NOT_SCANNED)
    assert stored.scanned_at is None


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("PORTAL_BASE_URL", BASE_URL)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'portal.sqlite3'}")
    for name in ("CLAMD_SOCKET", "CLAMD_HOST"):
        monkeypatch.delenv(name, raising=False)


def test_production_refuses_to_start_without_a_virus_scanner(production_env, capsys):
    from webapp.cli import main

    assert main(["serve"]) == 2
    assert main(["mail-worker", "--once"]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert [line.split(":")[0] for line in errors] == ["portal serve", "portal mail-worker"]
    assert all("a virus scanner is required: set CLAMD_SOCKET" in line for line in errors)
    with pytest.raises(RuntimeError, match="a virus scanner is required"):
        runpy.run_module("webapp.wsgi")  # what gunicorn loads


def test_production_starts_with_a_scanner_configured(production_env, monkeypatch):
    monkeypatch.setenv("CLAMD_HOST", "clamav.internal")
    app = runpy.run_module("webapp.wsgi")["app"]
    assert (app.config["CLAMD_HOST"], app.config["CLAMD_PORT"]) == ("clamav.internal", 3310)
    app.extensions["db_engine"].dispose()


@pytest.fixture
def small_clamd(clamd_server, tmp_path):
    """A second clamd that reads at most 3 MB of a stream and scans at most 1 MB of a file."""
    from tests.webapp.clamav import ClamdServer

    server = ClamdServer(tmp_path)
    settings = server.config.read_text()
    for old, new in (("StreamMaxLength 60M", "3M"), ("MaxFileSize 60M", "1M")):
        settings = settings.replace(old, f"{old.split()[0]} {new}")
    server.config.write_text(settings)
    server.start()
    yield server
    server.stop()


def test_a_file_past_clamds_limits_is_refused_as_not_checkable_never_passed_or_left_waiting(
    small_clamd, app, sign_in, world, db_session
):
    for config in (
        {"CLAMD_SOCKET": str(small_clamd.socket)},
        {"CLAMD_HOST": "127.0.0.1", "CLAMD_PORT": small_clamd.port},
    ):
        # Past StreamMaxLength clamd answers and hangs up while the file is still being sent:
        # its answer is read all the same.
        verdict = scanning.scan(config, PDF + b"0" * (5 * 1024 * 1024), timeout=30)
        assert verdict == scanning.Verdict("error", "INSTREAM size limit exceeded.")
        # Past MaxFileSize it would pass the file unread, but for AlertExceedsMax: no virus.
        verdict = scanning.scan(config, PDF + b"0" * (2 * 1024 * 1024), timeout=30)
        assert verdict == scanning.Verdict(
            "error", "past clamd's limits (Heuristics.Limits.Exceeded.MaxFileSize)"
        )
    app.config.update(CLAMD_SOCKET=str(small_clamd.socket))
    portal, _reference, path = agreement_page(sign_in, world)
    big = PDF + b"0" * (2 * 1024 * 1024)
    response = answer(portal, path, AGREEMENT, files={"signed_plan": ("plan.pdf", big)}, expect=200)
    assert errors_on(response) == [
        "The selected file could not be checked for viruses and has not been saved; choose the "
        "file again, or a different one"
    ]
    assert db_session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_the_worker_command_and_the_background_worker_scan_what_waits(
    clamd, app, sign_in, world, db_session, database_url, monkeypatch, capsys
):
    from webapp.cli import main
    from webapp.worker import start_background_worker

    clamd.stop()
    portal, _reference, path = agreement_page(sign_in, world)
    answer(portal, path, AGREEMENT, files={"signed_plan": ("plan.pdf", PDF)})
    answer(portal, path, AGREEMENT, files={"signed_plan": ("plan.pdf", INFECTED_PDF)})
    clamd.start()
    # `portal mail-worker --once`, as production runs it.
    for name, value in {
        "PORTAL_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "PORTAL_BASE_URL": BASE_URL,
        "DATABASE_URL": database_url,
        "CLAMD_SOCKET": str(clamd.socket),
    }.items():
        monkeypatch.setenv(name, value)
    assert main(["mail-worker", "--once"]) == 0
    assert "virus scan: 1 clean, 1 infected, 0 not checkable" in capsys.readouterr().out
    # The background worker of `portal run` scans the next one.
    clamd.stop()
    answer(portal, path, AGREEMENT, files={"signed_plan": ("plan.pdf", PDF)})
    clamd.start()
    thread, stop = start_background_worker(app, interval=0.05)
    try:
        waiting = [1]
        for _ in range(200):  # until it has scanned the file (a test never times anything)
            waiting = db_session.scalars(
                select(Attachment.id)
                .where(Attachment.scan_status == "pending")
                .execution_options(populate_existing=True)
            ).all()
            if not waiting:
                break
            stop.wait(0.05)
        assert waiting == []
    finally:
        stop.set()
        thread.join(timeout=10)
