"""The mail worker claims each message through an index of the unsent mail in due order

Each claim asked for the oldest due message by id, and PostgreSQL read every message still
due to find it: after an SMTP outage, clearing a backlog of N messages read about N² rows. The
claim now takes the message due longest, the first entry of this index, whatever the backlog.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01 15:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        'ix_outbox_due',
        'outbox_messages',
        ['next_attempt_at', 'id'],
        postgresql_where=sa.text('sent_at IS NULL'),
        sqlite_where=sa.text('sent_at IS NULL'),
    )


def downgrade() -> None:
    op.drop_index('ix_outbox_due', table_name='outbox_messages')
