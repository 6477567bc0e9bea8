from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from persistence.shared.types import UTCDateTime


class ViolationRow(SQLModel, table=True):
    """V1–V2: a shop's violations. Written conditionally on ``version``, so a withdrawal happens once."""

    __tablename__ = "violations"
    __table_args__ = (
        Index("ix_violations_shop", "shop_id", "id"),
        Index("ix_violations_shop_status_kind", "shop_id", "status", "kind"),
        Index("ix_violations_shop_recorded", "shop_id", "recorded_at"),
        Index("ix_violations_recorded", "recorded_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shops.id")
    kind: str = Field(max_length=32)
    status: str = Field(max_length=16)
    reason: str = Field(max_length=500)
    claim_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    appeal_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    recorded_by: str = Field(max_length=128)
    withdrawn_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    withdrawn_by: str | None = Field(default=None, max_length=128)
    withdrawal_reason: str | None = Field(default=None, max_length=500)
    version: int = 0
