"""Demo data for local use: schools, users and a few cases, so `make run` shows a lived-in portal.

Never part of a production database: `portal demo-data` refuses to run outside development.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import Catalogue
from webapp.areas.cases import services, starting
from webapp.domain.passwords import hash_password
from webapp.domain.uploads import store_upload
from webapp.models import Membership, School, Team, User

DEMO_PASSWORD = "demo-portal-password"  # noqa: S105 -- demo data: development only


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    job_title: str
    schools: tuple[tuple[str, bool], ...]  # (URN, is admin)
    council_role: str = ""  # officer or admin, for council staff (who have no school)

    def describe(self) -> str:
        if self.council_role:
            return f"council {'admin' if self.council_role == 'admin' else 'officer'}"
        return "schools " + ", ".join(
            f"{urn}{' (admin)' if admin else ''}" for urn, admin in self.schools
        )


SCHOOLS = [
    ("Braunstone Frith Primary School", "120123", "school", "8562001", "Primary"),
    ("Hamilton Community College", "120456", "school", "8564001", "Secondary"),
    ("Little Acorns Pre-School", "EY456789", "early_years", "", "Early years"),
]

USERS = [
    DemoUser("head@braunstone.example.org", "Priya", "Shah", "Headteacher", (("120123", True),)),
    DemoUser(
        "senco@braunstone.example.org",
        "Tom",
        "Kowalski",
        "SENCO",
        (("120123", False), ("120456", False)),
    ),
    DemoUser(
        "office@hamilton.example.org",
        "Grace",
        "Adeyemi",
        "School business manager",
        (("120456", True),),
    ),
    DemoUser(
        "manager@littleacorns.example.org",
        "Sian",
        "Evans",
        "Setting manager",
        (("EY456789", True),),
    ),
    DemoUser("officer@council.example.org", "Olu", "Adebayo", "SEND case officer", (), "officer"),
    DemoUser(
        "admin@council.example.org", "Ruth", "Marsh", "Council portal administrator", (), "admin"
    ),
]

# The council's teams in the demo: the SEND team works every SEND form.
DEMO_TEAMS = {"SEND team": ("officer@council.example.org", "admin@council.example.org")}


def load_demo_data(session: Session, catalogue: Catalogue) -> list[DemoUser]:
    """Create the demo schools, users and cases if they are not there yet (safe to re-run)."""
    schools = {}
    for name, urn, setting, laestab, phase in SCHOOLS:
        school = session.scalar(select(School).where(School.urn == urn))
        if school is None:
            school = School(name=name, urn=urn, setting_type=setting, laestab=laestab, phase=phase)
            session.add(school)
        schools[urn] = school
    session.flush()
    created_users = []
    for demo in USERS:
        if session.scalar(select(User).where(User.email == demo.email)) is not None:
            continue
        user = User(
            email=demo.email,
            first_name=demo.first_name,
            last_name=demo.last_name,
            job_title=demo.job_title,
            password_hash=hash_password(DEMO_PASSWORD),
            council_role=demo.council_role,
        )
        user.memberships = [
            Membership(school=schools[urn], is_admin=admin) for urn, admin in demo.schools
        ]
        session.add(user)
        created_users.append(user)
    session.commit()
    if created_users:
        _demo_teams(session, catalogue)
        _demo_cases(session, catalogue, schools)
    return USERS


def _demo_teams(session: Session, catalogue: Catalogue) -> None:
    send_forms = [c.id for c in catalogue.case_types.values() if c.category == "SEND forms"]
    for name, emails in DEMO_TEAMS.items():
        if session.scalar(select(Team).where(Team.name == name)) is None:
            members = list(session.scalars(select(User).where(User.email.in_(emails))))
            session.add(Team(name=name, case_type_ids=send_forms, members=members))
    session.commit()


def _demo_cases(session: Session, catalogue: Catalogue, schools: dict) -> None:
    """A few drafts and a submitted case, so My cases has something to show."""
    senco = session.scalar(select(User).where(User.email == "senco@braunstone.example.org"))
    primary = schools["120123"]
    ptt = catalogue.get("part-time-timetable")
    submitted = starting.start_case(session, senco, primary, ptt)
    plan = store_upload(
        session,
        submitted,
        senco,
        ptt.fields["signed_plan"],
        "signed_plan",
        "signed-plan.pdf",
        DEMO_PDF,
    )
    pages = {**PTT_PAGES, "agreement": {**PTT_PAGES["agreement"], "signed_plan": plan}}
    submitted.answers = _answer_pages(ptt, pages)
    session.commit()
    services.submit_case(session, submitted, ptt, senco, declared=True)
    for case_type_id, answers in (
        ("physical-intervention", {}),
        ("best-endeavours", {"forename": "Amira", "surname": "Begum"}),
    ):
        draft = starting.start_case(session, senco, primary, catalogue.get(case_type_id))
        draft.answers = answers
        session.commit()


def _answer_pages(case_type, pages: dict) -> dict:
    """Answers built by checking each page's typed input, as the forms would."""
    answers: dict = {}
    for page_id, typed in pages.items():
        result = case_type.check_page(page_id, typed, answers)
        if not result.valid:
            raise ValueError(f"demo answers for {page_id} are invalid: {result.errors}")
        answers = result.answers
    return answers


DEMO_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _date(day: int, month: int, year: int) -> dict:
    return {"day": str(day), "month": str(month), "year": str(year)}


PTT_PAGES = {
    "child": {
        "forename": "Jordan",
        "surname": "Miles",
        "date_of_birth": _date(14, 5, 2015),
        "upn": "Y856200124123",
        "year_group": "5",
        "home_postcode": "LE3 1AB",
        "sen_provision": "K",
        "primary_need": "SEMH",
        "looked_after": "no",
        "has_social_worker": "no",
    },
    "arrangement": {
        "arrangement_type": "ptt",
        "reason": "reintegration",
        "reason_details": "Returning after a long illness; a gradual return agreed with "
        "the family and the school nurse.",
        "start_date": _date(2, 11, 2026),
        "end_date": _date(11, 12, 2026),
        "first_review_date": _date(16, 11, 2026),
        "normal_hours": "32.5",
        "part_time_hours": "15",
        "weekly_pattern": ["mon_am", "tue_am", "wed_am", "thu_am"],
    },
    "agreement": {
        "dsl_aware": "yes",
        "parent_agrees": "yes",
        "pupil_views": "Jordan would like to build up to full days.",
    },
}
