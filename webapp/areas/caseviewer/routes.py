"""Caseviewer pages: thin views over caseviewer/services.py.

Only council staff get past the door: anyone else signed in gets 404, as does an officer asking
for a draft or a case of a case type their teams do not work (SECURITY-CHECKLIST 19).
"""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required

from webapp.areas.caseviewer import bp, csv_export, kept_notes, services
from webapp.areas.caseviewer.assignees import outside_their_teams
from webapp.areas.caseviewer.forms import (
    AssignForm,
    NoteForm,
    QueueFilterForm,
    TransitionForm,
)
from webapp.domain import case_pdf, sent_case, workflow
from webapp.domain.case_files import case_files, with_scan_status
from webapp.domain.case_lists import reference_search_problem
from webapp.domain.errors import NotFound, Refused
from webapp.domain.uploads import as_download, is_downloadable
from webapp.infra.casetypes import catalogue
from webapp.infra.database import db
from webapp.models import Attachment, Case
from webapp.web.access import answer_not_found, restrict
from webapp.web.request_guard import answers_posted

restrict(bp, "caseviewer", lambda user: user.is_officer)
answer_not_found(bp, "caseviewer")


# ---- the queue ----


@bp.route("/")
@login_required
def queue():
    """The cases of the officer's teams: filtered, sorted and paginated."""
    form = QueueFilterForm(request.args)
    teams = services.officer_teams(db(), current_user)  # read once: the rest follows from them
    colleagues = services.team_colleagues(current_user, teams)
    options = services.queue_options(db(), teams, catalogue().case_types)
    search = form.search([person.id for person in colleagues], options)
    args = services.QUEUE.read(request.args, current_app.config["CASEVIEWER_PAGE_SIZE"])
    _remember_queue(request.query_string.decode("utf-8", "replace"))
    listing = services.queue(db(), current_user, teams, search, args)
    return render_template(
        "caseviewer/queue.html",
        form=form,
        search=search,
        args=args,
        listing=listing,
        options=options,
        statuses=services.STATUSES,
        teams=teams,
        colleagues=colleagues,
        outside=outside_their_teams(db(), listing.rows),
        exportable=_exportable(options.case_types),
        large_export=csv_export.LARGE_EXPORT,
        problems=reference_search_problem(args.search),
    )


# The queue as the officer last read it (filters, sort, page), for a case's "Back" link: a
# case opened from page 3 of "Braunstone, Active" goes back there, after an action too.
QUEUE_KEPT = "caseviewer_queue"


def _remember_queue(query: str) -> None:
    if len(query) > 1000:  # a cookie's worth: longer than any filter the form makes
        query = ""
    if session.get(QUEUE_KEPT, "") != query:
        session[QUEUE_KEPT] = query


def _queue_url() -> str:
    """The queue with the filters, sort and page the officer last had."""
    query = session.get(QUEUE_KEPT, "")
    return url_for("caseviewer.queue") + (f"?{query}" if query else "")


def _exportable(case_types) -> list[tuple[str, str, int]]:
    """(case type id, name, cases counted up to LARGE_EXPORT + 1) of each downloadable type."""
    ids = [(i, n) for i, n in case_types if catalogue().get(i) is not None]
    sizes = csv_export.export_sizes(db(), [i for i, _n in ids])
    return [(i, n, sizes[i]) for i, n in ids]


# ---- one case ----


def _case(reference: str):
    """A case the officer may see, with the definition it was sent with."""
    case = services.case_for_officer(db(), current_user, reference)
    try:
        return case, workflow.definition_for(db(), case)
    except LookupError:  # its case type has left the catalogue and no version was kept
        raise NotFound(reference) from None


@bp.route("/cases/<reference>")
@login_required
def case(reference: str):
    """The case's answers, files and timeline, and what the officer may do with it."""
    found, case_type = _case(reference)
    services.record_view(db(), current_user, found)
    kept = kept_notes.give_back(db(), current_user, found)  # sent as the session timed out
    if not kept:
        return _render_case(found, case_type)
    flash(kept_notes.GIVEN_BACK, "info")
    offered = {t.action: t for t in services.officer_transitions(case_type, found)}
    typed, unsent = {}, []
    for box, text in kept.items():
        action = box.removeprefix(kept_notes.FOR_THE_SCHOOL)
        if box == kept_notes.INTERNAL_NOTE:
            typed["internal-note"] = text
        elif action in offered and offered[action].note != "none":
            typed[_note_input_id(case_type, found, action)] = text
        else:  # its transition is no longer offered: shown to copy, as _refuse_kept does
            unsent.append(text)
    return _render_case(found, case_type, typed=typed, unsent_note="\n\n".join(unsent))


