"""Demo data for local use: schools, users and a few cases, so `make run` shows a lived-in portal.

Never part of a production database: `portal demo-data` refuses to run outside development.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import Catalogue
from webapp.auth.passwords import hash_password
from webapp.cases import services
from webapp.models import Membership, School, User

DEMO_PASSWORD = "demo-portal-password"


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    job_title: str
    schools: tuple[tuple[str, bool], ...]  # (URN, is admin)


SCHOOLS = [
    ("Braunstone Frith Primary School", "120123", "school"),
    ("Hamilton Community College", "120456", "school"),
    ("Little Acorns Pre-School", "EY456789", "early_years"),
]

USERS = [
    DemoUser("head@braunstone.example.org", "Priya", "Shah", "Headteacher",
             (("120123", True),)),
    DemoUser("senco@braunstone.example.org", "Tom", "Kowalski", "SENCO",
             (("120123", False), ("120456", False))),
    DemoUser("office@hamilton.example.org", "Grace", "Adeyemi", "School business manager",
             (("120456", True),)),
    DemoUser("manager@littleacorns.example.org", "Sian", "Evans", "Setting manager",
             (("EY456789", True),)),
]


def load_demo_data(session: Session, catalogue: Catalogue) -> list[DemoUser]:
    """Create the demo schools, users and cases if they are not there yet (safe to re-run)."""
    schools = {}
    for name, urn, setting in SCHOOLS:
        school = session.scalar(select(School).where(School.urn == urn))
        if school is None:
            school = School(name=name, urn=urn, setting_type=setting)
            session.add(school)
        schools[urn] = school
    session.flush()
    created_users = []
    for demo in USERS:
        if session.scalar(select(User).where(User.email == demo.email)) is not None:
            continue
        user = User(email=demo.email, first_name=demo.first_name, last_name=demo.last_name,
                    job_title=demo.job_title, password_hash=hash_password(DEMO_PASSWORD))
        user.memberships = [Membership(school=schools[urn], is_admin=admin)
                            for urn, admin in demo.schools]
        session.add(user)
        created_users.append(user)
    session.commit()
    if created_users:
        _demo_cases(session, catalogue, schools)
    return USERS


def _demo_cases(session: Session, catalogue: Catalogue, schools: dict) -> None:
    """A few drafts and submitted cases, so My cases has something to show."""
    senco = session.scalar(select(User).where(User.email == "senco@braunstone.example.org"))
    primary = schools["120123"]
    ptt = catalogue.get("part-time-timetable")
    pir = catalogue.get("physical-intervention")
    bera = catalogue.get("best-endeavours")
    for case_type, answers in (
        (ptt, {"forename": "Jordan", "surname": "Miles", "date_of_birth": "2015-05-14"}),
        (pir, {}),
        (bera, {"forename": "Amira", "surname": "Begum"}),
    ):
        if case_type is None:
            continue
        case = services.start_case(session, senco, primary, case_type)
        case.answers = answers
        session.commit()
