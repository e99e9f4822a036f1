"""/readyz finds the oldest unsent message through an index of the unsent mail by age

Each probe asked for the oldest unsent message's time, and PostgreSQL read every unsent
message to find it: during an SMTP outage, every load balancer's probe (every few seconds)
read the whole backlog. The oldest is now the first entry of this index, whatever the backlog.
(ix_outbox_due orders the unsent mail by when it is next due, which a retry moves on: its first
entry need not be the oldest.)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-01 16:40:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        'ix_outbox_waiting',
        'outbox_messages',
        ['created_at'],
        postgresql_where=sa.text('sent_at IS NULL'),
        sqlite_where=sa.text('sent_at IS NULL'),
    )


def downgrade() -> None:
    op.drop_index('ix_outbox_waiting', table_name='outbox_messages')
