"""Council admin's preview of the case types: each deployed case type, at its current version
and at every version stored with the cases sent with it ("what a school saw when it filled
version 3"), shown with the pages schools see (webapp/preview/pages.py). Answers typed stay in
this process's memory; nothing is written to the database. Council admins only, as every page
of the area (routes.py's restrict()); an unknown case type or version is 404."""

from __future__ import annotations

import functools
import json

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from engine import CaseType, compile_definition
from webapp.areas.council_admin import bp
from webapp.infra.casetypes import catalogue
from webapp.infra.database import db
from webapp.models import CaseTypeVersion
from webapp.preview import pages
from webapp.preview.pages import Urls
from webapp.preview.store import AnswerStore
from webapp.web.request_guard import answers_posted

_ANSWERS = AnswerStore()  # per process: a preview is a scratch pad, not a record
PREFIX = "council_admin.preview_"


def stored_versions(case_type_id: str | None = None) -> dict[str, list[int]]:
    """The versions kept in the database (those cases were sent with), by case type."""
    query = select(CaseTypeVersion.case_type_id, CaseTypeVersion.version)
    if case_type_id is not None:
        query = query.where(CaseTypeVersion.case_type_id == case_type_id)
    found: dict[str, list[int]] = {}
    for type_id, version in db().execute(query.order_by(CaseTypeVersion.version)):
        found.setdefault(type_id, []).append(version)
    return found


def _version_of(case_type_id: str, version: int) -> CaseType:
    """A deployed case type at one of its versions: the current one, or one stored; 404."""
    current = catalogue().get(case_type_id)
    if current is None or not 0 < version < 2**31:  # beyond an INTEGER column: none (review)
        abort(404)
    if version == current.version:
        return current
    stored = db().get(CaseTypeVersion, (case_type_id, version))
    if stored is None:
        abort(404)
    return _compiled(case_type_id, version, json.dumps(stored.definition, sort_keys=True))


@functools.lru_cache(maxsize=64)
def _compiled(case_type_id: str, version: int, definition: str) -> CaseType:
    return compile_definition(json.loads(definition), f"{case_type_id} v{version}")


def _opened(case_type_id: str, version: int) -> tuple[CaseType, dict, Urls]:
    case_type = _version_of(case_type_id, version)
    key = f"{current_user.id}:{case_type_id}@{version}"
    urls = Urls(
        PREFIX,
        {"case_type_id": case_type_id, "version": version},
        index=url_for("council_admin.preview_index"),
    )
    return case_type, _ANSWERS.state(key), urls


def _label(case_type: CaseType, version: int) -> str:
    current = catalogue().get(case_type.id)
    now = current is not None and current.version == version
    return f"version {version}{' (current)' if now else ''}"


@bp.route("/case-types")
@login_required
def preview_index():
    """Every deployed case type with its current and stored versions, each opening a preview."""
    stored = stored_versions()
    rows = []
    for case_type in catalogue().case_types.values():
        versions = sorted({*stored.get(case_type.id, []), case_type.version}, reverse=True)
        rows.append((case_type, versions))
    rows.sort(key=lambda row: (row[0].category.lower(), row[0].name.lower()))
    return render_template("council_admin/case_types.html", rows=rows)


@bp.route("/case-types/<case_type_id>/v<int:version>/")
@login_required
def preview_case_type(case_type_id: str, version: int):
    case_type, state, urls = _opened(case_type_id, version)
    return pages.overview(case_type, state, urls, version_label=_label(case_type, version))


@bp.route("/case-types/<case_type_id>/v<int:version>/tasks")
@login_required
def preview_tasks(case_type_id: str, version: int):
    case_type, state, urls = _opened(case_type_id, version)
    return pages.tasks(case_type, state, urls, version_label=_label(case_type, version))


@bp.route("/case-types/<case_type_id>/v<int:version>/pages/<page_id>", methods=["GET", "POST"])
@answers_posted  # NUL pasted into an answer is taken out, not refused
@login_required
def preview_page(case_type_id: str, version: int, page_id: str):
    case_type, state, urls = _opened(case_type_id, version)
    page = pages.page_or_404(case_type, page_id)
    if request.method == "POST":
        return pages.answer_page(case_type, page, state, urls)
    return pages.show_page(case_type, page, state, urls)


@bp.route(
    "/case-types/<case_type_id>/v<int:version>/pages/<page_id>/remove/<group_id>/<int:index>",
    methods=["GET", "POST"],
)
@login_required
def preview_remove_item(case_type_id: str, version: int, page_id: str, group_id: str, index: int):
    case_type, state, urls = _opened(case_type_id, version)
    page = pages.page_or_404(case_type, page_id)
    return pages.remove_item(case_type, page, state, urls, group_id, index)


@bp.route("/case-types/<case_type_id>/v<int:version>/pages/<page_id>/autosave", methods=["POST"])
@answers_posted  # NUL pasted into an answer is taken out, not refused
@login_required
def preview_autosave(case_type_id: str, version: int, page_id: str):
    case_type, state, _urls = _opened(case_type_id, version)
    return jsonify(pages.autosave(case_type, pages.page_or_404(case_type, page_id), state))


@bp.route("/case-types/<case_type_id>/v<int:version>/check", methods=["GET", "POST"])
@login_required
def preview_check(case_type_id: str, version: int):
    case_type, state, urls = _opened(case_type_id, version)
    return pages.check_answers(case_type, state, urls, sent=request.method == "POST")


@bp.route("/case-types/<case_type_id>/v<int:version>/restart", methods=["POST"])
@login_required
def preview_restart(case_type_id: str, version: int):
    _case_type, _state, urls = _opened(case_type_id, version)
    _ANSWERS.forget(f"{current_user.id}:{case_type_id}@{version}")
    return redirect(urls.to("case_type"))
