"""Case views: Submit case, start, open, the task list, check answers, send, the read-only view,
files and My cases. A draft's pages (show, save, autosave, group items) are in pages.py."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice

from webapp.areas.cases import bp, services
from webapp.areas.cases.forms import ConfirmForm, StartCaseForm, SubmitForm
from webapp.areas.cases.lookup import case_and_type, changed_meanwhile, draft_closed, editable
from webapp.areas.cases.new_case import new_case_url
from webapp.areas.cases.prefill import known_values, locked_ids
from webapp.areas.cases.presenters import (
    sending_problems,
)
from webapp.areas.cases.progress import task_items
from webapp.areas.cases.sending import (
    ALREADY_SENT,
    ASKED_AGAIN,
    answering,
    changes_to_send,
    moves_of,
    reply_transition,
    sent_since,
)
from webapp.domain import case_pdf, workflow
from webapp.domain.case_files import unchecked_files
from webapp.domain.case_lists import reference_search_problem
from webapp.domain.uploads import as_download, is_downloadable
from webapp.infra import clock
from webapp.infra.casetypes import case_type_or_404, catalogue
from webapp.infra.database import db
from webapp.models import Attachment
from webapp.web.access import answer_not_found, restrict
from webapp.web.request_guard import answers_posted

answer_not_found(bp, "cases")
bp.register_error_handler(StaleDataError, changed_meanwhile)
# School staff's pages: council staff (in no school) find nothing here, as school staff find
# nothing in Caseviewer; neither Home nor the navigation offers them.
restrict(bp, "cases", lambda user: bool(user.school_ids))


@bp.route("/submit-case")
@login_required
def submit_case():
    """Case types the user's settings may raise, grouped by category, and link tiles."""
    settings = {s.setting_type for s in services.user_schools(db(), current_user)}
    categories = {
        category: [e for e in entries if settings & set(e.raised_by)]
        for category, entries in catalogue().categories(startable=True).items()
    }
    return render_template(
        "cases/submit_case.html",
        categories={k: v for k, v in categories.items() if v},
        forms=catalogue().case_types,
    )


@bp.route("/submit-case/<case_type_id>", methods=["GET", "POST"])
@login_required
def start(case_type_id: str):
    """Confirm the case type (and school, for users of several), then its first page: the
    case is created when that page is first saved (new_case.py)."""
    case_type = case_type_or_404(case_type_id)
    if case_type.lifecycle.retired:
        abort(404)  # no new cases; its drafts and cases stay where they are
    schools = [
        s
        for s in services.user_schools(db(), current_user)
        if s.setting_type in case_type.raised_by
    ]
    if not schools:
        abort(404)
    form = StartCaseForm()
    form.school.choices = [SelectChoice(s.id, s.name) for s in schools]
    if form.validate_on_submit():  # a school not offered fails validate_choice
        school = services.school_for_user(db(), current_user, form.school.data)
        return redirect(new_case_url(case_type, school.id))
    return render_template("cases/start.html", case_type=case_type, form=form, schools=schools)


@bp.route("/cases/<reference>")
@login_required
def open_case(reference: str):
    """A draft resumes at the last page worked on; anything else opens read-only."""
    case, case_type = case_and_type(reference)
    if not case.is_draft or draft_closed(case, case_type):
        return redirect(url_for("cases.view", reference=reference))
    visible = [p.id for p in case_type.visible_pages(case.answers)]
    page_id = case.last_page if case.last_page in visible else visible[0]
    return redirect(url_for("cases.page", reference=reference, page_id=page_id))


@bp.route("/cases/<reference>/tasks")
@login_required
def tasks(reference: str):
    """The task list of a draft whose case type has sections: each section and its status."""
    case, case_type = editable(reference, drafts_only=True)
    if not case_type.sections:
        return redirect(url_for("cases.open_case", reference=reference))
    items, completed = task_items(case, case_type)
    return render_template(
        "cases/tasks.html",
        case=case,
        case_type=case_type,
        items=items,
        completed=completed,
        check_url=url_for("cases.check_answers", reference=reference),
    )


@bp.route("/cases/<reference>/check-answers")
@login_required
def check_answers(reference: str):
    case, case_type = editable(reference)
    return _render_check(case, case_type, SubmitForm())


