"""A locked prefilled question whose own limits may refuse the portal's value (E613).

A locked question shows the portal's value as text and saves it whatever is posted, so the
school cannot change it. A `max_length` shorter than that value, or a `pattern` it does not
match, gave an error beside an answer nobody could correct: the page, and so the case, could
never be sent. What each source can hold is the portal's (webapp/models.py, schools.py;
tests/webapp/test_prefill_limits.py keeps them in step): the longest value, and for sources of
a fixed shape, one value of each shape (None: any text, which any pattern may refuse).
"""

from __future__ import annotations

from engine.model import Field
from engine.patterns import matches_whole, pattern_problem

SOURCES: dict[str, tuple[int, tuple[str, ...] | None]] = {
    "school.name": (200, None),
    "school.urn": (8, ("123456", "EY123456", "1234567")),
    "school.laestab": (7, ("8562001",)),
    "school.phase": (
        11,
        ("Early years", "Nursery", "Primary", "Middle", "Secondary", "All-through", "16 plus"),
    ),
    "user.full_name": (201, None),
    "user.email": (254, None),
    "user.job_title": (100, None),
    "user.mobile": (20, None),
}


def locked_limits(field: Field) -> list[tuple[str, str]]:
    """(key, why) for each of the locked `field`'s limits its prefilled value may not meet."""
    if not field.locked or field.prefill not in SOURCES:
        return []
    longest, shapes = SOURCES[field.prefill]
    found = []
    most = field.settings.get("max_length")
    if isinstance(most, int) and most < longest:
        found.append(("max_length", f"{field.prefill} can be up to {longest} characters"))
    pattern = field.settings.get("pattern")
    if isinstance(pattern, str) and not pattern_problem(pattern):
        if shapes is None:
            found.append(("pattern", f"{field.prefill} can be any text"))
        elif missed := [s for s in shapes if not matches_whole(pattern, s)]:
            found.append(("pattern", f"{field.prefill} can be '{missed[0]}', which it refuses"))
    return found
