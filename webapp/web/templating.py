"""Jinja set-up: GOV.UK Frontend macros, the council's names, and display filters."""

from __future__ import annotations

import datetime as dt
from collections import ChainMap

from flask import Flask
from flask.templating import Environment as FlaskEnvironment
from jinja2 import BytecodeCache, ChoiceLoader, PackageLoader, PrefixLoader
from jinja2.filters import do_indent
from markupsafe import Markup, escape

from engine.describe import join_words
from webapp.infra.clock import UK


class _ProcessBytecodeCache(BytecodeCache):
    """Compiled templates shared by every app in the process (tests build many apps)."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _ProcessBytecodeCache()


class _Globals(ChainMap):
    """A template's globals (its own, then the environment's) whose keys() is a set. Jinja
    subtracts them from the context's globals each time a template imports macros (a hundred
    times for a form page: every GOV.UK macro imports others); over a ChainMap's keys view that
    asks every key in Python, which was a tenth of a form page's rendering (issue 12, P2)."""

    def keys(self):  # type: ignore[override]
        return set().union(*self.maps)


_DICT_ATTRIBUTES = frozenset(dir(dict))  # all a plain dict has: it has no __dict__ of its own
_MISSING = object()


class Environment(FlaskEnvironment):
    """Flask's Jinja environment with templates' globals as _Globals (create_app uses it), and
    a cheaper `params.name` on a plain dict."""

    def make_globals(self, d):
        return _Globals({} if d is None else d, self.globals)

    def getattr(self, obj, attribute):
        """As Jinja's (an attribute first, else the item, else undefined), without raising and
        catching AttributeError and KeyError for a plain dict's keys: GOV.UK macros read their
        `params.x` about 2,500 times for a form page, most of them options not given, which
        was a tenth of its rendering (issue 12, P2)."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            value = obj.get(attribute, _MISSING)
            return self.undefined(obj=obj, name=attribute) if value is _MISSING else value
        return super().getattr(obj, attribute)


def indent(s: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    """Jinja's `indent`, given safe HTML, indenting its text and marking the result safe once,
    where Jinja's splits it into Markup lines and joins them as Markup (a check of each line):
    GOV.UK macros indent every component they nest (`| trim | indent(2)`), which was a tenth of
    a form page's rendering (issue 12, P2). The same text either way."""
    if not isinstance(s, Markup):
        return do_indent(s, width, first, blank)
    return Markup(do_indent(str(s), width, first, blank))  # noqa: S704 - s was safe already


def init_app(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            app.jinja_loader,
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    app.jinja_env.bytecode_cache = _BYTECODE
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["indent"] = indent
    app.jinja_env.filters["uk_date"] = uk_date
    app.jinja_env.filters["uk_datetime"] = uk_datetime
    app.jinja_env.filters["uk_time"] = uk_time
    app.jinja_env.filters["lines"] = lines
    app.jinja_env.filters["join_words"] = join_words  # "A", "A and B", "A, B and C"
    from engine.input_names import input_name
    from webapp.areas.cases.presenters import choice_items, input_settings
    from webapp.domain.accounts import generated_password_expired
    from webapp.web.forms import error_list, field_params
    from webapp.web.govuk_attributes import govuk_attributes

    # `user is sent_password_expired`: the password we emailed them went unused for 7 days.
    app.jinja_env.tests["sent_password_expired"] = generated_password_expired
    app.jinja_env.globals.update(
        choice_items=choice_items,
        input_settings=input_settings,
        input_name=input_name,
        error_list=error_list,
        field_params=field_params,
        govuk_attributes=govuk_attributes,
    )

    @app.context_processor
    def names():
        return {
            "council_name": app.config["PORTAL_COUNCIL_NAME"],
            "service_name": app.config["PORTAL_SERVICE_NAME"],
            "support_email": app.config["PORTAL_SUPPORT_EMAIL"],
        }


def lines(text: str | None) -> Markup:
    """Text typed on several lines (an answer, a note) as it was typed: each line escaped, a
    <br> between them (in HTML a new line is only a space)."""
    return Markup("<br>").join(escape(line) for line in str(text or "").split("\n"))


def uk_date(value: dt.datetime | dt.date | None) -> str:
    """27 March 2026 (UK time for moments)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value)
    return f"{value.day} {value:%B %Y}"


def uk_datetime(value: dt.datetime | None) -> str:
    """27 March 2026 at 2:05pm, in UK time."""
    if value is None:
        return ""
    return f"{uk_date(value)} at {uk_time(value)}"


def uk_time(value: dt.datetime) -> str:
    """2:05pm, in UK time."""
    local = _local(value)
    hour = local.hour % 12 or 12
    return f"{hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def _local(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:  # SQLite gives back naive UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(UK)
