"""The work behind the case pages, free of HTTP: starting, saving, submitting, listing cases.

Every function takes the database session and the signed-in user; access is always scoped to
the user's schools (anything else is NotFound, shown as 404).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from engine import CaseType
from engine.group_items import change_items
from webapp.areas.cases.saving import StaleSave
from webapp.areas.cases.saving import save_page as save_page  # the pages call it from here
from webapp.areas.cases.sending import ChangedMeanwhile as ChangedMeanwhile  # and these, too
from webapp.areas.cases.sending import NotSubmittable as NotSubmittable
from webapp.areas.cases.sending import latest_request as latest_request
from webapp.areas.cases.sending import submit_case as submit_case
from webapp.areas.cases.warnings import warning_entries
from webapp.domain import audit, case_lists, case_type_names, workflow
from webapp.domain.case_lists import CASE_SORTS, filtered_by, with_reference_holding
from webapp.domain.errors import NotFound
from webapp.infra.database import transaction
from webapp.models import Case, CaseEvent, School, User, utcnow
from webapp.web.listing import Listing, ListingArgs, ListingSpec, fetch_page
from webapp.web.partitions import Partition

DRAFT = "Draft"
NOT_SUBMITTED = "Not yet submitted"


class GroupFull(Exception):
    """A repeating group already has the most items it takes; the message says how many."""


# ---- schools and case types ----


def user_schools(session: Session, user: User) -> list[School]:
    """The schools the user belongs to, by name."""
    return list(
        session.scalars(select(School).where(School.id.in_(user.school_ids)).order_by(School.name))
    )


def school_for_user(session: Session, user: User, school_id: int) -> School:
    if school_id not in user.school_ids:
        raise NotFound
    return session.get(School, school_id)


# ---- starting and finding cases ----


def case_for_user(session: Session, user: User, reference: str) -> Case:
    """The case with this reference if it belongs to one of the user's schools."""
    case = session.scalar(
        select(Case).options(joinedload(Case.school)).where(Case.reference == reference)
    )  # with its school, which the pages show and prefill from: one query
    return users_case(user, case)


def users_case(user: User, case: Case | None) -> Case:
    """`case` if it belongs to one of the user's schools; NotFound otherwise (or if None)."""
    if case is None or case.school_id not in user.school_ids:
        raise NotFound
    return case


# ---- saving pages ----


def resume_at(session: Session, case: Case, page_id: str) -> None:
    """The page a draft opens at from My cases: the one Continue sent the school on to (the page
    answered in full is not where they left off). A hint, not an answer: the row's version stays
    (one UPDATE); another tab's save meanwhile moved it on, and that save's page wins."""
    if case.is_draft and case.last_page != page_id:
        with transaction(session):
            same_draft = (Case.id == case.id, Case.row_version == case.row_version)
            session.execute(
                update(Case).where(*same_draft, Case.status == "Draft").values(last_page=page_id)
            )


def acknowledge_warnings(
    session: Session, case: Case, case_type: CaseType, page_id: str, warnings: Sequence
) -> None:
    """Record the warnings the school went past on a page of a draft (none: the page raises
    none now). Another tab may save the case meanwhile (its version moves on): then read it
    again and record on the fresh row.

    A sent case keeps the warnings of the answers it was sent with (submit_case), which
    officers read beside those answers: changes the school makes after the council asked for
    more information, and the warnings they raise, are the council's only once sent again."""
    if not case.is_draft:
        return
    entries = warning_entries(case_type, warnings, case.answers)  # the answers just saved
    for _attempt in range(3):
        kept = {k: v for k, v in (case.acknowledged_warnings or {}).items() if k != page_id}
        if warnings:
            kept[page_id] = entries
        if kept == (case.acknowledged_warnings or {}):
            return
        try:
            with transaction(session):
                case.acknowledged_warnings = kept
            return
        except StaleDataError:
            session.refresh(case)
    raise StaleSave(case.page_versions.get(page_id, 0))


