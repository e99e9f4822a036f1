"""The warnings a school goes past (rules with `severity: warning`), as kept on the case for
officers: by page, each with its input's key, the question as a person reads it, the message."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from engine import CaseType


def warning_entries(case_type: CaseType, warnings: Sequence) -> list[dict]:
    """Warnings as the case keeps them."""
    return [
        {"key": w.key, "question": case_type.question_label(w.key), "message": w.message}
        for w in warnings
    ]


def warnings_gone_past(case_type: CaseType, answers: Mapping) -> dict:
    """Every warning the answers about to be sent raise, by page: sending the case goes past
    them all, whether or not a Continue recorded them (Save and come back later, autosave)."""
    return {
        page_id: warning_entries(case_type, found)
        for page_id, found in case_type.warnings(answers).items()
        if found
    }
