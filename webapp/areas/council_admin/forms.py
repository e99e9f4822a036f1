"""Council admin's forms: a school and its first admin, another admin, an officer, a team,
an API client and its webhook.

Choices (setting types, roles, teams, case types, members) are only ever those offered: a posted
value that was not offered fails validation, and the service refuses it again (SECURITY-CHECKLIST
21). WTForms orders fields by when they were declared, so the school's own questions are
declared first and come first in the page and its error summary.
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from webapp.areas.council_admin.staff import ROLES
from webapp.domain.schools import (
    LAESTAB_PROBLEM,
    PHASES,
    SETTING_NAMES,
    normalise_laestab,
    normalise_urn,
    urn_problem,
)
from webapp.web import person_fields as person
from webapp.web.forms import ids_from_list, one_of, text_field

SETTING_TYPES = [SelectChoice(value, label) for value, label in SETTING_NAMES.items()]
ROLE_CHOICES = [SelectChoice(value, label) for value, label in ROLES.items()]
PHASE_CHOICES = [SelectChoice(phase, phase) for phase in PHASES] + [SelectChoice("", "Not known")]
URN_MESSAGES = {
    "school": "Enter a URN of 6 digits, like 123456",
    "early_years": "Enter an early years URN: EY and 6 digits, or 6 or 7 digits, like EY123456",
}


def _urn(text):
    return normalise_urn(text) if isinstance(text, str) else text


def _valid_urn(form, field) -> None:
    setting = form.setting_type.data
    if field.data and setting in URN_MESSAGES and urn_problem(field.data, setting):
        raise ValidationError(URN_MESSAGES[setting])


def _valid_laestab(_form, field) -> None:
    if field.data and not re.fullmatch(r"[0-9]{7}", normalise_laestab(field.data)):
        raise ValidationError(LAESTAB_PROBLEM)


def _for_new_accounts(message: str):
    """Required unless the email address is already a user's (whose details are kept)."""

    def check(form, field) -> None:
        if not field.data and not form.account_exists(form.email.data or ""):
            raise StopValidation(message)

    return check


def _school_name() -> StringField:
    return text_field(
        "Name of the school or setting",
        DataRequired("Enter the name of the school or setting"),
        max_length=200,
        too_long="Name must be 200 characters or fewer",
    )


def _laestab() -> StringField:
    return StringField(
        "LAESTAB (optional)",
        filters=[lambda text: text.strip() if isinstance(text, str) else text],
        validators=[Length(max=20, message=LAESTAB_PROBLEM), _valid_laestab],
    )


def _phase() -> RadioField:
    return RadioField(
        "Phase (optional)",
        choices=PHASE_CHOICES,
        default="",
        invalid_choice_message="Select the phase from the list",
    )


class _SchoolFields(FlaskForm):
    name = _school_name()
    setting_type = one_of("Type of setting", SETTING_TYPES, "Select the type of setting")
    urn = StringField(
        "URN",
        filters=[_urn],
        validators=[
            DataRequired("Enter the URN"),
            Length(max=12, message="Enter a URN of 6 digits, like 123456"),
            _valid_urn,
        ],
    )
    laestab = _laestab()
    phase = _phase()


class SchoolDetailsForm(FlaskForm):
    """A school's details that can change: its name, LAESTAB and phase (not its URN or type)."""

    name = _school_name()
    laestab = _laestab()
    phase = _phase()

    def details(self) -> dict:
        return {
            "name": self.name.data,
            "laestab": self.laestab.data or "",
            "phase": self.phase.data or "",
        }


class AdminForm(FlaskForm):
    """A school's admin: an existing user's email, or a new user's details."""

    email = person.email_field()
    first_name = person.name_field("First name", _for_new_accounts("Enter their first name"))
    last_name = person.name_field("Last name", _for_new_accounts("Enter their last name"))
    job_title = person.job_title_field(_for_new_accounts("Select their job title"))

    @staticmethod
    def account_exists(email: str) -> bool:
        """Set by the view: whether this address is already a user's."""
        return False

    def offer(self, account_exists) -> AdminForm:
        self.account_exists = account_exists
        self.job_title.choices = person.job_title_choices()
        return self

    def admin_details(self) -> dict:
        return {
            "email": self.email.data,
            "first_name": self.first_name.data or "",
            "last_name": self.last_name.data or "",
            "job_title": self.job_title.data or "",
        }


class SchoolForm(_SchoolFields, AdminForm):
    """A new school or setting and its first administrator."""

    def details(self) -> dict:
        return {
            "name": self.name.data,
            "urn": self.urn.data,
            "setting_type": self.setting_type.data,
            "laestab": self.laestab.data or "",
            "phase": self.phase.data or "",
            **self.admin_details(),
        }


class _Email(FlaskForm):
    email = person.email_field()


class EmailForm(_Email):
    """A school user's new email address (their username)."""