def changeable_by_the_school(session: Session, case: Case) -> CaseType | None:
    """The case's own definition (a sent case's own version) if its school may change it now:
    a draft, or a case whose activity hands it back to the school; else None."""
    try:
        case_type = workflow.definition_for(session, case)
    except LookupError:
        return None
    return case_type if case.is_draft or workflow.school_can_edit(case_type, case) else None


def keep_typed_input(
    session: Session, user: User, reference: str, page_id: str, formdata
) -> str | None:
    """Keep what was typed on a page of a case the school may change (a draft, or one the
    council asked more about), as typed, without checking or merging it.

    Used when the session ran out while the page was being sent: the signed (if stale)
    session still says who typed it. The page's title when a case of this user's schools
    received it, else None.
    """
    case = session.scalar(select(Case).where(Case.reference == reference))
    if case is None or case.school_id not in user.school_ids:
        return None
    case_type = changeable_by_the_school(session, case)
    if case_type is None:
        return None
    if page_id not in [p.id for p in case_type.visible_pages(case.answers)]:
        return None
    form = case_type.form_class(page_id)(formdata)
    typed = case_type.typed_input(page_id, form, case.answers, {})
    with transaction(session):
        case.raw_input = {**case.raw_input, page_id: typed}
        case.last_page = page_id
    return case_type.page(page_id).title


def change_group_items(
    session: Session,
    case: Case,
    case_type: CaseType,
    page_id: str,
    group_id: str,
    add: bool = False,
    remove: int | None = None,
    typed: Mapping | None = None,
) -> str | None:
    """Add an empty item to a repeating group as typed (`typed`: the page as just sent, else
    as last kept), or remove one (by its position on screen); what to tell the user of a
    removal.

    GroupFull when the group already has the most items it takes (nothing changes)."""
    raw_page = typed if typed is not None else case.raw_input.get(page_id)
    changed = change_items(case_type, page_id, group_id, raw_page, case.answers, add, remove)
    if changed is None:
        group = next(f for f in case_type.page(page_id).fields if f.id == group_id)
        raise GroupFull(group.kind.too_many_message(group))
    raw, answers, removed = changed
    with transaction(session):
        case.raw_input = {**case.raw_input, page_id: raw}
        case.answers = answers
        case.page_versions = {
            **case.page_versions,
            page_id: case.page_versions.get(page_id, 0) + 1,
        }
        case.updated_at = utcnow()
    return removed


# ---- abandoning (sending: sending.py) ----


def abandon_draft(session: Session, case: Case, user: User) -> None:
    """The school no longer wants this draft: it stays listed as Abandoned."""
    with transaction(session):
        case.status = "Abandoned"
        case.activity_label = "Draft abandoned"
        case.updated_at = utcnow()
        session.add(CaseEvent(case_id=case.id, actor_id=user.id, kind="abandoned"))
        audit.record_case(session, "draft_abandoned", user, case)


def record_view(session: Session, user: User, case: Case) -> None:
    """Audit that the user opened the case (who, which case; never its content)."""
    with transaction(session):
        audit.record_case(session, "case_viewed", user, case)


# ---- My cases ----

SORTS = {
    **CASE_SORTS,
    "service": (Case.service_name,),
    "updated": (Case.updated_at,),
    "school": (select(School.name).where(School.id == Case.school_id).scalar_subquery(),),
}
MY_CASES = ListingSpec(
    tuple(SORTS),
    "updated",
    descending=True,
    search_param="reference",
    search_max=40,
    nulls_last=("submitted",),  # drafts (never submitted) after the submitted ones
    filters=("school",),  # one of the user's schools (offered_schools)
)
# A draft of a retired case type past its last day for drafts: read-only, never sent. Its
# stored status stays Draft; My cases shows it, and filters it, as this status of its own.
CLOSED_DRAFT = "Draft – can no longer be sent"
STATUSES = (DRAFT, CLOSED_DRAFT, "Active", "Completed", "Abandoned")


