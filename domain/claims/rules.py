"""The pure rules of SPEC section C, one function per rule."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from domain.claims.model import (
    GUARANTEE_REASONS,
    PRODUCT_REASONS,
    Claim,
    ClaimReason,
    ClaimStatus,
    Evidence,
    EvidenceKind,
)
from domain.orders.model import Order
from domain.shared.actor import Role
from domain.shared.money import Money

CLAIM_WINDOW = timedelta(hours=24)
FULL_REFUND_SHARE = Fraction(3, 10)
PENALTY_RATE = Fraction(3, 10)
PENALTY_FLOOR = Money(500)     # ¥5.00
PENALTY_CAP = Money(10_000)    # ¥100.00
PHOTO_SET = frozenset({EvidenceKind.DAMAGE_DETAIL, EvidenceKind.WAYBILL, EvidenceKind.OVERALL})


def covered_by_guarantee(fresh: bool, reason: ClaimReason) -> bool:
    """C1: a fresh-food product and a rot/damage reason."""
    return fresh and reason in GUARANTEE_REASONS


def within_window(signed_at: datetime, submitted_at: datetime) -> bool:
    """C2: submitted − signed ≤ 24 h; exactly 24 h still counts."""
    return submitted_at - signed_at <= CLAIM_WINDOW


def evidence_complete(evidence: Iterable[Evidence]) -> bool:
    """C3: (a) a DAMAGE_DETAIL, a WAYBILL and an OVERALL photo, or (b) a COURIER_CERTIFICATE; invalidated items
    do not count, and neither does the shop's evidence (C9): the burden of proof is the buyer's, so only items the
    buyer submitted (with the claim or during escalation) can complete a set."""
    kinds = {item.kind for item in evidence if not item.invalidated and item.submitted_by is Role.BUYER}
    return EvidenceKind.COURIER_CERTIFICATE in kinds or PHOTO_SET <= kinds


def first_after_sale_counts(reason: ClaimReason) -> bool:
    """A5: an order's first after-sale counts toward the return rate when its reason is a product reason."""
    return reason in PRODUCT_REASONS


def next_first_after_sale(withdrawn: Claim, others: Iterable[Claim]) -> tuple[Claim | None, bool]:
    """A5: the order's first after-sale was withdrawn; the earliest claim of the order still not withdrawn takes
    its place, and whether it counts. It does not when an approved RETURN_RATE appeal had excluded the order (the
    withdrawn claim had a product reason and no longer counted: A5, "that order no longer counts")."""
    remaining = sorted((c for c in others if c.id != withdrawn.id and c.status is not ClaimStatus.WITHDRAWN),
                       key=lambda c: (c.submitted_at, c.id or 0))
    if not remaining:
        return None, False
    excluded = first_after_sale_counts(withdrawn.reason) and not withdrawn.counts_toward_return_rate
    return remaining[0], not excluded and first_after_sale_counts(remaining[0].reason)


def standard_refund(paid: Money, damaged: Decimal, quantity: Decimal) -> Money:
    """C4: over 30 % damaged → the whole paid amount P; otherwise P × q / Q, half-up to the fen.
    Exactly 30 % is partial. q / Q is an exact rational (quantities are thousandths): nothing is rounded before
    the one half-up rounding of the product, so 29.88 × 5 / 24 = 6.225 refunds 6.23."""
    if not 0 < damaged <= quantity:
        raise ValueError("0 < q ≤ Q")
    share = Fraction(damaged) / Fraction(quantity)
    if share > FULL_REFUND_SHARE:
        return paid
    return paid.times(share)


def standard_penalty(order_paid: Money) -> Money:
    """C6: 30 % of the order's paid amount O (goods after discounts plus shipping), half-up, at least ¥5.00 and at
    most ¥100.00. It is charged once per order (see ``penalty_due``)."""
    return max(PENALTY_FLOOR, min(PENALTY_CAP, order_paid.times(PENALTY_RATE)))


def refund_due(standard: Money, order: Order) -> Money:
    """C4/C7: the claim's standard refund, but never more than the order still has to refund (G1: money is paid
    back once — an order cancelled after delivery was already refunded in full)."""
    return min(standard, order.refundable)


def penalty_due(order: Order, claim_id: int | None) -> Money:
    """C6: what a BUYER_WINS ruling of claim ``claim_id`` would charge now as penalty: the order's penalty, or
    nothing when a ruling in force on another claim of the same order already charged it (once per order)."""
    if order.penalty_charged_by_another(claim_id) is not None:
        return Money.zero()
    return standard_penalty(order.penalty_basis)


def performed_late(covered: bool, due_at: datetime, accepted_at: datetime) -> bool:
    """C5 (未按時履行): a guarantee claim the merchant accepts after ``merchantResponseDueAt`` was not performed on
    time and owes the buyer compensation; an ordinary claim owes none."""
    return covered and accepted_at > due_at


def compensation_minimum(order: Order, claim_id: int | None) -> Money:
    """C5 agreement: a proposed compensation is at least the order's standard penalty of C6 at that moment (nothing
    when another claim's ruling in force already charged it), and at least ¥0.01: an agreement pays something."""
    return max(Money(1), penalty_due(order, claim_id))


def merchant_may_be_bypassed(now: datetime, due_at: datetime) -> bool:
    """C5: the buyer may escalate an unanswered claim once ``merchantResponseDueAt`` has passed."""
    return now > due_at
