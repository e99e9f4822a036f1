"""A PDF of a case as it was sent: what the read-only views show (the answers on the
definition version they were given on, the files by name, the school and the timestamps),
made by WeasyPrint and tagged for accessibility (PDF/UA-1).

`case_pdf` is the one entry point, for the school's and the officers' pages and for the API.
The school's PDF never holds an internal note; an officer's holds the whole timeline; the
API's (a council system's) the timeline without internal notes, as the API's JSON.
Nothing is fetched while rendering: the answers are the school's text, so a URL in them must
never make the server ask for anything (SSRF); the fonts are Debian's, found by fontconfig.
"""

from __future__ import annotations

import functools
from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from engine import CaseType
from webapp.domain import audit
from webapp.domain.case_files import case_files
from webapp.domain.sent_case import acknowledged, sent, timeline
from webapp.infra import clock
from webapp.infra.database import transaction
from webapp.models import Case, User

STYLESHEET = Path(__file__).resolve().parent.parent / "templates" / "pdf" / "case.css"


class FetchRefused(Exception):
    """The PDF asked for a resource: nothing outside the document is ever fetched."""


def _refuse_fetch(url: str, *args, **kwargs):
    raise FetchRefused(url)


# Who a PDF is made for, and the line that says so at its top.
MADE_FOR = {
    "school": "Copy for the school",
    "officer": "For council officers",
    "system": "For the council's systems",
}


def case_pdf(case: Case, case_type: CaseType, reader: str) -> bytes:
    """The case as a tagged PDF for `reader` (a key of MADE_FOR); `case_type` is the
    definition it was sent with."""
    from weasyprint import CSS, HTML  # heavy: loaded on the first PDF, not at start-up

    html = _case_html(case, case_type, reader)
    document = HTML(string=html, url_fetcher=_refuse_fetch, base_url=None)
    return document.write_pdf(
        stylesheets=[CSS(string=_stylesheet(), url_fetcher=_refuse_fetch)],
        pdf_variant="pdf/ua-1",
    )


@functools.cache
def _stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def _case_html(case: Case, case_type: CaseType, reader: str) -> str:
    """The HTML the PDF is made from (app context needed, no request)."""
    answers = sent(case)
    entries = timeline(case, case_type, systems_named=reader != "school")
    if reader != "officer":  # internal notes are officers' working notes inside the portal
        entries = [entry for entry in entries if not entry.internal]
    for_council = reader != "school"
    template = current_app.jinja_env.get_template("pdf/case.html")
    return template.render(
        case=case,
        case_type=case_type,
        sections=case_type.summary_sections(answers),
        files=case_files(case_type, answers),
        timeline=entries,
        warnings=acknowledged(case) if for_council else [],
        for_council=for_council,
        made_for=MADE_FOR[reader],
        made_at=clock.now(),
    )


def pdf_filename(case: Case) -> str:
    """The name the PDF is downloaded under: the reference (letters, digits and hyphens)."""
    return f"{case.reference}.pdf"


def pdf_download(case: Case, case_type: CaseType, reader: str):
    """The case's PDF as a download (never shown inline), not kept by any cache."""
    response = current_app.response_class(
        case_pdf(case, case_type, reader), mimetype="application/pdf"
    )
    response.headers["Content-Disposition"] = f"attachment; filename={pdf_filename(case)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def record_download(session: Session, user: User, case: Case) -> None:
    """Audit that the user downloaded the case's PDF (who, which case; never its content)."""
    with transaction(session):
        audit.record_case(session, "case_pdf_downloaded", user, case)
