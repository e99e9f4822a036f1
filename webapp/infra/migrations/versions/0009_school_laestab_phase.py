"""Schools know their LAESTAB and phase, for prefilled questions

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 11:20:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('laestab', sa.String(length=7), nullable=False, server_default='')
        )
        batch_op.add_column(
            sa.Column('phase', sa.String(length=40), nullable=False, server_default='')
        )


def downgrade() -> None:
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_column('phase')
        batch_op.drop_column('laestab')
