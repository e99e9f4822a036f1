"""The engine's account of what each `prefill:` source can hold (engine/prefill_limits.py, for
E613: a locked question whose own limits may refuse the portal's value) agrees with what the
portal keeps: the longest value of each, and every shape of a URN, LAESTAB and phase."""

from __future__ import annotations

from engine.model import PREFILL_SOURCES
from engine.prefill_limits import SOURCES
from webapp.domain.schools import PHASES, URN_PATTERNS, normalise_laestab
from webapp.models import School, User


def _longest(column) -> int:
    return column.property.columns[0].type.length


def test_every_prefill_source_is_described():
    assert set(SOURCES) == set(PREFILL_SOURCES)


def test_the_longest_values_are_the_portals():
    first, last = _longest(User.first_name), _longest(User.last_name)
    assert SOURCES["school.name"][0] == _longest(School.name)
    assert SOURCES["school.urn"][0] == max(len("EY123456"), len("1234567"))
    assert SOURCES["user.full_name"][0] == first + 1 + last  # "first last"
    assert SOURCES["user.email"][0] == _longest(User.email)
    assert SOURCES["user.job_title"][0] == _longest(User.job_title)
    assert SOURCES["user.mobile"][0] == _longest(User.mobile)
    assert SOURCES["school.laestab"][0] == _longest(School.laestab)
    assert SOURCES["school.phase"][0] == max(len(p) for p in PHASES)


def test_the_shapes_are_those_the_portal_takes():
    urns = SOURCES["school.urn"][1]
    for pattern in URN_PATTERNS.values():  # every kind of URN has a sample
        assert any(pattern.fullmatch(urn) for urn in urns)
    assert all(any(p.fullmatch(urn) for p in URN_PATTERNS.values()) for urn in urns)
    assert SOURCES["school.phase"][1] == PHASES
    assert [normalise_laestab(x) for x in SOURCES["school.laestab"][1]] == ["8562001"]
