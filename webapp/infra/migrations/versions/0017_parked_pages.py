"""Parked pages: a case page sent after its session had ended elsewhere, kept for its user
until they sign in again (webapp/areas/cases/parking.py)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'parked_pages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('page_id', sa.String(length=100), nullable=False),
        sa.Column('form', sa.JSON(), nullable=False),
        sa.Column('account_check', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'case_id', 'page_id'),
    )
    op.create_index('ix_parked_pages_case_id', 'parked_pages', ['case_id'])
    op.create_index('ix_parked_pages_created_at', 'parked_pages', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_parked_pages_created_at', table_name='parked_pages')
    op.drop_index('ix_parked_pages_case_id', table_name='parked_pages')
    op.drop_table('parked_pages')
