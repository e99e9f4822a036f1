"""The pages of a case not saved yet. "Start now" leads here (the school in the query string);
nothing is stored until the first page is saved, which creates the draft and its reference and
then carries on exactly as on a saved case's page (pages.py). See starting.py."""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import HTTPException

from engine import CaseType
from engine.casetype import CANNOT_START
from webapp.areas.cases import bp, services, starting
from webapp.areas.cases.lookup import not_editable
from webapp.areas.cases.pages import answer_page, autosave_page, show_page, visible_page
from webapp.areas.cases.prefill import known_values
from webapp.areas.cases.progress import task_items
from webapp.domain.errors import NotFound
from webapp.infra import clock
from webapp.infra.casetypes import case_type_or_404
from webapp.infra.database import db
from webapp.models import Case
from webapp.web.request_guard import answers_posted
from webapp.web.whole_numbers import whole_number


def new_case_url(case_type: CaseType, school_id: int) -> str:
    """Where Start now leads: the first page, or the task list of a case type with sections."""
    if case_type.sections:
        return new_tasks_url(case_type.id, school_id)
    return new_page_url(case_type.id, case_type.visible_pages({})[0].id, school_id)


def new_page_url(case_type_id: str, page_id: str, school_id: int, token: str = "") -> str:
    """A new case's page at an address of its own: its start token is in it, so Back after the
    page was sent (the page fetched again, with or without JavaScript) finds the case it made
    instead of showing the page blank for a second case."""
    return url_for(
        "cases.new_page",
        case_type_id=case_type_id,
        page_id=page_id,
        school=school_id,
        start=token or starting.new_start_token(),
    )


def new_tasks_url(case_type_id: str, school_id: int, token: str = "") -> str:
    """The task list of a new case, with the start token its sections' links share: Back to it
    (or a new page's Back link) after a section's page was sent leads to the draft made."""
    return url_for(
        "cases.new_tasks",
        case_type_id=case_type_id,
        school=school_id,
        start=token or starting.new_start_token(),
    )


@bp.route("/submit-case/<case_type_id>/tasks")
@login_required
def new_tasks(case_type_id: str):
    """The task list of a case not saved yet: every section not started."""
    case_type, case = _unsaved(case_type_id)
    if not case_type.sections:
        abort(404)
    token = _unused_start_token(
        case_type,
        case,
        fresh=lambda: new_tasks_url(case_type.id, case.school_id),
        draft=lambda made: url_for("cases.tasks", reference=made.reference),
    )
    items, completed = task_items(case, case_type, _page_url(case, token))
    return render_template(
        "cases/tasks.html",
        case=case,
        case_type=case_type,
        items=items,
        completed=completed,
        check_url=None,  # nothing saved yet: nothing to check
    )


@bp.route("/submit-case/<case_type_id>/new/<page_id>", methods=["GET", "POST"])
@answers_posted  # NUL pasted into an answer is taken out, not refused
@login_required
def new_page(case_type_id: str, page_id: str):
    """A page a new case starts at, shown for an unsaved draft; sending it creates the case."""
    case_type, case = _unsaved(case_type_id)
    page = _starting_page(case_type, page_id)
    if request.method in ("GET", "HEAD"):  # HEAD is a GET without a body: it saves nothing
        token = _unused_start_token(
            case_type,
            case,
            fresh=lambda: new_page_url(case_type.id, page_id, case.school_id),
            draft=lambda made: url_for("cases.page", reference=made.reference, page_id=page_id),
        )
        return show_page(case, case_type, page, start_token=token)
    case = _created(case_type, case)
    if not case.is_draft:  # sent or abandoned already, then this page was sent again (Back)
        return not_editable(case)
    visible_page(case, case_type, page_id)
    return answer_page(case, case_type, page)


def _unused_start_token(case_type: CaseType, case: Case, fresh, draft) -> str:
    """The start token in the address (see new_page_url) while nothing was started with it;
    otherwise this redirects (abort): to `fresh()`, an address with a new token, when there is
    none (typed or kept without one) or its case was made longer ago than any session lasts (a
    bookmark: Back reaches the page only within a session); to `draft(made)` when a page sent
    from here made a draft (Back after sending it); to the case when that was sent."""
    token = request.args.get("start")
    if not starting.is_start_token(token):
        abort(redirect(fresh()))
    made = starting.started_with(db(), current_user, case.school, case_type, token)
    if made is not None and _before_any_session(made):
        abort(redirect(fresh()))
    if made is not None:
        target = draft(made) if made.is_draft else url_for("cases.view", reference=made.reference)
        abort(redirect(target))
    return token


