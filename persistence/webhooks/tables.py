from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from persistence.shared.types import UTCDateTime


class WebhookEndpointRow(SQLModel, table=True):
    """E5/E6. ``event_types`` is stored as ``,TYPE,TYPE,`` so the outbox's INSERT … SELECT matches an event's type
    with one LIKE on either database. ``secret`` is kept to sign deliveries; no API reads it back."""

    __tablename__ = "webhook_endpoints"
    __table_args__ = (Index("ix_webhook_endpoints_owner", "owner_role", "shop_id", "id"),
                      Index("uq_webhook_endpoint_slot", "owner_key", "slot", unique=True),
                      {"sqlite_autoincrement": True})  # rows are deleted: an id is never handed out again

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_column=Column(Text, nullable=False))
    event_types: str = Field(sa_column=Column(Text, nullable=False))
    owner_role: str = Field(max_length=16)
    owner_id: str = Field(max_length=128)
    shop_id: int | None = Field(default=None, sa_column=Column(BigInteger, ForeignKey("shops.id"), nullable=True))
    secret: str = Field(max_length=128)
    enabled: bool = True
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    # E5's 20 endpoints per owner, decided by ``uq_webhook_endpoint_slot``: each endpoint takes one of its owner's slots
    owner_key: str | None = Field(default=None, max_length=40)
    slot: int | None = None
    description: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    disabled_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # E11
    # E11: a rotation keeps the secret it replaced, signing too until previous_secret_until
    previous_secret: str | None = Field(default=None, max_length=128)
    previous_secret_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    secret_rotated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    # E11: the first failed attempt since the last success (null: its last attempt succeeded, or none was made)
    failing_since: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    payload_query: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # E10


class WebhookDeliveryRow(SQLModel, table=True):
    """E5: one per (event, endpoint), written with the event. A claim counts an attempt and moves
    ``next_attempt_at`` to the end of its lease; finishing is conditional on ``attempts`` being the claim's."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "endpoint_id", name="uq_webhook_deliveries_event_endpoint"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at", "id"),
        Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),
        {"sqlite_autoincrement": True},  # rows are deleted: an id is never handed out again
    )

    id: int | None = Field(default=None, sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"),
                                                          primary_key=True, autoincrement=True))
    event_id: int = Field(sa_column=Column(BigInteger, ForeignKey("events.id"), nullable=False))
    endpoint_id: int = Field(sa_column=Column(Integer, ForeignKey("webhook_endpoints.id", ondelete="CASCADE"),
                                              nullable=False))
    status: str = Field(max_length=16)
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    last_attempt_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    last_response_status: int | None = None
    last_error: str | None = Field(default=None, max_length=300)
    body: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # E10: fixed at the first attempt


class WebhookAttemptRow(SQLModel, table=True):
    """E11: every try of a delivery, written with the outcome that finished it (never updated)."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (Index("ix_webhook_attempts_delivery", "delivery_id", "id"), {"sqlite_autoincrement": True})

    id: int | None = Field(default=None, sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"),
                                                          primary_key=True, autoincrement=True))
    delivery_id: int = Field(sa_column=Column(BigInteger, ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
                                              nullable=False))
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    response_status: int | None = None
    duration_ms: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    excerpt: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
