"""What every list of cases shares: the columns it sorts by (My cases and the officers' queue
add their own), its filters by equal values, and its search by part of a reference."""

from __future__ import annotations

import re

from sqlalchemy import Integer, Select, func, select
from sqlalchemy.orm import aliased

from webapp.models import Case
from webapp.web.partitions import Found

CASE_SORTS = {
    # PTT9999 before PTT10000; typed, so that a cursor's values are checked against it
    "reference": (func.length(Case.reference, type_=Integer), Case.reference),
    "case_type": (Case.case_type_name,),
    "submitted": (Case.submitted_at,),
    "activity": (Case.activity_label,),
    "status": (Case.status,),
}


def filtered_by(query: Select, *wanted: tuple) -> Select:
    """The query narrowed to cases whose column equals the value, for each (column, value) pair
    whose value is set (an empty filter filters nothing)."""
    for column, value in wanted:
        if value:
            query = query.where(column == value)
    return query


# The fewest characters of a reference a search takes: the trigram index finds a part of a
# reference by its runs of three characters, and has none for one or two, so that a search
# for "ZZ" read every case of the table (2.5-10 s at 1M cases).
SHORTEST_SEARCH = 3
SEARCH_TOO_SHORT = f"Enter at least {SHORTEST_SEARCH} characters of the reference"


def _term(text: str) -> str:
    """The reference as typed, in the references' own form: capitals; a run of spaces, dots,
    slashes or dashes between two words read as the hyphen between them ("EDU SENED PTT"),
    and left out before the number ("PTT 1033") and at either end."""
    words = [w for w in _NOT_IN_REFERENCES.split(text.upper()) if w]
    term = words[0] if words else ""
    for word in words[1:]:
        term += ("-" if term[-1].isalpha() and word[0].isalpha() else "") + word
    return term


_NOT_IN_REFERENCES = re.compile(r"[^A-Z0-9]+")  # % and _ too, which LIKE would read


def reference_search_problem(text: str) -> list[dict]:
    """The search box's problem, for the page's error summary (none, or a search too short
    to be made: the list is then shown as if not searched). A text of only dashes, dots or %
    ("---") is one too: nothing of it is searched, and it is not an empty box."""
    if text.strip() and len(_term(text)) < SHORTEST_SEARCH:
        return [{"text": SEARCH_TOO_SHORT, "href": "#reference"}]
    return []


def with_reference_holding(query: Select, text: str) -> Select:
    """Only the cases whose reference holds `text` (part of it, as a school reads it out; any
    letter case; spaces, dots, slashes and dashes read as its hyphens, and % and _ left out:
    _term), as the trigram index on upper(reference) serves; a text of fewer than
    SHORTEST_SEARCH characters searches nothing (reference_search_problem)."""
    term = _term(text)
    if len(term) < SHORTEST_SEARCH:
        return query
    return query.where(func.upper(Case.reference).contains(term))


def found_by_reference(text: str) -> Found | None:
    """Every case whose reference holds `text`, as the trigram index finds them (None when
    `text` searches nothing): what a listing's count of a search is read from (fetch_page)."""
    term = _term(text)
    if len(term) < SHORTEST_SEARCH:
        return None
    found = aliased(Case)
    return Found(Case.id, select(found.id).where(func.upper(found.reference).contains(term)))
