"""`portal validate --strict` with DATABASE_URL set: a warning (W730) for each case type no team
in that database works, since council officers see only their teams' case types, and the kept
definitions W731 compares with. Reads the `teams` and `case_type_versions` tables with
SQLAlchemy Core alone: no Flask, no app, nothing written."""

from __future__ import annotations

from engine.problems import Code, Problem, make_problem
from engine.source import read_source


def unworked_case_types(case_types: dict[str, str], url: str) -> list[Problem]:
    """W730 at the `id` of each case type (id -> its file) that no team in the database at
    `url` works."""
    import sqlalchemy as sa

    teams = sa.Table("teams", sa.MetaData(), sa.Column("case_type_ids", sa.JSON))
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.select(teams.c.case_type_ids)).scalars()
            worked = {case_type_id for ids in rows for case_type_id in ids or ()}
    finally:
        engine.dispose()
    problems = []
    for case_type_id, path in case_types.items():
        if case_type_id not in worked:
            line, col = read_source(path).positions.value(("id",))
            problems.append(make_problem(Code.W730, path, line, col, id=case_type_id))
    return problems


def kept_definitions(case_types: dict[str, str], url: str) -> list[tuple]:
    """(case type id, version, definition, first sent) of each version of these case types (id
    -> its file) the database at `url` keeps (workflow.record_definition)."""
    import sqlalchemy as sa

    versions = sa.Table(
        "case_type_versions",
        sa.MetaData(),
        sa.Column("case_type_id", sa.String),
        sa.Column("version", sa.Integer),
        sa.Column("definition", sa.JSON),
        sa.Column("recorded_at", sa.DateTime),
    )
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            query = sa.select(versions).where(versions.c.case_type_id.in_(list(case_types)))
            return [tuple(row) for row in connection.execute(query)]
    finally:
        engine.dispose()
