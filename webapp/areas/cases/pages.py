"""A case's pages: shown with what was typed, saved on Continue or in the background (autosave),
repeating-group items added and removed. Thin views over cases/services.py."""

from __future__ import annotations

import hashlib

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage

from engine import CaseType
from engine.group_items import typed_item
from engine.input_names import bound_field, input_name, item_index, read_input_name
from webapp.areas.cases import bp, page_files, parking, resent, services
from webapp.areas.cases.forms import PageForm
from webapp.areas.cases.lookup import change_refused, editable, values_of
from webapp.areas.cases.prefill import keep_locked, known_values
from webapp.areas.cases.presenters import newly_asked, page_questions
from webapp.areas.cases.progress import leaves_section, page_caption, saved_pages
from webapp.areas.cases.warnings import warning_entries
from webapp.domain import scanning
from webapp.domain.uploads import NewUpload
from webapp.infra.database import db, reads_only_on_get, single_statement
from webapp.web.request_guard import answers_posted
from webapp.web.whole_numbers import whole_number


def visible_page(case, case_type: CaseType, page_id: str):
    """The page, if the case's answers ask it now: 404 if there is no such page; the case's
    page to carry on at if its answers no longer ask this one (an answer changed in another tab,
    or Back to a page an answer since took away)."""
    answers = case.answers
    visible = case_type.visible_pages(answers, values_of(case_type, answers))
    if page_id not in [p.id for p in visible]:
        try:
            title = case_type.page(page_id).title
        except KeyError:
            abort(404)
        why = f"‘{title}’ is no longer asked, because an answer was changed after it was opened."
        abort(change_refused(url_for("cases.open_case", reference=case.reference), why))
    return case_type.page(page_id)


def _render_page(
    case, case_type, page, form, errors=(), warnings=(), stale=False, status=200, now_apply=False
):
    answers = case.answers
    values = values_of(case_type, answers)  # once for every question asked of the answers
    previous = case_type.previous_page(page.id, answers, values)
    if case.reference is not None:  # who it is shown to, should it be sent after signing out
        form.typist.data = parking.typist(current_user, case.reference, page.id)
    return render_template(
        "cases/page.html",
        case=case,
        case_type=case_type,
        **page_questions(case_type, page, form, answers, values, errors, warnings, now_apply),
        locked=case_type.locked_fields(page.id, known_values(current_user, case.school)),
        files=page_files.uploaded_files(page, answers),
        not_scanned=page_files.has_file_question(page)
        and not scanning.configured(current_app.config),
        stale=stale,
        caption=page_caption(case_type, page.id, answers, values),
        back_url=_back_url(case, case_type, page, previous, form.start_token.data),
        autosave_url=_autosave_url(case, page),
    ), status


def _unchecked(fields) -> None:
    """Forget what checking the form found: a page changed in another tab is shown as typed,
    not saved and so not checked (its errors, with their summary, come with Continue)."""
    for field in fields:
        field.errors = []
        for entry in getattr(field, "entries", ()):  # a repeating group's items
            _unchecked(getattr(entry, "form", None) or [entry])


def _autosave_url(case, page) -> str:
    if case.reference is None:  # not saved yet: the first background save creates it
        return url_for(
            "cases.new_autosave",
            case_type_id=case.case_type_id,
            page_id=page.id,
            school=case.school_id,
        )
    return url_for("cases.autosave", reference=case.reference, page_id=page.id)


def _back_url(case, case_type, page, previous, start_token: str = "") -> str:
    """The page before; the task list at the start of a section; My cases before the first
    (the start page, or the task list of a case not saved yet with the page's start token: if
    the page has made the case meanwhile, in the background, that leads to its task list);
    Check your answers for a page opened from one of its Change links."""
    if case.reference is None:
        if case_type.sections:
            return url_for(
                "cases.new_tasks",
                case_type_id=case.case_type_id,
                school=case.school_id,
                start=start_token or None,  # without one, new_tasks gives the list a new one
            )
        return url_for("cases.start", case_type_id=case.case_type_id)
    if request.args.get("change"):
        return url_for("cases.check_answers", reference=case.reference)
    if case.is_draft and leaves_section(case_type, page.id, previous and previous.id):
        return url_for("cases.tasks", reference=case.reference)
    if previous is None:
        return url_for("cases.my_cases")
    return url_for("cases.page", reference=case.reference, page_id=previous.id)


@bp.route("/cases/<reference>/pages/<page_id>", methods=["GET", "POST"])
@answers_posted  # NUL pasted into an answer is taken out, not refused
@reads_only_on_get  # the page shown; sent (POST), it is saved in a transaction
@login_required
def page(reference: str, page_id: str):
    case, case_type = editable(reference)
    page = visible_page(case, case_type, page_id)
    if request.method in ("GET", "HEAD"):  # HEAD is a GET without a body: it saves nothing
        return show_page(case, case_type, page)
    return answer_page(case, case_type, page)


