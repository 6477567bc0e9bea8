"""W4, W5, W10: eligibility, the discount each coupon takes, and the best stack. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from domain.coupons.model import (
    APPLICATION_ORDER,
    AppliedCoupon,
    CostShare,
    Coupon,
    CouponStatus,
    CouponTemplate,
    IssuerKind,
)
from domain.coupons.rules import campaign_split
from domain.orders.model import PaymentMethod
from domain.shared.errors import stored
from domain.shared.money import Money

MIN_GOODS = Money(1)  # W5: the goods part of an order with coupons never costs less than ¥0.01
MAX_COMBINATIONS = 20_000


class Ineligibility(str, Enum):
    EXPIRED = "EXPIRED"
    NOT_YET_VALID = "NOT_YET_VALID"
    NOT_AVAILABLE = "NOT_AVAILABLE"
    THRESHOLD_NOT_MET = "THRESHOLD_NOT_MET"
    OUT_OF_SCOPE = "OUT_OF_SCOPE"
    WRONG_LIVE_ROOM = "WRONG_LIVE_ROOM"
    CASH_ON_DELIVERY = "CASH_ON_DELIVERY"
    NEW_USER_ONLY = "NEW_USER_ONLY"
    SAME_KIND_ALREADY_CHOSEN = "SAME_KIND_ALREADY_CHOSEN"


@dataclass(frozen=True)
class DraftLine:
    shop_id: int
    product_id: int
    subtotal: Money  # at list price


@dataclass(frozen=True)
class Draft:
    buyer_id: str
    lines: tuple[DraftLine, ...]
    payment_method: PaymentMethod
    live_room_streamer_id: str | None
    first_order: bool  # W8: the buyer has placed no order yet

    @property
    def goods_total(self) -> Money:
        return Money(sum(line.subtotal.fen for line in self.lines))


@dataclass(frozen=True)
class Candidate:
    coupon: Coupon
    template: CouponTemplate
    lines: frozenset[int]  # indexes of the draft lines in scope


def assess(coupon: Coupon, template: CouponTemplate, draft: Draft, now: datetime,
           payment_timeout: timedelta) -> tuple[list[Ineligibility], frozenset[int]]:
    """W4: every reason that applies, and the lines in scope."""
    reasons: list[Ineligibility] = []
    status = coupon.effective_status(now, payment_timeout)
    if status is CouponStatus.EXPIRED:
        reasons.append(Ineligibility.EXPIRED)
    elif status is not CouponStatus.AVAILABLE or coupon.owner_id != draft.buyer_id:
        reasons.append(Ineligibility.NOT_AVAILABLE)
    campaign = template.campaign
    if now < coupon.valid_from or campaign is not None and now < campaign.runs_from:
        reasons.append(Ineligibility.NOT_YET_VALID)  # W11: a campaign's coupon applies while the campaign runs
    if campaign is not None and now > campaign.runs_until and Ineligibility.EXPIRED not in reasons:
        reasons.append(Ineligibility.EXPIRED)
    if draft.payment_method is PaymentMethod.CASH_ON_DELIVERY:
        reasons.append(Ineligibility.CASH_ON_DELIVERY)
    if template.new_user_only and not draft.first_order:
        reasons.append(Ineligibility.NEW_USER_ONLY)
    if template.issuer_kind is IssuerKind.STREAMER and draft.live_room_streamer_id != template.issuer_id:
        reasons.append(Ineligibility.WRONG_LIVE_ROOM)
    lines = frozenset(i for i, line in enumerate(draft.lines) if template.in_scope(line.shop_id, line.product_id))
    if not lines:
        reasons.append(Ineligibility.OUT_OF_SCOPE)
    elif template.threshold is not None:
        eligible = sum(draft.lines[i].subtotal.fen for i in lines)
        if eligible < template.threshold.fen:
            reasons.append(Ineligibility.THRESHOLD_NOT_MET)
    return reasons, lines


def split(amount: int, weights: list[int]) -> list[int]:
    """Proportional shares of ``amount`` (fen) by ``weights``, half-up, the rounding remainder on the last part;
    never more than a part's weight, summing exactly."""
    total = sum(weights)
    shares = [0] * len(weights)
    if not amount:
        return shares
    for i, weight in enumerate(weights[:-1]):
        shares[i] = min(weight, (2 * amount * weight + total) // (2 * total))
    shares[-1] = amount - sum(shares[:-1])
    overflow = shares[-1] - weights[-1]
    for i in range(len(weights) - 2, -1, -1):  # only when rounding pushed the last part past its weight
        if overflow <= 0:
            break
        extra = min(overflow, weights[i] - shares[i])
        shares[i] += extra
        shares[-1] -= extra
        overflow -= extra
    return shares


@dataclass
class Stack:
    applied: list[AppliedCoupon]
    line_discounts: list[int]  # fen per draft line

    @property
    def total(self) -> Money:
        return Money(sum(a.amount.fen for a in self.applied))


def cost_shares(template: CouponTemplate, amount: Money, shop_id: int) -> tuple[CostShare, ...]:
    """W1: who bears a coupon's discount; W11: a campaign's coupon by the share of the shop it is used in, as read
    when it is priced for the order that locks it (the order keeps it: a later change rewrites nothing)."""
    if template.issuer_kind is IssuerKind.MERCHANT:
        return (CostShare(IssuerKind.MERCHANT, template.issuer_id, amount),)
    if template.issuer_kind is IssuerKind.STREAMER:
        return (CostShare(IssuerKind.STREAMER, template.issuer_id, amount),)
    signed_up = template.campaign_share(shop_id)  # W11: the shop's sign-up
    platform = campaign_split(amount, signed_up)[1] if signed_up is not None else amount.times(template.platform_share)
    shares = [CostShare(IssuerKind.PLATFORM, None, platform)]
    if amount.fen - platform.fen:
        shares.append(CostShare(IssuerKind.MERCHANT, str(shop_id), amount - platform))
    return tuple(shares)


def apply(draft: Draft, candidates: list[Candidate], shop_id: int) -> Stack:
    """W5: MERCHANT, then STREAMER, then PLATFORM; each takes at most its face value, at most what is still to pay
    for its goods, and leaves at least ¥0.01 for the goods of the order. Shipping is never discounted."""
    remaining = [line.subtotal.fen for line in draft.lines]
    applied = []
    for candidate in sorted(candidates, key=lambda c: APPLICATION_ORDER.index(c.template.issuer_kind)):
        money = Money(_take(remaining, candidate))
        applied.append(
            AppliedCoupon(
                stored(candidate.coupon.id),
                stored(candidate.template.id),
                candidate.template.issuer_kind,
                money,
                cost_shares(candidate.template, money, shop_id),
            )
        )
    return Stack(applied, [line.subtotal.fen - left for line, left in zip(draft.lines, remaining)])


def _frontier(candidates: list[Candidate]) -> list[Candidate]:
    """Per set of lines in scope, the coupons no other beats on both face value and (expiry, id). A larger discount
    on the same lines never lowers the stack's total, so only these can be part of the best stack or its tie-break."""
    kept = []
    for group in _by_lines(candidates).values():
        group.sort(key=lambda c: (-c.template.face_value.fen, c.coupon.valid_until, c.coupon.id))
        soonest = None
        for candidate in group:
            rank = (candidate.coupon.valid_until, candidate.coupon.id)
            if soonest is None or rank < soonest:
                kept.append(candidate)
                soonest = rank
    return kept


class _LastKind:
    """The last kind applied (PLATFORM) chosen exactly for a given state of the goods: per set of lines, the
    largest discount it can take, and among the coupons that take it the soonest-expiring one."""

    def __init__(self, candidates: list[Candidate]):
        self.groups = []
        for lines, group in _by_lines(_frontier(candidates)).items():
            group.sort(key=lambda c: (-c.template.face_value.fen, c.coupon.valid_until, c.coupon.id))
            faces = [c.template.face_value.fen for c in group]
            best_so_far, soonest = [], None  # best (earliest-expiring) among the first k by face
            for candidate in group:
                if soonest is None or (candidate.coupon.valid_until, candidate.coupon.id) < soonest[0]:
                    soonest = ((candidate.coupon.valid_until, candidate.coupon.id), candidate)
                best_so_far.append(soonest[1])
            self.groups.append((sorted(lines), faces, best_so_far))

    def choose(self, remaining: list[int]) -> tuple[int, Candidate | None]:
        room = sum(remaining) - MIN_GOODS.fen
        best: tuple[tuple[int, datetime, int], int, Candidate] | None = None
        for lines, faces, best_so_far in self.groups:
            available = min(sum(remaining[i] for i in lines), room)
            if available <= 0:
                continue
            amount = min(available, faces[0])  # the largest face, capped by what is available
            candidate = best_so_far[_count_at_least(faces, amount) - 1]  # soonest among those that take it
            key = (-amount, candidate.coupon.valid_until, stored(candidate.coupon.id))
            if best is None or key < best[0]:
                best = (key, amount, candidate)
        return (best[1], best[2]) if best else (0, None)


def _count_at_least(descending: list[int], value: int) -> int:
    low, high = 0, len(descending)
    while low < high:
        middle = (low + high) // 2
        if descending[middle] >= value:
            low = middle + 1
        else:
            high = middle
    return low


def _by_lines(candidates: list[Candidate]) -> dict[frozenset[int], list[Candidate]]:
    groups: dict[frozenset[int], list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault(candidate.lines, []).append(candidate)
    return groups


def _take(remaining: list[int], candidate: Candidate) -> int:
    """Apply one coupon to the remaining amounts in place (W5: at most its face value, at most what is still to pay
    for its goods, and at least ¥0.01 left for the order's goods), split over its lines in proportion; returns the
    discount in fen. ``apply`` and ``best_stack`` both price with it."""
    lines = sorted(candidate.lines)
    amount = max(0, min(candidate.template.face_value.fen, sum(remaining[i] for i in lines),
                        sum(remaining) - MIN_GOODS.fen))
    for i, share in zip(lines, split(amount, [remaining[i] for i in lines])):
        remaining[i] -= share
    return amount


def best_stack(draft: Draft, candidates: list[Candidate], shop_id: int) -> tuple[Stack, list[Candidate]]:
    """W10: at most one coupon per issuer kind with the largest total discount (exact); among stacks with that
    total, the fewest coupons, then the soonest expiries (sorted, compared in order), then the lowest ids — chosen
    among the frontier candidates (a coupon beaten by another of its kind on the same goods with a larger-or-equal
    face and an earlier-or-equal expiry is never preferred). Every merchant × streamer pair of the frontiers is
    priced, and for each the best platform coupon is found directly (at most MAX_COMBINATIONS pairs; past that each
    kind keeps its strongest candidates)."""
    merchants = _frontier([c for c in candidates if c.template.issuer_kind is IssuerKind.MERCHANT])
    streamers = _frontier([c for c in candidates if c.template.issuer_kind is IssuerKind.STREAMER])
    while (len(merchants) + 1) * (len(streamers) + 1) > MAX_COMBINATIONS:
        longer = merchants if len(merchants) >= len(streamers) else streamers
        longer.sort(key=lambda c: -c.template.face_value.fen)
        longer.pop()
    last = _LastKind([c for c in candidates if c.template.issuer_kind is IssuerKind.PLATFORM])
    start = [line.subtotal.fen for line in draft.lines]
    best: tuple[tuple[int, int, list[datetime], list[int]], list[Candidate]] | None = None
    for merchant in [None, *merchants]:
        after_merchant = list(start)
        taken_m = _take(after_merchant, merchant) if merchant else 0
        if merchant and not taken_m:
            continue  # a coupon that takes nothing is not used up
        for streamer in [None, *streamers]:
            remaining = list(after_merchant)
            taken_s = _take(remaining, streamer) if streamer else 0
            if streamer and not taken_s:
                continue
            taken_p, platform = last.choose(remaining)
            chosen = [c for c in (merchant, streamer, platform) if c is not None]
            total = taken_m + taken_s + taken_p
            key = (
                -total,
                len(chosen),
                sorted(c.coupon.valid_until for c in chosen),
                sorted(stored(c.coupon.id) for c in chosen),
            )
            if best is None or key < best[0]:
                best = (key, chosen)
    chosen = best[1] if best else []
    return apply(draft, chosen, shop_id), chosen
