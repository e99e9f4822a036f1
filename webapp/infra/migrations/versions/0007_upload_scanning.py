"""Uploads: virus scan status, names without control characters

Attachments get a virus scan status (pending, clean, infected, error), its detail and when
clamd answered. Files stored before this revision were never scanned: they start pending,
so the worker scans them (and officers cannot download them until it has).

File names stored before this revision may hold control and format characters (U+202E
RIGHT-TO-LEFT OVERRIDE makes "invoice<RLO>fdp.exe" read as "invoiceexe.pdf"). They are
stripped from the attachments and from the copies of the names in the cases' answers, as
webapp/uploads.py stored_name() now does for every new upload. (The rule is copied here, not
imported, so that this revision keeps doing what it did when the app code moves on.)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 08:10:00
"""

import os
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


def _clean(name: str) -> str:
    """stored_name() of webapp/uploads.py at this revision, on a name already stored."""
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c) not in _UNSAFE_CATEGORIES)
    stem, extension = os.path.splitext(name)
    return f"{' '.join(stem.split()) or 'upload'}{extension}"


def _renamed(value, names: dict):
    """The answers (any JSON) with each reference to a renamed file given its new name."""
    if isinstance(value, list):
        return [_renamed(item, names) for item in value]
    if not isinstance(value, dict):
        return value
    if value.get("id") in names and "name" in value:
        return {**value, "name": names[value["id"]]}
    return {key: _renamed(item, names) for key, item in value.items()}


def _clean_stored_names() -> None:
    connection = op.get_bind()
    attachments = sa.table(
        "attachments", sa.column("id"), sa.column("case_id"), sa.column("filename")
    )
    cases = sa.table(
        "cases",
        sa.column("id"),
        sa.column("answers", sa.JSON),
        sa.column("sent_answers", sa.JSON),
        sa.column("raw_input", sa.JSON),
    )
    by_case: dict[int, dict] = {}
    rows = connection.execute(
        sa.select(attachments.c.id, attachments.c.case_id, attachments.c.filename)
    )
    for attachment_id, case_id, filename in rows.all():
        clean = _clean(filename)
        if clean != filename:
            connection.execute(
                attachments.update().where(attachments.c.id == attachment_id).values(filename=clean)
            )
            by_case.setdefault(case_id, {})[attachment_id] = clean
    for case_id, names in by_case.items():
        row = connection.execute(
            sa.select(cases.c.answers, cases.c.sent_answers, cases.c.raw_input).where(
                cases.c.id == case_id
            )
        ).one()
        connection.execute(
            cases.update()
            .where(cases.c.id == case_id)
            .values(
                answers=_renamed(row.answers, names),
                sent_answers=_renamed(row.sent_answers, names),
                raw_input=_renamed(row.raw_input, names),
            )
        )


def upgrade() -> None:
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'scan_status', sa.String(length=10), nullable=False, server_default='pending'
        ))
        batch_op.add_column(sa.Column(
            'scan_detail', sa.String(length=200), nullable=False, server_default=''
        ))
        batch_op.add_column(sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_attachments_scan_status', ['scan_status'], unique=False)
    _clean_stored_names()


def downgrade() -> None:
    # The characters taken out of file names are not put back.
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_attachments_scan_status')
        batch_op.drop_column('scanned_at')
        batch_op.drop_column('scan_detail')
        batch_op.drop_column('scan_status')
