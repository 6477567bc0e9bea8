"""Coupon templates and coupons (SPEC W1–W9)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum

from domain.coupons.campaign import CampaignTerms
from domain.shared.errors import DomainError, ErrorCode
from domain.shared.messages import msg
from domain.shared.money import Money


class IssuerKind(str, Enum):
    PLATFORM = "PLATFORM"
    STREAMER = "STREAMER"
    MERCHANT = "MERCHANT"


APPLICATION_ORDER = (IssuerKind.MERCHANT, IssuerKind.STREAMER, IssuerKind.PLATFORM)  # W5


class CouponOrigin(str, Enum):
    """W12: how a coupon came into its owner's wallet."""

    CLAIMED = "CLAIMED"
    ISSUED = "ISSUED"


class CouponStatus(str, Enum):
    AVAILABLE = "AVAILABLE"
    LOCKED = "LOCKED"
    USED = "USED"
    EXPIRED = "EXPIRED"
    INVALIDATED = "INVALIDATED"


@dataclass
class CouponTemplate:
    issuer_kind: IssuerKind
    issuer_id: str | None  # shop pk (as text) for MERCHANT, streamer user id for STREAMER, None for PLATFORM
    name: str
    face_value: Money
    total_stock: int
    per_user_limit: int
    created_at: datetime
    created_by: str
    threshold: Money | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    valid_days_after_claim: int | None = None
    new_user_only: bool = False
    shop_ids: frozenset[int] = frozenset()
    product_ids: frozenset[int] = frozenset()
    platform_share: Decimal = Decimal(0)
    claimed_count: int = 0
    id: int | None = None
    campaign_id: int | None = None  # W11: a platform template of a campaign (its cost split is the sign-up's)
    campaign: CampaignTerms | None = None  # read with the sign-ups of the shops at hand (``with_campaigns``)

    @property
    def shop_id(self) -> int | None:
        return int(self.issuer_id) if self.issuer_kind is IssuerKind.MERCHANT and self.issuer_id else None

    def window_for(self, claimed_at: datetime) -> tuple[datetime, datetime]:
        """W3: a claimed coupon copies its validity at claim time: the fixed window, or N×24 h from claiming."""
        if self.valid_days_after_claim is not None:
            return claimed_at, claimed_at + timedelta(days=self.valid_days_after_claim)
        if self.valid_from is None or self.valid_until is None:
            raise ValueError("a template has a fixed window or a number of days (checked when it is created)")
        return self.valid_from, self.valid_until

    def valid_now(self, now: datetime) -> bool:
        """F3: a fixed window has started and not ended (a template valid N days from claiming always is)."""
        return (self.valid_from is None or self.valid_from <= now) and (self.valid_until is None
                                                                         or now <= self.valid_until)

    def claim_refusal(self, now: datetime, owned: int, new_user: bool) -> DomainError | None:
        """W3, W8: why a buyer who holds ``owned`` of these (and has, or has not, ordered before) may not claim one
        now — the window, the new-user rule, the per-user limit, in that order — or None. Stock is the database's to
        decide (a conditional UPDATE); the coupon centre reads it from the template."""
        field = ("input", "templateId")
        if self.valid_until is not None and now > self.valid_until:
            return DomainError("this coupon's window has ended", field, ErrorCode.COUPON_NOT_APPLICABLE)
        if self.new_user_only and not new_user:
            return DomainError("new-user coupons are for accounts that have not ordered yet (W8)", field,
                               ErrorCode.COUPON_NOT_APPLICABLE)
        if owned >= self.per_user_limit:
            return DomainError(msg("at most {limit} per account", limit=self.per_user_limit), field,
                               ErrorCode.COUPON_CLAIM_LIMIT_REACHED)
        return None

    def campaign_share(self, shop_id: int) -> Decimal | None:
        """W11: the merchant's share the shop signed up with, if this is a campaign's template and the shop's sign-up
        was read (``with_campaigns``)."""
        return self.campaign.shares.get(shop_id) if self.campaign is not None else None

    def applies_in_shop(self, shop_id: int) -> bool:
        """W11: a campaign's template applies only in signed-up shops (a campaign whose sign-ups were not read
        applies nowhere); any other template is not held back here."""
        return self.campaign_id is None or self.campaign_share(shop_id) is not None

    def in_scope(self, shop_id: int, product_id: int) -> bool:
        """W2: which goods the coupon applies to (W11: in a signed-up shop, for a campaign's coupon)."""
        if not self.applies_in_shop(shop_id):
            return False
        if self.issuer_kind is IssuerKind.MERCHANT:
            return shop_id == self.shop_id and (not self.product_ids or product_id in self.product_ids)
        if self.issuer_kind is IssuerKind.STREAMER:
            return not self.product_ids or product_id in self.product_ids
        if not self.shop_ids and not self.product_ids:
            return True
        return shop_id in self.shop_ids or product_id in self.product_ids  # listed shops and/or listed products


@dataclass
class Coupon:
    template_id: int
    owner_id: str
    seq: int  # the owner's n-th coupon of this template: (template, owner, seq) is unique (W3 per-user limit)
    claimed_at: datetime
    valid_from: datetime
    valid_until: datetime
    status: CouponStatus = CouponStatus.AVAILABLE
    order_id: int | None = None
    locked_at: datetime | None = None
    used_at: datetime | None = None
    version: int = 0
    id: int | None = None
    new_user_only: bool = False  # W8: copied from the template at claiming (templates never change it)
    origin: CouponOrigin = CouponOrigin.CLAIMED  # W12

    def effective_status(self, now: datetime, payment_timeout: timedelta) -> CouponStatus:
        """W6: a lock past the payment timeout reads as released; an available coupon past its window reads as
        expired. W8: a new-user coupon locked by the user's first order is never released — that order counts
        as placed whatever became of it — so past the timeout it reads INVALIDATED. Statuses read correctly at
        any "now"."""
        status = self.status
        if status is CouponStatus.LOCKED and self.locked_at is not None and now > self.locked_at + payment_timeout:
            status = CouponStatus.INVALIDATED if self.new_user_only else CouponStatus.AVAILABLE
        if status is CouponStatus.AVAILABLE and now > self.valid_until:
            return CouponStatus.EXPIRED
        return status


@dataclass(frozen=True)
class CostShare:
    bearer: IssuerKind
    bearer_id: str | None
    amount: Money


@dataclass
class AppliedCoupon:
    coupon_id: int
    template_id: int
    kind: IssuerKind
    amount: Money
    shares: tuple[CostShare, ...] = field(default_factory=tuple)
