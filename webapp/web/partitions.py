"""A listing's rows a page at a time (web/listing.py), and for a listing kept to several values
of one column (a user's schools) the same rows read by one ordered, limited query per value,
merged (issue 12): each query follows an index that starts with the column, where
`column IN (...)` would have PostgreSQL sort every matching row before the first page.

A sort column that holds one value within each part (the school's name, in a list sorted by
school) is no column of the index: each part gives it as a constant and is read in the order of
the columns after it, and the parts are merged in the whole order. The rows after a cursor's
row are then sought part by part (Reader.after): the parts before the cursor's are left out,
those after it read from their start, and the cursor's own from its row on, through the index
(a row value that starts with the constant would have each part read from its first row).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import (
    ColumnElement,
    Select,
    any_,
    func,
    inspect,
    literal,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression


@dataclass(frozen=True)
class Partition:
    """The rows whose `column` holds one of `values`; `fixed` gives, for a value, what the
    order's first terms are for every row of it (they are then read as those constants), in
    the database's ascending order of those terms (as an ORDER BY of them read it)."""

    column: ColumnElement
    values: Collection
    fixed: Mapping[object, tuple] = field(default_factory=dict)
    # Whether the fixed terms are columns of the rows, each part's query then saying that its
    # rows hold its constants (which they do), so that an index with them serves it (a case
    # type's cases by name: its one name and id, not every name's cases before its own).
    stated: bool = False


@dataclass(frozen=True)
class Reader:
    """Reads rows of `query` (its entity, then `extra` columns) in an order, a page at a time;
    with `partition`, only those whose column holds one of its values: a query per value
    joined by UNION ALL (no IN besides, which would make PostgreSQL misjudge each's rows)."""

    session: Session
    query: Select
    extra: list
    partition: Partition | None = None
    # After a cursor's row (Reader.after): the cursor's part, the condition on the rest of
    # its row within that part, and whether rows are read in descending order.
    seek: tuple[int, ColumnElement, bool] | None = None

    def after(self, keys: Sequence, values: Sequence, backwards: bool) -> Reader | None:
        """This reader from beyond the row whose `keys` hold `values` (descending when
        `backwards`), a partition with `fixed` terms sought part by part; None when no part
        has the cursor's fixed values (a school renamed, or left, since)."""
        fixed = list(self.partition.fixed.items())
        width = len(fixed[0][1])
        mine = [n for n, (_, terms) in enumerate(fixed) if tuple(terms) == tuple(values[:width])]
        if not mine:
            return None
        rest, theirs = tuple_(*keys[width:]), tuple_(*values[width:])
        return replace(
            self, seek=(mine[0], rest < theirs if backwards else rest > theirs, backwards)
        )

    def _sought(self, value, query: Select) -> Select | None:
        """A part's query beyond the cursor (`seek`): None for a part wholly before it."""
        if self.seek is None:
            return query
        mine, rest, backwards = self.seek
        here = list(self.partition.fixed).index(value)
        if here == mine:
            return query.where(rest)
        return query if (here > mine) != backwards else None

    def rows(self, order: Sequence, size: int, offset: int = 0) -> tuple[list, bool]:
        """Up to `size` rows in `order` from `offset`, and whether more follow."""
        query, part = self.query, self.partition
        values = sorted(part.values) if part else []
        if self.seek is not None:  # the parts wholly before the cursor's are left out
            values = [v for v in values if self._sought(v, query) is not None]
        if offset and len(values) > 1 and part.fixed:
            return self._skipping(values, order, size, offset)
        if len(values) < 2:
            extra = self.extra
            if part:
                query = query.where(part.column.in_(values))
                if values:  # its fixed terms are alike for all its rows: no order of them
                    query = self._sought(values[0], self._held(values[0], query, order))
                    extra = self._constants(values[0], order)
                    order = order[len(part.fixed.get(values[0], ())) :]
            ordered = query.add_columns(*extra).order_by(*order).offset(offset or None)
            return first_rows(self.session, ordered, size)
        terms = [_unwrapped(term) for term in order]
        if offset:
            return self._skipped(values, terms, order, size, offset)
        branches = [self._branch(value, terms, order, size + 1) for value in values]
        rows = union_all(*branches).subquery()
        entity = aliased(query.column_descriptions[0]["entity"], rows, adapt_on_names=True)
        merged = [wrap(rows.c[f"_key{n}"]) for n, (_, wrap) in enumerate(terms)]
        outer = select(entity, *(rows.c[f"_extra{n}"] for n in range(len(self.extra))))
        return first_rows(self.session, outer.order_by(*merged), size)

    def _skipped(self, values, terms, order, size: int, offset: int) -> tuple[list, bool]:
        """A page by number of merged parts: each part gives the offset and a page of its
        rows' keys (their sort values and id, not the rows: a case whole, answers and all, made
        page 200 of the biggest school's queue by activity sort 47,000 cases of 2 KB on disk,
        0.7-1.1 s at 1M cases), merged and skipped; the page's own rows are then read by key."""
        entity = self.query.column_descriptions[0]["entity"]
        key = inspect(entity).primary_key[0]
        narrow = [self._branch(value, terms, order, offset + size + 1, key) for value in values]
        keys = union_all(*narrow).subquery()
        merged = [wrap(keys.c[f"_key{n}"]) for n, (_, wrap) in enumerate(terms)]
        page = select(keys).order_by(*merged).offset(offset).limit(size + 1).subquery()
        extras = (page.c[f"_extra{n}"] for n in range(len(self.extra)))
        ordered = [wrap(page.c[f"_key{n}"]) for n, (_, wrap) in enumerate(terms)]
        outer = select(entity, *extras).join(page, key == page.c._id).order_by(*ordered)
        rows = self.session.execute(outer).all()
        return rows[:size], len(rows) > size

    def _skipping(self, values, order: Sequence, size: int, offset: int) -> tuple[list, bool]:
        """A page by number of parts that follow one another (their fixed terms first in the
        order: a user's schools, sorted by school): the parts wholly before it are counted
        (each up to what is left of the offset), not read, and the page read from the part
        it starts in, then from the start of those after it. Each part read with the offset
        read as many rows as the page's number asked for (214,000 for page 400 of twenty
        schools); this reads at most the offset, counted, and the offset and a page."""
        parts = [value for value in self.partition.fixed if value in values]  # ascending
        if _descending(order[0]):
            parts.reverse()
        while parts:
            part = self._held(parts[0], self.query, order)
            part = part.where(self.partition.column == parts[0])
            here = count_up_to(self.session, part, offset)
            if here > offset:
                break
            offset, parts = offset - here, parts[1:]
        if not parts:
            return [], False
        rows, more = self._of(parts[:1]).rows(order, size, offset)
        if more or len(parts) == 1:
            return rows, more
        after, more = self._of(parts[1:]).rows(order, size - len(rows))
        return rows + after, more

    def _of(self, values: list) -> Reader:
        return replace(self, partition=replace(self.partition, values=values))

    def _constants(self, value, order: Sequence) -> list:
        """The extra columns, a fixed term among them (a cursor's) given as its constant,
        never worked out for each row read (the school's name: a query of schools each)."""
        fixed = self.partition.fixed.get(value, ())
        terms = [_unwrapped(term)[0] for term in order[: len(fixed)]]
        constant = {id(term): literal(v) for term, v in zip(terms, fixed, strict=True)}
        return [constant.get(id(column), column) for column in self.extra]

    def _held(self, value, query: Select, order: Sequence) -> Select:
        """A part's query, saying (when `stated`) that its rows hold its fixed terms."""
        if not self.partition.stated:
            return query
        fixed = self.partition.fixed.get(value, ())
        terms = [_unwrapped(term)[0] for term in order[: len(fixed)]]
        return query.where(*(term == v for term, v in zip(terms, fixed, strict=True)))

    def _branch(self, value, terms: list, order: Sequence, limit: int, unique=None) -> Select:
        """The first `limit` rows of one part, its fixed terms given as constants; with
        `unique` (the rows' unique column), that column alone of each row (as `_id`)."""
        fixed = self.partition.fixed.get(value, ())
        keys = [literal(v) for v in fixed] + [e for e, _ in terms[len(fixed) :]]
        extra = self._constants(value, order)
        named = [*(column.label(f"_extra{n}") for n, column in enumerate(extra))]
        named += [key.label(f"_key{n}") for n, key in enumerate(keys)]
        branch = self._sought(value, self._held(value, self.query, order))
        branch = branch.where(self.partition.column == value)
        if unique is not None:
            branch = branch.with_only_columns(unique.label("_id"), maintain_column_froms=True)
        branch = branch.add_columns(*named).order_by(*order[len(fixed) :]).limit(limit)
        # Each a subquery of its own: SQLite takes no LIMIT in a UNION's member.
        return select(branch.subquery())