def show_page(case, case_type, page, start_token: str = ""):
    """A page as last saved (what was typed, valid or not), prefilled where the case type says."""
    known = known_values(current_user, case.school)
    raw = case.raw_input.get(page.id)
    form = case_type.form(page.id, case.answers, raw=raw, base=PageForm, known=known)
    form.page_version.data = str(case.page_versions.get(page.id, 0))
    form.start_token.data = start_token
    return _render_page(case, case_type, page, form)


def answer_page(case, case_type, page):
    """A page sent: saved (valid or not), then the next page, the same page with what is wrong
    or newly asked, My cases ("Save and come back later"), or the group item added/removed."""
    page_id = page.id
    form = case_type.form_class(page_id, PageForm)()  # CSRF is checked by CSRFProtect
    keep_locked(form, case_type, page_id, known_values(current_user, case.school))
    action = request.form.get("action", "continue")
    try:
        result = _save(case, case_type, page_id, form)
    except services.StaleSave as stale:
        if resent.sent_before(case.reference, page_id):  # Back to its errors: not another tab
            flash(resent.RESENT, "info")
            return redirect(request.full_path.rstrip("?"), 303)  # the page as it is now
        form.page_version.data = str(stale.current_version)
        _unchecked(form)
        return _render_page(case, case_type, page, form, stale=True, status=409)
    resent.remember(case.reference, page_id)
    if request.files:
        page_files.tell_about_pending_files(page, case.answers)

    if action == "save":
        refused = page_files.refused_files(result.errors)
        if refused:  # the rest is saved, but the user must know the file is not
            result.form.page_version.data = str(case.page_versions.get(page_id, 0))
            flash(page_files.FILE_NOT_KEPT, "info")
            return _render_page(case, case_type, page, result.form, refused)
        flash(
            f"Your answers have been saved. You can come back to {case.reference} from My cases.",
            "success",
        )
        return redirect(url_for("cases.my_cases"))
    if action.startswith(("add:", "remove:")):
        return _change_group(case, case_type, page_id, action, result.raw)
    unseen = newly_asked(result.asked, request.form.get("shown"))
    if unseen:  # questions that apply now and were not on screen: ask them, no errors yet
        result.form.page_version.data = str(case.page_versions.get(page_id, 0))
        errors = [e for e in result.errors if e.key not in unseen]
        warnings = [w for w in result.warnings if w.key not in unseen]
        for key in unseen:  # nor WTForms' own messages for them
            bound = bound_field(result.form, key)
            if bound is not None:
                bound.errors = []
        return _render_page(case, case_type, page, result.form, errors, warnings, now_apply=True)
    if not result.valid:
        result.form.page_version.data = str(case.page_versions.get(page_id, 0))
        return _render_page(case, case_type, page, result.form, result.errors, result.warnings)
    seen = _warnings_digest(result.warnings)
    if (
        result.warnings
        and request.form.get("acknowledged") != seen
        and not _gone_past_already(case, case_type, page_id, result.warnings)
    ):
        form.page_version.data = str(case.page_versions.get(page_id, 0))
        form.acknowledged.data = seen
        return _render_page(case, case_type, page, form, warnings=result.warnings)
    services.acknowledge_warnings(db(), case, case_type, page_id, result.warnings)
    return _after_page(case, case_type, page_id)


def _after_page(case, case_type, page_id: str):
    """Where a page answered in full leads: the next page, the task list at the end of a
    section, or Check your answers (at the end, or back there from a Change link)."""
    following = case_type.next_page(page_id, case.answers)
    changing = bool(request.args.get("change"))
    reference = case.reference
    if (
        case.is_draft
        and not changing
        and leaves_section(case_type, page_id, following and following.id)
    ):
        return redirect(url_for("cases.tasks", reference=reference))  # the section is done
    if changing:  # from a "Change" link: back there, after any page the change now asks
        asked = _first_unsaved_after(case, case_type, page_id)
        if asked is not None:
            return redirect(url_for("cases.page", reference=reference, page_id=asked, change=1))
    if following is None or changing:
        return redirect(url_for("cases.check_answers", reference=reference))
    services.resume_at(db(), case, following.id)
    return redirect(url_for("cases.page", reference=reference, page_id=following.id))


def _first_unsaved_after(case, case_type, page_id: str) -> str | None:
    """The first page after this one that applies and was never saved: one a changed answer
    has just brought in (Alternative provision chosen instead of Part-time timetable)."""
    answers = case.answers
    pages = [p.id for p in case_type.visible_pages(answers, values_of(case_type, answers))]
    later = pages[pages.index(page_id) + 1 :] if page_id in pages else []
    return next((p for p in later if p not in saved_pages(case)), None)


