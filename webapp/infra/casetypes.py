"""The case-type catalogue: loaded and compiled once per process, at start-up."""

from __future__ import annotations

import functools

from flask import Flask, abort, current_app

from engine import CaseType, Catalogue, load_catalogue


class CaseTypesInvalid(RuntimeError):
    """The case-type folder has errors: the portal will not start on a broken definition."""


@functools.lru_cache(maxsize=8)
def _load(path: str) -> Catalogue:
    # Compiled once per process and folder: several app instances (tests) share it.
    return load_catalogue(path)


def init_app(app: Flask) -> None:
    catalogue = _load(app.config["PORTAL_CASETYPES"])
    if catalogue.errors:
        listing = "\n".join(str(p) for p in catalogue.errors)
        raise CaseTypesInvalid(f"case types have errors (run `portal validate`):\n{listing}")
    app.extensions["catalogue"] = catalogue


def catalogue() -> Catalogue:
    return current_app.extensions["catalogue"]


def case_type_or_404(case_type_id: str) -> CaseType:
    """The compiled case type with this id; 404 when there is none."""
    found = catalogue().get(case_type_id)
    if found is None:
        abort(404)
    return found
