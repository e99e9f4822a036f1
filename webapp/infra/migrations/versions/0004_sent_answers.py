"""Answers as last sent

Officers see these while a school changes its answers after a request for more information;
cases sent before this migration fall back to their answers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 10:33:08.306713
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sent_answers', sa.JSON(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('sent_answers')

