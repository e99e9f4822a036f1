"""`portal onboard-school`: a council admin creates a school and its first admin, who is emailed a
username, a generated password and the portal's link (through the outbox)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.webapp.helpers import portal_command
from webapp.cli import main
from webapp.domain.passwords import check_password
from webapp.models import AuditEvent, OutboxMessage, School, User

NEW_SCHOOL = [
    "onboard-school",
    "--name",
    "Rushey Mead  Primary School",
    "--urn",
    "120999",
    "--setting",
    "school",
    "--admin-email",
    " Head@RusheyMead.example.org",
    "--admin-first-name",
    "Sam",
    "--admin-last-name",
    "Okafor",
    "--admin-job-title",
    "headteacher",
]


def count(db_session, model) -> int:
    db_session.rollback()
    return db_session.scalar(select(func.count()).select_from(model))


def test_onboarding_creates_the_school_and_its_admin_and_queues_the_sign_up_email(
    portal_env, db_session, capsys
):
    assert main(NEW_SCHOOL) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.count("\n") == 1
    assert "Rushey Mead Primary School (URN 120999)" in out
    assert "head@rusheymead.example.org" in out

    school = db_session.scalar(select(School).where(School.urn == "120999"))
    assert (school.name, school.setting_type) == ("Rushey Mead Primary School", "school")
    admin = db_session.scalar(select(User).where(User.email == "head@rusheymead.example.org"))
    assert (admin.first_name, admin.last_name, admin.job_title) == ("Sam", "Okafor", "Headteacher")
    assert [(m.school_id, m.is_admin) for m in admin.memberships] == [(school.id, True)]
    assert admin.password_generated_at is not None

    [mail] = db_session.scalars(select(OutboxMessage)).all()
    assert (mail.kind, mail.to_address) == ("sign_up", "head@rusheymead.example.org")
    assert "Username: head@rusheymead.example.org" in mail.body
    assert "https://portal.example.org/sign-in" in mail.body
    assert "Rushey Mead Primary School" in mail.body
    password = re.search(r"^Password: (\S+)$", mail.body, re.M).group(1)
    assert check_password(admin.password_hash, password)
    assert password not in out

    onboarded = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "school_onboarded"))
    assert (onboarded.user_id, onboarded.school_id) == (admin.id, school.id)
    assert password not in str(onboarded.detail)


def test_an_early_years_setting_takes_an_ofsted_urn(portal_env, db_session, capsys):
    args = [
        "onboard-school",
        "--name",
        "Little Oaks Nursery",
        "--urn",
        "ey765432",
        "--setting",
        "early_years",
        "--admin-email",
        "manager@oaks.example.org",
        "--admin-first-name",
        "Jo",
        "--admin-last-name",
        "Reid",
    ]
    assert main(args) == 0
    assert "early years setting Little Oaks Nursery (URN EY765432)" in capsys.readouterr().out
    admin = db_session.scalar(select(User).where(User.email == "manager@oaks.example.org"))
    assert admin.job_title == ""


def test_a_urn_already_used_is_refused_in_one_line(portal_env, world, db_session, capsys):
    args = [*NEW_SCHOOL]
    args[args.index("120999")] = world.school_a.urn
    schools, users = count(db_session, School), count(db_session, User)
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "portal onboard-school: URN 111111 is already used by Aylestone Primary School\n"
    )
    assert (count(db_session, School), count(db_session, User)) == (schools, users)
    assert count(db_session, OutboxMessage) == 0


def test_an_email_address_already_used_is_refused_and_nothing_is_created(
    portal_env, world, db_session, capsys
):
    args = [*NEW_SCHOOL]
    args[args.index(" Head@RusheyMead.example.org")] = "ALICE@a.example.org"
    assert main(args) == 1
    assert capsys.readouterr().err == (
        "portal onboard-school: alice@a.example.org already has an account\n"
    )
    assert db_session.scalar(select(School).where(School.urn == "120999")) is None
    assert count(db_session, OutboxMessage) == 0


@pytest.mark.parametrize(
    "change, message",
    [
        ({"--admin-email": None}, "the following arguments are required: --admin-email"),
        ({"--setting": "academy"}, "argument --setting: invalid choice: 'academy'"),
        ({"--urn": "12345"}, "argument --urn: a school's URN is 6 digits"),
        ({"--admin-email": "not-an-address"}, "argument --admin-email: not an email address"),
        ({"--admin-job-title": "Wizard"}, "argument --admin-job-title: not one of the job titles"),
        ({"--name": "   "}, "argument --name: must not be blank"),
    ],
)
def test_bad_arguments_give_a_usage_error_and_exit_2(capsys, change, message):
    args = [*NEW_SCHOOL]
    for option, value in change.items():
        at = args.index(option)
        if value is None:
            del args[at : at + 2]
        else:
            args[at + 1] = value
    with pytest.raises(SystemExit) as stopped:
        main(args)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: portal onboard-school")
    assert f"portal onboard-school: error: {message}" in err
    assert "Traceback" not in err


def test_the_console_command_reports_missing_arguments_without_a_traceback(tmp_path):
    run = portal_command(tmp_path, "onboard-school", "--name", "X")
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.splitlines()[-1].startswith(
        "portal onboard-school: error: the following arguments are required: --urn"
    )
    assert "Traceback" not in run.stderr


def test_onboarding_takes_the_schools_laestab_and_phase(portal_env, db_session, capsys):
    """Forms prefill them (school.laestab, school.phase) and the API sends the LAESTAB: a school
    onboarded from the command line had neither, and no page could add them."""
    assert main([*NEW_SCHOOL, "--laestab", "856 2999", "--phase", "primary"]) == 0
    school = db_session.scalar(select(School).where(School.urn == "120999"))
    assert (school.laestab, school.phase) == ("8562999", "Primary")


def test_a_wrong_laestab_is_refused_before_anything_is_made(portal_env, db_session, capsys):
    with pytest.raises(SystemExit) as stopped:
        main([*NEW_SCHOOL, "--laestab", "85629"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "portal onboard-school: error: argument --laestab: " in err
    assert "a LAESTAB is 7 digits, like 8562001" in err
    assert count(db_session, School) == 0
