"""Whether a case type's cases all hold one name (and one service), for the lists of cases
sorted by case type or service (issue 12). A case keeps the name and service its case type had
when it was started, so a renamed case type's cases hold two; while they hold one, a list kept
to the case type is in the order of its ids, and is read so: in an index's order with the name
given, never past every other name's cases first. Each is asked of ix_cases_type_names (case
type, name, service): its first and last entries of the case type, whatever the cases."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, func, literal, select, union_all
from sqlalchemy.orm import Session

from webapp.models import Case
from webapp.web.partitions import Partition


def names_held(session: Session, case_type_ids: Collection[str]) -> dict[str, str | None]:
    """For each of the case types, the one name all its cases hold, in the database's order of
    names (None for a type with no cases; left out when its cases hold two or more: a case
    keeps the name its case type had when it was started, so a rename leaves two).

    Sorted by case type, a list kept to one case type (a filter, or the queue's run of each
    case type) is then in id order, read through an index of (school, name, id) or (case type,
    name, id) with the name given, never past every other name's cases first. Two probes of
    ix_cases_type_names per case type (its first and last name), whatever the cases."""
    return _alike(session, Case.case_type_name, {t: () for t in case_type_ids})


def service_held(session: Session, case_type_id: str) -> str | None:
    """The one service all the case type's cases hold (None: none, or two or more), as
    names_held: four probes of ix_cases_type_names."""
    name = names_held(session, [case_type_id]).get(case_type_id)
    if name is None:
        return None
    held = _alike(session, Case.service_name, {case_type_id: (Case.case_type_name == name,)})
    return held.get(case_type_id)


def held_alike(session: Session, case_type: str, sort: tuple) -> ColumnElement | None:
    """Kept to one case type (a filter) and sorted by its name or its service (`sort`, the
    sort's columns): that its cases all hold its one name (service), when they do, else None.
    All alike, they are sorted by the tie-breaker alone, and read through an index of
    (school, name or service, id) with it given; sorted by name, My cases of twenty schools
    were read past every other name's cases before the type's (120,000-145,000 rows, 0.4-0.5
    s, at 1M cases)."""
    column = sort[0] if len(sort) == 1 else None
    if not case_type or not (column is Case.case_type_name or column is Case.service_name):
        return None
    if column is Case.case_type_name:
        value = names_held(session, [case_type]).get(case_type)
    else:
        value = service_held(session, case_type)
    return None if value is None else column == value


def by_one_name(session: Session, case_type_ids: Collection[str]) -> Partition | None:
    """The officers' queue by case type read a case type at a time, each type's cases (all
    under its one name, names_held) in id order through an index that holds the name: that
    of (school, name, id) when one school is asked for (read in name order, the biggest
    school's queue read and sorted 74,668 rows at 1M cases; now 2,556). None when a type's
    cases hold two names (renamed), or two types one name: then read in name order."""
    names = names_held(session, case_type_ids)
    named = {case_type: (name,) for case_type, name in names.items() if name is not None}
    if set(names) != set(case_type_ids) or len(set(named.values())) < len(named):
        return None
    return Partition(Case.case_type_id, list(named), fixed=named, stated=True)


def _alike(
    session: Session, column, conditions: dict[str, tuple[ColumnElement, ...]]
) -> dict[str, str | None]:
    """For each case type (with its conditions), the one value of `column` its cases hold,
    by value: its cases' least and greatest values, each the first entry of an index run."""
    probes = [
        select(
            literal(case_type_id).label("case_type"),
            func.min(column).label("low"),
            func.max(column).label("high"),
        ).where(Case.case_type_id == case_type_id, *held)
        for case_type_id, held in sorted(conditions.items())
    ]
    if not probes:
        return {}
    found = union_all(*probes).subquery()
    rows = session.execute(select(found).order_by(found.c.low, found.c.case_type))
    return {case_type: low for case_type, low, high in rows if low == high}