def _before_any_session(case: Case) -> bool:
    longest = dt.timedelta(seconds=current_app.config["SESSION_ABSOLUTE_SECONDS"])
    return clock.aware(case.created_at) < clock.now() - longest


@bp.route("/submit-case/<case_type_id>/new/<page_id>/autosave", methods=["POST"])
@answers_posted  # NUL pasted into an answer is taken out, not refused
@login_required
def new_autosave(case_type_id: str, page_id: str):
    """The first background save of a new case's page creates the case; the answer says where
    the page now lives, so the script moves the form there."""
    case_type, case = _unsaved(case_type_id)
    _starting_page(case_type, page_id)
    case = _created(case_type, case)
    if not case.is_draft:
        return not_editable(case)
    visible_page(case, case_type, page_id)
    return autosave_page(
        case,
        case_type,
        page_id,
        reference=case.reference,
        page_url=url_for("cases.page", reference=case.reference, page_id=page_id),
        autosave_url=url_for("cases.autosave", reference=case.reference, page_id=page_id),
    )


def _unsaved(case_type_id: str) -> tuple[CaseType, Case]:
    """The case type and an unsaved draft of it for the school in the query string (404 if the
    user may not start one there)."""
    case_type = case_type_or_404(case_type_id)
    school_id = whole_number(request.args.get("school"))
    if school_id is None:
        abort(404)
    school = services.school_for_user(db(), current_user, school_id)
    return case_type, starting.unsaved_case(current_user, school, case_type)


def _starting_page(case_type: CaseType, page_id: str):
    """Only the pages a new case can start at: the first, or the first of a section that can
    be started before anything is answered."""
    if page_id not in starting_pages(case_type):
        abort(404)
    return case_type.page(page_id)


def starting_pages(case_type: CaseType) -> set[str]:
    first = case_type.visible_pages({})[0].id
    if not case_type.sections:
        return {first}
    return {first} | {
        p.first_page for p in case_type.section_progress({}, set()) if p.status != CANNOT_START
    }


def _created(case_type: CaseType, unsaved: Case) -> Case:
    """The draft this page's start token made, or a new one (400 without a token)."""
    token = request.form.get("start_token")
    if not starting.is_start_token(token):
        abort(400)
    return starting.start_case(db(), current_user, unsaved.school, case_type, token)


def _page_url(case: Case, token: str):
    def url(page_id: str) -> str:
        return new_page_url(case.case_type_id, page_id, case.school_id, token)

    return url


def keep_typed_on_new_page() -> str | None:
    """The session ran out while a new case's page was being sent: create the case and keep
    what was typed, as typed (services.keep_typed_input). Its page's path, or None."""
    case_type_id, page_id = request.view_args["case_type_id"], request.view_args["page_id"]
    try:
        case_type, unsaved = _unsaved(case_type_id)
        _starting_page(case_type, page_id)
        case = _created(case_type, unsaved)
    except (HTTPException, NotFound):  # not a page this user may start a case on
        return None
    if not services.keep_typed_input(db(), current_user, case.reference, page_id, request.form):
        return None
    return url_for("cases.page", reference=case.reference, page_id=page_id)


def untouched_new_page() -> bool:
    """Whether a new case's page was sent just as it was shown: nothing typed, a prefilled
    answer as it was prefilled. The timeout's script sends any case page as time runs out
    (to keep what was typed), and an untouched one made an empty draft in My cases."""
    case_type_id, page_id = request.view_args["case_type_id"], request.view_args["page_id"]
    try:
        case_type, unsaved = _unsaved(case_type_id)
        _starting_page(case_type, page_id)
    except (HTTPException, NotFound):  # not a page this user may start a case on
        return False
    shown = case_type.form(page_id, {}, known=known_values(current_user, unsaved.school))
    sent = case_type.form_class(page_id)(request.form)
    typed = case_type.typed_input(page_id, sent, {}, {})
    return _blank_as_none(typed) == _blank_as_none(case_type.typed_input(page_id, shown, {}, {}))


def _blank_as_none(typed):
    """Typed input with every blank answer as None: a box shown empty and sent empty differ
    only by "" and None."""
    if isinstance(typed, dict):
        return {key: _blank_as_none(value) for key, value in typed.items()}
    if isinstance(typed, list):
        return [_blank_as_none(value) for value in typed] or None
    return None if isinstance(typed, str) and not typed.strip() else typed
