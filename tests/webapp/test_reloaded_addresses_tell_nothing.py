"""The addresses a refused form leaves in the tab (/cases/REF/submit, /caseviewer/cases/REF/
transition, …/notes, …/assign), loaded again, tell someone who may not see the case nothing:
another school's reference, a case of another team's type, and a reference that does not
exist all end on the same "Page not found" as the case's own page (review21)."""

import pytest

from tests.webapp.test_caseviewer import council, submit_ptt  # noqa: F401 - a fixture

UNKNOWN = "EDU-SENED-PTT999999"


def _ends(portal, path):
    """The status and body a browser ends on, following redirects."""
    response = portal.client.get(path, follow_redirects=True)
    return response.status_code, response.get_data()


def test_another_schools_submit_address_is_not_found_as_its_case_is(world, sign_in):
    reference = submit_ptt(sign_in(world.alice))
    bob = sign_in(world.bob)
    asked = _ends(bob, f"/cases/{reference}/submit")
    assert asked[0] == 404
    assert asked == _ends(bob, f"/cases/{reference}") == _ends(bob, f"/cases/{UNKNOWN}/submit")


@pytest.mark.parametrize("action", ["transition", "notes", "assign"])
def test_another_teams_officer_reloading_a_case_form_finds_nothing(
    world,
    sign_in,
    council,  # noqa: F811 - the fixture imported
    action,
):
    reference = submit_ptt(sign_in(world.alice))
    eve = sign_in(council.eve)  # an officer of a team that does not work the case type
    asked = _ends(eve, f"/caseviewer/cases/{reference}/{action}")
    assert asked[0] == 404
    assert asked == _ends(eve, f"/caseviewer/cases/{reference}")
    assert asked == _ends(eve, f"/caseviewer/cases/{UNKNOWN}/{action}")
    # The school's own user is not let into the caseviewer by the reloaded address either.
    alice = sign_in(world.alice)
    assert _ends(alice, f"/caseviewer/cases/{reference}/{action}") == _ends(
        alice, f"/caseviewer/cases/{reference}"
    )
    assert _ends(alice, f"/caseviewer/cases/{reference}")[0] == 404
