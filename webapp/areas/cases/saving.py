"""Saving a case's page: what was typed checked by the engine, then written by one UPDATE
that lands only on the row it was checked against (services.py re-exports it)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine import CaseType, PageResult
from webapp.domain.errors import NotFound
from webapp.domain.uploads import NewUpload, check_uploads, scan_uploads, store_uploads
from webapp.infra.database import transaction
from webapp.models import Case, User, utcnow


class StaleSave(Exception):
    """The page was saved from elsewhere (another tab) since this copy was opened."""

    def __init__(self, current_version: int):
        super().__init__(current_version)
        self.current_version = current_version


def save_page(
    session: Session,
    case: Case,
    case_type: CaseType,
    page_id: str,
    form,
    page_version: int,
    uploads: Sequence[NewUpload] = (),
    user: User | None = None,
) -> PageResult:
    """Save what was typed on a page, valid or not, with the files chosen on it (uploaded by
    `user`); StaleSave if the page changed meanwhile.

    Only this page's answers are merged into the latest stored answers, so saves of different
    pages (two tabs) both survive: the case as read in this request is checked by the engine,
    then written by one UPDATE that only lands if the row is still the one read (its row
    version) and belongs to the user's schools; otherwise the row is read again and the save
    retried on it. The files are stored inside each attempt, so the answers never point at a
    file a retry rolled back. Without files that UPDATE is the only write, so a view may run
    this without a transaction (database.single_statement: the autosave).
    """
    stage = (case.status, case.activity)  # as read when the view checked it may be changed
    accepted, file_errors = check_uploads(uploads)
    if accepted:
        session.rollback()  # no transaction (on SQLite: the write lock) while clamd reads
        accepted, infected = scan_uploads(session, case, user, accepted)
        file_errors |= infected
    schools = user.school_ids if user is not None else {case.school_id}
    fresh = False  # whether the case was read again in this attempt's transaction
    for _attempt in range(5):
        try:
            with transaction(session):
                current = case.page_versions.get(page_id, 0)
                if page_version != current:
                    if not fresh:
                        raise _Moved  # perhaps only this copy is old: look again first
                    # Changed elsewhere: StaleSave, unless this stores what is stored already.
                    return _changing_nothing(case, case_type, page_id, form, file_errors, accepted)
                files = store_uploads(session, case, user, accepted) if accepted else {}
                result = case_type.save_page(page_id, form, case.answers, files, file_errors)
                raw_input = {k: v for k, v in case.raw_input.items() if k != page_id}
                if not result.valid:
                    raw_input[page_id] = result.raw
                _write_if_unchanged(
                    session,
                    case,
                    schools,
                    answers=result.answers,
                    raw_input=raw_input,
                    page_versions={**case.page_versions, page_id: current + 1},
                    last_page=page_id,
                    updated_at=utcnow(),
                )
            return result
        except _Moved:  # written meanwhile: try again on the fresh row
            _read_again(session, case, schools, stage, page_id)
            fresh = True
    raise StaleSave(case.page_versions.get(page_id, 0))


def _changing_nothing(
    case: Case, case_type: CaseType, page_id: str, form, file_errors, files_chosen
) -> PageResult:
    """The page's result if saving it would store exactly what is stored now (and no file was
    chosen), else StaleSave: the page changed in another tab or window.

    An older copy of the page that sends the answers already saved is no conflict: the same
    tab's save on its way out (reloaded, or Back, straight after typing) landing after the
    page came back, and the copy then sending the same answers again."""
    stale = StaleSave(case.page_versions.get(page_id, 0))
    if files_chosen:
        raise stale
    result = case_type.save_page(page_id, form, case.answers, {}, file_errors)
    raw_input = {k: v for k, v in case.raw_input.items() if k != page_id}
    if not result.valid:
        raw_input[page_id] = result.raw
    if result.answers != case.answers or raw_input != case.raw_input:
        raise stale
    return result


def _read_again(session: Session, case: Case, schools, stage: tuple, page_id: str) -> None:
    """The case as it is now, if the user may still change it as they could when it was read:
    NotFound if it changed hands, StaleSave if it was sent, abandoned or moved on meanwhile."""
    session.refresh(case)
    if case.school_id not in schools:  # never, unless the row changed hands
        raise NotFound from None
    if (case.status, case.activity) != stage:
        raise StaleSave(case.page_versions.get(page_id, 0)) from None


class _Moved(Exception):
    """The case row is no longer the one read (another request wrote it meanwhile)."""


_CASES = Case.__table__
# The one write of a save, built once (Core, not the ORM's bulk UPDATE: only its parameters
# change from save to save); the values to set are given with the parameters.
_WRITE = (
    update(_CASES)
    .where(
        _CASES.c.id == bindparam("case_id"),
        _CASES.c.row_version == bindparam("read_version"),
        _CASES.c.school_id.in_(bindparam("schools", expanding=True)),
    )
    .values(row_version=_CASES.c.row_version + 1)
    .returning(_CASES.c.row_version)
)


def _write_if_unchanged(session: Session, case: Case, schools, **values) -> None:
    """One UPDATE of the case, only if its row version is still the one read and it belongs
    to one of `schools`; _Moved otherwise. The case in the session takes the written values."""
    where = {"case_id": case.id, "read_version": case.row_version, "schools": sorted(schools)}
    written = session.execute(_WRITE, {**where, **values}).scalar()
    if written is None:
        raise _Moved
    for name, value in {**values, "row_version": written}.items():
        set_committed_value(case, name, value)
