"""The API's `updated_at` is when what the council has of a case last changed

The API listed a case again, with a new `updated_at` (and ETag), each time the school
autosaved a change it had not sent (a case back with the school for more information): an
integrator saw changes that were not there. `sent_updated_at` moves only when the case is
sent and at each step of its workflow; existing cases start from their `updated_at`, so that
no case moves behind a poller's cursor. The changes list reads each case type's cases through
an index that starts with the case type: a client of a rare case type read every other
type's sent cases through the old index to fill a page.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 11:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

SENT = {
    'postgresql_where': sa.text('submitted_at IS NOT NULL'),
    'sqlite_where': sa.text('submitted_at IS NOT NULL'),
}


def upgrade() -> None:
    # Nullable: added in place on either database, with no rebuild of a table of 1M cases on
    # SQLite (env.py keeps foreign keys off for one that is); every row is given one here,
    # and the model gives each new case one.
    op.add_column('cases', sa.Column('sent_updated_at', sa.DateTime(timezone=True), nullable=True))
    op.execute('UPDATE cases SET sent_updated_at = updated_at')
    op.create_index(
        'ix_cases_sent_type_changes', 'cases', ['case_type_id', 'sent_updated_at', 'id'], **SENT
    )
    op.drop_index('ix_cases_sent_changes', table_name='cases')


def downgrade() -> None:
    op.create_index('ix_cases_sent_changes', 'cases', ['updated_at', 'id'], **SENT)
    op.drop_index('ix_cases_sent_type_changes', table_name='cases')
    with op.batch_alter_table('cases') as batch_op:
        batch_op.drop_column('sent_updated_at')
