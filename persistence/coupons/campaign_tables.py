"""W11: campaigns and their sign-ups; W13: invoices and the running total of each invoiced period."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from persistence.shared.types import UTCDateTime


class CampaignRow(SQLModel, table=True):
    __tablename__ = "campaigns"
    __table_args__ = (Index("ix_campaigns_sign_up", "sign_up_until", "id"), {"sqlite_autoincrement": True})

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    sign_up_from: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    sign_up_until: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    runs_from: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    runs_until: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    min_merchant_share: str = Field(max_length=24)  # exact decimals 0..1, as text (as a template's ratio is)
    max_merchant_share: str = Field(max_length=24)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    created_by: str = Field(max_length=128)


class CampaignSignUpRow(SQLModel, table=True):
    """``uq_campaign_sign_ups``: a shop signs up for a campaign once (two joins at once: one wins, one changes)."""

    __tablename__ = "campaign_sign_ups"
    __table_args__ = (UniqueConstraint("campaign_id", "shop_id", name="uq_campaign_sign_ups"),
                      Index("ix_campaign_sign_ups_shop", "shop_id", "campaign_id"), {"sqlite_autoincrement": True})

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaigns.id")
    shop_id: int = Field(foreign_key="shops.id")
    merchant_share: str = Field(max_length=24)
    joined_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    changed_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    version: int = 0


class InvoiceRow(SQLModel, table=True):
    """``uq_invoices_number``: a shop uses an invoice number once, voided or not."""

    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("shop_id", "number", name="uq_invoices_number"),
                      Index("ix_invoices_shop_period", "shop_id", "period_from", "id"), {"sqlite_autoincrement": True})

    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shops.id")
    counterparty: str = Field(max_length=16)
    counterparty_id: str = Field(default="", max_length=128)  # "" for the platform (a key part, never NULL)
    period_from: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    period_to: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    number: str = Field(max_length=50)
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    recorded_by: str = Field(max_length=128)
    voided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    voided_by: str | None = Field(default=None, sa_column=Column(String(128), nullable=True))
    void_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class InvoiceAccountRow(SQLModel, table=True):
    """What one shop has invoiced one counterparty for one period (voided invoices given back): the row a new
    invoice's conditional UPDATE charges, so the invoices of a period never exceed what is owed."""

    __tablename__ = "invoice_accounts"
    __table_args__ = (UniqueConstraint("shop_id", "counterparty", "counterparty_id", "period_from", "period_to",
                                       name="uq_invoice_accounts"), {"sqlite_autoincrement": True})

    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shops.id")
    counterparty: str = Field(max_length=16)
    counterparty_id: str = Field(default="", max_length=128)
    period_from: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    period_to: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    invoiced_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
