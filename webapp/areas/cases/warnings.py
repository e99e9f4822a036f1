"""The warnings a school goes past (rules with `severity: warning`), as kept on the case for
officers: by page, each with its input's key, the question as a person reads it, the message."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from engine import CaseType
from engine.input_names import read_input_name


def warning_entries(
    case_type: CaseType, warnings: Sequence, answers: Mapping | None = None
) -> list[dict]:
    """Warnings as the case keeps them; with the draft's `answers`, each with the answer it
    is about as well, so that a warning gone past is asked again of a changed answer (its
    text alone is the same for 12 weeks and for 64)."""
    entries = [
        {"key": w.key, "question": case_type.question_label(w.key), "message": w.message}
        for w in warnings
    ]
    if answers is not None:
        for entry in entries:
            entry["answer"] = warned_answer(answers, entry["key"])
    return entries


def warned_answer(answers: Mapping, key: str):
    """The answer a warning is at: a question's, or a group item's question's."""
    item = read_input_name(key)
    if item is None:
        return answers.get(key)
    items = answers.get(item.group)
    if not isinstance(items, list) or item.index >= len(items):
        return None
    chosen = items[item.index]
    return chosen.get(item.field) if isinstance(chosen, Mapping) else None


def warnings_gone_past(case_type: CaseType, answers: Mapping) -> dict:
    """Every warning the answers about to be sent raise, by page: sending the case goes past
    them all, whether or not a Continue recorded them (Save and come back later, autosave)."""
    return {
        page_id: warning_entries(case_type, found)
        for page_id, found in case_type.warnings(answers).items()
        if found
    }
