"""What changed between two sets of a case's answers, as a person reads them: the questions
of "Check your answers" whose answers differ (the school's changes, for the officer who asked)."""

from __future__ import annotations

from collections.abc import Mapping

from engine.casetype import CaseType
from engine.model import SummaryRow


def changed_questions(case_type: CaseType, before: Mapping, after: Mapping) -> list[str]:
    """The questions whose answers differ between two sets of answers (labels, in page
    order): changed, newly asked, then no longer asked."""

    def rows(answers: Mapping) -> dict[str, SummaryRow]:
        return {r.field_id: r for s in case_type.summary_sections(answers) for r in s.rows}

    old, new = rows(before), rows(after)
    changed = [
        row.label
        for field_id, row in new.items()
        if field_id not in old
        or (old[field_id].value, old[field_id].items) != (row.value, row.items)
        or before.get(field_id) != after.get(field_id)
    ]
    return changed + [row.label for field_id, row in old.items() if field_id not in new]
