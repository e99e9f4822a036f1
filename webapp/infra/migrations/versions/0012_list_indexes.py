"""Indexes for every sort and filter the lists offer, and trigrams for partial references

My cases sorts one school's cases by each of its columns (then id); the officers' queue
sorts submitted cases (partial indexes); a search for part of a reference uses a trigram
index on PostgreSQL (pg_trgm; SQLite has none and scans one school's cases).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 14:20:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

LISTED = ('case_type_name', 'service_name', 'activity_label', 'status')
SENT_FILTERS = ('case_type_id', 'status', 'activity_label', 'school_id', 'assigned_to_id')
SENT = {
    'postgresql_where': sa.text('submitted_at IS NOT NULL'),
    'sqlite_where': sa.text('submitted_at IS NOT NULL'),
}
REPLACED = {  # name: (columns before, columns now)
    'ix_cases_school_updated': (['school_id', 'updated_at'], ['school_id', 'updated_at', 'id']),
    'ix_cases_school_submitted': (
        ['school_id', 'submitted_at'],
        ['school_id', 'submitted_at', 'id'],
    ),
}


def _new_indexes():
    """(name, columns, where) of each index this revision adds to cases."""
    yield 'ix_cases_school_newest', ['school_id', 'id'], {}
    # Counts of filtered lists read only these (every column a filter asks about).
    yield 'ix_cases_school_filters', ['school_id', 'case_type_id', 'status', 'service_name'], {}
    yield 'ix_cases_sent_filters', list(SENT_FILTERS), SENT
    for column in LISTED:
        yield f'ix_cases_school_{column}', ['school_id', column, 'id'], {}
    for column in LISTED:
        if column != 'service_name':
            yield f'ix_cases_sent_{column}', [column, 'id'], SENT


def upgrade() -> None:
    for name, (before, now) in REPLACED.items():
        op.drop_index(name, table_name='cases')
        op.create_index(name, 'cases', now)
    for name, columns, where in _new_indexes():
        op.create_index(name, 'cases', columns, **where)
    op.create_index('ix_schools_name', 'schools', ['name'])
    if op.get_bind().dialect.name == 'postgresql':
        # Newest submitted first, drafts last (SQLite's indexes have no NULLS LAST).
        op.create_index(
            'ix_cases_school_submitted_desc',
            'cases',
            ['school_id', sa.text('submitted_at DESC NULLS LAST'), sa.text('id DESC')],
        )
        # By reference (PTT9999 before PTT10000): SQLite reflects no expression index.
        length = sa.text('length(reference)')
        op.create_index(
            'ix_cases_school_reference', 'cases', ['school_id', length, 'reference']
        )
        op.create_index('ix_cases_sent_reference', 'cases', [length, 'reference'], **SENT)
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.create_index(
            'ix_cases_reference_trgm',
            'cases',
            [sa.text('upper(reference) gin_trgm_ops')],
            postgresql_using='gin',
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_cases_reference_trgm', table_name='cases')
        op.drop_index('ix_cases_school_submitted_desc', table_name='cases')
        op.drop_index('ix_cases_school_reference', table_name='cases')
        op.drop_index('ix_cases_sent_reference', table_name='cases')
    op.drop_index('ix_schools_name', table_name='schools')
    for name, _columns, _where in _new_indexes():
        op.drop_index(name, table_name='cases')
    for name, (before, now) in REPLACED.items():
        op.drop_index(name, table_name='cases')
        op.create_index(name, 'cases', before)