@dataclass(frozen=True)
class CaseSearch:
    """My cases' filters; the reference searched for is the listing's search text."""

    case_type: str = ""
    service: str = ""
    status: str = ""

    @classmethod
    def read(cls, query: Mapping[str, str]) -> CaseSearch:
        """The filters a query string asks for; a status not offered is no filter."""
        status = query.get("status", "")
        return cls(
            case_type=query.get("case_type", ""),
            service=query.get("service", ""),
            status=status if status in STATUSES else "",
        )

    @property
    def params(self) -> dict:
        """The filters as a query string, for the listing's links."""
        return {"case_type": self.case_type, "service": self.service, "status": self.status}


def offered_schools(schools: Sequence[School]) -> dict[str, list[str]]:
    """What My cases' school filter takes: the ids of the user's own schools."""
    return {"school": [str(school.id) for school in schools]}


def closed_for_drafts(case_types: Iterable[CaseType], today: dt.date) -> frozenset[str]:
    """The case types (ids) whose drafts can no longer be sent on `today`: retired ones past
    their last day for drafts (a draft works with the current definition)."""
    return frozenset(c.id for c in case_types if not c.lifecycle.drafts_can_be_sent(today))


def list_cases(
    session: Session,
    user: User,
    search: CaseSearch,
    args: ListingArgs,
    closed: frozenset[str] = frozenset(),
) -> Listing[Case]:
    """The cases of the user's schools that match the search, one page of them; `closed`: the
    case types whose drafts count as CLOSED_DRAFT, not DRAFT (closed_for_drafts)."""
    # Kept to the user's schools below: by IN, or school by school (fetch_page's partition).
    query = select(Case)
    if school := args.filter("school"):  # offered only the user's own (MY_CASES.read)
        query = query.where(Case.school_id == int(school))
    query = with_reference_holding(query, args.search)
    query = filtered_by(
        query,
        (Case.case_type_id, search.case_type),
        (Case.service_name, search.service),
        (Case.status, DRAFT if search.status == CLOSED_DRAFT else search.status),
    )
    if search.status == CLOSED_DRAFT:
        query = query.where(Case.case_type_id.in_(closed))
    elif search.status == DRAFT and closed:
        query = query.where(Case.case_type_id.not_in(closed))
    # One school's cases all sort alike by school: then only the tie-breaker orders them.
    one_school = bool(school) or len(user.school_ids) == 1
    if one_school:
        query = query.where(Case.school_id.in_(user.school_ids))
    # Drafts were never sent: by date sent they all sort alike (last, either way), so only the
    # tie-breaker orders them, through an index (school, id) rather than past every sent case.
    never_sent = search.status in (DRAFT, CLOSED_DRAFT) and args.sort == "submitted"
    sort = () if (args.sort == "school" and one_school) or never_sent else SORTS[args.sort]
    if (held := case_type_names.held_alike(session, search.case_type, sort)) is not None:
        sort, query = (), query.where(held)  # by id, through the index (school, it, id)
    # The tie-breaker runs the sort's way, so one index (school, column, id) serves each;
    # several schools' cases are read school by school through it (a query each, merged).
    newest = Case.id.desc() if args.descending else Case.id.asc()
    several = Partition(Case.school_id, user.school_ids)
    if args.sort == "school" and not one_school:  # a school's name: the same for its cases
        sort = (*sort, Case.school_id)  # Next and Previous seek school by school
        mine = select(School.id, School.name).where(School.id.in_(user.school_ids))
        names = session.execute(mine.order_by(School.name, School.id))  # the parts' order
        several = replace(several, fixed={id_: (name, id_) for id_, name in names})
    return fetch_page(
        session,
        query,
        args,
        sort=sort,
        tie_breaker=[newest],
        keyset=Case.id,
        partition=None if one_school else several,
        found=case_lists.found_by_reference(args.search),
    )


def search_options(
    case_types: Iterable[CaseType], schools: Sequence[School]
) -> tuple[list[tuple[str, str]], list[str]]:
    """The case types (id, name) and service names the user's schools may raise, from the
    catalogue (never read from the cases: the same cost at any number of them)."""
    settings = {school.setting_type for school in schools}
    raised = [case_type for case_type in case_types if settings & set(case_type.raised_by)]
    types = sorted(((c.id, c.name) for c in raised), key=lambda pair: pair[1].lower())
    return types, sorted({c.service for c in raised}, key=str.lower)
