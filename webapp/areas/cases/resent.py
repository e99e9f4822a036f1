"""A case page's form sent again by the browser itself: Back (or Reload) to a page that had
come back with its errors makes the browser send that same form again ("Confirm Form
Resubmission"). Its answers are older than those the school saved since, in the same tab; it
is not another tab's copy, and is not to be offered as one to save over them.

The session keeps a keyed digest of the last few forms of case pages it saved (never their
answers: signed with the app's secret key under a salt of its own, as parking.py signs, so
that the cookie cannot be tried against guesses).
A form that comes back stale with a digest the session sent before is the browser's repeat."""

from __future__ import annotations

import hashlib

from flask import current_app, request, session
from itsdangerous import Signer

KEPT = 8  # forms remembered a session: more than a user goes Back through in one tab
_KEY = "sent_pages"
_SALT = "case-page-sent"  # this digest's own key, apart from the cookie's and parking's

RESENT = (
    "You went back to a page you had already sent. It shows your answers as they are saved "
    "now: nothing was changed."
)


def _digest(reference: str, page_id: str) -> str | None:
    """The keyed digest of the form as sent (without its CSRF token); None when it carries a
    file (a file chosen again is a new upload, judged as ever)."""
    if any(storage.filename for storage in request.files.values()):
        return None
    fields = sorted((k, v) for k, v in request.form.items(multi=True) if k != "csrf_token")
    message = repr((reference, page_id, fields)).encode("utf-8", "surrogatepass")
    signer = Signer(current_app.secret_key, salt=_SALT, digest_method=hashlib.sha256)
    return signer.get_signature(message).decode()[:24]


def remember(reference: str, page_id: str) -> None:
    """Note that this session saved the page's form as sent."""
    digest = _digest(reference, page_id)
    if digest is None:
        return
    earlier = [d for d in session.get(_KEY, []) if d != digest]
    session[_KEY] = [*earlier[-(KEPT - 1) :], digest]


def sent_before(reference: str, page_id: str) -> bool:
    """Whether this session saved this very form before (the browser sending it again)."""
    digest = _digest(reference, page_id)
    return digest is not None and digest in session.get(_KEY, [])