def _render_check(case, case_type, form, problems=None, unchecked=None, refused=False):
    """Check your answers; `refused` once sending was refused, shown with what stops it in
    the error summary (200, as a case page's errors are: the page is the answer, and a 400
    is a failed request to the browser, which logs it as one, and to what stands between)."""
    problems = case_type.problems(case.answers) if problems is None else problems
    if unchecked is None:
        unchecked = unchecked_files(db(), case_type, case.answers)
    form.answering.data = answering(case)  # what this page shows is what it will answer
    return render_template(
        "cases/check_answers.html",
        case=case,
        case_type=case_type,
        sections=case_type.summary_sections(case.answers),
        locked=locked_ids(case_type, known_values(current_user, case.school)),
        problems=problems,
        problem_list=sending_problems(case, case_type, problems, unchecked, refused),
        unchecked=unchecked,
        form=form,
        send_by=case_type.lifecycle.drafts_until if case_type.lifecycle.retired else None,
        request_note=None if case.is_draft else services.latest_request(case),
        unchanged=_sent_unchanged(case, case_type),
        reply=None if case.is_draft else reply_transition(case_type, case),
    )


def _sent_unchanged(case, case_type) -> bool:
    """A sent case given back to the school whose answers are still those it sent (what the
    council's timeline will call "No answers were changed")."""
    return not case.is_draft and not changes_to_send(case_type, case)


@bp.get("/cases/<reference>/submit")
@login_required
def submit_reloaded(reference: str):
    """The address a refused Accept and send leaves in the tab, loaded again (the idle
    timeout reloads it, as does a restored tab): its check page."""
    return redirect(url_for("cases.check_answers", reference=reference))


@bp.route("/cases/<reference>/submit", methods=["POST"])
@answers_posted  # NUL pasted into the message to the council is taken out, not refused
@login_required
def submit(reference: str):
    case, case_type = editable(reference)
    form = SubmitForm()
    if not form.validate_on_submit():
        abort(400)
    if form.answering.data and form.answering.data != answering(case):
        flash(ASKED_AGAIN, "error")  # a page from before the council's latest request
        return _render_check(case, case_type, form)
    resubmitting = not case.is_draft
    unchanged = _sent_unchanged(case, case_type)
    checked = (case.answers, moves_of(case))  # the answers and request the school read
    try:
        _send(case, case_type, form, checked, reference)
    except services.NotSubmittable as refused:
        form.message.errors = [refused.message] if refused.message else []
        return _render_check(case, case_type, form, refused.problems, refused.unchecked, True)
    except services.ChangedMeanwhile:  # its answers changed meanwhile (another tab, a colleague)
        case, case_type = editable(reference)  # sent or closed meanwhile: as to a later press
        if sent_since(case, checked[1], current_user, form.message.data):  # asked again since
            flash(ALREADY_SENT, "info")
            return redirect(url_for("cases.view", reference=reference))
        flash(CHANGED_WHILE_SENDING, "error")
        return _render_check(case, case_type, form)
    if resubmitting:
        sent = (
            f"{reference} has been sent back to the council with no answers changed"
            if unchanged
            else f"Your changes to {reference} have been sent to the council"
        )
        flash(sent, "success")
        return redirect(url_for("cases.view", reference=reference))
    return redirect(url_for("cases.confirmation", reference=reference))


CHANGED_WHILE_SENDING = (
    "The answers were changed (in another tab, or by a colleague) while you were sending them, "
    "so nothing was sent. Check them, then send the case again."
)


def _send(case, case_type, form, checked, reference: str) -> None:
    """Send the case; once more should the row change under the first try (ChangedMeanwhile),
    as it does when a second press, another tab or the council wrote to it meanwhile: a case
    now sent or closed is answered as a later press is (lookup.not_editable), one whose
    answers and moves are still those the school checked (an officer assigned it, say) is
    sent: not one the council moved meanwhile (a request made since another press sent it)."""
    try:
        services.submit_case(
            db(), case, case_type, current_user, form.declared.data, message=form.message.data
        )
    except services.ChangedMeanwhile:
        case, case_type = editable(reference)
        if (case.answers, moves_of(case)) != checked:
            raise
        services.submit_case(
            db(), case, case_type, current_user, form.declared.data, message=form.message.data
        )


