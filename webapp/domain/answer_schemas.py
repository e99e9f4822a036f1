"""Case types at a version, for answer schemas (engine/answer_schema.py): the folder's current
definition, or the one the database keeps (workflow.record_definition) for cases sent with an
older version. `portal answers-schema` uses it now; the API will serve the same schemas."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import CaseType, compile_definition
from webapp.domain import workflow
from webapp.models import CaseTypeVersion


def kept_versions(session: Session, case_type_id: str) -> list[int]:
    """The versions of a case type that cases were sent with, oldest first."""
    query = select(CaseTypeVersion.version).where(CaseTypeVersion.case_type_id == case_type_id)
    return sorted(session.scalars(query))


def case_type_at(session: Session, case_type_id: str, version: int) -> CaseType | None:
    """The case type as it was at `version`: the current one when that is its version, else
    the definition kept in the database (None when neither has it)."""
    current = workflow.current_case_type(case_type_id)
    if current is not None and current.version == version:
        return current
    stored = session.get(CaseTypeVersion, (case_type_id, version))
    if stored is None:
        return None
    return compile_definition(stored.definition, f"{case_type_id} v{version}")
