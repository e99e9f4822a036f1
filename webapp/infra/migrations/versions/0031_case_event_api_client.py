"""The council system (API client) whose call took a case's move: the timeline named it
'(automatic)', as the workflow's own steps, so nobody could tell a system had asked the school
for more information, nor which.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-01 23:40:00.000000
"""

import sqlalchemy as sa
from alembic import op


revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('api_client_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_case_events_api_client_id_api_clients',
            'api_clients',
            ['api_client_id'],
            ['id'],
            ondelete='SET NULL',
        )


def downgrade() -> None:
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_constraint('fk_case_events_api_client_id_api_clients', type_='foreignkey')
        batch_op.drop_column('api_client_id')
