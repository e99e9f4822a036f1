"""What the portal knows about the signed-in user and a case's school, for prefilled questions.

Unanswered prefilled questions show these values; a locked one always shows its value, and
whatever a browser posts for it is replaced by the value here before the page is saved.
"""

from __future__ import annotations

from engine import CaseType
from webapp.models import School, User


def known_values(user: User, school: School) -> dict[str, str]:
    """The values of the `prefill:` sources, by name ("" where the portal does not know)."""
    return {
        "school.name": school.name,
        "school.urn": school.urn,
        "school.laestab": school.laestab or "",
        "school.phase": school.phase or "",
        "user.full_name": user.full_name.strip(),
        "user.email": user.email,
        "user.job_title": user.job_title or "",
        "user.mobile": user.mobile or "",
    }


def keep_locked(form, case_type: CaseType, page_id: str, known: dict[str, str]) -> None:
    """Put the portal's values in the locked questions of a posted form (never the browser's)."""
    for field_id, value in case_type.locked_fields(page_id, known).items():
        form[field_id].data = value


def locked_ids(case_type: CaseType, known: dict[str, str]) -> set[str]:
    """Every locked question of the case type that shows the portal's value: nothing to change."""
    return {
        field_id for page in case_type.pages for field_id in case_type.locked_fields(page.id, known)
    }
