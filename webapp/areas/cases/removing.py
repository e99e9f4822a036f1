"""Removing an item of a repeating group that holds answers: asked first, on a page of its own
("Are you sure you want to remove child 1?"), for one key pressed by mistake (Space on "Remove
child 1" after a radio) lost everything typed about that child. A blank item goes at once."""

from __future__ import annotations

import hashlib
import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.fields.questions import lower_first
from engine.group_items import typed_item
from engine.input_names import input_name
from webapp.areas.cases import bp, services
from webapp.areas.cases.forms import ConfirmForm
from webapp.areas.cases.lookup import editable
from webapp.areas.cases.pages import visible_page
from webapp.infra.database import db

SHOWN_ANSWERS = 3  # the item's first typed answers, to tell which one it is


@bp.route(
    "/cases/<reference>/pages/<page_id>/remove/<group_id>/<int:index>", methods=["GET", "POST"]
)
@login_required
def remove_item(reference: str, page_id: str, group_id: str, index: int):
    case, case_type = editable(reference)
    page = visible_page(case, case_type, page_id)
    group = next((f for f in page.fields if f.id == group_id and f.kind.holds_items), None)
    if group is None:
        abort(404)
    changing = request.args.get("change") or None  # from a Change link: still back there after
    raw_page = case.raw_input.get(page_id)
    item = typed_item(case_type, page_id, group_id, raw_page, case.answers, index)
    on_page = url_for("cases.page", reference=reference, page_id=page_id, change=changing)
    if item is None:  # gone meanwhile (another tab), or blank: nothing to ask about
        return redirect(on_page)
    form, yes, changed = answered(item)
    if yes:
        removed = services.change_group_items(
            db(), case, case_type, page_id, group_id, remove=index, typed=raw_page
        )
        if removed:
            flash(removed, "success")
        return redirect(on_page)
    back = url_for(
        "cases.page",
        reference=reference,
        page_id=page_id,
        change=changing,
        _anchor=input_name(group_id, index),
    )
    return ask("cases/remove_item.html", case, group, item, index, form, back, changed)


def answered(item: dict) -> tuple[ConfirmForm, bool, bool]:
    """The question's form; whether Yes was sent about this very item; whether the item
    changed since the user was asked (then nothing is removed, and they are asked again)."""
    form = ConfirmForm()
    asked_about = request.form.get("item")  # the item the page asked about, as it was then
    changed = form.is_submitted() and asked_about != _fingerprint(item)
    return form, not changed and form.validate_on_submit(), changed


def ask(template: str, case, group, item: dict, index: int, form, back: str, changed, **more):
    """ "Are you sure you want to remove child 1?", with its first answers to tell which; the
    portal's page and the preview's (webapp/preview/pages.py) alike."""
    name = group.settings.get("item_label", "Item")
    return render_template(
        template,
        case=case,
        form=form,
        item=f"{lower_first(name)} {index + 1}",
        answers=_first_answers(group, item),
        back=back,
        fingerprint=_fingerprint(item),
        changed=changed,
        **more,
    )


def _fingerprint(item: dict) -> str:
    """What the item held when the user was asked: a page left open in a tab while an item
    before it was removed in another still says "Yes, remove child 1", and removed whichever
    child had slid into place 1 since. Asked about another item, the user is asked again."""
    held = json.dumps(item, sort_keys=True, default=str).encode()
    return hashlib.sha256(held).hexdigest()[:32]


def _first_answers(group, item) -> list[str]:
    """The item's first typed answers that are text ("Mia", "Khan"), to tell which it is."""
    typed = [item.get(n.id) for n in group.fields if n.kind.is_input]
    return [" ".join(t.split()) for t in typed if isinstance(t, str) and t.strip()][:SHOWN_ANSWERS]
