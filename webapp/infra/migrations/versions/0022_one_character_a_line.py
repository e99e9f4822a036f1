"""Answers stored with a browser's new line (\r\n) keep it as one character (\n)

Since h-review11 a textarea's answer is stored with each new line as one character, as the
page's character count counts it (engine/fields/text.py TextareaType.parse). Answers stored
before hold the browser's two: a school sending such a case back with that answer untouched
stored it anew with \n, and the officer's timeline said "Answers changed" for a question no
one changed; the API gave one case's answers with \r\n and another's with \n. Every text in
the cases' answers, the answers last sent and what was typed is rewritten with \n (only the
cases whose JSON holds a \r\n are read). Nothing else changes; a downgrade leaves them so.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 12:30:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

_COLUMNS = ("answers", "sent_answers", "raw_input")


def _one_a_line(value):
    """The answers (any JSON) with each \r\n of a text as \n."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    if isinstance(value, list):
        return [_one_a_line(item) for item in value]
    if isinstance(value, dict):
        return {key: _one_a_line(item) for key, item in value.items()}
    return value


def upgrade() -> None:
    connection = op.get_bind()
    cases = sa.table("cases", sa.column("id"), *(sa.column(c, sa.JSON) for c in _COLUMNS))
    # In the JSON text a \r\n is written as the four characters \r\n.
    holding = sa.or_(*(sa.cast(cases.c[c], sa.Text).like(r"%\r\n%", escape="!") for c in _COLUMNS))
    rows = connection.execute(sa.select(cases.c.id, *(cases.c[c] for c in _COLUMNS)).where(holding))
    for row in rows.all():
        connection.execute(
            cases.update()
            .where(cases.c.id == row.id)
            .values({c: _one_a_line(getattr(row, c)) for c in _COLUMNS})
        )


def downgrade() -> None:
    pass  # one character a line is what the app stores either way
