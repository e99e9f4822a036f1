"""A school's audit events of one kind, by index: a purged draft's record

A school user who comes back to a tab open on a draft the retention purge deleted is told
when and why it went, from the purge's audit event: found among the school's own purged
drafts through this index, never by reading every school's.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01 15:05:00.000000
"""

from alembic import op


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        'ix_audit_events_school_action', 'audit_events', ['school_id', 'action'], unique=False
    )


def downgrade() -> None:
    op.drop_index('ix_audit_events_school_action', table_name='audit_events')
