"""The pages of `portal preview`: an index of the case types, each case type's pages (every
one opens directly), the pages themselves and Check your answers. While a file is broken,
every page shows the validator's problems instead."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from engine import CaseType
from webapp.preview import pages
from webapp.preview.pages import Urls
from webapp.web.request_guard import answers_posted

bp = Blueprint("preview", __name__)


class _Broken(Exception):
    """The files have errors: the problems are shown instead of any page."""


def _catalogue():
    catalogue = current_app.extensions["preview_catalogue"].current()
    if catalogue.errors:
        raise _Broken
    return catalogue


@bp.app_errorhandler(_Broken)
def _problems(_error):
    catalogue = current_app.extensions["preview_catalogue"].current()
    return render_template(
        "preview/problems.html",
        problems=[str(p) for p in catalogue.problems],
        errors=len(catalogue.errors),
    ), 200


def _case_type(case_type_id: str) -> tuple[CaseType, dict, Urls]:
    """The case type, this browser's answers to it and its pages' addresses; 404 if none."""
    case_type = _catalogue().get(case_type_id)
    if case_type is None:
        abort(404)
    # Answers are kept per version: a changed file with a new version starts afresh.
    state = current_app.extensions["preview_answers"].state(f"{case_type.id}@{case_type.version}")
    urls = Urls("preview.", {"case_type_id": case_type.id}, index=_index_url())
    return case_type, state, urls


def _index_url() -> str:
    return url_for("preview.index")


@bp.route("/")
def index():
    """The case types by category, each linking to its pages."""
    categories = [
        (
            category,
            [
                {"name": t.name, "href": url_for("preview.case_type", case_type_id=t.id)}
                for t in entries
                if isinstance(t, CaseType)
            ],
        )
        for category, entries in sorted(_catalogue().categories().items())
    ]
    categories = [(c, entries) for c, entries in categories if entries]
    return render_template(
        "preview/index.html",
        categories=categories,
        heading="Case types",
        intro="Each form as schools will see it. Open a case type to see its pages.",
    )


@bp.route("/<case_type_id>/")
def case_type(case_type_id: str):
    case_type, state, urls = _case_type(case_type_id)
    return pages.overview(case_type, state, urls)


@bp.route("/<case_type_id>/tasks")
def tasks(case_type_id: str):
    case_type, state, urls = _case_type(case_type_id)
    return pages.tasks(case_type, state, urls)


@bp.route("/<case_type_id>/pages/<page_id>", methods=["GET", "POST"])
@answers_posted  # NUL pasted into an answer is taken out, not refused
def page(case_type_id: str, page_id: str):
    case_type, state, urls = _case_type(case_type_id)
    page = pages.page_or_404(case_type, page_id)
    if request.method == "POST":
        return pages.answer_page(case_type, page, state, urls)
    return pages.show_page(case_type, page, state, urls)


@bp.route("/<case_type_id>/pages/<page_id>/remove/<group_id>/<int:index>", methods=["GET", "POST"])
def remove_item(case_type_id: str, page_id: str, group_id: str, index: int):
    case_type, state, urls = _case_type(case_type_id)
    page = pages.page_or_404(case_type, page_id)
    return pages.remove_item(case_type, page, state, urls, group_id, index)


@bp.route("/<case_type_id>/pages/<page_id>/autosave", methods=["POST"])
@answers_posted  # NUL pasted into an answer is taken out, not refused
def autosave(case_type_id: str, page_id: str):
    case_type, state, _urls = _case_type(case_type_id)
    return jsonify(pages.autosave(case_type, pages.page_or_404(case_type, page_id), state))


@bp.route("/<case_type_id>/check", methods=["GET", "POST"])
def check(case_type_id: str):
    case_type, state, urls = _case_type(case_type_id)
    return pages.check_answers(case_type, state, urls, sent=request.method == "POST")


@bp.route("/<case_type_id>/restart", methods=["POST"])
def restart(case_type_id: str):
    case_type, _state, urls = _case_type(case_type_id)
    current_app.extensions["preview_answers"].forget(f"{case_type.id}@{case_type.version}")
    return redirect(urls.to("case_type"))
