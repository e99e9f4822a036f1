"""The files on a case's page: those already uploaded with their virus scan status, and
what the school is told about the files just chosen (refused, or waiting for the scanner)."""

from __future__ import annotations

from flask import flash, request

from engine.describe import join_words
from webapp.areas.cases.presenters import current_files
from webapp.domain import scanning
from webapp.domain.case_files import file_message, scan_statuses
from webapp.infra.database import db


def uploaded_files(page, answers) -> dict[str, dict]:
    """Files already uploaded on the page, by input name, each with its virus scan status."""
    files = current_files(page, answers)
    statuses = scan_statuses(db(), [ref["id"] for ref in files.values()])
    return {
        key: {**ref, "status": statuses[ref["id"]], "message": file_message(ref, statuses)}
        for key, ref in files.items()
    }


def has_file_question(page) -> bool:
    fields = [*page.fields, *(n for f in page.fields for n in f.fields)]
    return any(f.kind.is_upload for f in fields)


def tell_about_pending_files(page, answers) -> None:
    """Files just uploaded that clamd could not check in time: the school learns it at once,
    in one message however many (each message waits in the session cookie until shown)."""
    names = [
        ref["name"]
        for key, ref in uploaded_files(page, answers).items()
        if key in request.files and ref["status"] == scanning.PENDING
    ]
    if len(names) == 1:
        flash(
            f"{names[0]} is being checked for viruses. You can carry on; you can send the case "
            "once the check has finished.",
            "info",
        )
    elif names:
        named = names if len(names) <= 3 else [*names[:2], f"{len(names) - 2} more"]
        flash(
            f"{len(names)} files are being checked for viruses: {join_words(named)}. You can "
            "carry on; you can send the case once the checks have finished.",
            "info",
        )


FILE_NOT_KEPT = (
    "Your other answers have been saved, but not the file you chose: it could not be kept "
    "(see below). Choose another file, or come back to it later from My cases."
)


def refused_files(errors) -> list:
    """The problems with files chosen on this request: each such file was not kept."""
    chosen = {key for key, storage in request.files.items(multi=True) if storage.filename}
    return [error for error in errors if error.key in chosen]
