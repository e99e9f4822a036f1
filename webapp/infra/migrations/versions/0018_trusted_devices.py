"""Device cookies: browsers that signed in to an account, not held back by strangers' failures

A stranger's wrong guesses made every attempt at an address wait, even the right password of
its owner, and the 100th hard-locked the account: anyone could keep a head teacher out. Now a
browser that completed a sign-in gets a device cookie whose token (kept here as a keyed hash)
lets it sign in past those waits, its own failures counted on its row; strangers' failures
hard-lock only untrusted clients (webapp/domain/trusted_devices.py).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'trusted_devices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('signed_in_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    with op.batch_alter_table('trusted_devices', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_trusted_devices_user_id'), ['user_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_trusted_devices_signed_in_at'), ['signed_in_at'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('trusted_devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trusted_devices_signed_in_at'))
        batch_op.drop_index(batch_op.f('ix_trusted_devices_user_id'))
    op.drop_table('trusted_devices')
