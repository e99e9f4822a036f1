"""The tables of signing in: emailed codes, failures in a row, trusted browsers, authenticator
attempts and reset links (webapp/areas/auth, webapp/domain/throttle.py, trusted_devices.py).

Kept beside webapp/models.py (which imports this module at its end, so that Base.metadata
holds these tables too).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.model_base import Base, utcnow


class LoginCode(Base):
    """A 6-digit code emailed for one sign-in attempt (one browser), stored hashed."""

    __tablename__ = "login_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    attempt_hash: Mapped[str] = mapped_column(String(64))  # the browser's sign-in attempt
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    used_at: Mapped[dt.datetime | None] = mapped_column()
    wrong_tries: Mapped[int] = mapped_column(Integer, default=0)


class SignInFailures(Base):
    """Failures in a row under one email address, known or not (passwords, codes, app codes,
    security answers): they slow the address down and, for an account, end in a hard lock.
    Kept under a keyed hash, so the table names no one; the same rules for every address."""

    __tablename__ = "sign_in_failures"

    email_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    # Attempts before this moment are refused without being checked or counted.
    throttled_until: Mapped[dt.datetime | None] = mapped_column()
    last_failed_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class TrustedDevice(Base):
    """A browser that completed a sign-in for the account (password and code): its device
    cookie's random token, kept as a keyed hash. Such a browser is not held back by the waits
    that strangers' failures cause; its own failures in a row are counted here, and past
    trusted_devices.DEVICE_LIMIT it is trusted no more (webapp/domain/trusted_devices.py)."""

    __tablename__ = "trusted_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    # Its last complete sign-in (when the token was given): trusted for a year after it.
    signed_in_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class AuthenticatorAttempt(Base):
    """The wrong authenticator-app codes of one sign-in attempt (one browser), kept here rather
    than in the browser's cookie, where replaying an older cookie would reset them."""

    __tablename__ = "authenticator_attempts"
    __table_args__ = (UniqueConstraint("user_id", "attempt_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    attempt_hash: Mapped[str] = mapped_column(String(64))
    wrong_tries: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PasswordReset(Base):
    """A single-use "forgotten password" link, valid for an hour, stored hashed. Every reset
    email has a row, so that their hourly limit counts them all: one sent to an account with
    no security question yet (which explains whom to ask) has a link dead from the start."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    used_at: Mapped[dt.datetime | None] = mapped_column()
