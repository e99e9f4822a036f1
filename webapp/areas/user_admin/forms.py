"""User admin's forms: add a user, edit a user, and the confirmation buttons.

Schools are offered from the admin's own schools only (set by the view); a posted school that was
not offered fails validation, and the service refuses it again (SECURITY-CHECKLIST 20, 21).
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, ValidationError

from webapp.models import School, User
from webapp.web import person_fields as person
from webapp.web.forms import ids_from_list, one_of

YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


def _some_school(_form, field) -> None:
    if not field.data:
        raise ValidationError("Select at least one school")


class UserForm(FlaskForm):
    """The fields of Add user (and of Edit user, which adds the lock status)."""

    email = person.email_field()
    first_name = person.name_field("First name", DataRequired("Enter their first name"))
    last_name = person.name_field("Last name", DataRequired("Enter their last name"))
    job_title = person.job_title_field(DataRequired("Select their job title"))
    mobile = person.mobile_field()
    is_admin = one_of(
        "Is this user an administrator?",
        YES_NO,
        "Select whether they are an administrator",
        default="no",
    )
    schools = ids_from_list("Schools", "Select schools from the list", [_some_school])
    # An admin of several schools says which of them the user administers (is_admin is then
    # not shown): one Yes/No for all of them would quietly grant or take away the others.
    admin_schools = ids_from_list(
        "Is this user an administrator? Select the schools they should administer",
        "Select schools from the list",
    )
    several_schools = False

    def offer(self, schools: list[School], job_title: str = "") -> UserForm:
        """Offer the admin's schools and the job titles (keeping a user's older title)."""
        self.job_title.choices = person.job_title_choices(job_title)
        self.schools.choices = [SelectChoice(str(s.id), s.name) for s in schools]
        self.admin_schools.choices = self.schools.choices
        self.several_schools = len(schools) > 1
        if not self.several_schools and not self.is_submitted():
            self.schools.data = [schools[0].id]
        return self

    def details(self) -> dict:
        """The answers as the service takes them."""
        school_ids = self.schools.data or []
        if self.several_schools:
            admin_school_ids = self.admin_schools.data or []
        else:
            admin_school_ids = school_ids if self.is_admin.data == "yes" else []
        return {
            "email": self.email.data,
            "first_name": self.first_name.data,
            "last_name": self.last_name.data,
            "job_title": self.job_title.data,
            "mobile": self.mobile.data or "",
            "school_ids": school_ids,
            "admin_school_ids": admin_school_ids,
        }


class EditUserForm(UserForm):
    lock_status = person.lock_status_field()

    @classmethod
    def for_user(cls, user: User, schools: list[School], admin_of: list[School]) -> EditUserForm:
        """The form filled in with the user as saved (a POST's answers take precedence)."""
        ours = [s.id for s in schools if s.id in user.school_ids]
        form = cls(
            data={
                **person.saved_answers(user),
                "email": user.email,
                "mobile": user.mobile,
                "is_admin": "yes" if admin_of else "no",
                "schools": ours,
                "admin_schools": [s.id for s in admin_of],
            }
        )
        return form.offer(schools, user.job_title)

    def details(self) -> dict:
        return super().details() | {"locked": self.lock_status.data == "locked"}


class ConfirmForm(FlaskForm):
    """A button that needs only CSRF (reset a password, remove from a school)."""
