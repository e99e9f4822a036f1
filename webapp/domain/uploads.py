"""Uploaded files: the kind checked from the content (never the name), the size limit of the
question, scanned for viruses (webapp/scanning.py), kept in the database under a generated id,
served only as a download, and only once the scanner has found them clean."""

from __future__ import annotations

import io
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

import filetype
from flask import current_app, send_file
from sqlalchemy.orm import Session

from engine.model import Field
from webapp.domain import audit, scanning
from webapp.infra import clock
from webapp.models import Attachment, Case, User

# What the content must turn out to be for each kind a form author may allow.
_CONTENT_KINDS = {
    "jpg": {"jpg"},
    "png": {"png"},
    "pdf": {"pdf"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "odt": {"odt"},
    "ods": {"ods"},
    "doc": {"doc"},
    "xls": {"xls"},
    "csv": {"text"},
    "txt": {"text"},
}
_MIME = {"csv": "text/csv", "txt": "text/plain"}
# Control and format characters (U+202E RIGHT-TO-LEFT OVERRIDE, zero-width spaces, BOMs…) and
# the line and paragraph separators: invisible, or able to make "invoice<RLO>fdp.exe" read as
# "invoiceexe.pdf". They never stay in a stored file name.
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
GENERIC_STEM = "upload"
VIRUS_FOUND = (
    "The selected file contains a virus and has been deleted; choose a different file, and "
    "ask your IT support to check the computer it came from"
)
NOT_CHECKABLE = (
    "The selected file could not be checked for viruses and has not been saved; choose the "
    "file again, or a different one"
)


class UploadRefused(Exception):
    """The file cannot be accepted; the message says why, for the user."""


def detect_kind(data: bytes) -> str | None:
    """What the content is: a filetype extension such as 'pdf', 'text', or None."""
    guess = filetype.guess(data)
    if guess is not None:
        return guess.extension
    if b"\x00" not in data[:8192]:
        try:
            data[:65536].decode("utf-8")
            return "text"
        except UnicodeDecodeError:
            return None
    return None


def check_upload(field: Field, filename: str, data: bytes) -> str:
    """The accepted kind of an upload for this question; UploadRefused says why not."""
    accepted = field.settings.get("accept", [])
    if not data:
        raise UploadRefused("The selected file is empty")
    limit = field.settings.get("max_size_mb", 10)
    if len(data) > limit * 1024 * 1024:
        raise UploadRefused(f"The selected file must be smaller than {limit:g}MB")
    content = detect_kind(data)
    matches = [k for k in accepted if content in _CONTENT_KINDS[k]]
    if not matches:
        raise UploadRefused(field.kind.wrong_kind_message(field, content))
    extension = os.path.splitext(filename)[1].lower().lstrip(".")
    return extension if extension in matches else matches[0]


def stored_name(filename: str, kind: str) -> str:
    """The name a file is kept under: the user's name without its folders, control and format
    characters, with the extension of what the content really is ("upload.pdf" if nothing
    printable is left)."""
    name = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c for c in name if unicodedata.category(c) not in _UNSAFE_CATEGORIES)
    stem = " ".join(os.path.splitext(name)[0].split())[:190]
    return f"{stem or GENERIC_STEM}.{kind}"


@dataclass(frozen=True)
class NewUpload:
    """A file chosen on a page: the input it came in ("report", "providers-0-report"), its
    question, the name the user's computer gave it and its bytes."""

    key: str
    field: Field
    filename: str
    data: bytes


@dataclass(frozen=True)
class AcceptedUpload:
    """An upload that passed the checks: what it is, and the name it is kept under."""

    upload: NewUpload
    kind: str
    name: str
    verdict: scanning.Verdict = scanning.Verdict(scanning.PENDING)


def check_uploads(uploads: Iterable[NewUpload]) -> tuple[list[AcceptedUpload], dict[str, str]]:
    """The uploads that may be kept, and why the others were refused (by input name)."""
    accepted, refused = [], {}
    for upload in uploads:
        try:
            kind = check_upload(upload.field, upload.filename, upload.data)
        except UploadRefused as refusal:
            refused[upload.key] = str(refusal)
            continue
        accepted.append(AcceptedUpload(upload, kind, stored_name(upload.filename, kind)))
    return accepted, refused


