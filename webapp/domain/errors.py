"""The errors every service raises, and what the pages make of them.

NotFound: the thing is not there for this person (no such case, user, school or team, or one
that is not theirs): always answered 404, never 403, so that ids and references cannot be
probed (webapp/web/access.py). Refused: a change the rules do not allow; `problems` maps form
field names (None: the page as a whole) to messages a person can act on, shown on the form
(webapp/web/forms.py's show_refusal). Subclasses exist only where a caller must tell cases
apart.
"""

from __future__ import annotations


class NotFound(Exception):
    """Nothing this person may see: shown as a logged 404, as if it did not exist."""


class Refused(Exception):
    """A change the rules do not allow. `field` names the form field the message belongs to
    (None: the page as a whole); `problems` holds every field's message when there are more."""

    def __init__(
        self, message: str, field: str | None = None, problems: dict[str | None, str] | None = None
    ):
        super().__init__(message)
        self.field = field
        self.problems = problems or {field: message}


class EmailInUse(Refused):
    """Another account already has this email address (on the form's email field)."""

    def __init__(self, email: str, message: str = "A user with this email address already exists"):
        super().__init__(message, "email")
        self.email = email


class URNInUse(Refused):
    """Another school already has this URN (on the form's URN field)."""

    def __init__(self, school):
        super().__init__(f"URN {school.urn} is already used by {school.name}", "urn")
        self.school = school


class LastAdmin(Refused):
    """The change would leave a school without an administrator."""
