"""The tables of council systems' access (issue 14): API clients and their keys.

Kept beside webapp/models.py (which imports this module at its end, so that Base.metadata
holds these tables too).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.model_base import Base, utcnow


class ApiClient(Base):
    """A council system that may call the API: what it may read and do, and from where."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    case_type_ids: Mapped[list] = mapped_column(JSON, default=list)  # the case types it may use
    actions: Mapped[list] = mapped_column(JSON, default=list)  # workflow actions it may take
    allowed_networks: Mapped[list] = mapped_column(JSON, default=list)  # empty: from anywhere
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column()
    # Its webhook (webapp/domain/webhooks.py): one https endpoint, the events it wants, and
    # the secret deliveries are signed with. That secret is kept readable (it must be, to
    # sign): it lets its holder forge deliveries to this client, nothing more; it is not
    # an API key and calls nothing. Empty url: no webhook.
    webhook_url: Mapped[str] = mapped_column(String(500), default="")
    webhook_events: Mapped[list] = mapped_column(JSON, default=list)
    webhook_secret: Mapped[str] = mapped_column(String(64), default="")

    keys: Mapped[list[ApiKey]] = relationship(
        back_populates="client", order_by="ApiKey.id", cascade="all, delete-orphan"
    )


class ApiKey(Base):
    """One key of a client: its public id, and a hash of its secret (shown once, never kept).
    Two may be live at once, so that a client rotates without a gap."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), index=True
    )
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the secret, in hex
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column()
    # When a call last came with it (to the minute: api_clients.note_key_used), so that a
    # council admin rotating keys sees whether the system has moved to the new one.
    last_used_at: Mapped[dt.datetime | None] = mapped_column()

    client: Mapped[ApiClient] = relationship(back_populates="keys")


class ApiIdempotencyKey(Base):
    """A transition a client asked for under an Idempotency-Key, and the answer it got: the
    same key again gets the same answer, and never moves the case a second time."""

    __tablename__ = "api_idempotency_keys"
    __table_args__ = (UniqueConstraint("client_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("api_clients.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))  # case, action and note it was for
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class WebhookDelivery(Base):
    """One event for one client's webhook: written in the transaction of the change that
    caused it, delivered by the worker, retried with back-off until `retry_until`, then
    `failed_at` (shown to council admins, who may replay it)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_pending", "delivered_at", "failed_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("api_clients.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)  # the JSON sent: reference and links, no child data
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    retry_until: Mapped[dt.datetime] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    delivered_at: Mapped[dt.datetime | None] = mapped_column()
    failed_at: Mapped[dt.datetime | None] = mapped_column()
    last_error: Mapped[str] = mapped_column(Text, default="")

    client: Mapped[ApiClient] = relationship()