@bp.route("/cases/<reference>/confirmation")
@login_required
def confirmation(reference: str):
    case, _case_type = case_and_type(reference)
    if case.is_draft:
        return redirect(url_for("cases.open_case", reference=reference))
    return render_template("cases/confirmation.html", case=case)


@bp.route("/cases/<reference>/view")
@login_required
def view(reference: str):
    """A case read-only and printable (a draft is opened for editing instead, unless its case
    type was retired and its drafts can no longer be sent)."""
    case, case_type = case_and_type(reference)
    closed = draft_closed(case, case_type)
    if case.is_draft and not closed:
        return redirect(url_for("cases.open_case", reference=reference))
    services.record_view(db(), current_user, case)
    events = [e for e in case.events if e.for_school]
    activities = case_type.workflow.activities
    return render_template(
        "cases/view.html",
        case=case,
        case_type=case_type,
        sections=case_type.summary_sections(case.answers),
        events=events,
        activities=activities,
        can_edit=workflow.school_can_edit(case_type, case),
        request_note=services.latest_request(case),
        closed_until=case_type.lifecycle.drafts_until if closed else None,
        status=services.CLOSED_DRAFT if closed else case.status,  # as My cases says it
        closed=closed,
    )


@bp.route("/cases/<reference>/pdf")
@login_required
def pdf(reference: str):
    """A sent case as a PDF, as the read-only view shows it (a draft, even abandoned, has
    none: 404)."""
    case, case_type = case_and_type(reference)
    if case.submitted_at is None:
        abort(404)
    case_pdf.record_download(db(), current_user, case)
    return case_pdf.pdf_download(case, case_type, reader="school")


@bp.route("/cases/<reference>/abandon", methods=["GET", "POST"])
@login_required
def abandon(reference: str):
    case, _case_type = editable(reference, drafts_only=True)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.abandon_draft(db(), case, current_user)
        except StaleDataError:  # changed as it was abandoned: sent or abandoned in another tab
            case, _case_type = editable(
                reference, drafts_only=True
            )  # then said as to a later press
            services.abandon_draft(db(), case, current_user)  # a page saved meanwhile: still wanted
        flash(f"Draft {case.reference} has been abandoned", "success")
        return redirect(url_for("cases.my_cases"))
    return render_template("cases/abandon.html", case=case, form=form)


@bp.route("/cases/<reference>/files/<attachment_id>")
@login_required
def download(reference: str, attachment_id: str):
    """A file of a case the user may see, always as a download."""
    case, _case_type = case_and_type(reference)
    attachment = db().get(Attachment, attachment_id)
    if not is_downloadable(attachment) or attachment.case_id != case.id:
        abort(404)  # a file not found clean by the virus scanner is never given
    return as_download(attachment)


@bp.route("/cases")
def cases():
    """The folder every case's address is in (/cases/REF shortened) is My cases."""
    return redirect(url_for("cases.my_cases"))


@bp.route("/my-cases")
@login_required
def my_cases():
    """Every case of the user's schools: searched, filtered, sorted and paginated."""
    schools = services.user_schools(db(), current_user)
    args = services.MY_CASES.read(
        request.args,
        current_app.config["MY_CASES_PAGE_SIZE"],
        offered=services.offered_schools(schools),
    )
    search = services.CaseSearch.read(request.args)
    closed = services.closed_for_drafts(catalogue().case_types.values(), clock.uk_today())
    listing = services.list_cases(db(), current_user, search, args, closed)
    types, service_names = services.search_options(catalogue().case_types.values(), schools)
    asked_for_more = {
        case.reference
        for case in listing.rows
        if not case.is_draft
        and (case_type := catalogue().get(case.case_type_id)) is not None
        and workflow.school_can_edit(case_type, case)
    }
    closed_drafts = {c.reference for c in listing.rows if c.is_draft and c.case_type_id in closed}
    return render_template(
        "cases/my_cases.html",
        listing=listing,
        args=args,
        search=search,
        types=types,
        services=service_names,
        # "Draft – can no longer be sent" only while some case type's drafts are closed
        statuses=[s for s in services.STATUSES if closed or s != services.CLOSED_DRAFT],
        asked_for_more=asked_for_more,
        closed_drafts=closed_drafts,
        closed_status=services.CLOSED_DRAFT,
        school_names={school.id: school.name for school in schools},
        problems=reference_search_problem(args.search),
    )
