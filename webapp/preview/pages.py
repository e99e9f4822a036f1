"""A previewed form's pages, as schools see them (templates/cases/page.html and _fields.html),
with the answers kept in memory (store.py) instead of a case: nothing touches a database.

The standalone preview (`portal preview`, routes.py) and Council admin's preview of stored
versions (areas/council_admin/preview.py) both call these; `Urls` says where their pages are.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field

from flask import abort, flash, redirect, render_template, request, url_for

from engine import CaseType
from engine.group_items import change_items, typed_item
from engine.input_names import input_name, item_index
from engine.model import Page
from webapp.areas.cases import removing
from webapp.areas.cases.forms import PageForm
from webapp.areas.cases.presenters import (
    current_files,
    newly_asked,
    page_questions,
)
from webapp.areas.cases.progress import leaves_section, page_caption, task_items
from webapp.preview.conditions import page_conditions, page_shown_when

FILE_NOTE = "In a preview only the file's name and size are kept, never the file."


@dataclass(frozen=True)
class Urls:
    """Where a preview's pages are: endpoints `<prefix>page`, `<prefix>autosave`,
    `<prefix>check`, `<prefix>tasks`, `<prefix>case_type`, `<prefix>restart`, with `params`
    in each."""

    prefix: str
    params: dict = field(default_factory=dict)
    index: str = ""

    def to(self, name: str, **more) -> str:
        return url_for(f"{self.prefix}{name}", **self.params, **more)

    def page(self, page_id: str, **more) -> str:
        return self.to("page", page_id=page_id, **more)


@dataclass(frozen=True)
class PreviewCase:
    """What the cases templates (and the task list, progress.py) read of a case: a preview has
    no reference and no school; its answers and page versions are those kept in memory."""

    reference: str = ""
    case_type_name: str = ""
    is_draft: bool = False
    answers: dict = field(default_factory=dict)
    page_versions: dict = field(default_factory=dict)


def as_case(state: dict) -> PreviewCase:
    """The answers kept for a browser, as the case the task list reads (progress.py)."""
    return PreviewCase(answers=state["answers"], page_versions=state["versions"])


def page_or_404(case_type: CaseType, page_id: str) -> Page:
    try:
        return case_type.page(page_id)
    except KeyError:
        abort(404)


def overview(case_type: CaseType, state: dict, urls: Urls, **extra):
    """A case type's pages, each with a link (every page opens directly) and its condition."""
    values = case_type.values(state["answers"])
    visible = {p.id for p in case_type.visible_pages(state["answers"], values)}
    pages = [
        {"page": p, "shown": p.id in visible, "when": page_shown_when(case_type, p)}
        for p in case_type.pages
    ]
    return render_template(
        "preview/case_type.html", case_type=case_type, pages=pages, urls=urls, **extra
    )


def tasks(case_type: CaseType, state: dict, urls: Urls, **extra):
    """The task list of a case type with sections, as schools see it (cases/tasks.html), each
    section's link opening its page in the preview; other case types have none: their pages."""
    if not case_type.sections:
        return redirect(urls.to("case_type"))
    items, completed = task_items(as_case(state), case_type, urls.page)
    return render_template(
        "preview/tasks.html",
        case=PreviewCase(),
        case_type=case_type,
        items=items,
        completed=completed,
        check_url=urls.to("check"),
        urls=urls,
        **extra,
    )


def _back_url(case_type: CaseType, page: Page, previous: Page | None, urls: Urls) -> str:
    """As on a school's draft: the page before, or the task list at the start of a section
    (the case type's pages before the first page of a form without sections)."""
    if leaves_section(case_type, page.id, previous and previous.id):
        return urls.to("tasks")
    return urls.page(previous.id) if previous else urls.to("case_type")


