from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from persistence.shared.types import UTCDateTime


class OrderRow(SQLModel, table=True):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_shop_status", "shop_id", "status", "id"),
        Index("ix_orders_shop_placed", "shop_id", "placed_at", "id"),
        Index("ix_orders_shop_payable", "shop_id", "payable_fen", "id"),
        Index("ix_orders_buyer_placed", "buyer_id", "placed_at", "id"),
        Index("ix_orders_placed", "placed_at", "id"),
        Index("ix_orders_payable", "payable_fen", "id"),
        Index("ix_orders_status", "status", "id"),
        Index("ix_orders_shop_signed", "shop_id", "signed_at"),
        Index("ix_orders_signed", "signed_at"),
        Index("ix_orders_buyer", "buyer_id", "id"),
        Index("ix_orders_shop", "shop_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    buyer_id: str = Field(max_length=128)
    shop_id: int = Field(foreign_key="shops.id")
    status: str = Field(max_length=24)
    payment_method: str = Field(max_length=24)
    shipping_fee_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    live_room_streamer_id: str | None = Field(default=None, max_length=64)
    placed_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    paid_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    signed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    remark: str | None = Field(default=None, max_length=2000)
    refunded_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))
    payable_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, server_default="0"))  # F2's sort
    # C6: the claim whose ruling in force charged the order's penalty. Written only through the order's versioned
    # update, so of two rulings racing on one order exactly one sets it. No foreign key: claims already reference
    # orders, and a cycle would complicate every insert for nothing the version check does not already decide.
    penalty_claim_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # A5: the order's first after-sale (the earliest claim not withdrawn), the one the return rate counts; written,
    # like penalty_claim_id, only through the versioned update, so of two claims racing on one order one is first.
    first_claim_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    version: int = 0


class OrderLineRow(SQLModel, table=True):
    """Quantities are integer thousandths: exact on both databases."""

    __tablename__ = "order_lines"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="orders.id", index=True)
    product_id: int = Field(foreign_key="products.id")
    quantity_milli: int = Field(sa_column=Column(BigInteger, nullable=False))
    unit_price_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    discount_fen: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
