"""Starting a case. "Start now" creates nothing: the first page of a new case is shown for an
unsaved draft, and its first save (Continue, "Save and come back later", a background save)
creates the case and its reference. So pressing Start now and leaving leaves no empty draft.

The page of an unsaved draft carries a start token; the draft its first save creates keeps it,
so the same page sent again (two clicks, a background save then Continue, a retry) finds that
draft instead of making a second one.
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import CaseType
from webapp.areas.cases.services import DRAFT, NOT_SUBMITTED
from webapp.domain.errors import NotFound
from webapp.domain.references import allocate_reference
from webapp.infra.database import transaction
from webapp.models import Case, CaseEvent, School, User

_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


class _StartedMeanwhile(Exception):
    """Another request with the same start token created the draft first."""


def new_start_token() -> str:
    return secrets.token_urlsafe(32)


def is_start_token(value: str | None) -> bool:
    return bool(value) and _TOKEN.fullmatch(value) is not None


def may_start(user: User, school: School, case_type: CaseType) -> None:
    """NotFound unless the user belongs to the school and its kind of setting raises the type,
    and the type is not retired (it starts no new cases)."""
    if school.id not in user.school_ids or school.setting_type not in case_type.raised_by:
        raise NotFound
    if case_type.lifecycle.retired:
        raise NotFound


def unsaved_case(user: User, school: School, case_type: CaseType) -> Case:
    """A draft not saved yet (no reference): what the pages of a new case are shown for."""
    may_start(user, school, case_type)
    return _new_case(user, school, case_type, reference=None)


def start_case(
    session: Session,
    user: User,
    school: School,
    case_type: CaseType,
    start_token: str | None = None,
) -> Case:
    """A new draft with its reference, at the case type's first page; with a start token, the
    draft an earlier send of the same unsaved page created, if there is one."""
    may_start(user, school, case_type)
    if start_token is not None:
        earlier = started_with(session, user, school, case_type, start_token)
        if earlier is not None:
            return earlier
    case = _new_case(
        user, school, case_type, allocate_reference(session, case_type.prefix, case_type.code)
    )
    case.start_token = start_token
    try:
        with transaction(session, conflict=_StartedMeanwhile):
            session.add(case)
            session.flush()
            session.add(CaseEvent(case_id=case.id, actor_id=user.id, kind="created"))
    except _StartedMeanwhile:
        earlier = started_with(session, user, school, case_type, start_token)
        if earlier is None:
            raise
        return earlier
    return case


def started_with(session, user, school, case_type, start_token) -> Case | None:
    """The draft this user's start token made, if any (NotFound for another school or type)."""
    case = session.scalar(
        select(Case).where(Case.created_by_id == user.id, Case.start_token == start_token)
    )
    if case is not None and (case.school_id, case.case_type_id) != (school.id, case_type.id):
        raise NotFound  # a token of another of the user's drafts, sent with another form
    return case


def _new_case(user: User, school: School, case_type: CaseType, reference: str | None) -> Case:
    return Case(
        reference=reference,
        school_id=school.id,
        school=school,
        created_by_id=user.id,
        case_type_id=case_type.id,
        case_type_version=case_type.version,
        case_type_name=case_type.name,
        service_name=case_type.service,
        status=DRAFT,
        activity=None,
        activity_label=NOT_SUBMITTED,
        answers={},
        raw_input={},
        page_versions={},
        acknowledged_warnings=None,
        last_page=case_type.visible_pages({})[0].id,
    )
