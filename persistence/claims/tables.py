from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Column, Index, String, false
from sqlmodel import Field, SQLModel

from persistence.shared.types import UTCDateTime

# F4's report reads a shop's claims of a period from the index alone on PostgreSQL (SQLite has no INCLUDE)
REPORT_COLUMNS = ["status", "ruling_outcome", "answered_at", "escalated_at"]


class ClaimRow(SQLModel, table=True):
    """``open_line_id`` holds the order line while the claim is open and NULL once it is closed: its unique
    constraint is C5's "one open claim per order line", decided by the database under any concurrency.

    ``standard_penalty_fen`` is history: rows written before C6 was read per order hold the per-line penalty of
    that reading; C6 is now the order's (``orders.penalty_claim_id``), computed when asked, so new rows write 0
    and nothing reads it."""

    __tablename__ = "claims"
    __table_args__ = (
        Index("ix_claims_shop_status", "shop_id", "status", "id"),
        Index("ix_claims_shop_submitted", "shop_id", "submitted_at", "id", postgresql_include=REPORT_COLUMNS),
        Index("ix_claims_shop_response_due", "shop_id", "merchant_response_due_at", "id"),
        Index("ix_claims_submitted", "submitted_at", "id"),
        Index("ix_claims_response_due_at", "merchant_response_due_at", "id"),
        Index("ix_claims_order", "order_id", "id"),
        Index("ix_claims_shop", "shop_id", "id"),
        Index("ix_claims_buyer", "buyer_id", "id"),
        Index("ix_claims_response_due", "status", "merchant_response_due_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id")
    order_line_id: int = Field(foreign_key="order_lines.id", index=True)
    open_line_id: int | None = Field(default=None, unique=True)
    shop_id: int = Field(foreign_key="shops.id")
    buyer_id: str = Field(max_length=128)
    reason: str = Field(max_length=24)
    covered: bool
    status: str = Field(max_length=24, index=True)
    damaged_quantity_milli: int = Field(sa_column=Column(BigInteger, nullable=False))
    description: str | None = Field(default=None, max_length=1000)
    submitted_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    merchant_response_due_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    standard_refund_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    standard_penalty_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    refunded_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    merchant_reject_reason: str | None = Field(default=None, max_length=500)
    ruling_outcome: str | None = Field(default=None, max_length=24)
    ruling_reason: str | None = Field(default=None, max_length=32)
    ruling_refund_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    ruling_penalty_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    ruled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    ruled_by: str | None = Field(default=None, max_length=128)
    ruling_withdrawn_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    ruling_force_majeure_cause: str | None = Field(default=None, max_length=32)
    ruling_note: str | None = Field(default=None, max_length=1000)
    ruling_penalty_charged_on_claim_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    merchant_statement: str | None = Field(default=None, max_length=1000)
    merchant_responded_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    escalated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    counts_toward_return_rate: bool = False
    performed_late: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, server_default=false()))
    payout_refund_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))  # C5
    payout_compensation_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    payout_status: str | None = Field(default=None, max_length=16)
    payout_paid_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    proposal_amount_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))  # C5
    proposal_note: str | None = Field(default=None, max_length=1000)
    proposed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    proposed_by: str | None = Field(default=None, max_length=128)
    proposal_accepted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    version: int = 0


class EvidenceRow(SQLModel, table=True):
    __tablename__ = "claim_evidence"

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id", index=True)
    upload_id: str = Field(foreign_key="uploads.id", max_length=40, index=True)
    kind: str = Field(max_length=24)
    sha256: str = Field(max_length=64, index=True)
    uploaded_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    added_by: str = Field(max_length=128)
    invalidated: bool = False
    invalid_reason: str | None = Field(default=None, max_length=500)
    invalidated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    invalidated_by: str | None = Field(default=None, max_length=128)
    submitted_by: str = Field(
        default="BUYER", sa_column=Column(String(16), nullable=False, server_default="BUYER")
    )  # C9