@dataclass(frozen=True)
class Found:
    """The rows a search finds through an index of its own (a part of a reference, by
    trigrams): `ids`, a query of `key` (a unique column of the listing's rows) for every row
    of the table the search finds, whatever else the listing keeps to."""

    key: ColumnElement
    ids: Select


def narrowed(session: Session, query: Select, found: Found, cap: int) -> Select | None:
    """`query` (which holds the search `found` makes) kept to the rows the search finds, when
    it finds no more than `cap` rows in the whole table: they are then read through the
    search's index and each looked up by its key. PostgreSQL otherwise read the search's index
    together with one of all the rows the listing keeps to (every case of a user's schools, of
    an officer's case types: 245,000-626,000 entries at 1M cases) to count a few, or read
    those rows in the sort's order to find a page (200,000-700,000 rows, 2-4 s), when its
    statistics guessed that many held the search. None when the search finds more."""
    few = found.ids.limit(cap + 1)
    # The ids counted, not a constant for each: a constant let PostgreSQL read the search in
    # an index of references alone (a part many cases hold, "PTT", through the unique index
    # from "EDU-ATTEND" on: 701,450 entries for 10,001, 0.2-0.45 s at 1M), not the trigrams.
    counted = few.subquery()
    if (session.scalar(select(func.count(counted.c[0]))) or 0) > cap:
        return None
    if session.get_bind().dialect.name != "postgresql":
        return query.where(found.key.in_(few))
    # Found once (a WITH: the count and the page each read it once), then given as an array:
    # PostgreSQL cannot tell its length, so plans a look-up of each, never a join with another
    # index (nor with the trigrams, which it may guess hold thousands).
    ids = few.cte("found")
    return query.where(found.key == any_(func.array(select(ids.c[0]).scalar_subquery())))


def count_up_to(session: Session, query: Select, cap: int) -> int:
    """How many rows `query` gives, counted up to cap + 1 (more than `cap` is all it says):
    the count stops early instead of reading every matching row."""
    first = (
        query.with_only_columns(literal(1), maintain_column_froms=True)
        .order_by(None)
        .limit(cap + 1)
        .subquery()
    )
    return session.scalar(select(func.count()).select_from(first)) or 0


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


def _descending(term) -> bool:
    """Whether an ORDER BY term orders its column from the greatest."""
    while isinstance(term, UnaryExpression) and term.modifier in _DIRECTIONS:
        if term.modifier is operators.desc_op:
            return True
        term = term.element
    return False


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
