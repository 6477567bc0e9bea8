from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from domain.coupons.model import AppliedCoupon, Coupon, CouponStatus, CouponTemplate, IssuerKind
from domain.shared.listing import Page


@dataclass(frozen=True)
class TemplateQuery:
    """F3 in SQL: templates of these issuer kinds (of one issuer when ``issuer`` is given), and with ``open_at``
    only those in stock whose window has not ended by then. The rest of F3 (per-user limit, new-user, W2's scope) is
    the domain's, on each page."""

    issuer_kinds: frozenset[IssuerKind] | None = None
    issuer: tuple[IssuerKind, str | None] | None = None
    open_at: datetime | None = None


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

    async def owned_counts(self, template_ids: list[int], owner_id: str) -> dict[int, int]:
        """How many of each template the owner holds (0s left out)."""
        ...

    async def template_page(self, query: TemplateQuery, page: Page) -> list[CouponTemplate]:
        """Newest first."""
        ...

    async def get_many(self, ids: list[int]) -> dict[int, Coupon]: ...

    async def wallet(self, owner_id: str) -> list[Coupon]:
        """Every coupon of the owner, newest first."""
        ...

    async def wallet_page(self, owner_id: str, statuses: frozenset[CouponStatus] | None, now: datetime,
                          payment_timeout: timedelta, page: Page) -> list[Coupon]:
        """A page of the wallet, newest first, of the coupons whose ``effective_status(now, payment_timeout)`` is
        one of ``statuses`` — decided in SQL by the same rule (W6, W8)."""
        ...

    async def wallet_count(self, owner_id: str, statuses: frozenset[CouponStatus] | None, now: datetime,
                           payment_timeout: timedelta) -> int: ...

    async def for_order(self, order_id: int) -> list[Coupon]: ...

    async def update(self, coupon: Coupon) -> None:
        """Conditional on ``version``; raises ``ConcurrentUpdate`` when another request changed it first."""
        ...

    async def used_for_shop(self, shop_id: int, start: datetime, end: datetime) -> list[AppliedCoupon]:
        """W9: what used (not returned) coupons took on the shop's orders, used within [start, end)."""
        ...