def _render_case(
    case: Case,
    case_type,
    errors: dict | None = None,
    typed: dict | None = None,
    error_list: list | None = None,
    status: int = 200,
    unsent_note: str = "",
):
    """The case page; `errors` and `typed` are by input id, `error_list` for the summary,
    `unsent_note` a note typed for a transition no longer offered."""
    transitions = services.officer_transitions(case_type, case)
    return render_template(
        "caseviewer/case.html",
        case=case,
        case_type=case_type,
        sections=case_type.summary_sections(sent_case.sent(case)),
        files=with_scan_status(db(), case_files(case_type, sent_case.sent(case))),
        timeline=sent_case.timeline(case, case_type),
        warnings=sent_case.acknowledged(case),
        transitions=transitions,
        activities=case_type.workflow.activities,
        with_school=workflow.school_can_edit(case_type, case),
        sent_moment=workflow.sent_moment(case),
        school_reachable=bool(workflow.school_contacts(case)),
        errors=errors or {},
        typed=typed or {},
        error_list=error_list or [],
        queue_url=_queue_url(),
        unsent_note=unsent_note,
        outside=outside_their_teams(db(), [case]),
        colleagues=[
            c for c in services.colleagues(db(), current_user, case) if c.id != case.assigned_to_id
        ],
    ), status


def _form_reloaded(reference: str):
    """The address a case's refused form leaves in the tab, loaded again (the idle timeout
    reloads it, as does a restored tab): the case's page."""
    return redirect(url_for("caseviewer.case", reference=reference))


# An endpoint each: the redirect of a reference in small letters rebuilds the address from it.
for _form in ("transition", "notes", "assign"):
    bp.add_url_rule(
        f"/cases/<reference>/{_form}",
        f"{_form}_reloaded",
        login_required(_form_reloaded),
        methods=["GET"],
    )


@bp.route("/cases/<reference>/transition", methods=["POST"])
@answers_posted  # NUL pasted into a note is taken out, not refused
@login_required
def transition(reference: str):
    """Take one of the transitions allowed from the case's activity; refused otherwise."""
    found, case_type = _case(reference)
    form = TransitionForm()
    action = form.action.data or ""
    input_id = _note_input_id(case_type, found, action)
    if not form.validate_on_submit():
        abort(400)  # nothing a person can put right on the page (CSRF is checked before)
    try:
        taken = services.move_case(
            db(),
            found,
            case_type,
            current_user,
            action,
            form.from_activity.data or "",
            form.note.data or "",
            form.from_moment.data or "",
        )
    except Refused as refused:  # the note: missing (a required one) or too long
        return _refuse(found, case_type, str(refused), input_id, form.note.data, status=400)
    except workflow.NotAllowed:
        message = f"You cannot ‘{action}’ now: the case is at ‘{found.activity_label}’"
        return _refuse_kept(found, case_type, message, action, form.note.data, status=400)
    except services.MovedOn:
        found, case_type = _case(reference)
        seen, note = form.from_activity.data or "", form.note.data or ""
        if workflow.repeats_last_move(found, case_type, current_user, action, seen, note):
            flash(ALREADY_DONE.format(action=action, label=found.activity_label), "info")
            return redirect(url_for("caseviewer.case", reference=reference))
        message = (
            "This case has changed since you opened it. Check where it is now, then try again."
        )
        return _refuse_kept(found, case_type, message, action, form.note.data, status=409)
    message = f"{found.reference}: {taken.action}. The case is now at ‘{found.activity_label}’"
    if taken.email_school:
        message += ". " + (SCHOOL_EMAILED if workflow.school_contacts(found) else NOBODY_EMAILED)
    flash(message, "success")
    return redirect(url_for("caseviewer.case", reference=reference))


ALREADY_DONE = "You had already pressed ‘{action}’, and it was done once: the case is at ‘{label}’"
SCHOOL_EMAILED = "The school has been emailed"
NOBODY_EMAILED = (
    "Nobody at the school could be emailed: the person who started the case and the school’s "
    "administrators can no longer use the portal. Contact the school another way"
)


def _note_input_id(case_type, case, action: str) -> str:
    """The id of the note box under the transition button for `action` (numbered from 1 in the
    page's order; 0 when it is not offered)."""
    transitions = services.officer_transitions(case_type, case)
    index = next((n for n, t in enumerate(transitions, 1) if t.action == action), 0)
    return f"transition-note-{index}"


def _refuse_kept(case, case_type, message: str, action: str, note: str | None, status: int):
    """The case page again after a transition that could not be taken where the case is now:
    the note typed goes back in the same action's box if it is still offered there, or is
    shown as not sent, so that the officer never has to write it again."""
    note = note or ""
    offered = {t.action: t for t in services.officer_transitions(case_type, case)}
    if action not in offered or offered[action].note == "none":
        return _refuse(case, case_type, message, None, "", status, unsent_note=note)
    kept = {_note_input_id(case_type, case, action): note}
    return _refuse(case, case_type, message, None, "", status, typed_elsewhere=kept)


