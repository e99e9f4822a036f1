"""`portal onboard-school`, `portal add-council-user` and `portal add-team`: what a council admin
does at /council/, from the command line (webapp/cli.py finds them here). New users are sent
the sign-up email (username, a generated password, the portal's link) through the outbox,
which the mail worker delivers; a password is never printed."""

from __future__ import annotations

import difflib
import re

import click

from webapp.areas.council_admin.staff import add_officer
from webapp.areas.council_admin.teams import add_team_case_types, team_named
from webapp.domain import schools
from webapp.domain.email_addresses import InvalidEmail, checked_email
from webapp.domain.errors import EmailInUse, URNInUse
from webapp.infra.cli_support import Choice, CommandError, portal_app
from webapp.infra.database import db
from webapp.web.person_fields import JOB_TITLES


class Text(click.ParamType):
    """Text that is not blank, of at most `limit` characters, its spaces tidied."""

    name = "text"

    def __init__(self, limit: int):
        self.limit = limit

    def convert(self, value, param, ctx) -> str:
        value = " ".join(value.split())
        if not value:
            self.fail("must not be blank", param, ctx)
        if len(value) > self.limit:
            self.fail(f"must be {self.limit} characters or fewer", param, ctx)
        return value


class Email(click.ParamType):
    """An email address (a username), as stored and mailed (webapp/domain/email_addresses.py)."""

    name = "email"

    def convert(self, value, param, ctx) -> str:
        try:
            return checked_email(value)
        except InvalidEmail as problem:
            self.fail(f"not an email address: {value.strip()!r}: {problem}", param, ctx)


class JobTitle(click.ParamType):
    """One of User admin's job titles, in any case."""

    name = "job title"

    def convert(self, value, param, ctx) -> str:
        wanted = " ".join(value.split()).lower()
        match = next((title for title in JOB_TITLES if title.lower() == wanted), None)
        if match is None:
            self.fail(f"not one of the job titles: {', '.join(JOB_TITLES)}", param, ctx)
        return match


class Laestab(click.ParamType):
    """A LAESTAB as stored: 7 digits, typed with spaces or a slash if wanted."""

    name = "laestab"

    def convert(self, value, param, ctx) -> str:
        laestab = schools.normalise_laestab(value)
        if not re.fullmatch(r"[0-9]{7}", laestab):
            self.fail("a LAESTAB is 7 digits, like 8562001", param, ctx)
        return laestab


NAME = Text(100)


@click.command(
    "onboard-school", short_help="add a school and its first admin (who is emailed a password)"
)
@click.option("--name", required=True, type=Text(200), help="the school's name")
@click.option(
    "--urn",
    required=True,
    type=Text(12),
    help="its URN (6 digits), or Ofsted URN for early years (EY123456)",
)
@click.option(
    "--setting",
    "setting_type",
    required=True,
    type=Choice(["school", "early_years"]),
    help="school or early_years",
)
@click.option(
    "--laestab",
    type=Laestab(),
    help="its LAESTAB: the LA's 3-digit code and the 4-digit DfE number, like 8562001",
)
@click.option(
    "--phase",
    type=Choice(schools.PHASES, case_sensitive=False),
    help="its phase of education, such as Primary",
)
@click.option(
    "--admin-email",
    required=True,
    type=Email(),
    metavar="EMAIL",
    help="the first admin's email address (their username)",
)
@click.option(
    "--admin-first-name",
    required=True,
    type=NAME,
    metavar="NAME",
    help="the first admin's first name",
)
@click.option(
    "--admin-last-name",
    required=True,
    type=NAME,
    metavar="NAME",
    help="the first admin's last name",
)
@click.option(
    "--admin-job-title",
    type=JobTitle(),
    metavar="TITLE",
    help="one of User admin's job titles, such as Headteacher",
)
def onboard_school(urn: str, admin_job_title: str | None, **details: str) -> None:
    """Create a school or early years setting and its first admin. The admin is sent the
    sign-up email (username, a generated password, the portal's link) through the outbox; run
    the mail worker to deliver it. Exit 1 when the URN or the email address is already used."""
    urn = urn.upper()
    problem = schools.urn_problem(urn, details["setting_type"])
    if problem:
        raise click.BadParameter(problem, click.get_current_context(), param_hint="--urn")
    with portal_app():
        try:
            school, admin = schools.onboard_school(
                db(),
                urn=urn,
                admin_job_title=admin_job_title or "",
                **{key: value or "" for key, value in details.items()},
            )
        except URNInUse as error:
            raise CommandError(str(error)) from None
        except EmailInUse:
            raise CommandError(f"{details['admin_email']} already has an account") from None
        kind = "early years setting" if school.setting_type == "early_years" else "school"
        click.echo(
            f"Onboarded {kind} {school.name} (URN {school.urn}) with {admin.email} as its "
            "first admin; their sign-up email is in the outbox for the mail worker."
        )


@click.command(
    "add-council-user", short_help="add a council officer or admin (who is emailed a password)"
)
@click.option("--email", required=True, type=Email(), help="their email address (their username)")
@click.option("--first-name", required=True, type=NAME, metavar="NAME")
@click.option("--last-name", required=True, type=NAME, metavar="NAME")
@click.option("--role", required=True, type=Choice(["officer", "admin"]), help="officer or admin")
@click.option(
    "--team",
    "teams",
    multiple=True,
    type=Text(120),
    metavar="NAME",
    help="a team they belong to (repeatable)",
)
def add_council_user(email, first_name, last_name, role, teams) -> None:
    """Create a council officer (works the cases of their teams in caseviewer) or council
    admin. They are sent the sign-up email (username, a generated password, the portal's link)
    through the outbox. Teams named with --team are created when missing, working no case
    types until `portal add-team` gives them some. Exit 1 when the email address is already
    used."""
    names = list(dict.fromkeys(teams))
    with portal_app():
        try:
            user = add_officer(
                db(),
                None,
                email=email,
                first_name=first_name,
                last_name=last_name,
                role=role,
                team_ids=[team_named(db(), name).id for name in names],
            )
        except EmailInUse:
            raise CommandError(f"{email} already has an account") from None
        click.echo(
            f"Added council {role} {user.email} ({', '.join(names) or 'no team yet'}); their "
            "sign-up email is in the outbox for the mail worker."
        )


@click.command("add-team", short_help="add a council team, or give a team more case types to work")
@click.option("--name", required=True, type=Text(120), help="the team's name")
@click.option(
    "--case-type",
    "case_types",
    required=True,
    multiple=True,
    metavar="ID",
    help="a case type id the team works (repeatable)",
)
def add_team(name, case_types) -> None:
    """Create the team if it is new, then add the case types (ids as in the case-type files,
    e.g. part-time-timetable) to those it works. Exit 1 on an unknown case type id."""
    with portal_app() as app:
        known = app.extensions["catalogue"].case_types
        for case_type_id in case_types:
            if case_type_id not in known:
                close = difflib.get_close_matches(case_type_id, list(known), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise CommandError(f"no case type '{case_type_id}'{hint}")
        team, created = add_team_case_types(db(), name, list(case_types))
        click.echo(
            f"{'Added' if created else 'Updated'} team {team.name}: works "
            f"{', '.join(team.case_type_ids)}"
        )
