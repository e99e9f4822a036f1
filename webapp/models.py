"""The portal's tables as SQLAlchemy 2 typed models. Schema changes go through Alembic."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.list_indexes import TYPE_NAMES_STATISTICS, case_list_indexes
from webapp.model_base import Base, utcnow


class School(Base):
    """A school or early-years setting."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)  # the queue sorts by it
    urn: Mapped[str] = mapped_column(String(12), unique=True)  # URN, or Ofsted EY URN
    setting_type: Mapped[str] = mapped_column(String(20))  # school | early_years
    laestab: Mapped[str] = mapped_column(String(7), default="")  # LA code + DfE number, if known
    phase: Mapped[str] = mapped_column(String(40), default="")  # "Primary", "Nursery"…, if known
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="school")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # the username; lower case
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    job_title: Mapped[str] = mapped_column(String(100), default="")
    mobile: Mapped[str] = mapped_column(String(20), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    is_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Raised to end every session of the user (sign-out everywhere, lock, password change).
    session_generation: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Set when the password was generated (sign-up, admin reset): unused, it expires after
    # 7 days, and the user is invited to choose their own. None once they chose one.
    password_generated_at: Mapped[dt.datetime | None] = mapped_column()
    security_question: Mapped[str] = mapped_column(String(40), default="")
    security_answer_hash: Mapped[str | None] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(String(64))  # set once confirmed
    # The 30-second step of the last app code accepted: a code works once.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column()
    # Council staff: "officer" (works cases of their teams) or "admin" (manages schools,
    # officers and teams); "" for school and setting staff.
    council_role: Mapped[str] = mapped_column(String(20), default="")

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def school_ids(self) -> set[int]:
        return {m.school_id for m in self.memberships}

    @property
    def is_school_admin(self) -> bool:
        return any(m.is_admin for m in self.memberships)

    @property
    def is_officer(self) -> bool:
        return self.council_role in ("officer", "admin")

    @property
    def is_council_admin(self) -> bool:
        return self.council_role == "admin"

    # Flask-Login
    is_active = True
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation}"


class Membership(Base):
    """A user's place in a school, and whether they administer its users."""

    __tablename__ = "memberships"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(back_populates="memberships")
    school: Mapped[School] = relationship(back_populates="memberships")


