"""What every request must be before any view reads it: forms of a bounded size, and no NUL.

Werkzeug bounds multipart forms only (MAX_FORM_PARTS values, MAX_FORM_MEMORY_SIZE bytes per
value); here url-encoded bodies get the same two limits (the whole body within
MAX_FORM_MEMORY_SIZE). Past a limit the answer is 413 with the portal's page.

A NUL character (U+0000) is refused with 400: PostgreSQL cannot store it in text or JSON, a
browser never sends it from what someone typed, and quietly dropping it would change what was
sent (a password, say) without a word. Except in the answers a case page sends, and an
officer's notes on Caseviewer's case page (views marked `answers_posted`): there it comes from
text pasted from a PDF or another program, it shows as nothing, and refusing the page lost
everything typed on it, so it is taken out of the values (never out of names or file names,
which are refused as anywhere else).
"""

from __future__ import annotations

import io

from flask import Flask, Request, current_app, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

# Values a case page sends besides its questions' answers (CSRF token, page version, ...).
PAGE_OVERHEAD = 20


class NulCharacter(BadRequest):
    """A request with U+0000 in its address, query or form."""

    portal_message = (
        "What was sent contains a null character (U+0000), which the service cannot accept. "
        "It can come from text pasted from another program: remove it and try again."
    )


class _FormParser(FormDataParser):
    """Werkzeug's form parser, with its multipart limits applied to url-encoded bodies too."""

    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        limit = self.max_form_memory_size
        body = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(body) > limit:
            raise RequestEntityTooLarge()
        if self.max_form_parts is not None and body.count(b"&") >= self.max_form_parts:
            raise RequestEntityTooLarge()
        return super()._parse_urlencoded(io.BytesIO(body), mimetype, content_length, options)


class PortalRequest(Request):
    form_data_parser_class = _FormParser


def init_app(app: Flask) -> None:
    """Bound every form, MAX_FORM_PARTS raised to fit the case types' largest page; refuse NUL.

    Call before anything else that reads requests (CSRF, sessions), after the case types.
    """
    app.request_class = PortalRequest
    catalogue = app.extensions["catalogue"]
    largest = max(
        (t.form_keys(page.id) for t in catalogue.case_types.values() for page in t.pages),
        default=0,
    )
    app.config["MAX_FORM_PARTS"] = max(app.config["MAX_FORM_PARTS"], largest + PAGE_OVERHEAD)
    app.before_request(refuse_nul)


def answers_posted(view):
    """Mark a view whose form values are typed answers: NUL is taken out of them, not refused."""
    view.answers_posted = True
    return view


def refuse_nul() -> None:
    """400 when the path, the query or the form (names, values, file names) holds U+0000,
    or when a form part has no name that can be read; an answers_posted view's form values
    lose theirs instead."""
    texts = [request.path]
    if None in request.form or None in request.files:
        raise BadRequest()  # a multipart part whose name Werkzeug could not read (a new line)
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "answers_posted", False):  # every value of a name, not the first only
        pairs = list(request.form.items(multi=True))
        if any("\x00" in value for _key, value in pairs):
            request.form = ImmutableMultiDict((k, v.replace("\x00", "")) for k, v in pairs)
    for data in (request.args, request.form):
        texts.extend(key for key in data)
        texts.extend(value for _key, value in data.items(multi=True))
    for key, storage in request.files.items(multi=True):
        texts.extend((key, storage.filename or ""))
    if any("\x00" in text for text in texts):
        raise NulCharacter()
