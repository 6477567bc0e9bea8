"""The pure rules of SPEC section C, one function per rule."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from domain.claims.model import GUARANTEE_REASONS, ClaimReason, Evidence, EvidenceKind
from domain.shared.money import Money

CLAIM_WINDOW = timedelta(hours=24)
FULL_REFUND_SHARE = Decimal("0.30")
PENALTY_RATE = Decimal("0.30")
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
    do not count."""
    kinds = {item.kind for item in evidence if not item.invalidated}
    return EvidenceKind.COURIER_CERTIFICATE in kinds or PHOTO_SET <= kinds


def standard_refund(paid: Money, damaged: Decimal, quantity: Decimal) -> Money:
    """C4: over 30 % damaged → the whole paid amount P; otherwise P × q / Q, half-up to the fen.
    Exactly 30 % is partial."""
    if not 0 < damaged <= quantity:
        raise ValueError("0 < q ≤ Q")
    if damaged / quantity > FULL_REFUND_SHARE:
        return paid
    return paid.times(damaged / quantity)


def standard_penalty(paid: Money) -> Money:
    """C6: 30 % of P half-up, at least ¥5.00 and at most ¥100.00."""
    return max(PENALTY_FLOOR, min(PENALTY_CAP, paid.times(PENALTY_RATE)))


def merchant_may_be_bypassed(now: datetime, due_at: datetime) -> bool:
    """C5: the buyer may escalate an unanswered claim once ``merchantResponseDueAt`` has passed."""
    return now > due_at