class ReferenceCounter(Base):
    """The last number given under one reference prefix (EDU-SENED): shared by its case types."""

    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class Case(Base):
    """A case: a draft while the school fills it in, then submitted and worked by officers."""

    __tablename__ = "cases"
    __table_args__ = (
        *case_list_indexes(),  # the lists' (issue 12)
        # One draft per Start now: a form sent twice (two clicks, autosave then Continue) from
        # the page of a case not saved yet finds the draft its first save created.
        Index("uq_cases_created_by_start_token", "created_by_id", "start_token", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    case_type_id: Mapped[str] = mapped_column(String(80))  # indexed by ix_cases_type_names
    case_type_version: Mapped[int] = mapped_column(Integer)
    # Copied from the definition so My cases can search and sort without it.
    case_type_name: Mapped[str] = mapped_column(String(200))
    service_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), index=True)  # Draft|Active|Completed|Abandoned
    activity: Mapped[str | None] = mapped_column(String(80))
    activity_label: Mapped[str] = mapped_column(String(200))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    raw_input: Mapped[dict] = mapped_column(JSON, default=dict)  # page id -> input as typed
    # The answers as last sent to the council: what officers see while the school changes
    # its answers after being asked for more information.
    sent_answers: Mapped[dict | None] = mapped_column(JSON)
    page_versions: Mapped[dict] = mapped_column(JSON, default=dict)  # page id -> saves so far
    # Warnings the school went past, by page id: [{"key", "question", "message"}]. Kept to
    # those the answers still raise when the case is sent, for officers to read.
    acknowledged_warnings: Mapped[dict | None] = mapped_column(JSON)
    last_page: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # When what the council has of the case last changed: sent (or sent again) and each step
    # of its workflow (workflow._move), never the school's saves of changes it has not sent.
    # The API's `updated_at`, and the order its changes list is polled in.
    sent_updated_at: Mapped[dt.datetime | None] = mapped_column(default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    row_version: Mapped[int] = mapped_column(Integer, nullable=False)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The assignee's name, copied (Case.assign, accounts.update_details) so that the queue
    # sorted by it reads an index of the cases (issue 12); empty when nobody is assigned.
    assignee_last_name: Mapped[str | None] = mapped_column(String(100))
    assignee_first_name: Mapped[str | None] = mapped_column(String(100))
    start_token: Mapped[str | None] = mapped_column(String(64))

    __mapper_args__ = {"version_id_col": row_version}

    school: Mapped[School] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    events: Mapped[list[CaseEvent]] = relationship(back_populates="case", order_by="CaseEvent.id")

    @property
    def is_draft(self) -> bool:
        return self.status == "Draft"

    def assign(self, officer: User | None) -> None:
        """Give the case to `officer` (None: to nobody), with the name the queue sorts by,
        read from the users table by the UPDATE itself: a rename committed after the officer
        was loaded is not missed (review), and one committed later waits for this row."""
        self.assigned_to_id = officer.id if officer else None
        if officer is None:
            self.assignee_last_name = self.assignee_first_name = None
            return
        name = select(User.last_name, User.first_name).where(User.id == officer.id)
        self.assignee_last_name = name.with_only_columns(User.last_name).scalar_subquery()
        self.assignee_first_name = name.with_only_columns(User.first_name).scalar_subquery()


event.listen(
    Case.__table__, "after_create", DDL(TYPE_NAMES_STATISTICS).execute_if(dialect="postgresql")
)


class CaseEvent(Base):
    """One line of a case's timeline and audit: created, submitted, moved, noted."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(30))  # created|submitted|abandoned|transition|note
    from_activity: Mapped[str | None] = mapped_column(String(80))
    to_activity: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(Text, default="")
    for_school: Mapped[bool] = mapped_column(Boolean, default=True)
    # The council system whose API call took this move (actor_id is None then): the
    # timeline names it, not "(automatic)" as for the workflow's own steps.
    api_client_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_clients.id", ondelete="SET NULL")
    )

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
    api_client: Mapped[ApiClient | None] = relationship()


class Attachment(Base):
    """An uploaded file, kept in the database under a generated id."""

    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    field_key: Mapped[str] = mapped_column(String(120))
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))  # pdf, docx, png… as checked from the content
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The virus scan (webapp/domain/scanning.py): pending (waiting for clamd), clean, infected, or
    # error (clamd could not check it). Only clean files are downloaded; infected and error
    # ones keep no bytes. The detail: the signature found, clamd's error, or "not scanned".
    scan_status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    scan_detail: Mapped[str] = mapped_column(String(200), default="")
    # When clamd answered; indexed: the council admins' home page shows the last answer while
    # files wait (its max, read from the index's end rather than every file's row).
    scanned_at: Mapped[dt.datetime | None] = mapped_column(index=True)


class ParkedPage(Base):
    """A case page sent after its session had ended elsewhere: what was typed, kept for the
    user whose page it was and given back to them once they sign in (cases/parking.py)."""

    __tablename__ = "parked_pages"
    __table_args__ = (UniqueConstraint("user_id", "case_id", "page_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    page_id: Mapped[str] = mapped_column(String(100))
    form: Mapped[list] = mapped_column(JSON)  # [[input name, value], …] as sent, no files
    # parking.account_check when parked: a password or email changed since, not given back
    account_check: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class Feedback(Base):
    """What people said through the feedback form."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    rating: Mapped[str] = mapped_column(String(30))
    comments: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class OutboxMessage(Base):
    """An email waiting to be sent (or sent): written in the transaction that causes it."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_pending", "sent_at", "next_attempt_at"),
        # The worker's claim: the unsent messages in the order it sends them (migration 0026).
        Index(
            "ix_outbox_due",
            "next_attempt_at",
            "id",
            postgresql_where=text("sent_at IS NULL"),
            sqlite_where=text("sent_at IS NULL"),
        ),
        # /readyz: the oldest unsent message, however long the backlog (migration 0028).
        Index(
            "ix_outbox_waiting",
            "created_at",
            postgresql_where=text("sent_at IS NULL"),
            sqlite_where=text("sent_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # sign_in_code, sign_up, password_changed…
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    last_error: Mapped[str] = mapped_column(Text, default="")


class AuditEvent(Base):
    """Who did what, when and from where: never case content, passwords, codes or answers."""

    __tablename__ = "audit_events"
    # A school's events of one kind: a purged draft's record, found when its tab comes back
    # (webapp/domain/retention.py, migration 0027).
    __table_args__ = (Index("ix_audit_events_school_action", "school_id", "action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )  # the user acted upon
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="SET NULL"))
    ip: Mapped[str] = mapped_column(String(45), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    request_id: Mapped[str | None] = mapped_column(String(64))  # as in the logs (infra/logs.py)


class CaseTypeVersion(Base):
    """A case type's definition as it was at one version: submitted cases show against it."""

    __tablename__ = "case_type_versions"

    case_type_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition: Mapped[dict] = mapped_column(JSON)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


team_members = Table(
    "team_members",
    Base.metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Team(Base):
    """Council officers who work the cases of some case types (SEND, Attendance, Early Years…)."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # The case type ids this team works, e.g. ["part-time-timetable", "send-referral"].
    case_type_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    members: Mapped[list[User]] = relationship(secondary=team_members, order_by="User.last_name")


# The API's and sign-in's tables live beside this module; imported here so that Base.metadata
# holds them (and `from webapp.models import LoginCode` goes on working).
from webapp.models_api import ApiClient, ApiIdempotencyKey, ApiKey  # noqa: E402, F401
from webapp.models_sign_in import (  # noqa: E402, F401
    AuthenticatorAttempt,
    LoginCode,
    PasswordReset,
    SignInFailures,
    TrustedDevice,
)
