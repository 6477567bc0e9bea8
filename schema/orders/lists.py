"""F1/F2: the orders list."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from domain.orders.services import orders_scope
from schema.common.ids import decode_id
from schema.common.pagination import CountedConnection, counted_connection
from schema.common.sorting import SortDirection, sort_key, sorted_page
from schema.context import Info
from schema.orders.types import Order, OrderStatus


@strawberry.input
class OrderFilter:
    status: list[OrderStatus] | None = None
    shop_id: strawberry.ID | None = None
    buyer_id: str | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None


@strawberry.enum
class OrderSortField(Enum):
    PLACED_AT = "PLACED_AT"
    PAYABLE = "PAYABLE"


@strawberry.input
class OrderSort:
    field: OrderSortField
    direction: SortDirection = SortDirection.DESC


@strawberry.type
class OrderListQueries:
    @strawberry.field(description="F1: BUYER own, MERCHANT/AGENT own shop's, PLATFORM all; newest first.")
    async def orders(self, info: Info, filter: OrderFilter | None = None, sort_by: OrderSort | None = None,
                     first: int | None = None, after: str | None = None, last: int | None = None,
                     before: str | None = None) -> CountedConnection[Order]:
        wanted, ctx = filter or OrderFilter(), info.context
        shop_id = decode_id(wanted.shop_id, "Shop") if wanted.shop_id is not None else None
        query = orders_scope(ctx.actor, wanted.status, shop_id, wanted.shop_id is not None, wanted.buyer_id,
                             wanted.placed_from, wanted.placed_to)
        field = sort_by.field if sort_by else None
        page = sorted_page(first, after, field.value if field else None,
                           sort_by.direction if sort_by else SortDirection.DESC,
                           datetime if field is OrderSortField.PLACED_AT else int, last, before)
        rows = await ctx.loaders.read(lambda uow: uow.orders.page(query, page))
        value = (lambda o: o.placed_at) if field is OrderSortField.PLACED_AT else (lambda o: o.payable.fen)
        return counted_connection(rows, page, Order.of, sort_key(page, value),
                                  lambda: ctx.loaders.read(lambda uow: uow.orders.count(query)))
