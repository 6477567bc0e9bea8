from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Integer, Text
from sqlmodel import Field, SQLModel

from persistence.shared.types import UTCDateTime


class EventRow(SQLModel, table=True):
    """E1: the outbox. Append-only; ``id`` increases in commit order (the unit of work writes a transaction's events
    just before it commits, one transaction at a time — see ``SqlEventLog``), so a replay after an id never misses
    a late commit. Indexed for replay by id, by shop, by buyer, by streamer and by subject (E8)."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_shop", "shop_id", "id"),
        Index("ix_events_buyer", "buyer_id", "id"),
        Index("ix_events_streamer", "streamer_id", "id"),
        Index("ix_events_subject", "subject_type", "subject_key", "id"),
    )

    # 64-bit ids (a busy outbox passes 2³¹ rows); SQLite's auto-increment needs its INTEGER PRIMARY KEY, which is 64-bit
    id: int | None = Field(default=None, sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"),
                                                          primary_key=True, autoincrement=True))
    type: str = Field(max_length=48)
    occurred_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    actor_role: str = Field(max_length=16)
    actor_id: str = Field(max_length=128)
    subject_type: str = Field(max_length=32)
    subject_key: str = Field(max_length=200)
    shop_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    buyer_id: str | None = Field(default=None, max_length=128)
    streamer_id: str | None = Field(default=None, max_length=128)
    data: str = Field(sa_column=Column(Text, nullable=False))


class FiredDeadlineRow(SQLModel, table=True):
    """E7: a deadline that fired. Its key is the deadline itself, so it fires once, ever, whoever fires it."""

    __tablename__ = "fired_deadlines"

    kind: str = Field(max_length=48, primary_key=True)
    subject_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    fired_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