class PersonDetailsForm(FlaskForm):
    """A school user's name, job title and mobile number, which all their schools see."""

    first_name = person.name_field("First name", DataRequired("Enter their first name"))
    last_name = person.name_field("Last name", DataRequired("Enter their last name"))
    job_title = person.job_title_field(DataRequired("Select their job title"))
    mobile = person.mobile_field()

    @classmethod
    def for_user(cls, user) -> PersonDetailsForm:
        """Filled in as saved (a POST's answers take precedence)."""
        form = cls(data={**person.saved_answers(user), "mobile": user.mobile})
        form.job_title.choices = person.job_title_choices(user.job_title)
        return form

    def details(self) -> dict:
        return {name: self[name].data or "" for name in DETAIL_NAMES}


DETAIL_NAMES = ("first_name", "last_name", "job_title", "mobile")


class _OfficerFields(FlaskForm):
    first_name = person.name_field("First name", DataRequired("Enter their first name"))
    last_name = person.name_field("Last name", DataRequired("Enter their last name"))
    job_title = text_field(
        "Job title (optional)",
        None,
        max_length=100,
        too_long="Job title must be 100 characters or fewer",
    )
    role = one_of("Role", ROLE_CHOICES, "Select their role", default="officer")
    teams = ids_from_list("Teams", "Select teams from the list")

    def offer(self, teams):
        self.teams.choices = [SelectChoice(str(team.id), team.name) for team in teams]
        return self

    def details(self) -> dict:
        return {
            "first_name": self.first_name.data,
            "last_name": self.last_name.data,
            "job_title": self.job_title.data or "",
            "role": self.role.data,
            "team_ids": self.teams.data or [],
        }


class OfficerForm(_Email, _OfficerFields):
    """A new case officer or council admin."""

    def details(self) -> dict:
        return {"email": self.email.data, **super().details()}


class EditOfficerForm(_OfficerFields):
    lock_status = person.lock_status_field()

    @classmethod
    def for_officer(cls, user, teams, team_ids) -> EditOfficerForm:
        """The form filled in with the officer as saved (a POST's answers take precedence)."""
        form = cls(
            data={
                **person.saved_answers(user),
                "role": user.council_role,
                "teams": list(team_ids),
            }
        )
        return form.offer(teams)

    def details(self) -> dict:
        return super().details() | {"locked": self.lock_status.data == "locked"}


class TeamForm(FlaskForm):
    name = text_field("Team name", DataRequired("Enter the team's name"), max_length=120)
    case_types = SelectMultipleField(
        "Case types", invalid_choice_message="Select case types from the list"
    )
    members = ids_from_list("Members", "Select members from the list")

    def offer(self, case_type_groups: dict[str, list], members) -> TeamForm:
        """Case types as (value, label) by category; members from council staff."""
        self.case_types.choices = [
            SelectChoice(value, label, optgroup=category)
            for category, entries in case_type_groups.items()
            for value, label in entries
        ]
        self.members.choices = [SelectChoice(str(user.id), user.full_name) for user in members]
        return self

    def details(self) -> dict:
        return {
            "name": self.name.data,
            "case_type_ids": self.case_types.data or [],
            "member_ids": self.members.data or [],
        }


class ConfirmForm(FlaskForm):
    """A button that needs only CSRF (reset a password, delete a team)."""


class ApiClientForm(FlaskForm):
    """A council system that may call the API: its name, case types, actions and networks."""

    name = text_field("Name", DataRequired("Enter the client's name"), max_length=120)
    case_types = SelectMultipleField(
        "Case types it may use", invalid_choice_message="Select case types from the list"
    )
    actions = SelectMultipleField(
        "Workflow actions it may take", invalid_choice_message="Select actions from the list"
    )
    networks = TextAreaField(
        "Networks it may call from",
        validators=[Length(max=2000, message="Networks must be 2,000 characters or fewer")],
    )

    def offer(self, case_types: list[tuple[str, str]], actions: list[str]) -> ApiClientForm:
        self.case_types.choices = [SelectChoice(value, label) for value, label in case_types]
        self.actions.choices = [SelectChoice(action, action) for action in actions]
        return self

    def details(self) -> dict:
        return {
            "name": self.name.data,
            "case_type_ids": self.case_types.data or [],
            "actions": self.actions.data or [],
            "networks": self.networks.data or "",
        }


class WebhookForm(FlaskForm):
    """The client's webhook: an https address and the events it wants."""

    url = text_field("Webhook address", DataRequired("Enter the webhook address"), max_length=500)
    events = SelectMultipleField(
        "Events",
        validators=[DataRequired("Select the events to send")],
        invalid_choice_message="Select events from the list",
    )

    def offer(self, events: dict[str, str]) -> WebhookForm:
        self.events.choices = [SelectChoice(value, label) for value, label in events.items()]
        return self
