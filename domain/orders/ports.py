from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.orders.model import Order, OrderLine, OrderStatus
from domain.shared.listing import Page


@dataclass(frozen=True)
class OrderQuery:
    """F1: an orders list, already narrowed to what the viewer may see."""

    statuses: frozenset[OrderStatus] | None = None
    shop_id: int | None = None
    buyer_id: str | None = None
    placed_from: datetime | None = None
    placed_to: datetime | None = None
    nothing: bool = False


class OrderRepository(Protocol):
    async def add(self, order: Order) -> Order:
        """Assigns ids to the order and its lines."""
        ...

    async def get(self, order_id: int, *, lock: bool = False) -> Order | None: ...

    async def get_many(self, ids: list[int]) -> dict[int, Order]:
        """Orders with their lines."""
        ...

    async def lines_by_ids(self, ids: list[int]) -> dict[int, OrderLine]: ...

    async def has_orders(self, buyer_id: str) -> bool:
        """W8: whether the buyer has placed any order on the platform."""
        ...

    async def buyers_with_orders(self, buyer_ids: list[str]) -> set[str]:
        """W8 for many buyers at once: those who have placed an order."""
        ...

    async def page(self, query: OrderQuery, page: Page) -> list[Order]:
        """F1/F2: by default newest first (descending id); ``PLACED_AT`` or ``PAYABLE`` either way, then id."""
        ...

    async def count(self, query: OrderQuery) -> int: ...

    async def update(self, order: Order) -> None:
        """Write the order's state, conditional on ``version``; raises ``ConcurrentUpdate`` when it lost a race."""
        ...
