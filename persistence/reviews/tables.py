from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from persistence.shared.types import UTCDateTime


class ReviewRow(SQLModel, table=True):
    __tablename__ = "reviews"
    __table_args__ = (
        Index("ix_reviews_shop_rating", "shop_id", "rating", "id"),
        Index("ix_reviews_buyer", "buyer_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", unique=True)
    shop_id: int = Field(foreign_key="shops.id")  # ix_reviews_shop_rating leads with it
    buyer_id: str = Field(max_length=128)
    rating: int
    content: str = Field(max_length=2000)
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    visibility: str = Field(max_length=16)
    counts_toward_score: bool = True
    version: int = 0
