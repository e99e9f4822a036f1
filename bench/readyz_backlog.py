"""What one /readyz probe reads during an SMTP outage: EXPLAIN (ANALYZE, BUFFERS) of its
late-mail statement over a backlog of unsent messages (and as many sent), before migration
0028 (the minimum over every unsent message) and after (the first entry of ix_outbox_waiting).

    .venv/bin/python bench/readyz_backlog.py postgresql+psycopg://root@127.0.0.1:5432/bench_1m

The backlog is written, measured and rolled back in one transaction: nothing stays. Each
statement is explained --runs times; the median and the range of the execution times are
printed, with the rows of outbox_messages read (kept and thrown away by a filter) and the
buffers touched. Each run leaves the rolled-back rows behind: VACUUM FULL outbox_messages
between runs, or the buffers grow.

1 December 2026 (h-scale2, load average ~7 from other work), 100,000 unsent and 100,000
sent, 21 runs: before 33.3 ms (21.0-57.7) / 200,000 rows read (a sequential scan) / 2,858
buffers -> after 0.01 ms (0.01-0.03) / 1 row / 4 buffers.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.plans import nodes  # noqa: E402
from webapp.infra.database import make_engine  # noqa: E402

BEFORE = "SELECT min(created_at) FROM outbox_messages WHERE sent_at IS NULL"
AFTER = "SELECT created_at FROM outbox_messages WHERE sent_at IS NULL ORDER BY created_at LIMIT 1"
BACKLOG = """
INSERT INTO outbox_messages (kind, to_address, subject, body, created_at, next_attempt_at,
                             attempts, last_error, sent_at)
SELECT 'test', 'a@example.org', 'Subject', 'Body', now() - n * interval '1 second',
       now() + interval '30 minutes' - n * interval '10 ms', 3, 'SMTP refused',
       CASE WHEN n > :unsent THEN now() END
FROM generate_series(1, :unsent * 2) AS n
"""
INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_outbox_waiting ON outbox_messages (created_at)"
    " WHERE sent_at IS NULL"
)


def measured(connection, statement: str, runs: int) -> tuple[list[float], int, int]:
    """Execution times of `runs` runs; the rows of outbox_messages read and the buffers
    touched by the last."""
    times = []
    for _ in range(runs):
        plan = connection.execute(
            text("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement)
        ).scalar()[0]
        times.append(plan["Execution Time"])
    read = sum(
        (n["Actual Rows"] + n.get("Rows Removed by Filter", 0)) * n["Actual Loops"]
        for n in nodes(plan["Plan"])
        if n.get("Relation Name") == "outbox_messages"
    )
    top = plan["Plan"]
    return times, read, top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--unsent", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    options = parser.parse_args()
    engine = make_engine(options.url)
    with engine.connect() as connection:
        connection.execute(text(BACKLOG), {"unsent": options.unsent})
        connection.execute(text(INDEX))
        connection.execute(text("ANALYZE outbox_messages"))
        after = measured(connection, AFTER, options.runs)
        connection.execute(text("DROP INDEX ix_outbox_waiting"))  # as before 0028
        before = measured(connection, BEFORE, options.runs)
        connection.rollback()
    print(f"{options.unsent:,} unsent and as many sent, {options.runs} runs:")
    for name, (times, read, buffers) in (("before", before), ("after", after)):
        print(
            f"  {name}: {statistics.median(times):.2f} ms ({min(times):.2f}-{max(times):.2f})"
            f" / {read:,} rows read / {buffers:,} buffers"
        )


if __name__ == "__main__":
    main()
