"""What every list of cases shares: the columns it sorts by (My cases and the officers' queue
add their own), its filters by equal values, and its search by part of a reference."""

from __future__ import annotations

from sqlalchemy import Integer, Select, func

from webapp.models import Case

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


def with_reference_holding(query: Select, text: str) -> Select:
    """Only the cases whose reference holds `text` (part of it, as a school reads it out; any
    letter case; % and _, which no reference holds, are left out), as the trigram index on
    upper(reference) serves."""
    term = text.strip().upper().replace("%", "").replace("_", "")
    return query.where(func.upper(Case.reference).contains(term)) if term else query
