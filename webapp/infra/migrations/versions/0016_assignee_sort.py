"""The assignee's name copied onto each case, so that the queue sorted by it reads an index;
one case type's sent cases in order, for its export

Sorted by "Assigned to", the officers' queue joined the users and sorted every submitted
case by their names before the first page (issue 12). Each case now holds its assignee's last
and first names (empty when nobody is assigned; kept by Case.assign and when a user's name
changes), and a partial index of submitted cases serves the sort: ascending on either
database, descending with nobody's cases last on PostgreSQL.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 17:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

COLUMNS = ('assignee_last_name', 'assignee_first_name')
SENT = {
    'postgresql_where': sa.text('submitted_at IS NOT NULL'),
    'sqlite_where': sa.text('submitted_at IS NOT NULL'),
}


def upgrade() -> None:
    # Nullable columns: added in place on either database (no table rebuilt).
    for column in COLUMNS:
        op.add_column('cases', sa.Column(column, sa.String(length=100), nullable=True))
    op.execute(
        'UPDATE cases SET '
        'assignee_last_name = (SELECT last_name FROM users WHERE users.id = cases.assigned_to_id), '
        'assignee_first_name = (SELECT first_name FROM users WHERE users.id = cases.assigned_to_id) '
        'WHERE assigned_to_id IS NOT NULL'
    )
    op.create_index('ix_cases_sent_assignee', 'cases', [*COLUMNS, 'id'], **SENT)
    # One case type's cases in the order sent (the CSV export; the queue filtered by case
    # type): at 1M cases the export read every submitted case to find one type's.
    op.create_index(
        'ix_cases_sent_case_type', 'cases', ['case_type_id', 'submitted_at', 'id'], **SENT
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index(
            'ix_cases_sent_assignee_desc',
            'cases',
            [*(sa.text(f'{column} DESC NULLS LAST') for column in COLUMNS), sa.text('id DESC')],
            **SENT,
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_cases_sent_assignee_desc', table_name='cases')
    op.drop_index('ix_cases_sent_case_type', table_name='cases')
    op.drop_index('ix_cases_sent_assignee', table_name='cases')
    with op.batch_alter_table('cases') as batch:
        for column in reversed(COLUMNS):
            batch.drop_column(column)
