"""A file question inside a repeating group: the upload is kept with its item, named as the
engine names group inputs (professionals-0-professional_report), and nothing else is stored."""

from sqlalchemy import func, select

from tests.webapp.conftest import text_of
from tests.webapp.helpers import PDF, answer, date, start
from webapp.models import Attachment

PROFESSIONAL = {
    "professionals-0-professional_type": "ep",
    **date("professionals-0-professional_date", 3, 2, 2025),
}


def needs_page(portal) -> str:
    """The page of a best-endeavours draft that asks about the professionals involved."""
    _reference, first_page = start(portal, "best-endeavours")
    return first_page.replace("/pages/child", "/pages/needs")


def test_a_file_in_a_group_item_stays_with_that_item(sign_in, world, db_session):
    portal = sign_in(world.alice)
    path = needs_page(portal)
    upload = {"professionals-0-professional_report": ("advice.pdf", PDF)}
    answer(portal, path, PROFESSIONAL, action="save", files=upload)
    page = portal.get(path).page
    item = page.select_one("#professionals-0")
    assert "Current file: advice.pdf" in text_of(item)
    assert db_session.scalar(select(func.count()).select_from(Attachment)) == 1


def test_a_file_sent_under_a_position_no_form_writes_is_not_stored(sign_in, world, db_session):
    portal = sign_in(world.alice)
    path = needs_page(portal)
    upload = {"professionals-01-professional_report": ("advice.pdf", PDF)}
    answer(portal, path, PROFESSIONAL, action="save", files=upload)
    assert "advice.pdf" not in text_of(portal.get(path).page)
    assert db_session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_many_files_waiting_for_the_scanner_are_told_in_one_message(
    clamd, sign_in, world, db_session
):
    """Each file left waiting for clamd was told in a banner of its own, its whole name in
    each: ten files made ten banners above My cases, and ten messages in the session cookie
    (up to about 300 bytes each, kept there until shown; attack6). One banner tells them all."""
    clamd.stop()
    portal = sign_in(world.alice)
    path = needs_page(portal)
    professionals, uploads = {}, {}
    for n in range(10):
        professionals[f"professionals-{n}-professional_type"] = "ep"
        professionals.update(date(f"professionals-{n}-professional_date", 3, 2, 2025))
        uploads[f"professionals-{n}-professional_report"] = (f"report {n}.pdf", PDF)
    answer(portal, path, professionals, action="save", files=uploads)
    banners = [
        text_of(b) for b in portal.get("/my-cases").page.select(".govuk-notification-banner")
    ]
    waiting = [b for b in banners if "checked for viruses" in b]
    assert len(waiting) == 1, banners
    assert (
        "10 files are being checked for viruses: report 0.pdf, report 1.pdf and 8 more"
        in (waiting[0])
    )
    assert db_session.scalar(select(func.count()).select_from(Attachment)) == 10
