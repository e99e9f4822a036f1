"""A listing's rows a page at a time (web/listing.py), and for a listing kept to several values
of one column (a user's schools) the same rows read by one ordered, limited query per value,
merged (issue 12): each query follows an index that starts with the column, where
`column IN (...)` would have PostgreSQL sort every matching row before the first page.

A sort column that holds one value within each part (the school's name, in a list sorted by
school) is no column of the index: each part gives it as a constant and is read in the order of
the columns after it, and the parts are merged in the whole order.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, literal, select, union_all
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression


@dataclass(frozen=True)
class Partition:
    """The rows whose `column` holds one of `values`; `fixed` gives, for a value, what the
    order's first terms are for every row of it (they are then read as those constants)."""

    column: ColumnElement
    values: Collection
    fixed: Mapping[object, tuple] = field(default_factory=dict)


@dataclass(frozen=True)
class Reader:
    """Reads rows of `query` (its entity, then `extra` columns) in an order, a page at a time;
    with `partition`, only those whose column holds one of its values: a query per value
    joined by UNION ALL (no IN besides, which would make PostgreSQL misjudge each's rows)."""

    session: Session
    query: Select
    extra: list
    partition: Partition | None = None

    def rows(self, order: Sequence, size: int, offset: int = 0) -> tuple[list, bool]:
        """Up to `size` rows in `order` from `offset`, and whether more follow."""
        query, part = self.query, self.partition
        values = sorted(part.values) if part else []
        if len(values) < 2:
            if part:
                query = query.where(part.column.in_(values))
            ordered = query.add_columns(*self.extra).order_by(*order).offset(offset or None)
            return first_rows(self.session, ordered, size)
        terms = [_unwrapped(term) for term in order]
        extra = [column.label(f"_extra{n}") for n, column in enumerate(self.extra)]
        branches = []
        for value in values:
            fixed = part.fixed.get(value, ())
            keys = [literal(v) for v in fixed] + [e for e, _ in terms[len(fixed) :]]
            named = [*extra, *(key.label(f"_key{n}") for n, key in enumerate(keys))]
            branch = query.where(part.column == value).add_columns(*named)
            branch = branch.order_by(*order[len(fixed) :]).limit(offset + size + 1)
            # Each a subquery of its own: SQLite takes no LIMIT in a UNION's member.
            branches.append(select(branch.subquery()))
        rows = union_all(*branches).subquery()
        entity = aliased(query.column_descriptions[0]["entity"], rows, adapt_on_names=True)
        merged = [wrap(rows.c[f"_key{n}"]) for n, (_, wrap) in enumerate(terms)]
        outer = select(entity, *(rows.c[f"_extra{n}"] for n in range(len(self.extra))))
        return first_rows(self.session, outer.order_by(*merged).offset(offset or None), size)


def first_rows(session: Session, ordered: Select, size: int) -> tuple[list, bool]:
    """Up to `size` rows of the ordered query, and whether more follow."""
    rows = session.execute(ordered.limit(size + 1)).all()
    return rows[:size], len(rows) > size


_DIRECTIONS = {
    operators.asc_op: lambda c: c.asc(),
    operators.desc_op: lambda c: c.desc(),
    operators.nulls_first_op: lambda c: c.nulls_first(),
    operators.nulls_last_op: lambda c: c.nulls_last(),
}


def _unwrapped(term):
    """An ORDER BY term's expression, and how to order another column the same way."""
    ways = []
    while isinstance(term, UnaryExpression) and term.modifier in _DIRECTIONS:
        ways.append(_DIRECTIONS[term.modifier])
        term = term.element

    def wrap(column):
        for way in reversed(ways):
            column = way(column)
        return column

    return term, wrap
