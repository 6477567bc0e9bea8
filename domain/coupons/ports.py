from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.coupons.model import AppliedCoupon, Coupon, CouponTemplate


class CouponRepository(Protocol):
    async def add_template(self, template: CouponTemplate) -> CouponTemplate: ...

    async def templates(self, ids: list[int]) -> dict[int, CouponTemplate]: ...

    async def take_stock(self, template_id: int) -> bool:
        """W3: one more claimed, only while claimed < total stock — a conditional UPDATE, never oversold."""
        ...

    async def add(self, coupon: Coupon) -> Coupon:
        """(template, owner, seq) is unique: a lost race raises ``ConcurrentUpdate`` (the caller recounts)."""
        ...

    async def count_owned(self, template_id: int, owner_id: str) -> int: ...

    async def get_many(self, ids: list[int]) -> dict[int, Coupon]: ...

    async def wallet(self, owner_id: str) -> list[Coupon]:
        """Every coupon of the owner, newest first."""
        ...

    async def for_order(self, order_id: int) -> list[Coupon]: ...

    async def update(self, coupon: Coupon) -> None:
        """Conditional on ``version``; raises ``ConcurrentUpdate`` when another request changed it first."""
        ...

    async def used_for_shop(self, shop_id: int, start: datetime, end: datetime) -> list[AppliedCoupon]:
        """W9: what used (not returned) coupons took on the shop's orders, used within [start, end)."""
        ...
