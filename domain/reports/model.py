"""SPEC F4: a shop's (or the platform's) after-sales health over [from, to)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction

from domain.shared.money import Money

MAX_DAYS = 400  # a report covers at most this many days (its perDay has one row each)


@dataclass(frozen=True)
class Day:
    """An Asia/Shanghai calendar day."""

    date: date
    claims_submitted: int = 0
    refunds_paid: Money = field(default_factory=Money.zero)
    penalties_paid: Money = field(default_factory=Money.zero)


@dataclass(frozen=True)
class GovernanceReport:
    start: datetime
    end: datetime
    shop_id: int | None
    orders_delivered: int
    claims_submitted: int
    claims_by_status: dict[str, int]
    claims_escalated: int
    rulings: int
    buyer_wins: int
    median_response_hours: float | None
    refunds_paid: Money
    penalties_paid: Money
    appeals_filed: int
    appeals_approved: int
    appeals_overdue: int
    coupons_used: int
    coupon_discount: Money
    days: list[Day]
    orders_counted: int = 0  # F4/A5: orders delivered in the period whose first after-sale counts
    violations_recorded: dict[str, int] = field(default_factory=dict)  # F4: recorded in the period, by kind

    @staticmethod
    def rate(part: int, whole: int) -> float:
        """A share as the schema's Float: 0 when there is nothing to divide by."""
        return float(Fraction(part, whole)) if whole else 0.0

    @property
    def claim_rate(self) -> float:
        """F4: claims not withdrawn ÷ orders delivered."""
        withdrawn = self.claims_by_status.get("WITHDRAWN", 0)
        return self.rate(self.claims_submitted - withdrawn, self.orders_delivered)

    @property
    def return_rate(self) -> float:
        """F4/A5: the period's product-return rate by the experience score's definition (never above 1)."""
        return self.rate(self.orders_counted, self.orders_delivered)

    @property
    def escalation_rate(self) -> float:
        return self.rate(self.claims_escalated, self.claims_submitted)

    @property
    def buyer_win_rate(self) -> float:
        return self.rate(self.buyer_wins, self.rulings)