def _save(case, case_type, page_id, form):
    """The page (valid or not) with the files chosen on it; StaleSave when another tab saved it."""
    uploads = []
    for key, storage in request.files.items(multi=False):
        field = _file_field(case_type, page_id, key)
        if field is None or not isinstance(storage, FileStorage) or not storage.filename:
            continue
        uploads.append(NewUpload(key, field, storage.filename, storage.read()))
    return services.save_page(
        db(), case, case_type, page_id, form, _posted_version(form), uploads, user=current_user
    )


def _posted_version(form) -> int:
    """The page version the form was shown with (-1, never current, if it was tampered with)."""
    version = whole_number(form.page_version.data or "0")
    return -1 if version is None else version


def _file_field(case_type: CaseType, page_id: str, key: str):
    """The file question an input name belongs to ("report" or "providers-0-report")."""
    item = read_input_name(key)
    for field in case_type.page(page_id).fields:
        if item is None and field.id == key and field.kind.is_upload:
            return field
        if item is not None and field.id == item.group:
            return next((n for n in field.fields if n.id == item.field and n.kind.is_upload), None)
    return None


def _change_group(case, case_type, page_id: str, action: str, typed):
    """Add or remove an item of one of the page's repeating groups, on the page as `typed`."""
    kind, group_id, *index = action.split(":")
    group = next((f for f in case_type.page(page_id).fields if f.id == group_id), None)
    if kind not in ("add", "remove") or group is None or not group.kind.holds_items:
        abort(400)  # only this page's repeating groups have items to add or remove
    remove = item_index(index[0]) if kind == "remove" and index else None
    changing = request.args.get("change") or None  # from a Change link: still back there after
    if typed_item(case_type, page_id, group_id, typed, case.answers, remove) is not None:
        # An item with answers in it goes only once the user says so (one key pressed by
        # mistake lost a whole child of a census): the page is kept as typed meanwhile.
        services.change_group_items(db(), case, case_type, page_id, group_id, typed=typed)
        return redirect(
            url_for(
                "cases.remove_item",
                reference=case.reference,
                page_id=page_id,
                group_id=group_id,
                index=remove,
                change=changing,
            )
        )
    anchor = group_id
    try:
        removed = services.change_group_items(
            db(), case, case_type, page_id, group_id, kind == "add", remove, typed
        )
    except services.GroupFull as full:
        flash(str(full), "error")
    else:
        if removed:  # a success banner that takes the focus, so it is read out: no
            flash(removed, "success")  # fragment, which would take the focus from it
            anchor = None
        if kind == "add":  # straight to the new item
            anchor = input_name(group_id, len(case.raw_input[page_id][group_id]) - 1)
    return redirect(
        url_for(
            "cases.page",
            reference=case.reference,
            page_id=page_id,
            change=changing,
            _anchor=anchor,
        )
    )


def _gone_past_already(case, case_type, page_id: str, warnings) -> bool:
    """Whether the school continued past exactly these warnings of the page before, about the
    same answers (back from a Change link to correct another answer): they are not asked to
    confirm them again. A warning about an answer changed since is asked again."""
    gone_past = (case.acknowledged_warnings or {}).get(page_id)
    return gone_past == warning_entries(case_type, warnings, case.answers)


def _warnings_digest(warnings) -> str:
    text = "|".join(f"{w.key}:{w.message}" for w in warnings)
    return hashlib.sha256(text.encode()).hexdigest()[:16] if warnings else ""


@bp.route("/cases/<reference>/pages/<page_id>/autosave", methods=["POST"])
@answers_posted  # NUL pasted into an answer is taken out, not refused
@single_statement  # its one write is save_page's conditional UPDATE: no BEGIN, no COMMIT
@login_required
def autosave(reference: str, page_id: str):
    """Background save while the user types (JavaScript); the same rules as Continue."""
    case, case_type = editable(reference)
    visible_page(case, case_type, page_id)
    return autosave_page(case, case_type, page_id)


def autosave_page(case, case_type, page_id: str, **more):
    """Save the page in the background: its new version, or 409 when another tab saved it."""
    # No CSRF field: CSRFProtect has checked the request's token, and nothing is shown here.
    form = case_type.form_class(page_id, PageForm)(meta={"csrf": False})
    keep_locked(form, case_type, page_id, known_values(current_user, case.school))
    try:
        version = _posted_version(form)  # the UPDATE checks the case is still the user's
        services.save_page(db(), case, case_type, page_id, form, version, user=current_user)
    except services.StaleSave:
        return jsonify(
            saved=False,
            message=(
                "This page has been changed in another tab or window. Your latest changes have "
                "not been saved: reload the page to see the saved answers."
            ),
        ), 409
    return jsonify(saved=True, page_version=case.page_versions.get(page_id, 0), **more)
