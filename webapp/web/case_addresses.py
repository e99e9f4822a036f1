"""A case's address with its reference in small letters (/cases/edu-sened-ptt1033, typed or
pasted from an email) leads to its canonical address in capitals, permanently.

References are capitals, digits and hyphens only (the case-type schema's `reference` prefix
and code), so the capitals are the only spelling a case can have. The redirect is decided on
the address alone, before anything is read: a case the user may not see, or one that does not
exist, is redirected just the same and then answers the same 404 as ever, so it tells nobody
whether a reference exists.
"""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for


def canonical_references(bp: Blueprint) -> None:
    """Every view of `bp` taking a `reference` answers a small-letter one with a permanent
    redirect (308: a form sent there is sent again, unchanged) to the same view in capitals."""

    @bp.before_request
    def to_capitals():
        reference = (request.view_args or {}).get("reference")
        if not isinstance(reference, str) or not reference.isascii():
            return None  # nothing to put in capitals: the view answers as it would
        if reference == reference.upper():
            return None
        address = url_for(request.endpoint, **{**request.view_args, "reference": reference.upper()})
        if request.query_string:
            address += "?" + request.query_string.decode("ascii", "replace")
        return redirect(address, 308)
