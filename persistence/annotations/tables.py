from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from persistence.shared.types import UTCDateTime


class CustomerRemarkRow(SQLModel, table=True):
    __tablename__ = "customer_remarks"
    __table_args__ = (UniqueConstraint("shop_id", "customer_id", name="uq_customer_remarks"),)

    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shops.id")
    customer_id: str = Field(max_length=128)
    text: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_by: str = Field(max_length=128)
    version: int = 1


class RemarkHistoryRow(SQLModel, table=True):
    """N1: every change of a customer remark (G5), append-only."""

    __tablename__ = "customer_remark_history"
    __table_args__ = (Index("ix_remark_history", "shop_id", "customer_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shops.id")
    customer_id: str = Field(max_length=128)
    text: str = Field(sa_column=Column(Text, nullable=False))
    author_id: str = Field(max_length=128)
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class AfterSaleRemarkRow(SQLModel, table=True):
    __tablename__ = "after_sale_remarks"

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    author_id: str = Field(max_length=128)
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class StarRow(SQLModel, table=True):
    __tablename__ = "agent_stars"
    __table_args__ = (UniqueConstraint("agent_id", "customer_id", name="uq_agent_stars"),
                      Index("ix_agent_stars_order", "agent_id", "starred_at", "id"),
                      {"sqlite_autoincrement": True})  # rows are deleted: an id is never handed out again

    id: int | None = Field(default=None, primary_key=True)
    agent_id: str = Field(max_length=128)
    customer_id: str = Field(max_length=128)
    color: str = Field(max_length=8)
    starred_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class StarCounterRow(SQLModel, table=True):
    """One row per agent; every change to the agent's set of stars bumps ``version`` conditionally (N3 cap)."""

    __tablename__ = "agent_star_counters"

    agent_id: str = Field(primary_key=True, max_length=128)
    version: int = 1


class ContactRow(SQLModel, table=True):
    __tablename__ = "agent_contacts"
    __table_args__ = (UniqueConstraint("agent_id", "customer_id", name="uq_agent_contacts"),
                      Index("ix_agent_contacts_recent", "agent_id", "last_contact_at", "customer_id"))

    id: int | None = Field(default=None, primary_key=True)
    agent_id: str = Field(max_length=128)
    customer_id: str = Field(max_length=128)
    last_contact_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    recorded_by: str = Field(max_length=128)


class ShortcutRow(SQLModel, table=True):
    """``uq_shortcut_keys``: two actions of one agent never share a binding, whatever the concurrency (N6)."""

    __tablename__ = "agent_shortcuts"
    __table_args__ = (UniqueConstraint("agent_id", "action", name="uq_shortcut_action"),
                      UniqueConstraint("agent_id", "keys", name="uq_shortcut_keys"))

    id: int | None = Field(default=None, primary_key=True)
    agent_id: str = Field(max_length=128)
    action: str = Field(max_length=32)
    keys: str = Field(max_length=64)