def _refuse(
    case,
    case_type,
    message: str,
    input_id: str | None,
    typed: str,
    status: int,
    unsent_note: str = "",
    typed_elsewhere: dict | None = None,
):
    """The case page again, with the problem in an error summary (nothing was changed)."""
    href = f"#{input_id}" if input_id else "#what-next"
    errors = {input_id: message} if input_id else {}
    typed_by_id = {input_id: typed} if input_id and typed else {}
    return _render_case(
        case,
        case_type,
        errors=errors,
        typed=typed_by_id | (typed_elsewhere or {}),
        error_list=[{"text": message, "href": href}],
        status=status,
        unsent_note=unsent_note,
    )


@bp.route("/cases/<reference>/notes", methods=["POST"])
@answers_posted  # NUL pasted into a note is taken out, not refused
@login_required
def note(reference: str):
    """Add an internal note (never shown to the school)."""
    found, case_type = _case(reference)
    form = NoteForm()
    if not form.validate_on_submit():
        message = form.note.errors[0] if form.note.errors else "Try again"
        return _refuse(found, case_type, message, "internal-note", form.note.data or "", status=400)
    services.add_internal_note(
        db(), found, current_user, form.note.data, form.from_event.data or ""
    )
    flash("Your internal note has been added", "success")
    return redirect(url_for("caseviewer.case", reference=reference, _anchor="timeline"))


@bp.route("/cases/<reference>/assign", methods=["POST"])
@login_required
def assign(reference: str):
    """Assign to me, to a colleague, or to nobody."""
    found, case_type = _case(reference)
    form = AssignForm()
    if form.is_submitted() and form.to.data == "":  # the colleagues' list left at its prompt
        message = "Choose the colleague to assign the case to"
        return _refuse(found, case_type, message, "assign-to", "", status=400)
    if not form.validate_on_submit():
        abort(400)
    try:
        seen = form.from_assignee.data or ""
        to = services.assign_case(db(), found, current_user, form.to.data, seen)
    except Refused as refused:  # the colleague was locked or left the team meanwhile
        others = services.colleagues(db(), current_user, found)
        field = refused.field if any(c.id != found.assigned_to_id for c in others) else None
        return _refuse(found, case_type, str(refused), field, "", status=400)
    except services.MovedOn:  # assigned by someone else since the page was shown, say
        found, case_type = _case(reference)
        message = f"This case has changed since you opened it: {_assigned_now(found)}"
        return _refuse(found, case_type, message, "case-details", "", status=409)
    else:
        if to is None:
            flash(f"{found.reference} is no longer assigned to anyone", "success")
        elif to.id == current_user.id:
            flash(f"{found.reference} is now assigned to you", "success")
        else:
            flash(f"{found.reference} is now assigned to {to.full_name}", "success")
    return redirect(url_for("caseviewer.case", reference=reference))


def _assigned_now(case: Case) -> str:
    """Who has the case now, as a refused assignment tells it (nothing was changed)."""
    if case.assigned_to is None:
        now = "it is not assigned to anyone now"
    elif case.assigned_to_id == current_user.id:
        now = "it is assigned to you now"
    else:
        now = f"it is assigned to {case.assigned_to.full_name} now"
    return f"{now}. Nothing was changed: try again if you still need to"


@bp.route("/cases/<reference>/files/<attachment_id>")
@login_required
def download(reference: str, attachment_id: str):
    """A file the case was sent with, always as a download: not one the school has uploaded
    since and not sent yet, nor one its latest sending replaced (as the API answers)."""
    found, case_type = _case(reference)
    sent_files = {f.id for f in case_files(case_type, sent_case.sent(found))}
    attachment = db().get(Attachment, attachment_id) if attachment_id in sent_files else None
    if not is_downloadable(attachment) or attachment.case_id != found.id:
        raise NotFound(reference)  # not sent, not clean (or not there): never given
    services.record_download(db(), current_user, found, attachment.id)
    return as_download(attachment)


@bp.route("/cases/<reference>/pdf")
@login_required
def pdf(reference: str):
    """The case as a PDF with its whole timeline (internal notes too), audited."""
    found, case_type = _case(reference)
    case_pdf.record_download(db(), current_user, found)
    return case_pdf.pdf_download(found, case_type, reader="officer")


# ---- export ----


@bp.route("/export/<case_type_id>.csv")
@login_required
def export(case_type_id: str):
    """Every submitted case of one case type, as a CSV spreadsheet (UTF-8 with a BOM, so
    Excel reads the accents and pound signs right)."""
    pieces = csv_export.open_export(db(), current_user, case_type_id)
    response = current_app.response_class(
        stream_with_context(_with_bom(pieces)), content_type="text/csv; charset=utf-8"
    )
    response.headers["Content-Disposition"] = (
        f"attachment; filename={csv_export.export_filename(case_type_id)}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Accel-Buffering"] = "no"  # nginx passes each piece on as it comes
    return response


def _with_bom(pieces):
    yield "\ufeff"
    yield from pieces
