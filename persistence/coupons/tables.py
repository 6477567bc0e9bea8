from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Column, Index, String, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from persistence.shared.types import UTCDateTime


class CouponTemplateRow(SQLModel, table=True):
    __tablename__ = "coupon_templates"

    id: int | None = Field(default=None, primary_key=True)
    issuer_kind: str = Field(max_length=16)
    issuer_id: str | None = Field(default=None, max_length=128)
    name: str = Field(max_length=100)
    face_value_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    threshold_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    valid_from: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    valid_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    valid_days_after_claim: int | None = None
    total_stock: int
    claimed_count: int = 0
    per_user_limit: int
    new_user_only: bool = False
    shop_ids: str = Field(default="", sa_column=Column(Text, nullable=False))
    product_ids: str = Field(default="", sa_column=Column(Text, nullable=False))
    platform_share: str = Field(default="0", max_length=24)  # an exact decimal 0..1, as text
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    created_by: str = Field(max_length=128)
    campaign_id: int | None = Field(default=None, foreign_key="campaigns.id", index=True)  # W11


class CouponRow(SQLModel, table=True):
    """``uq_coupons_owner_seq``: an owner's n-th coupon of a template exists once, so the per-user limit holds."""

    __tablename__ = "coupons"
    __table_args__ = (UniqueConstraint("template_id", "owner_id", "seq", name="uq_coupons_owner_seq"),
                      Index("ix_coupons_owner", "owner_id", "id"), Index("ix_coupons_used", "used_at"))

    id: int | None = Field(default=None, primary_key=True)
    template_id: int = Field(foreign_key="coupon_templates.id")
    owner_id: str = Field(max_length=128)
    seq: int
    claimed_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    valid_from: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    valid_until: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    status: str = Field(max_length=16)
    order_id: int | None = Field(default=None, foreign_key="orders.id", index=True)
    locked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    new_user_only: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    origin: str = Field(default="CLAIMED", sa_column=Column(String(16), nullable=False, server_default="CLAIMED"))
    version: int = 0


class OrderCouponRow(SQLModel, table=True):
    """What a coupon took on an order, and who bears it (W1, W5); kept as priced at placement."""

    __tablename__ = "order_coupons"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    coupon_id: int = Field(foreign_key="coupons.id", index=True)
    template_id: int = Field(foreign_key="coupon_templates.id")
    kind: str = Field(max_length=16)
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    shares: str = Field(sa_column=Column(Text, nullable=False))  # "KIND:bearer:fen;…"
