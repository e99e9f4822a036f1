"""Answers typed in a preview, kept in this process's memory per browser: nothing is written
to any database. A browser is known by a random key in its signed session cookie; the least
recently used browsers are forgotten past a bound, so memory stays small."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict

from flask import session

SESSION_KEY = "preview_browser"


class AnswerStore:
    """What each browser typed, by case type (and version): answers, raw input, page versions."""

    def __init__(self, browsers: int = 200, forms_each: int = 20):
        self.browsers = browsers
        self.forms_each = forms_each
        self._lock = threading.Lock()
        self._kept: OrderedDict[str, OrderedDict[str, dict]] = OrderedDict()

    def state(self, form_key: str) -> dict:
        """The answers of this browser for one form (created empty): a dict the views change."""
        browser = session.get(SESSION_KEY)
        if not isinstance(browser, str) or not browser:
            browser = session[SESSION_KEY] = secrets.token_urlsafe(16)
        with self._lock:
            forms = self._kept.setdefault(browser, OrderedDict())
            self._kept.move_to_end(browser)
            while len(self._kept) > self.browsers:
                self._kept.popitem(last=False)
            state = forms.setdefault(form_key, empty_state())
            forms.move_to_end(form_key)
            while len(forms) > self.forms_each:
                forms.popitem(last=False)
            return state

    def forget(self, form_key: str) -> None:
        """Start the form again: this browser's answers to it are dropped."""
        browser = session.get(SESSION_KEY)
        with self._lock:
            self._kept.get(browser, {}).pop(form_key, None)

    def count(self) -> int:
        """How many forms are being previewed, in all browsers (tests look)."""
        with self._lock:
            return sum(len(forms) for forms in self._kept.values())


def empty_state() -> dict:
    return {"answers": {}, "raw": {}, "versions": {}, "acknowledged": {}}
