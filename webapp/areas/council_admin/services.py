"""Council admin's work, free of HTTP: schools and their admins (this module), council staff
(staff.py) and teams (teams.py), all named here for the views.

Every function takes the acting user first. A council admin may act; anyone else gets NotFound,
which the views answer with 404 (never 403). `actor=None` means a trusted caller such as a
`portal` command. Onboarding a school is webapp.domain.schools' work; accounts are created,
locked and reset through webapp.domain.accounts, which queues the user's emails and writes the
audit trail. Each function that changes something commits it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from webapp.areas.council_admin.scope import found, require_council_admin
from webapp.areas.council_admin.staff import (
    OFFICERS,
    ROLES,
    OfficerRow,
    add_officer,
    cases_out_of_sight,
    change_officer_email,
    colleague_for,
    council_staff,
    list_officers,
    officer_for,
    reset_officer_password,
    update_officer,
)
from webapp.areas.council_admin.teams import (
    add_team_case_types,
    all_teams,
    delete_team,
    list_teams,
    save_team,
    team_for,
    team_named,
    teams_of,
    unworked,
)
from webapp.domain import schools, throttle
from webapp.domain.errors import EmailInUse, NotFound, Refused
from webapp.infra.database import transaction
from webapp.models import Membership, School, User
from webapp.web.listing import Listing, ListingArgs, ListingSpec, fetch_page, matching

__all__ = [
    "OFFICERS",
    "EmailInUse",
    "NotFound",
    "Refused",
    "ROLES",
    "SCHOOLS",
    "OfficerRow",
    "SchoolRow",
    "add_officer",
    "add_school",
    "add_school_admin",
    "add_team_case_types",
    "cases_out_of_sight",
    "change_officer_email",
    "colleague_for",
    "change_school",
    "all_teams",
    "council_staff",
    "delete_team",
    "list_officers",
    "list_schools",
    "list_teams",
    "officer_for",
    "reset_officer_password",
    "save_team",
    "school_for",
    "school_members",
    "team_for",
    "team_named",
    "teams_of",
    "unworked",
    "update_officer",
]

SCHOOLS = ListingSpec(("name", "urn", "setting_type", "users"), "name")


@dataclass(frozen=True)
class SchoolRow:
    school: School
    users: int
    admins: tuple[User, ...]

    @property
    def admin_names(self) -> str:
        return ", ".join(admin.full_name for admin in self.admins)


def list_schools(session: Session, actor: User | None, args: ListingArgs) -> Listing[SchoolRow]:
    """Schools and settings, searched by name, URN or LAESTAB or a user's email address, with
    their number of users and admins."""
    require_council_admin(actor)
    users = (
        select(func.count())
        .select_from(Membership)
        .where(Membership.school_id == School.id)
        .correlate(School)
        .scalar_subquery()
    )
    query = select(School)
    if args.words:
        name = func.lower(School.name, type_=String)
        number = args.words.upper().replace(" ", "").replace("/", "")
        query = query.where(
            or_(
                matching(args.words, name),
                matching(number, School.urn),
                matching(number, School.laestab),
                exists().where(  # a user's address: the council is asked by the user
                    Membership.school_id == School.id,
                    Membership.user_id == User.id,
                    matching(args.words.replace(" ", ""), User.email),
                ),
            )
        )
    key = {
        "name": func.lower(School.name, type_=String),
        "urn": School.urn,
        "setting_type": School.setting_type,
        "users": users,
    }[args.sort]
    by_name = (func.lower(School.name), School.id)
    listing = fetch_page(session, query, args, sort=[key], tie_breaker=by_name, columns=[users])
    admins = _admins_of(session, [school.id for school, _ in listing.rows])
    return listing.with_rows(
        [
            SchoolRow(school, count, tuple(admins.get(school.id, ())))
            for school, count in listing.rows
        ]
    )


def _admins_of(session: Session, school_ids: list[int]) -> dict[int, list[User]]:
    if not school_ids:
        return {}
    admins: dict[int, list[User]] = {}
    for membership in session.scalars(
        select(Membership)
        .join(User)
        .where(Membership.school_id.in_(school_ids), Membership.is_admin.is_(True))
        .options(selectinload(Membership.user))
        .order_by(func.lower(User.last_name), func.lower(User.first_name), User.id)
    ):
        admins.setdefault(membership.school_id, []).append(membership.user)
    return admins


def school_for(session: Session, actor: User | None, school_id: int) -> School:
    """A school or setting, for a council admin; NotFound if there is none."""
    return found(session, actor, School, school_id)


def change_school(session: Session, actor: User | None, school_id: int, **details: str) -> School:
    """Change a school's name, LAESTAB and phase (webapp.domain.schools.change_school)."""
    with transaction(session):
        school = school_for(session, actor, school_id)
        schools.change_school(session, actor, school, **details)
    return school


def school_members(session: Session, actor: User | None, school: School) -> list[Membership]:
    """The school's users (their memberships), administrators first, then by name."""
    require_council_admin(actor)
    return list(
        session.scalars(
            select(Membership)
            .join(User)
            .where(Membership.school_id == school.id)
            .options(selectinload(Membership.user))
            .order_by(
                Membership.is_admin.desc(),
                func.lower(User.last_name),
                func.lower(User.first_name),
                User.email,
            )
        )
    )


def add_school(session: Session, actor: User | None, **details: str) -> tuple[School, User, bool]:
    """A new school or setting and its first admin (webapp.domain.schools.add_school); the
    third value says whether the admin's account is new."""
    require_council_admin(actor)
    return schools.add_school(session, actor, **details)


def add_school_admin(
    session: Session,
    actor: User | None,
    school_id: int,
    *,
    email: str,
    first_name: str = "",
    last_name: str = "",
    job_title: str = "",
) -> tuple[User, bool]:
    """Another admin for a school: an existing school user (of this school or another), or a
    new account that is emailed its password. The second value says whether it is new."""
    with transaction(session, conflict=lambda: EmailInUse(email)):
        school = school_for(session, actor, school_id)
        return schools.make_admin(
            session,
            actor,
            school,
            email=email,
            first_name=first_name,
            last_name=last_name,
            job_title=job_title,
        )


def locked_on_new_browsers(session: Session, users) -> set[int]:
    """The ids of `users` whom browsers they have not signed in on cannot sign in as (too many
    failed sign-ins: throttle.hard_locked), in one query: shown beside each lock status."""
    ids = {user.email: user.id for user in users}
    return {ids[email] for email in throttle.hard_locked_among(session, ids)}
