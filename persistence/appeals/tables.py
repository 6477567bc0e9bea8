from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from persistence.shared.types import UTCDateTime


class AppealRow(SQLModel, table=True):
    """``uq_appeals_scenario`` is A2's "one appeal per kind and subject, ever", decided by the database: the
    scenario is the kind, except that ARBITRATION and COMPENSATION share one (``Appeal.scenario``); a scenario
    names its subject's type, so the subject's id completes the key."""

    __tablename__ = "appeals"
    __table_args__ = (
        UniqueConstraint("scenario", "subject_id", name="uq_appeals_scenario"),
        Index("ix_appeals_queue", "status", "due_at", "id"),
        Index("ix_appeals_shop", "shop_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    shop_id: int = Field(foreign_key="shops.id")
    scenario: str = Field(max_length=16)
    subject_type: str = Field(max_length=16)
    subject_id: int
    ground: str | None = Field(default=None, max_length=32)
    statement: str = Field(max_length=1000)
    submitted_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    due_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    due_estimated: bool
    filed_by: str = Field(max_length=128)
    status: str = Field(max_length=16)
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    decided_by: str | None = Field(default=None, max_length=128)
    decision_note: str | None = Field(default=None, max_length=1000)
    review_outcomes: str = Field(default="", max_length=64)
    evidence_anomaly: bool = False
    version: int = 0


class AppealEvidenceRow(SQLModel, table=True):
    __tablename__ = "appeal_evidence"

    id: int | None = Field(default=None, primary_key=True)
    appeal_id: int = Field(foreign_key="appeals.id", index=True)
    upload_id: str = Field(foreign_key="uploads.id", max_length=40)
    kind: str = Field(max_length=24)
    sha256: str = Field(max_length=64)
    uploaded_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    added_by: str = Field(max_length=128)


class AppealRestrictionRow(SQLModel, table=True):
    __tablename__ = "appeal_restrictions"

    shop_id: int = Field(foreign_key="shops.id", primary_key=True)
    mode: str = Field(max_length=8)
    max_per_30_days: int | None = None
    until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    reason: str = Field(max_length=500)
    set_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    set_by: str = Field(max_length=128)
    automatic: bool = False
    version: int = 1


class WorkingCalendarRow(SQLModel, table=True):
    """A year loaded by the platform (G4): ISO dates, comma-separated."""

    __tablename__ = "working_calendar_years"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    holidays: str = Field(sa_column=Column(Text, nullable=False))
    workdays: str = Field(sa_column=Column(Text, nullable=False))
    set_by: str = Field(max_length=128)
    set_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class ShopScoreRow(SQLModel, table=True):
    """A6's inputs per shop, kept with each change (``persistence/appeals/scores.py``), recounted by reconcile."""

    __tablename__ = "shop_scores"

    shop_id: int = Field(sa_column=Column(BigInteger, ForeignKey("shops.id"), primary_key=True))
    rating_sum: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    counted_reviews: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    counted_claims: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    delivered_orders: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
