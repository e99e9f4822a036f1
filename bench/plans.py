"""What a piece of the portal asks of PostgreSQL, and how much of the cases table PostgreSQL
reads to answer it: for the list benchmarks (bench/list_plans_1m.py) and the tests that count
rows read rather than time anything (tests/webapp/test_list_plans.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session

Sent = tuple[str, object, bool]  # a statement, its parameters, whether read by a cursor


@contextmanager
def statements_of(engine, run: Callable[[Session], object]) -> Iterator[tuple[Session, list[Sent]]]:
    """The statements `run(session)` sends, with the session, still open, to explain them in."""
    sent: list[Sent] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters, bool(context.execution_options.get("yield_per"))))

    with Session(engine) as session:
        event.listen(engine, "before_cursor_execute", keep)
        try:
            run(session)
        finally:
            event.remove(engine, "before_cursor_execute", keep)
        yield session, sent


def plan_of(session: Session, sent: Sent, options: str = "") -> dict:
    """PostgreSQL's plan of one statement sent (EXPLAIN with `options`, as JSON): its top node.
    A statement read through a server-side cursor (an export) is explained as that cursor,
    which PostgreSQL plans for its first rows."""
    statement, parameters, streamed = sent
    cursor = "DECLARE planned CURSOR FOR " if streamed else ""
    explain = f"EXPLAIN ({options + ', ' if options else ''}FORMAT JSON) "
    plan = session.connection().exec_driver_sql(explain + cursor + statement, parameters)
    return plan.scalar()[0]


def nodes(node: dict) -> Iterator[dict]:
    """A plan's node and every node under it."""
    yield node
    for child in node.get("Plans", ()):
        yield from nodes(child)


def cases_read(plan: dict, kept: bool = False) -> int:
    """Rows of the cases table an analysed plan read: those kept, and (unless `kept`) those a
    filter threw away, in every loop."""
    return sum(
        (n["Actual Rows"] + (0 if kept else n.get("Rows Removed by Filter", 0))) * n["Actual Loops"]
        for n in nodes(plan["Plan"])
        if n.get("Relation Name") == "cases"
    )


def index_entries(plan: dict) -> int:
    """Entries of any index an analysed plan read without reading their rows (a bitmap, an
    index-only scan), in every loop: where a plan reads an index of every case listed."""
    return sum(
        n["Actual Rows"] * n["Actual Loops"]
        for n in nodes(plan["Plan"])
        if n["Node Type"] in ("Bitmap Index Scan", "Index Only Scan")
    )
