"""Rules III on the domain directly: C3 by who submitted, C5's compensation against a Fraction oracle, A5's hand-over
of the first after-sale, F4's rates, V3's window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from domain.claims import rules
from domain.claims.model import Claim, ClaimReason, ClaimStatus, Evidence
from domain.claims.model import EvidenceKind as K
from domain.orders.model import Order, OrderLine, PaymentMethod
from domain.reports.model import GovernanceReport
from domain.shared.actor import Role
from domain.shared.money import Money
from domain.violations import rules as violation_rules
from domain.violations.model import Violation, ViolationKind

T = datetime(2026, 11, 2, 2, tzinfo=UTC)


def ev(kind: K, by: Role = Role.BUYER) -> Evidence:
    return Evidence(kind, "u", "0" * 64, T, "x", submitted_by=by)


def test_c3_only_the_buyers_items_complete_a_set():
    assert not rules.evidence_complete([ev(K.COURIER_CERTIFICATE, Role.MERCHANT)])
    assert not rules.evidence_complete([ev(K.DAMAGE_DETAIL), ev(K.WAYBILL), ev(K.OVERALL, Role.MERCHANT)])
    assert rules.evidence_complete([ev(K.DAMAGE_DETAIL), ev(K.WAYBILL), ev(K.OVERALL)])


def test_c5_late_means_strictly_after_the_due_time_and_only_for_guarantee_claims():
    assert not rules.performed_late(True, T, T)
    assert rules.performed_late(True, T, T + timedelta(microseconds=1))
    assert not rules.performed_late(False, T, T + timedelta(days=9))


def _order(goods_fen: int, shipping_fen: int, penalty_claim_id: int | None = None) -> Order:
    return Order("b", 1, PaymentMethod.ONLINE, [OrderLine(1, Decimal(1), Money(goods_fen))],
                 Money(shipping_fen), T, penalty_claim_id=penalty_claim_id, id=1)


def _oracle_penalty(basis_fen: int) -> int:
    """30 % of O in exact rationals, half-up to the fen once, then floored at ¥5 and capped at ¥100."""
    exact = Fraction(3, 10) * basis_fen
    rounded = int(exact) + (1 if exact - int(exact) >= Fraction(1, 2) else 0)
    return max(500, min(10_000, rounded))


@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=0, max_value=10**6))
def test_c5_the_compensation_minimum_is_the_orders_penalty_by_a_fraction_oracle(goods, shipping):
    order = _order(goods, shipping)
    assert rules.compensation_minimum(order, 7) == Money(_oracle_penalty(goods + shipping))
    charged = _order(goods, shipping, penalty_claim_id=3)
    assert rules.compensation_minimum(charged, 7) == Money(1)  # charged by another claim: anything above nothing
    assert rules.compensation_minimum(charged, 3) == Money(_oracle_penalty(goods + shipping))


def _claim(claim_id: int, reason: ClaimReason, status: ClaimStatus = ClaimStatus.AWAITING_MERCHANT,
           counts: bool = False, minutes: int = 0) -> Claim:
    return Claim(1, claim_id, 1, "b", reason, False, Decimal(1), None,
                 T + timedelta(minutes=minutes), T, Money(100), status=status, counts_toward_return_rate=counts,
                 id=claim_id)


def test_a5_the_next_claim_not_withdrawn_becomes_first_and_counts_for_a_product_reason():
    first = _claim(1, ClaimReason.QUALITY_ISSUE, counts=True)
    withdrawn = _claim(2, ClaimReason.DAMAGED, ClaimStatus.WITHDRAWN, minutes=1)
    other = _claim(3, ClaimReason.OTHER, minutes=2)
    product = _claim(4, ClaimReason.NOT_AS_DESCRIBED, minutes=3)
    assert rules.next_first_after_sale(first, [first, withdrawn, other, product]) == (other, False)
    assert rules.next_first_after_sale(first, [first, withdrawn, product]) == (product, True)
    assert rules.next_first_after_sale(first, [first]) == (None, False)


def test_a5_an_order_excluded_by_an_approved_appeal_stays_excluded():
    excluded = _claim(1, ClaimReason.QUALITY_ISSUE, counts=False)  # a product reason that no longer counts
    assert rules.next_first_after_sale(excluded, [excluded, _claim(2, ClaimReason.DAMAGED)])[1] is False


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6),
       st.integers(min_value=0, max_value=10**6))
def test_f4_rates_by_a_fraction_oracle(delivered, counted, withdrawn):
    submitted = counted + withdrawn
    report = GovernanceReport(T, T, None, delivered, submitted, {"WITHDRAWN": withdrawn}, 0, 0, 0, None,
                              Money(0), Money(0), 0, 0, 0, 0, Money(0), [], orders_counted=counted)
    assert report.claim_rate == (float(Fraction(counted, delivered)) if delivered else 0.0)
    assert report.return_rate == report.claim_rate  # here every claim not withdrawn is its order's first


def test_v3_a_violation_may_be_appealed_until_the_end_of_the_7th_natural_day():
    recorded = datetime(2026, 6, 1, 2, tzinfo=UTC)  # 10:00 Shanghai
    violation = Violation(1, ViolationKind.EVIDENCE_ANOMALY, "r", recorded, "ops")
    assert violation_rules.appeal_deadline(violation) == datetime(2026, 6, 8, 15, 59, 59, 999999, tzinfo=UTC)
    violation.withdraw("ops", recorded, "mistake")
    assert violation_rules.appeal_deadline(violation) is None
