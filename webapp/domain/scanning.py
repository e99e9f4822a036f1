"""Virus scanning of uploads with ClamAV's daemon (clamd), over its socket with INSTREAM.

    verdict = scan(app.config, data, timeout)     # clean, infected, error, or pending
    report = scan_pending(session, app.config)    # the worker: files that could not be scanned

A file is scanned when it is uploaded if clamd answers within CLAMD_UPLOAD_TIMEOUT seconds;
when clamd is down or slow the file is kept as pending (never passed unchecked) and the worker
scans it later. Infected files (and those clamd cannot check) lose their bytes. Without a
scanner configured (CLAMD_SOCKET, or CLAMD_HOST and CLAMD_PORT), which only development and
tests allow, files are marked clean with a note saying they were not scanned.

The client is webapp/clamav.py (INSTREAM over a Unix socket or TCP).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from webapp.domain import audit
from webapp.infra import clamav, clock
from webapp.infra.database import transaction
from webapp.models import Attachment, Case

log = logging.getLogger(__name__)

PENDING, CLEAN, INFECTED, ERROR = "pending", "clean", "infected", "error"
NOT_SCANNED = "not scanned: no virus scanner is set up (development)"
PING_TIMEOUT = 2.0
# What clamd (AlertExceedsMax yes) reports for a file past its MaxFileSize, MaxScanSize…
# limits: not a virus, but a file it did not check through.
LIMITS_EXCEEDED = "Heuristics.Limits.Exceeded"
BATCH = 20


@dataclass(frozen=True)
class Verdict:
    """What the scanner said: the status, and the signature found, the scanner's error, or why
    the file is still waiting."""

    status: str
    detail: str = ""


def configured(config: Mapping) -> bool:
    """Whether a virus scanner is set up (CLAMD_SOCKET, or CLAMD_HOST)."""
    return bool(config.get("CLAMD_SOCKET") or config.get("CLAMD_HOST"))


def _address(config: Mapping) -> clamav.Address:
    if config.get("CLAMD_SOCKET"):
        return clamav.Address(socket_path=config["CLAMD_SOCKET"])
    return clamav.Address(host=config["CLAMD_HOST"], port=int(config["CLAMD_PORT"]))


def scan(config: Mapping, data: bytes, timeout: float) -> Verdict:
    """Ask clamd about `data`, waiting at most `timeout` seconds for each step; pending when
    it cannot be asked (down, or slower than that)."""
    if not configured(config):
        return Verdict(CLEAN, NOT_SCANNED)
    address = _address(config)
    try:
        status, detail = clamav.instream(address, data, timeout)
    except clamav.HungUp as error:
        # clamd hangs up on a stream past its StreamMaxLength; if it still answers, the file
        # is the problem, not the daemon.
        if clamav.ping(address, PING_TIMEOUT):
            return Verdict(ERROR, "clamd stopped reading the file (past its StreamMaxLength?)")
        return Verdict(PENDING, str(error)[:200])
    except clamav.Unreachable as error:
        return Verdict(PENDING, str(error)[:200])
    if status == "FOUND" and detail.startswith(LIMITS_EXCEEDED):
        return Verdict(ERROR, f"past clamd's limits ({detail})"[:200])  # AlertExceedsMax
    if status == "FOUND":
        return Verdict(INFECTED, (detail or "unnamed")[:200])
    return Verdict(CLEAN) if status == "OK" else Verdict(ERROR, detail[:200])


@dataclass
class ScanReport:
    """What one call of scan_pending() did."""

    clean: int = 0
    infected: int = 0
    errors: int = 0
    waiting: int = 0  # still pending: the scanner could not be asked
    problem: str = ""  # why not

    @property
    def scanned(self) -> int:
        return self.clean + self.infected + self.errors

    def __str__(self) -> str:
        text = f"{self.clean} clean, {self.infected} infected, {self.errors} not checkable"
        if self.waiting:
            text += f"; {self.waiting} waiting ({self.problem})"
        return text


def scan_pending(session: Session, config: Mapping, limit: int = BATCH) -> ScanReport:
    """Scan up to `limit` pending files, oldest first, each in its own short transactions (no
    database lock is held while clamd reads). Stops at the first file clamd cannot be asked
    about: the rest wait for the next round."""
    report = ScanReport()
    ids = list(
        session.scalars(
            select(Attachment.id)
            .where(Attachment.scan_status == PENDING)
            .order_by(Attachment.created_at, Attachment.id)
            .limit(limit)
        )
    )
    session.commit()
    for attachment_id in ids:
        data = session.scalar(
            select(Attachment.data).where(
                Attachment.id == attachment_id, Attachment.scan_status == PENDING
            )
        )
        session.commit()
        if data is None:  # scanned by another worker meanwhile
            continue
        verdict = scan(config, data, config["CLAMD_TIMEOUT"])
        if verdict.status == PENDING:
            report.waiting = waiting_count(session)
            report.problem = verdict.detail
            break
        record(session, attachment_id, verdict)
        counter = {CLEAN: "clean", INFECTED: "infected"}.get(verdict.status, "errors")
        setattr(report, counter, getattr(report, counter) + 1)
    return report


def record(session: Session, attachment_id: str, verdict: Verdict) -> None:
    """Keep the worker's verdict on a pending file (infected and unreadable ones lose their
    bytes; an infected one is audited). Commits."""
    values = {"scan_status": verdict.status, "scan_detail": verdict.detail}
    if verdict.detail != NOT_SCANNED:
        values["scanned_at"] = clock.now()
    if verdict.status in (INFECTED, ERROR):
        values["data"] = b""
    with transaction(session):
        changed = session.execute(
            update(Attachment)
            .where(Attachment.id == attachment_id, Attachment.scan_status == PENDING)
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed and verdict.status == INFECTED:
            attachment = session.get(Attachment, attachment_id)
            case = session.get(Case, attachment.case_id)
            audit.record_case(
                session,
                "upload_infected",
                None,
                case,
                question=attachment.field_key,
                signature=verdict.detail,
                found_by="worker",
            )
            log.warning(
                "upload %s of %s: virus found, bytes deleted", attachment_id, case.reference
            )


def waiting_count(session: Session) -> int:
    """How many files wait for the scanner."""
    return session.scalar(
        select(func.count()).select_from(Attachment).where(Attachment.scan_status == PENDING)
    )


@dataclass(frozen=True)
class Backlog:
    """Files waiting for the scanner: how many, since when, and when it last answered."""

    waiting: int
    oldest: dt.datetime | None
    last_answer: dt.datetime | None

    @property
    def silent_since(self) -> dt.datetime | None:
        """Since when the scanner has not answered (its last answer, else the oldest wait)."""
        return self.last_answer or self.oldest


def backlog(session: Session) -> Backlog:
    """The files waiting for the scanner (council admins see it on their home page)."""
    waiting, oldest = session.execute(
        select(func.count(), func.min(Attachment.created_at)).where(
            Attachment.scan_status == PENDING
        )
    ).one()
    last = session.scalar(select(func.max(Attachment.scanned_at))) if waiting else None
    return Backlog(waiting, oldest and clock.aware(oldest), last and clock.aware(last))
