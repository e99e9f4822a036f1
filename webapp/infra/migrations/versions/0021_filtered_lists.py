"""The officers' queue filtered by assignee and activity, and the API's changes list filtered
by status or activity, each read in its order through an index

The queue filtered by an assignee and an activity (sorted by date sent, as it opens) read
every case of the assignee and every case at the activity, and sorted what both held: 87,000
and 27,000 index entries to show 25 cases at 1M cases, growing with the council's cases. The
changes list filtered by activity read each case type's sent cases in the order of their
changes, throwing away those at other activities: 626,000 rows (2.3 s) for a page of a rare
activity at 1M cases; by status, likewise past the cases at the other statuses. Each filter
now reads its own run of an index, in the list's order, from its first row (or the cursor's).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 12:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

SENT = {
    'postgresql_where': sa.text('submitted_at IS NOT NULL'),
    'sqlite_where': sa.text('submitted_at IS NOT NULL'),
}


def upgrade() -> None:
    op.create_index(
        'ix_cases_sent_assignee_activity',
        'cases',
        ['assigned_to_id', 'activity_label', 'submitted_at', 'id'],
        **SENT,
    )
    op.create_index(
        'ix_cases_sent_type_status_changes',
        'cases',
        ['case_type_id', 'status', 'sent_updated_at', 'id'],
        **SENT,
    )
    op.create_index(
        'ix_cases_sent_type_activity_changes',
        'cases',
        ['case_type_id', 'activity', 'sent_updated_at', 'id'],
        **SENT,
    )


def downgrade() -> None:
    op.drop_index('ix_cases_sent_type_activity_changes', table_name='cases')
    op.drop_index('ix_cases_sent_type_status_changes', table_name='cases')
    op.drop_index('ix_cases_sent_assignee_activity', table_name='cases')
