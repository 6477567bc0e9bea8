from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from persistence.shared.types import UTCDateTime


class ShopRow(SQLModel, table=True):
    __tablename__ = "shops"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class ShopAccountRow(SQLModel, table=True):
    """Balances cached beside the ledger, written in the same transaction as the entries (reconciled in tests)."""

    __tablename__ = "shop_accounts"

    shop_id: int = Field(foreign_key="shops.id", primary_key=True)
    deposit_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    payables_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    version: int = 0


class LedgerEntryRow(SQLModel, table=True):
    """Append-only: never updated or deleted (G5). ``reverses_id`` is unique, so an entry is reversed once."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_shop", "shop_id", "id"),
                      Index("ix_ledger_entries_shop_created", "shop_id", "created_at"),
                      Index("ix_ledger_entries_shop_kind_created", "shop_id", "kind", "created_at",  # F4's money,
                            postgresql_include=["amount_fen", "reverses_id"]),  # index-only on PostgreSQL
                      Index("ix_ledger_entries_created", "created_at"))

    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shops.id")
    kind: str = Field(max_length=24)
    bucket: str = Field(max_length=16)
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    actor_role: str = Field(max_length=16)
    actor_id: str = Field(max_length=128)
    claim_id: int | None = Field(default=None, foreign_key="claims.id", index=True)
    reverses_id: int | None = Field(default=None, foreign_key="ledger_entries.id", unique=True)
