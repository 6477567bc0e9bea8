from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol

from domain.coupons.campaign import Campaign, SignUp
from domain.coupons.invoice import Invoice, InvoiceAccount
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

    async def lock_template(self, template_id: int) -> CouponTemplate | None:
        """W12: the template, its row locked until the commit (on SQLite the writing transaction is the lock), so
        claims of it wait while an issuance decides."""
        ...

    async def take_stock_many(self, template_id: int, count: int) -> bool:
        """W12: ``count`` more claimed, only if they fit the stock — one conditional UPDATE."""
        ...

    async def add_many(self, coupons: list[Coupon]) -> None:
        """W12: one statement; (template, owner, seq) is unique, so a lost race raises ``ConcurrentUpdate``."""
        ...

    async def owned_by(self, template_id: int, owner_ids: list[str]) -> dict[str, int]:
        """How many of the template each owner holds (0s left out)."""
        ...

    async def set_campaign(self, template_ids: list[int], campaign_id: int) -> int:
        """W11: the templates become the campaign's, only those of no campaign yet; how many did."""
        ...

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


class CampaignRepository(Protocol):
    async def add(self, campaign: Campaign) -> Campaign: ...

    async def get_many(self, ids: list[int]) -> dict[int, Campaign]: ...

    async def page(self, open_at: datetime | None, shop_id: int | None, page: Page) -> list[Campaign]:
        """Newest first: every campaign, or (``open_at``) those open for sign-up then or signed up by ``shop_id``."""
        ...

    async def count(self, open_at: datetime | None, shop_id: int | None) -> int: ...

    async def sign_up(self, campaign_id: int, shop_id: int) -> SignUp | None: ...

    async def add_sign_up(self, sign_up: SignUp) -> None:
        """(campaign, shop) is unique: a lost race raises ``ConcurrentUpdate`` (the caller reads it anew)."""
        ...

    async def update_sign_up(self, sign_up: SignUp) -> None:
        """Conditional on ``version``; raises ``ConcurrentUpdate``."""
        ...

    async def remove_sign_up(self, sign_up: SignUp) -> None:
        """Conditional on ``version``; raises ``ConcurrentUpdate``."""
        ...

    async def sign_ups(self, campaign_ids: list[int], shop_id: int | None) -> dict[int, list[SignUp]]:
        """Each campaign's sign-ups (of ``shop_id`` only, when given), oldest first."""
        ...

    async def shares(self, campaign_ids: list[int], shop_ids: list[int]) -> dict[int, dict[int, Decimal]]:
        """W11: per campaign, the merchant share of each of these shops that signed up."""
        ...


class InvoiceRepository(Protocol):
    async def add(self, invoice: Invoice) -> Invoice:
        """(shop, number) is unique: a reused number raises ``AlreadyExists``."""
        ...

    async def get_many(self, ids: list[int]) -> dict[int, Invoice]: ...

    async def charge(self, account: InvoiceAccount, amount: int, owed: int) -> bool:
        """W13: adds ``amount`` fen to what the account's period has invoiced, only while the total stays within
        ``owed`` — one conditional UPDATE; False (nothing changed) when it would not."""
        ...

    async def void(self, invoice: Invoice) -> bool:
        """W13: marks it voided and gives its amount back to its period, only if it was not voided already."""
        ...

    async def invoiced(self, shop_id: int, start: datetime, end: datetime) -> dict[tuple[IssuerKind, str | None], int]:
        """W13: per counterparty, fen invoiced (not voided) by the shop for the months starting in [start, end)."""
        ...

    async def batch(self, shop_id: int | None, start: datetime, end: datetime, after: int | None,
                    limit: int) -> list[Invoice]:
        """The invoices (voided ones too) of the shop, or of every shop, for months starting in [start, end), by id
        after ``after``."""
        ...
