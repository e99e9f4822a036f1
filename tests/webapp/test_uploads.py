"""File questions: the kind is checked from the content, the size is limited, nothing else on
the page is lost when a file is refused."""

from sqlalchemy import func, select

from tests.webapp.conftest import text_of
from tests.webapp.helpers import AGREEMENT, PDF, answer, errors_on, start
from webapp.models import Attachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def agreement_page(sign_in, world):
    portal = sign_in(world.alice)
    reference, _ = start(portal, "part-time-timetable")
    return portal, f"/cases/{reference}/pages/agreement"


def test_a_file_whose_content_is_not_an_allowed_kind_is_refused(sign_in, world, db_session):
    portal, path = agreement_page(sign_in, world)
    response = answer(
        portal, path, AGREEMENT, files={"signed_plan": ("plan.pdf", WINDOWS_PROGRAM)}, expect=200
    )
    assert errors_on(response) == ["The selected file must be a PDF, Word document or photo"]
    # What was typed on the rest of the page is kept.
    page = response.page
    assert page.find("textarea", attrs={"name": "pupil_views"}).get_text() == (
        "Happy with mornings."
    )
    assert db_session.scalar(select(func.count()).select_from(Attachment)) == 0


def test_a_photo_of_a_kind_not_taken_says_to_save_it_as_one_that_is(sign_in, world):
    """Found by trying it as a new user: a photo of the signed plan from an iPhone (HEIC,
    as a Mac keeps them) was refused as "must be a PDF, Word document or photo", when it was
    a photo. The message now says which photos are taken."""
    portal, path = agreement_page(sign_in, world)
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(200)
    response = answer(
        portal, path, AGREEMENT, files={"signed_plan": ("IMG_0042.HEIC", heic)}, expect=200
    )
    assert errors_on(response) == [
        "The selected file is a HEIC photo: save it as a JPG or PNG, or choose a PDF or Word "
        "document"
    ]


def test_save_and_come_back_later_never_says_saved_of_a_file_it_refused(sign_in, world, db_session):
    """A school believing the signed plan is attached when it is not: the page stays, says the
    other answers are saved and the file is not, and why (a reviewer found "saved" instead)."""
    portal, path = agreement_page(sign_in, world)
    files = {"signed_plan": ("plan.pdf", WINDOWS_PROGRAM)}
    response = answer(portal, path, AGREEMENT, files=files, action="save", expect=200)
    assert errors_on(response) == ["The selected file must be a PDF, Word document or photo"]
    banner = text_of(response.page.select_one(".govuk-notification-banner"))
    assert "Your other answers have been saved, but not the file you chose" in banner
    assert "have been saved. You can come back" not in response.text
    assert db_session.scalar(select(func.count()).select_from(Attachment)) == 0
    reopened = portal.get(path).page  # the other answers were kept
    assert reopened.find("textarea", attrs={"name": "pupil_views"}).get_text() == (
        "Happy with mornings."
    )
    # With an acceptable file, or none, it is saved as before: to My cases.
    files = {"signed_plan": ("plan.pdf", PDF)}
    answer(portal, path, AGREEMENT, files=files, action="save", expect=302)


def test_the_kind_comes_from_the_content_not_the_name(sign_in, world, db_session):
    portal, path = agreement_page(sign_in, world)
    answer(portal, path, AGREEMENT, files={"signed_plan": ("scan.docx", PNG)})
    stored = db_session.scalar(select(Attachment))
    assert stored.kind == "png" and stored.content_type == "image/png"


def test_an_empty_file_is_refused(sign_in, world):
    portal, path = agreement_page(sign_in, world)
    response = answer(portal, path, AGREEMENT, files={"signed_plan": ("plan.pdf", b"")}, expect=200)
    assert errors_on(response) == ["The selected file is empty"]


def test_a_file_over_the_questions_limit_is_refused(sign_in, world):
    portal, path = agreement_page(sign_in, world)
    big = PDF + b"0" * (10 * 1024 * 1024)
    response = answer(portal, path, AGREEMENT, files={"signed_plan": ("plan.pdf", big)}, expect=200)
    assert errors_on(response) == ["The selected file must be smaller than 10MB"]


def test_a_request_over_the_portal_limit_gets_413(app, sign_in, world):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    portal, path = agreement_page(sign_in, world)
    big = PDF + b"0" * (2 * 1024 * 1024)
    response = answer(portal, path, AGREEMENT, files={"signed_plan": ("plan.pdf", big)}, expect=413)
    assert "too large" in text_of(response.page).lower()


def test_a_stored_file_stays_until_replaced(sign_in, world, db_session):
    portal, path = agreement_page(sign_in, world)
    answer(portal, path, AGREEMENT, files={"signed_plan": ("plan.pdf", PDF)})
    page = portal.get(path).page
    assert "Current file: plan.pdf" in text_of(page)
    # Continuing again without choosing a file keeps the one there.
    answer(portal, path, AGREEMENT)
    answer(portal, path, AGREEMENT, files={"signed_plan": ("photo.png", PNG)})
    assert "Current file: photo.png" in text_of(portal.get(path).page)


def test_a_download_carries_the_extension_of_what_the_content_is(sign_in, world, db_session):
    portal, path = agreement_page(sign_in, world)
    answer(portal, path, AGREEMENT, files={"signed_plan": ("plan.html", PDF)})
    assert db_session.scalar(select(Attachment)).filename == "plan.pdf"


# Right-to-left override, zero-width space, soft hyphen, bell, BOM, line and paragraph separators.
DISGUISED = "invoice\u202efdp\u200b\u00ad\u0007\ufeff\u2028\u2029.exe"


def test_control_and_format_characters_never_reach_a_stored_file_name(sign_in, world, db_session):
    portal, path = agreement_page(sign_in, world)
    answer(portal, path, AGREEMENT, files={"signed_plan": (DISGUISED, PDF)})
    stored = db_session.scalar(select(Attachment))
    assert stored.filename == "invoicefdp.pdf"
    reference = path.split("/")[2]
    # Every page that shows the name shows it plain, and the download is named the same.
    for page in (portal.get(path).page, portal.get(f"/cases/{reference}/check-answers").page):
        assert "invoicefdp.pdf" in text_of(page)
        assert not any(c in str(page) for c in "\u202e\u200b\u00ad\u0007\ufeff\u2028\u2029")
    download = portal.get(f"/cases/{reference}/files/{stored.id}", expect=200)
    assert download.headers["Content-Disposition"] == "attachment; filename=invoicefdp.pdf"


def test_a_name_with_nothing_printable_left_gets_a_generic_one(sign_in, world, db_session):
    portal, path = agreement_page(sign_in, world)
    answer(portal, path, AGREEMENT, files={"signed_plan": ("\u202e\u200b \u2066.png", PNG)})
    assert db_session.scalar(select(Attachment)).filename == "upload.png"
    assert "Current file: upload.png" in text_of(portal.get(path).page)


def test_a_download_name_outside_ascii_is_offered_both_ways(sign_in, world, db_session):
    portal, path = agreement_page(sign_in, world)
    answer(portal, path, AGREEMENT, files={"signed_plan": ("Zoë’s plan; final.pdf", PDF)})
    stored = db_session.scalar(select(Attachment))
    reference = path.split("/")[2]
    download = portal.get(f"/cases/{reference}/files/{stored.id}", expect=200)
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="Zoes plan; final.pdf"; '
        "filename*=UTF-8''Zo%C3%AB%E2%80%99s%20plan%3B%20final.pdf"
    )
