"""The files a case's answers point at (inside repeating groups too), and what the virus
scanner made of them: only a case whose files are all clean can be sent."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import CaseType
from engine.model import Field
from webapp.domain import scanning
from webapp.models import Attachment

# What the school is told about a file that is not (yet) clean, after its name.
NOT_CLEAN = {
    scanning.PENDING: "is being checked for viruses; you can send the case when the check "
    "has finished",
    scanning.INFECTED: "contains a virus and has been deleted; choose a different file",
    scanning.ERROR: "could not be checked for viruses and has been deleted; choose the file "
    "again, or a different one",
}


@dataclass(frozen=True)
class CaseFile:
    """A file the school gave with the case: the question it answers (and its page), and the
    virus scan's status once asked for (with_scan_status)."""

    id: str
    name: str
    size: int
    question: str
    page_id: str = ""
    status: str = ""

    @property
    def message(self) -> str:
        """What the school is told about it when it is not clean."""
        return f"{self.name} {NOT_CLEAN.get(self.status, NOT_CLEAN[scanning.ERROR])}"


def file_message(ref: Mapping, statuses: Mapping[str, str]) -> str:
    """What the school is told about a file (a reference from the answers) not yet clean."""
    return CaseFile(ref["id"], ref.get("name", ""), 0, "", status=statuses[ref["id"]]).message


def case_files(case_type: CaseType, answers: Mapping) -> list[CaseFile]:
    """The files in a case's answers, in page order (inside repeating groups too)."""
    found = []
    for page in case_type.pages:
        for field in page.fields:
            found.extend(_file(field, answers.get(field.id), field.label, page.id))
            if not field.kind.holds_items:
                continue
            item_name = field.settings.get("item_label") or field.label
            for number, item in enumerate(answers.get(field.id) or [], 1):
                for nested in field.fields:
                    question = f"{item_name} {number}: {nested.label}"
                    found.extend(_file(nested, item.get(nested.id), question, page.id))
    return found


def _file(field: Field, answer, question: str, page_id: str) -> list[CaseFile]:
    if not field.kind.is_upload or not isinstance(answer, dict) or "id" not in answer:
        return []
    name, size = str(answer.get("name", "")), int(answer.get("size") or 0)
    return [CaseFile(str(answer["id"]), name, size, question, page_id)]


def scan_statuses(session: Session, ids: Iterable[str]) -> dict[str, str]:
    """The scan status of each of these files (a file no longer stored is missing)."""
    ids = list(ids)
    found = dict(
        session.execute(
            select(Attachment.id, Attachment.scan_status).where(Attachment.id.in_(ids))
        ).all()
        if ids
        else []
    )
    return {i: found.get(i, "missing") for i in ids}


def with_scan_status(session: Session, files: list[CaseFile]) -> list[CaseFile]:
    """The files with their scan status."""
    statuses = scan_statuses(session, [f.id for f in files])
    return [replace(f, status=statuses[f.id]) for f in files]


def unchecked_files(session: Session, case_type: CaseType, answers: Mapping) -> list[CaseFile]:
    """The files a case would send that are not known to be clean: it cannot be sent yet."""
    sent = case_type.submission_answers(answers)
    files = with_scan_status(session, case_files(case_type, sent))
    return [f for f in files if f.status != scanning.CLEAN]
