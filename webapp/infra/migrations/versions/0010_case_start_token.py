"""A case remembers the Start now it came from, so its first page sent twice makes one draft

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 14:20:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


# A unique index, not a constraint: on SQLite adding a constraint rebuilds the table, and
# dropping the old one would cascade to the cases' files and timelines.
def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('start_token', sa.String(length=64), nullable=True))
    op.create_index(
        'uq_cases_created_by_start_token', 'cases', ['created_by_id', 'start_token'], unique=True
    )


def downgrade() -> None:
    op.drop_index('uq_cases_created_by_start_token', table_name='cases')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('start_token')
