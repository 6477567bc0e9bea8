"""W11: platform campaigns, their sign-ups, and the terms a campaign's coupon is priced by."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum


class CampaignStatus(str, Enum):
    SIGN_UP = "SIGN_UP"  # not started: merchants may still sign up (in the window), change or leave
    RUNNING = "RUNNING"
    ENDED = "ENDED"


@dataclass
class Campaign:
    name: str
    sign_up_from: datetime
    sign_up_until: datetime
    runs_from: datetime
    runs_until: datetime
    min_merchant_share: Decimal
    max_merchant_share: Decimal
    created_at: datetime
    created_by: str
    template_ids: tuple[int, ...] = ()
    id: int | None = None

    def status(self, now: datetime) -> CampaignStatus:
        if now > self.runs_until:
            return CampaignStatus.ENDED
        return CampaignStatus.RUNNING if now >= self.runs_from else CampaignStatus.SIGN_UP

    def open_for_sign_up(self, now: datetime) -> bool:
        """W11: a new sign-up is taken inside the sign-up window."""
        return self.sign_up_from <= now <= self.sign_up_until

    def started(self, now: datetime) -> bool:
        """W11: from the start, sign-ups are fixed (no change, no withdrawal)."""
        return now >= self.runs_from

    def terms(self, shares: Mapping[int, Decimal]) -> CampaignTerms:
        return CampaignTerms(self.id or 0, self.runs_from, self.runs_until, shares)


@dataclass
class SignUp:
    campaign_id: int
    shop_id: int
    merchant_share: Decimal
    joined_at: datetime
    changed_at: datetime
    version: int = 0


@dataclass(frozen=True)
class CampaignTerms:
    """What pricing needs of a template's campaign: when its coupons apply, and the merchant's share of each
    signed-up shop — of the shops read for the request at hand (an order is of one shop; a product page of one).
    A shop missing from ``shares`` is not signed up, so the campaign's coupons do not apply to its goods."""

    campaign_id: int
    runs_from: datetime
    runs_until: datetime
    shares: Mapping[int, Decimal] = field(default_factory=dict)
