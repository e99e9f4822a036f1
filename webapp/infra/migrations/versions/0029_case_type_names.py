"""Whether a case type's cases all hold one name (and one service), in two probes of an index

Sorted by case type (or service) and kept to one case type, a list of cases is in the order
of its ids when the type's cases all hold one name, as they do unless the case type was
renamed (a case keeps the name it was started with). Asking that of the table read every case
of the type; this index answers it with its first and last entries of the type. It takes the
place of ix_cases_case_type_id, whose queries (a case type's cases) it serves as well, so that
each update of a case writes as many index entries as before. On PostgreSQL, statistics of
how a case type's id gives its name and service (st_cases_type_names), without which the
planner guessed a case type's cases of its one name a tenth of its cases, and sorted them.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-01 17:30:00.000000
"""

from alembic import op


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        'ix_cases_type_names', 'cases', ['case_type_id', 'case_type_name', 'service_name']
    )
    op.drop_index('ix_cases_case_type_id', table_name='cases')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            'CREATE STATISTICS st_cases_type_names (dependencies)'
            ' ON case_type_id, case_type_name, service_name FROM cases'
        )
        op.execute('ANALYZE cases')  # the statistics are gathered by the next ANALYZE


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP STATISTICS IF EXISTS st_cases_type_names')
    op.create_index('ix_cases_case_type_id', 'cases', ['case_type_id'])
    op.drop_index('ix_cases_type_names', table_name='cases')
