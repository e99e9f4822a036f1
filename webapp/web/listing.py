"""One way to list: a listing's arguments read safely from the query string, one page of a
SQLAlchemy query in a stable order, and the page it gives (rows, total, page, pages).

Each area keeps its own query (its scope: the user's schools, the officer's teams) and its sort
columns in its services; this module holds only the mechanics. Pages show a listing with the
macros of templates/_listing.html (sortable table, aria-sort, pagination, search box). Nothing
here needs a request, so services can use it.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_, true, tuple_
from sqlalchemy.orm import Session

from webapp.web import cursors
from webapp.web.partitions import Found, Partition, Reader, count_up_to, narrowed
from webapp.web.whole_numbers import page_number

Row = TypeVar("Row")
ORDERS = {"asc": False, "desc": True}


@dataclass(frozen=True)
class ListingSpec:
    """What a listing offers: its sort keys, the sort and order it starts in (a column newly
    chosen starts in that order too), its search box's query parameter (None: no search box)
    with the longest text it takes, and the sorts that put empty values last whichever the
    order ("not yet submitted", "nobody"), and its filters: query parameters that take one of
    the values offered to the user reading it (`read`'s `offered`), such as their own schools."""

    sorts: tuple[str, ...]
    default_sort: str
    descending: bool = False
    search_param: str | None = "q"
    search_max: int = 100
    nulls_last: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()

    def __post_init__(self):
        if self.default_sort not in self.sorts:
            raise ValueError(f"default sort {self.default_sort!r} is not among {self.sorts}")

    def read(
        self,
        query: Mapping[str, Any],
        page_size: int,
        offered: Mapping[str, Collection[str]] | None = None,
    ) -> ListingArgs:
        """The arguments a query string asks for; what is not on offer is left at the start.
        A filter takes only a value among those `offered` for it (another school's id is no
        filter at all: it never reaches the query)."""
        search = query.get(self.search_param) if self.search_param else None
        offered = offered or {}
        filters = {
            name: value
            for name in self.filters
            if (value := _stripped(query.get(name))) and value in offered.get(name, ())
        }
        return self.args(
            page_size,
            sort=_stripped(query.get("sort")),
            descending=ORDERS.get(_stripped(query.get("order"))),
            page=page_number(_stripped(query.get("page"))),
            search=search if isinstance(search, str) else "",
            filters=filters,
            after=_stripped(query.get("after")),
            before=_stripped(query.get("before")),
        )

    def args(
        self,
        page_size: int,
        *,
        sort: str = "",
        descending: bool | None = None,
        page: int = 1,
        search: str = "",
        filters: Mapping[str, str] | None = None,
        after: str = "",
        before: str = "",
    ) -> ListingArgs:
        """Arguments for this listing: a sort it does not offer is its default sort, and no
        order its starting order; filters it does not have are dropped."""
        if page_size < 1:
            raise ValueError(f"a page holds at least one row, not {page_size}")
        chosen = {name: value for name, value in (filters or {}).items() if name in self.filters}
        return ListingArgs(
            spec=self,
            page_size=page_size,
            sort=sort if sort in self.sorts else self.default_sort,
            descending=self.descending if descending is None else descending,
            page=page,
            search=search[: self.search_max],
            filters=tuple(sorted(chosen.items())),
            after=after,
            before="" if after else before,
        )


@dataclass(frozen=True)
class ListingArgs:
    """What a listing is asked for: the search text, its filters, the sort and its order, the
    page and how many rows a page holds. Made by `ListingSpec.read` or `ListingSpec.args`."""

    spec: ListingSpec
    page_size: int
    sort: str
    descending: bool
    page: int = 1
    search: str = ""
    filters: tuple[tuple[str, str], ...] = ()  # (name, value) pairs, by name
    # A cursor (web/cursors.py): the page is the rows after (or before) that row, found by
    # the sort's index, not by counting rows from the first (keyset paging).
    after: str = ""
    before: str = ""

    def filter(self, name: str) -> str:
        """The value a filter is set to ("" when it is not set)."""
        return dict(self.filters).get(name, "")

    @property
    def order(self) -> str:
        """ "asc" or "desc", as links write it."""
        return "desc" if self.descending else "asc"

    @property
    def words(self) -> str:
        """The search text, lower case, its spaces folded: what a search matches."""
        return " ".join(self.search.split()).lower()

    def order_for(self, key: str) -> str:
        """The order a column's sort link asks for: the sorted column's turns it round, any
        other starts in the listing's starting order."""
        if key == self.sort:
            return "asc" if self.descending else "desc"
        return "desc" if self.spec.descending else "asc"

    def aria_sort(self, key: str) -> str:
        """The column's aria-sort: "ascending" or "descending" when it is sorted, else ""."""
        if key != self.sort:
            return ""
        return "descending" if self.descending else "ascending"

    def order_by(self, columns: Sequence) -> list:
        """The sort's columns as ORDER BY terms, in the order asked."""
        terms = [column.desc() if self.descending else column.asc() for column in columns]
        if self.sort in self.spec.nulls_last:
            return [term.nulls_last() for term in terms]
        return terms

    def query(self, params: Mapping[str, Any] | None = None, **changes: Any) -> dict:
        """The query string of a link to this listing: the search, its filters and `params`
        (the page's own filters) that are set, the sort and order, then `changes` (a page,
        another sort)."""
        values = {self.spec.search_param: self.search} if self.spec.search_param else {}
        values |= dict(self.filters) | dict(params or {})
        values |= {"sort": self.sort, "order": self.order} | changes
        return {name: value for name, value in values.items() if value not in (None, "")}

    def sort_query(self, key: str, params: Mapping[str, Any] | None = None) -> dict:
        """The query string of a column's sort link (back to the first page)."""
        return self.query(params, sort=key, order=self.order_for(key))


# A listing counts its rows up to this many; beyond it, it says "more than 10,000" and offers
# pages only up to there (so neither the count nor an OFFSET grows with the table).
COUNT_CAP = 10_000
# The pages linked either side of the page shown (besides the first and the last).
WINDOW = 2


@dataclass(frozen=True)
class Listing(Generic[Row]):
    """One page of a listing: its rows, how many rows match in all (counted up to the cap:
    `capped` when more match), the page shown (within range) and how many pages there are
    (at least 1; those of the first COUNT_CAP rows when capped)."""

    rows: list[Row] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    capped: bool = False
    has_next: bool = False
    # Cursors of the last and the first row, for the Next and Previous links ("" when the
    # listing pages by number only).
    next_after: str = ""
    previous_before: str = ""

    def with_rows(self, rows: list) -> Listing:
        """The same page with its rows made into what the page shows."""
        return replace(self, rows=rows)

    def page_numbers(self) -> list[int | None]:
        """The pages to link to, in order: the first, the last, and WINDOW pages either side
        of the page shown; None where pages are left out (an ellipsis). Never a link per page,
        so a page costs the same however many pages there are."""
        if self.page > self.pages:  # past the pages counted, reached by Next
            return [1, None, self.page, *([None] if self.has_next else [])]
        near = range(max(1, self.page - WINDOW), min(self.pages, self.page + WINDOW) + 1)
        # Capped, the last page counted is not the last page: no link says it is.
        shown = sorted({1, *near} | (set() if self.capped else {self.pages}))
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number - numbers[-1] == 2:  # one page left out: link it instead
                numbers.append(number - 1)
            elif numbers and number - numbers[-1] > 2:
                numbers.append(None)
            numbers.append(number)
        if self.capped:
            numbers.append(None)  # more pages than are counted
        return numbers

    @property
    def page_of(self) -> str:
        """ "page 3 of 12" (just "page 3" when there are more rows than are counted)."""
        return f"page {self.page}" if self.capped else f"page {self.page} of {self.pages}"


def matching(words: str, *columns) -> ColumnElement[bool]:
    """Rows where any of `columns` contains `words` (% and _ are characters, not wildcards)."""
    return or_(*(column.contains(words, autoescape=True) for column in columns))


def fetch_page(
    session: Session,
    query: Select,
    args: ListingArgs,
    *,
    sort: Sequence,
    tie_breaker: Sequence,
    columns: Sequence = (),
    options: Sequence = (),
    keyset: ColumnElement | None = None,
    partition: Partition | None = None,
    found: Found | None = None,
) -> Listing:
    """The page `args` asks for of `query`'s rows, counted (up to COUNT_CAP). Rows come sorted
    by the `sort` columns (those of `args.sort`) in the order asked, then by `tie_breaker`
    (ORDER BY terms), which must end in a unique column so that no row shows on two pages or
    on none. A page past the end gives the last. `columns` are added to each row (then rows
    are tuples), `options` are loader options.

    With `keyset` (the unique column the tie-breaker orders by, in the order asked), the page
    also gives cursors of its first and last rows: Previous and Next then find their rows by
    the sort's index after (or before) that row, at the same cost on any page, beyond the
    pages counted too (a sort that keeps empty values last included: see _seek).

    With `partition` (a column and the values to keep it to: a user's schools), rows are
    kept to those values here, and read by one ordered, limited query per value, joined by
    UNION ALL (web/partitions.py). With `found` (the rows the search in `query` finds,
    through its own index), a search that finds few rows is read among those alone, in one
    query (web/partitions.py's narrowed)."""
    _check_asked(tie_breaker, options, partition)
    few = narrowed(session, query, found, COUNT_CAP) if found is not None else None
    if few is not None:  # read at once, sorted: part by part, each part would look all up
        query = few if partition is None else few.where(partition.column.in_(partition.values))
        partition = None
    scoped = query if partition is None else query.where(partition.column.in_(partition.values))
    total = count_up_to(session, scoped, COUNT_CAP)
    if total == 0:  # else a search many cases hold, none listed, read all listed to find none
        return Listing()
    capped = total > COUNT_CAP
    pages = max(1, math.ceil(min(total, COUNT_CAP) / args.page_size))
    keys = [*sort, keyset] if keyset is not None else []
    reader = Reader(session, query.options(*options), [*columns, *keys], partition)
    found = _seek(reader, args, keys) if keys else None
    if found is None:  # by number: a page past the end gives the last
        page = min(max(args.page, 1), pages)
        order = [*args.order_by(sort), *tie_breaker]
        found = reader.rows(order, args.page_size, offset=(page - 1) * args.page_size)
    else:
        page = max(args.page, 2 if args.after else 1)
    rows, has_next = found
    if args.before:  # what comes before this page is the page before: there is a next
        has_next = True
    width = 1 + len(columns)
    cursors = {}
    if keys and rows:
        cursors = {"previous_before": cursor_of(rows[0][width:]) if page > 1 else ""}
        cursors["next_after"] = cursor_of(rows[-1][width:]) if has_next else ""
    shown = [tuple(row[:width]) if columns else row[0] for row in rows]
    return Listing(shown, min(total, COUNT_CAP), page, pages, capped, has_next, **cursors)


def _check_asked(tie_breaker: Sequence, options: Sequence, partition: Partition | None) -> None:
    if not tie_breaker:
        raise ValueError("a listing needs a tie-breaker that ends in a unique column")
    if partition is not None and options:
        raise ValueError("a partitioned listing takes no loader options")


def _seek(reader: Reader, args: ListingArgs, keys: list):
    """The page after (or before) the row `args`' cursor names, found by the sort's index;
    None when there is no cursor, or before it there is only the first page.

    A sort that keeps empty values last (its columns empty together: nobody's name) lists
    two runs, each read through the sort's index: the rows with values, by their values, then
    the empty rows, by the keyset column; a page that reaches the end of one run goes on into
    the other. The cursor of an empty row holds empty values and its keyset value."""
    values = cursors.read(args.after or args.before, len(keys))
    # (A sort read as the tie-breaker alone, its values all alike, has no empty run.)
    empties = args.sort in args.spec.nulls_last and len(keys) > 1
    if values is None or not _fit(keys, values, empties):
        return None
    backwards = bool(args.before) != args.descending  # the way rows are read
    order = [key.desc() if backwards else key.asc() for key in keys]
    sort, last = keys[:-1], keys[-1]
    empty = [key.is_(None) for key in sort]
    if reader.partition is not None and reader.partition.fixed:  # part by part
        reader = reader.after(keys, values, backwards)
        if reader is None:
            return None
        runs = [true()]
    elif values[0] is None and sort:  # from an empty row: the empty rows beyond it
        runs = [and_(*empty, last < values[-1] if backwards else last > values[-1])]
        if args.before:  # ...then, going back, the last rows with values
            runs.append(sort[0].is_not(None))
    else:  # a row value leaves the empty rows out
        beyond = tuple_(*keys) < tuple_(*values) if backwards else tuple_(*keys) > tuple_(*values)
        runs = [beyond, *([and_(*empty)] if empties and args.after else [])]
    rows, more = [], False
    for where in runs:
        found, more = replace(reader, query=reader.query.where(where)).rows(
            order, args.page_size - len(rows)
        )
        rows += found
        if more:
            break
    if args.before:
        if not more:  # only the first page is before it: ask for that by number
            return None
        return rows[::-1], True
    return rows, more


def _fit(keys: list, values: list, empties: bool) -> bool:
    """Whether a cursor's values are of its columns' kinds; with `empties`, the sort's values
    may all be empty (None), its keyset value never."""
    if empties and values[0] is None:
        return all(value is None for value in values[:-1]) and _fits(keys[-1], values[-1])
    return all(map(_fits, keys, values))


INTEGER_RANGE = range(-(2**31), 2**31)  # an INTEGER column's values


def _fits(key, value) -> bool:
    """Whether a cursor's value is of its column's kind (another sort's cursor is not), and
    within its range (a forged id past an INTEGER was a 500 on PostgreSQL: found by review)."""
    try:
        kind = key.type.python_type
    except NotImplementedError:
        return False
    if kind is object:  # a column of no known kind takes no cursor value
        return False
    if kind is int and isinstance(value, int) and value not in INTEGER_RANGE:
        return False
    return isinstance(value, kind) and (kind is bool or not isinstance(value, bool))


def cursor_of(values) -> str:
    """The cursor of one row's sort values (web/cursors.py)."""
    return cursors.write(list(values))


def _stripped(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
