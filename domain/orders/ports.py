from __future__ import annotations

from typing import Protocol

from domain.orders.model import Order, OrderLine


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

    async def update(self, order: Order) -> None:
        """Write the order's state, conditional on ``version``; raises ``ConcurrentUpdate`` when it lost a race."""
        ...