def scan_uploads(
    session: Session, case: Case, user: User, accepted: Iterable[AcceptedUpload]
) -> tuple[list[AcceptedUpload], dict[str, str]]:
    """Scan the accepted uploads: those to keep (clean, or pending when clamd could not be
    asked in time) and why the others were refused. An infected file is audited (committed
    at once, whatever becomes of the page) and its bytes go no further. Call it with no
    transaction open, so that no database lock is held while clamd reads."""
    config = current_app.config
    kept, refused, infected = [], {}, []
    for item in accepted:
        verdict = scanning.scan(config, item.upload.data, config["CLAMD_UPLOAD_TIMEOUT"])
        if verdict.status == scanning.INFECTED:
            refused[item.upload.key] = VIRUS_FOUND
            infected.append((item.upload.key, verdict.detail))
        elif verdict.status == scanning.ERROR:
            refused[item.upload.key] = NOT_CHECKABLE
            current_app.logger.warning("upload to %s not checkable: %s", case.id, verdict)
        else:
            kept.append(replace(item, verdict=verdict))
    for key, signature in infected:  # after the scans: no transaction open while they ran
        audit.record_case(
            session,
            "upload_infected",
            user,
            case,
            question=key,
            signature=signature,
            found_by="upload",
        )
    if infected:
        session.commit()
    return kept, refused


def store_uploads(
    session: Session, case: Case, user: User, accepted: Iterable[AcceptedUpload]
) -> dict[str, dict]:
    """Add the accepted uploads to the session's transaction; the references the answers hold,
    by input name. Call it inside the transaction that saves the answers pointing at them."""
    files = {}
    for item in accepted:
        data = item.upload.data
        attachment = Attachment(
            case_id=case.id,
            field_key=item.upload.key,
            filename=item.name,
            kind=item.kind,
            content_type=_MIME.get(item.kind)
            or filetype.guess_mime(data)
            or "application/octet-stream",
            size=len(data),
            data=data,
            uploaded_by_id=user.id,
            scan_status=item.verdict.status,
            scan_detail=item.verdict.detail,
            scanned_at=_answered_at(item.verdict),
        )
        session.add(attachment)
        session.flush()  # gives the generated id
        files[item.upload.key] = {
            "id": attachment.id,
            "name": item.name,
            "size": len(data),
            "kind": item.kind,
        }
    return files


def _answered_at(verdict: scanning.Verdict):
    answered = verdict.status != scanning.PENDING and verdict.detail != scanning.NOT_SCANNED
    return clock.now() if answered else None


def store_upload(
    session: Session, case: Case, user: User, field: Field, key: str, filename: str, data: bytes
) -> dict:
    """Check, scan and add one upload to the session's transaction (demo data, tests); the
    reference the answers hold. UploadRefused says why it was refused."""
    accepted, refused = check_uploads([NewUpload(key, field, filename, data)])
    if not refused:
        config = current_app.config
        verdict = scanning.scan(config, data, config["CLAMD_UPLOAD_TIMEOUT"])
        if verdict.status in (scanning.INFECTED, scanning.ERROR):
            refused[key] = VIRUS_FOUND if verdict.status == scanning.INFECTED else NOT_CHECKABLE
        accepted = [replace(item, verdict=verdict) for item in accepted]
    if refused:
        raise UploadRefused(refused[key])
    return store_uploads(session, case, user, accepted)[key]


def as_download(attachment: Attachment):
    """The file as a download, never shown inline, with its stored (checked) content type.
    Only a clean file is ever given: callers answer 404 for the others (is_downloadable)."""
    if not is_downloadable(attachment):
        raise ValueError("only a file the virus scanner found clean is downloaded")
    response = send_file(
        io.BytesIO(attachment.data),
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def is_downloadable(attachment: Attachment | None) -> bool:
    """Whether the file may be downloaded: it exists and the virus scanner found it clean."""
    return attachment is not None and attachment.scan_status == scanning.CLEAN
