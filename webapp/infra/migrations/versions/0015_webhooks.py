"""Webhooks (issue 14): a client's endpoint, events and signing secret; the deliveries outbox

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 15:40:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('api_clients') as batch:
        batch.add_column(sa.Column('webhook_url', sa.String(length=500), nullable=False, server_default=''))
        batch.add_column(sa.Column('webhook_events', sa.JSON(), nullable=False, server_default='[]'))
        batch.add_column(sa.Column('webhook_secret', sa.String(length=64), nullable=False, server_default=''))
    op.create_table(
        'webhook_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.String(length=36), nullable=False),
        sa.Column('event', sa.String(length=40), nullable=False),
        sa.Column('reference', sa.String(length=40), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('retry_until', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['api_clients.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('event_id'),
    )
    op.create_index('ix_webhook_deliveries_client_id', 'webhook_deliveries', ['client_id'])
    op.create_index(
        'ix_webhook_pending', 'webhook_deliveries', ['delivered_at', 'failed_at', 'next_attempt_at']
    )


def downgrade() -> None:
    op.drop_index('ix_webhook_pending', table_name='webhook_deliveries')
    op.drop_index('ix_webhook_deliveries_client_id', table_name='webhook_deliveries')
    op.drop_table('webhook_deliveries')
    with op.batch_alter_table('api_clients') as batch:
        batch.drop_column('webhook_secret')
        batch.drop_column('webhook_events')
        batch.drop_column('webhook_url')
