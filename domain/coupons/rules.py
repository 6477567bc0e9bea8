"""The rules of W11–W13, by number: campaign shares and cost splits, targeted issuance, invoice periods."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from domain.shared.errors import InvalidInput
from domain.shared.messages import msg
from domain.shared.money import Money

SHANGHAI = ZoneInfo("Asia/Shanghai")

# W11 ---------------------------------------------------------------------------------------------------------------
SHARE_PLACES = 4  # a share is given to at most 4 decimals (0.3333), the precision of a sign-up form
MAX_CAMPAIGN_TEMPLATES = 100


def share(value: Decimal, field: tuple[str | int, ...]) -> Decimal:
    """W11: a merchant's share of a coupon's cost is a number from 0 to 1 with at most 4 decimals."""
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(1):
        raise InvalidInput("a share is a number from 0 to 1", field)
    if value.as_tuple().exponent < -SHARE_PLACES:  # type: ignore[operator]  # finite, so an int
        raise InvalidInput(msg("a share has at most {places} decimals", places=SHARE_PLACES), field)
    return value.normalize() if value else Decimal(0)


def in_range(value: Decimal, low: Decimal, high: Decimal, field: tuple[str | int, ...]) -> None:
    """W11: a sign-up's share lies in the campaign's range."""
    if not low <= value <= high:
        raise InvalidInput(msg("this campaign takes a merchant share from {low} to {high}", low=low, high=high),
                           field)


def campaign_split(amount: Money, merchant_share: Decimal) -> tuple[Money, Money]:
    """W11: a campaign coupon's discount, split by the shop's share: (merchant part, platform part). The platform's
    part is the discount × (1 − share), rounded half-up once (G1, as a template's own ratio is, W1); the merchant
    bears the rest, so the two always sum to the discount, to the fen."""
    platform = amount.times(Decimal(1) - merchant_share)
    return amount - platform, platform


# W12 ---------------------------------------------------------------------------------------------------------------
MAX_ISSUE = 1_000  # buyers per issueCoupons call


# W13 ---------------------------------------------------------------------------------------------------------------
MAX_INVOICE_NUMBER = 50
MAX_VOID_REASON = 200


def month_containing(at: datetime) -> tuple[datetime, datetime]:
    """The Asia/Shanghai calendar month ``at`` falls in: [the 1st 00:00, the next 1st 00:00)."""
    first = at.astimezone(SHANGHAI).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return first, (first + timedelta(days=32)).replace(day=1)


def month_of(start: datetime, end: datetime, field: tuple[str | int, ...]) -> tuple[datetime, datetime]:
    """W13: an invoice covers one calendar month of Asia/Shanghai, [the 1st 00:00, the next 1st 00:00), so every
    coupon's obligation falls in exactly one invoiced period and ``outstanding`` is exact for any whole months."""
    if (start, end) != month_containing(start):
        raise InvalidInput("an invoice covers one calendar month (Asia/Shanghai): periodFrom the 1st at 00:00, "
                           "periodTo the 1st of the next month", field)
    return start, end
