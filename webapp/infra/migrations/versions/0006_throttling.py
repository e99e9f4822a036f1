"""Failures slow an address down instead of locking the account; app-code tries on the server

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sign_in_failures',
        sa.Column('email_hash', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('throttled_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('email_hash'),
    )
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_sign_in_failures_last_failed_at'), ['last_failed_at'], unique=False
        )
    op.create_table(
        'authenticator_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('attempt_hash', sa.String(length=64), nullable=False),
        sa.Column('wrong_tries', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'attempt_hash'),
    )
    with op.batch_alter_table('authenticator_attempts', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_authenticator_attempts_user_id'), ['user_id'], unique=False
        )
    # Failures now live in sign_in_failures (unknown addresses too); those counted so far
    # are forgiven rather than carried over.
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite (3.35 and later) drops the column in place: rebuilding the table, as batch mode
        # does, would trip the foreign key of every row that points at a user.
        op.execute('ALTER TABLE users DROP COLUMN failed_attempts')
    else:
        op.drop_column('users', 'failed_attempts')


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('failed_attempts', sa.Integer(), nullable=False, server_default='0')
        )
    with op.batch_alter_table('authenticator_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_authenticator_attempts_user_id'))
    op.drop_table('authenticator_attempts')
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_failures_last_failed_at'))
    op.drop_table('sign_in_failures')
