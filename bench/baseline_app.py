"""The baselines the portal is measured against: what the same work costs done minimally.

    BENCH_DATABASE_URL=postgresql://... gunicorn --chdir bench baseline_app:app
    (a database bench/data.py filled)

- GET /form/<case id>: the part-time timetable's first page ("About the child", the questions
  P2 fetches from the portal) as a Flask-WTF form (CSRF token in a signed session cookie),
  prefilled from the case's answers read with one SELECT, rendered with the same GOV.UK Frontend
  macros (govuk-frontend-jinja) in a page with a header, navigation and footer;
- POST /autosave/<case id>: the form's fields kept with one `UPDATE ... RETURNING` (P3), answered
  with JSON as the portal's autosave is.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import threading
from pathlib import Path

import psycopg
from flask import Flask, jsonify, render_template, request
from flask_wtf import FlaskForm
from jinja2 import ChoiceLoader, DictLoader, PackageLoader, PrefixLoader
from wtforms import RadioField, SelectField, StringField

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import load_catalogue  # noqa: E402

PAGE = ("part-time-timetable", "child")

LAYOUT = """
{% from "govuk_frontend_jinja/components/skip-link/macro.html" import govukSkipLink %}
{% from "govuk_frontend_jinja/components/service-navigation/macro.html"
   import govukServiceNavigation %}
{% from "govuk_frontend_jinja/components/back-link/macro.html" import govukBackLink %}
{% from "govuk_frontend_jinja/components/input/macro.html" import govukInput %}
{% from "govuk_frontend_jinja/components/select/macro.html" import govukSelect %}
{% from "govuk_frontend_jinja/components/radios/macro.html" import govukRadios %}
{% from "govuk_frontend_jinja/components/date-input/macro.html" import govukDateInput %}
{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}
{% from "govuk_frontend_jinja/components/footer/macro.html" import govukFooter %}
<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head><meta charset="utf-8"><title>{{ title }} – School Portal</title>
<link rel="stylesheet" href="/static/app.css"></head>
<body class="govuk-template__body">
{{ govukSkipLink({'href': '#main-content', 'text': 'Skip to main content'}) }}
<header class="app-header"><div class="govuk-width-container">School Portal</div></header>
{{ govukServiceNavigation({'navigation': [
  {'href': '/', 'text': 'Home'}, {'href': '/submit-case', 'text': 'Submit case'},
  {'href': '/my-cases', 'text': 'My cases', 'active': true},
  {'href': '/sign-out', 'text': 'Sign out'}]}) }}
<div class="govuk-width-container">
{{ govukBackLink({'href': '/my-cases', 'text': 'Back'}) }}
<main class="govuk-main-wrapper" id="main-content">
<div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds">
<span class="govuk-caption-l">{{ reference }}</span>
<h1 class="govuk-heading-l">{{ title }}</h1>
<form method="post" novalidate>
{{ form.csrf_token }}
{% for q in questions %}{% set f = form[q.id] %}
{% if q.kind == 'date' %}
{{ govukDateInput({'id': q.id, 'namePrefix': q.id, 'fieldset': {'legend': {'text': q.label}},
  'hint': {'text': q.hint} if q.hint else none,
  'items': [{'name': 'day', 'classes': 'govuk-input--width-2', 'value': dates[q.id].day},
            {'name': 'month', 'classes': 'govuk-input--width-2', 'value': dates[q.id].month},
            {'name': 'year', 'classes': 'govuk-input--width-4', 'value': dates[q.id].year}]}) }}
{% elif q.kind == 'select' %}
{{ govukSelect({'id': q.id, 'name': q.id, 'label': {'text': q.label},
  'items': [{'value': '', 'text': 'Choose'}] + q.items(f.data)}) }}
{% elif q.kind in ('radios', 'yes_no') %}
{{ govukRadios({'name': q.id, 'fieldset': {'legend': {'text': q.label}}, 'items': q.items(f.data),
  'classes': 'govuk-radios--inline' if q.kind == 'yes_no' else ''}) }}
{% else %}
{{ govukInput({'id': q.id, 'name': q.id, 'label': {'text': q.label}, 'value': f.data or '',
  'hint': {'text': q.hint} if q.hint else none}) }}
{% endif %}{% endfor %}
{{ govukButton({'text': 'Continue', 'preventDoubleClick': true}) }}
</form></div></div></main></div>
{{ govukFooter({}) }}
</body></html>
"""


class Question:
    """One question of the page as the template needs it."""

    def __init__(self, field):
        self.id, self.label, self.hint = field.id, field.label, field.hint
        self.kind = field.kind.name
        if self.kind == "yes_no":
            self.options = [("yes", "Yes"), ("no", "No")]
        else:
            self.options = [(o.value, o.label) for o in field.options]

    def items(self, chosen):
        key = "selected" if self.kind == "select" else "checked"
        return [{"value": v, "text": t, key: v == chosen} for v, t in self.options]


def _questions():
    case_type = load_catalogue(str(ROOT / "casetypes")).get(PAGE[0])
    return [Question(f) for f in case_type.page(PAGE[1]).fields if f.kind.is_input]


def _form_class(questions):
    class PageForm(FlaskForm):
        pass

    for q in questions:
        if q.kind in ("radios", "yes_no"):
            setattr(PageForm, q.id, RadioField(q.label, choices=q.options, validate_choice=False))
        elif q.kind == "select":
            setattr(PageForm, q.id, SelectField(q.label, choices=q.options, validate_choice=False))
        else:
            setattr(PageForm, q.id, StringField(q.label))
    return PageForm


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = secrets.token_hex(32)
    app.jinja_loader = ChoiceLoader(
        [
            DictLoader({"page.html": LAYOUT}),  # compiled once, cached as the portal's are
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True  # as the portal's
    url = os.environ["BENCH_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    questions = _questions()
    page_form = _form_class(questions)
    mine = threading.local()  # a connection per thread: gunicorn's gthread workers share none

    def database():
        if getattr(mine, "connection", None) is None or mine.connection.closed:
            mine.connection = psycopg.connect(url, autocommit=True)
        return mine.connection

    @app.get("/form/<int:case_id>")
    def form(case_id: int):
        row = (
            database()
            .execute("SELECT reference, answers FROM cases WHERE id = %s", (case_id,))
            .fetchone()
        )
        answers = json.loads(row[1]) if isinstance(row[1], str) else row[1]
        dates = {}
        for q in questions:
            if q.kind == "date":
                year, month, day = (answers.get(q.id) or "--").split("-")
                dates[q.id] = {"day": day.lstrip("0"), "month": month.lstrip("0"), "year": year}
        data = {q.id: answers.get(q.id) for q in questions if q.kind != "date"}
        for q in questions:
            if q.kind == "yes_no" and isinstance(data.get(q.id), bool):
                data[q.id] = "yes" if data[q.id] else "no"
        filled = page_form(data=data)
        return render_template(
            "page.html",
            form=filled,
            questions=questions,
            dates=dates,
            title="About the child",
            reference=row[0],
        )

    @app.post("/autosave/<int:case_id>")
    def autosave(case_id: int):
        typed = {k: v for k, v in request.form.items() if k not in ("csrf_token", "page_version")}
        version = (
            database()
            .execute(
                "UPDATE cases SET raw_input = %s, updated_at = now(), "
                "row_version = row_version + 1 WHERE id = %s RETURNING row_version",
                (json.dumps({"child": typed}), case_id),
            )
            .fetchone()[0]
        )
        return jsonify(saved=True, page_version=version)

    return app


app = create_app() if os.environ.get("BENCH_DATABASE_URL") else None
