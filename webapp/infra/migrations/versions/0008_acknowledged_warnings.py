"""Warnings the school acknowledged

Cases keep the warnings (rules with `severity: warning`) the school went past, by page, so
officers see them in caseviewer and in the CSV export. Cases sent before this revision have
none recorded (NULL).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 11:20:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_warnings', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('acknowledged_warnings')
