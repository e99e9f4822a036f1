"""An address that matches no page but sits below one (/caseviewer/cases, shortened from a
case's address; /cases/REF/pages; /my-cases/ with a slash added) leads to the nearest page
above it, not to "Page not found": users shorten addresses to go up, and add slashes.

The redirect is decided on the address and the portal's routes alone, before anything is
read: a case the user may not see, or one that does not exist, is redirected just the same
and then answers the same 404 as ever, so it tells nobody whether a reference exists. Home
never counts as the nearest page (an address nothing else is above is a typo, and "Page not
found" says to check it), nor do the API's addresses, which answer in problem details.
"""

from __future__ import annotations

from flask import current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

LEFT_ALONE = ("api", "static")  # first segments whose addresses answer as they are


def nearest_page() -> str | None:
    """The address of the nearest page above this request's unmatched one, or None."""
    if request.url_rule is not None or request.method not in ("GET", "HEAD"):
        return None  # a page that exists answered 404 itself: its answer stands
    # Whole segments only (an empty one, as in //evil.example, is dropped: never a
    # protocol-relative address); the path itself is tried without its slash.
    segments = [segment for segment in request.path.split("/") if segment]
    if not segments or segments[0] in LEFT_ALONE:
        return None
    adapter = current_app.create_url_adapter(request)
    deepest = _deepest_page(current_app)  # longer addresses than any page's: never tried
    tried = [segments] if request.path.endswith("/") and len(segments) <= deepest else []
    tried += [segments[:n] for n in range(min(len(segments) - 1, deepest), 0, -1)]  # not Home
    for kept in tried:
        address = "/" + "/".join(kept)
        for candidate in (address, address + "/"):
            try:
                endpoint, _args = adapter.match(candidate, method="GET")
            except (RequestRedirect, HTTPException):
                continue  # a redirect: the other spelling is the page's own
            if endpoint != "static":
                query = request.query_string.decode("ascii", "replace")
                return candidate + ("?" + query if query else "")  # /my-cases/?status=Draft
    return None


def _deepest_page(app) -> int:
    """The most segments a page's address has (the API's and static files' left alone): an
    address of thousands, each tried as a route, cost any visitor's request half a second."""
    if "nearest_page_depth" not in app.extensions:
        depths = [
            rule.rule.strip("/").count("/") + 1
            for rule in app.url_map.iter_rules()
            if rule.rule.strip("/").split("/")[0] not in LEFT_ALONE
        ]
        app.extensions["nearest_page_depth"] = max(depths, default=0)
    return app.extensions["nearest_page_depth"]
