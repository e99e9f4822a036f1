"""The retention purge finds old drafts through an index of the drafts by when last touched

The hourly purge of drafts untouched for PORTAL_DRAFT_RETENTION_DAYS read an index of every
case (school, updated_at, id) end to end to find the few just gone past (6,400 pages, 80 ms,
at 1M cases), and a purge with many to delete read them all at once. It now reads them
oldest first, a batch at a time, through an index of the drafts alone (never a sent case).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01 14:30:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        'ix_cases_draft_updated',
        'cases',
        ['updated_at', 'id'],
        postgresql_where=sa.text('submitted_at IS NULL'),
        sqlite_where=sa.text('submitted_at IS NULL'),
    )


def downgrade() -> None:
    op.drop_index('ix_cases_draft_updated', table_name='cases')
