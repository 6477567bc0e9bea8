from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from persistence.shared.types import UTCDateTime


class ProductRow(SQLModel, table=True):
    __tablename__ = "products"
    __table_args__ = (
        Index("ix_products_shop_newest", "shop_id", "id"),
        UniqueConstraint("shop_id", "sku", name="uq_products_shop_sku"),
    )

    id: int | None = Field(default=None, primary_key=True)
    shop_id: int = Field(foreign_key="shops.id", index=True)
    sku: str = Field(max_length=64)
    name: str = Field(max_length=200)
    price_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    fresh: bool
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
