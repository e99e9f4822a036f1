"""When each API key was last used (to the minute), so that a council admin rotating a client's
keys sees whether its system has moved to the new one before revoking the old.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-01 23:30:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')