def show_page(
    case_type: CaseType,
    page: Page,
    state: dict,
    urls: Urls,
    form=None,
    errors=(),
    warnings=(),
    now_apply: bool = False,
):
    """A page with what was last typed (or the answers kept), and its conditions panel."""
    answers = state["answers"]
    values = case_type.values(answers)
    if form is None:
        form = case_type.form(page.id, answers, raw=state["raw"].get(page.id), base=PageForm)
    form.page_version.data = str(state["versions"].get(page.id, 0))
    visible_pages = [p.id for p in case_type.visible_pages(answers, values)]
    shown = page.id in visible_pages
    previous = case_type.previous_page(page.id, answers, values)
    return render_template(
        "preview/page.html",
        case=PreviewCase(),
        case_type=case_type,
        **page_questions(case_type, page, form, answers, values, errors, warnings, now_apply),
        locked={},
        files=_files(page, answers),
        not_scanned=False,
        stale=False,
        caption=page_caption(case_type, page.id, answers, values) if shown else "",
        back_url=_back_url(case_type, page, previous, urls),
        autosave_url=urls.to("autosave", page_id=page.id),
        page_shown=shown,
        conditions=page_conditions(case_type, page, values),
        urls=urls,
    )


def _files(page: Page, answers: dict) -> dict:
    """Files "uploaded" on the page: their names only, shown with the note that no file is kept."""
    return {
        key: {**ref, "status": "preview", "message": f"{ref.get('name', '')}: {FILE_NOTE}"}
        for key, ref in current_files(page, answers).items()
    }


def save_page(case_type: CaseType, page: Page, state: dict) -> object:
    """Check what was sent for the page and keep it in `state`, valid or not (as a case keeps
    a page); the engine's PageResult."""
    form = case_type.form_class(page.id, PageForm)()
    result = case_type.save_page(page.id, form, state["answers"], _uploads(case_type, page))
    state["answers"] = result.answers
    raw = {k: v for k, v in state["raw"].items() if k != page.id}
    if not result.valid:
        raw[page.id] = result.raw
    state["raw"] = raw
    state["versions"] = {**state["versions"], page.id: state["versions"].get(page.id, 0) + 1}
    return result


def _uploads(case_type: CaseType, page: Page) -> dict[str, dict]:
    """A reference for each file chosen on the page (its name and size; the bytes are read to
    be counted and dropped)."""
    found = {}
    for key, storage in request.files.items(multi=False):
        if not getattr(storage, "filename", ""):
            continue
        size = len(storage.read())
        found[key] = {"id": uuid.uuid4().hex, "name": storage.filename, "size": size}
    return found


def answer_page(case_type: CaseType, page: Page, state: dict, urls: Urls):
    """A page sent: kept, then the next page, the page with what is wrong or newly asked, the
    group item added or removed, or the case type's pages ("Save and come back later")."""
    action = request.form.get("action", "continue")
    result = save_page(case_type, page, state)
    if action == "save":
        flash("Your answers are kept in this preview until you start again.", "success")
        return redirect(urls.to("case_type"))
    if action.startswith(("add:", "remove:")):
        asking = _asking(case_type, page, state, action, result.raw, urls)
        if asking:
            return asking
        anchor = change_group(case_type, page, state, action, result.raw)
        return redirect(urls.page(page.id, _anchor=anchor))
    unseen = newly_asked(result.asked, request.form.get("shown"))
    if unseen:
        errors = [e for e in result.errors if e.key not in unseen]
        warnings = [w for w in result.warnings if w.key not in unseen]
        for key in unseen & set(result.form._fields):
            result.form[key].errors = []
        return show_page(case_type, page, state, urls, result.form, errors, warnings, True)
    if not result.valid:
        return show_page(case_type, page, state, urls, result.form, result.errors, result.warnings)
    seen = _digest(result.warnings)
    if result.warnings and request.form.get("acknowledged") != seen:
        result.form.acknowledged.data = seen
        return show_page(case_type, page, state, urls, result.form, warnings=result.warnings)
    following = case_type.next_page(page.id, state["answers"])
    changing = bool(request.args.get("change"))
    if not changing and leaves_section(case_type, page.id, following and following.id):
        return redirect(urls.to("tasks"))  # the section is done, as on a school's draft
    if following is None or changing:
        return redirect(urls.to("check"))
    return redirect(urls.page(following.id))


def change_group(
    case_type: CaseType, page: Page, state: dict, action: str, typed=None
) -> str | None:
    """Add an empty item to a repeating group of the page, or remove one, on the page as
    `typed` (as just sent; else as kept); the anchor to show."""
    kind, group_id, *index = action.split(":")
    group = next((f for f in page.fields if f.id == group_id), None)
    if group is None or not group.kind.holds_items:
        abort(400)
    remove = item_index(index[0]) if kind == "remove" and index else None
    raw_page = typed if typed is not None else state["raw"].get(page.id)
    changed = change_items(
        case_type, page.id, group_id, raw_page, state["answers"], kind == "add", remove
    )
    if changed is None:
        flash(group.kind.too_many_message(group), "error")
        return group_id
    raw, answers, removed = changed
    if removed:  # as on a school's draft: a success banner, which screen readers announce
        flash(removed, "success")
    state["raw"] = {**state["raw"], page.id: raw}
    state["answers"] = answers
    if kind == "add":  # straight to the new item
        return input_name(group_id, len(raw[group_id]) - 1)
    return None if removed else group_id  # the banner takes the focus: see cases/pages.py


def _asking(case_type: CaseType, page: Page, state: dict, action: str, typed, urls: Urls):
    """As on a school's draft (cases/pages.py): an item holding answers goes only once the
    user says so, on a page of its own; the page is kept as typed meanwhile."""
    kind, group_id, *index = action.split(":")
    remove = item_index(index[0]) if kind == "remove" and index else None
    if remove is None:
        return None
    group = next((f for f in page.fields if f.id == group_id and f.kind.holds_items), None)
    if (
        group is None
        or typed_item(case_type, page.id, group_id, typed, state["answers"], remove) is None
    ):
        return None
    state["raw"] = {**state["raw"], page.id: typed}
    change = request.args.get("change") or None
    return redirect(
        urls.to("remove_item", page_id=page.id, group_id=group_id, index=remove, change=change)
    )


def remove_item(
    case_type: CaseType, page: Page, state: dict, urls: Urls, group_id: str, index: int
):
    """ "Are you sure you want to remove witness 1?", as schools are asked (cases/removing.py):
    Yes removes the item only if it still holds what the page showed."""
    group = next((f for f in page.fields if f.id == group_id and f.kind.holds_items), None)
    if group is None:
        abort(404)
    changing = request.args.get("change") or None
    raw_page = state["raw"].get(page.id)
    item = typed_item(case_type, page.id, group_id, raw_page, state["answers"], index)
    if item is None:  # gone meanwhile (another tab), or blank: nothing to ask about
        return redirect(urls.page(page.id, change=changing))
    form, yes, changed = removing.answered(item)
    if yes:
        change_group(case_type, page, state, f"remove:{group_id}:{index}")
        return redirect(urls.page(page.id, change=changing))
    back = urls.page(page.id, change=changing, _anchor=input_name(group_id, index))
    case = PreviewCase(case_type_name=case_type.name)
    template = "preview/remove_item.html"
    return removing.ask(template, case, group, item, index, form, back, changed, urls=urls)


def _digest(warnings) -> str:
    text = "|".join(f"{w.key}:{w.message}" for w in warnings)
    return hashlib.sha256(text.encode()).hexdigest()[:16] if warnings else ""


def autosave(case_type: CaseType, page: Page, state: dict):
    """The background save of a previewed page (static/js/autosave.js): kept in memory."""
    save_page(case_type, page, state)
    return {"saved": True, "page_version": state["versions"][page.id]}


def check_answers(case_type: CaseType, state: dict, urls: Urls, sent: bool = False):
    """ "Check your answers" as schools see it; sending only says whether the case could go."""
    answers = state["answers"]
    problems = case_type.problems(answers)
    declared = request.form.get("declared") == "y"
    if sent and case_type.declaration and not declared:
        problems["declaration"] = []
    problem_list = [
        {"text": "Tick the box to confirm the declaration", "href": "#declared"}
        if page_id == "declaration"
        else {
            "text": f"{case_type.page(page_id).title}: {len(errors)} answer"
            f"{'s' if len(errors) != 1 else ''} to complete or correct",
            "href": urls.page(page_id),
        }
        for page_id, errors in problems.items()
    ]
    return render_template(
        "preview/check_answers.html",
        case=PreviewCase(),
        case_type=case_type,
        sections=case_type.summary_sections(answers),
        problems=problems,
        problem_list=problem_list,  # as the portal's page: what is unfinished, at once
        could_send=sent and not problems,
        urls=urls,
        back_url=urls.to("tasks" if case_type.sections else "case_type"),
        change_url=lambda page_id, anchor: urls.page(page_id, change=1) + f"#{anchor}",
    )
