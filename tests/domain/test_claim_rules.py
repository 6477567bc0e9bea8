"""SPEC C1–C6 on the domain directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.claims import rules
from domain.claims.evidence_checks import EvidenceWarningCode, evidence_warnings
from domain.claims.model import ClaimReason, ClaimStatus, Evidence
from domain.claims.model import EvidenceKind as K
from domain.claims.transitions import TRANSITIONS, Action
from domain.shared.money import Money
from domain.uploads.model import FileFacts

T = datetime(2026, 11, 2, 2, tzinfo=UTC)


def ev(kind: K, invalidated: bool = False) -> Evidence:
    return Evidence(kind, "u", "0" * 64, T, "b", invalidated)


@pytest.mark.parametrize("fresh, reason, covered", [
    (True, ClaimReason.DAMAGED, True), (True, ClaimReason.ROTTEN_OR_SPOILED, True),
    (True, ClaimReason.NOT_AS_DESCRIBED, False), (False, ClaimReason.DAMAGED, False)])
def test_c1(fresh, reason, covered):
    assert rules.covered_by_guarantee(fresh, reason) is covered


def test_c2_inclusive_edge():
    assert rules.within_window(T, T + timedelta(hours=24))
    assert not rules.within_window(T, T + timedelta(hours=24, microseconds=1))


def test_c3_sets():
    assert rules.evidence_complete([ev(K.DAMAGE_DETAIL), ev(K.WAYBILL), ev(K.OVERALL)])
    assert rules.evidence_complete([ev(K.COURIER_CERTIFICATE)])
    assert not rules.evidence_complete([ev(K.DAMAGE_DETAIL), ev(K.WAYBILL, invalidated=True), ev(K.OVERALL)])
    assert not rules.evidence_complete([ev(K.COURIER_CERTIFICATE, invalidated=True), ev(K.CHAT_RECORD)])


@pytest.mark.parametrize("paid, q, quantity, refund", [
    (88000, "3", "10", 26400),     # exactly 30 %: partial
    (88000, "3.001", "10", 88000),  # over 30 %: full
    (10, "0.5", "2", 3),           # 0.025 → 0.03 half-up
    (10, "0.4", "2", 2),           # 0.02
    (33333, "1", "3", 33333),      # 33 % → full
    (33333, "0.9", "3", 10000),    # 30 % exactly → 99.999 → 100.00
])
def test_c4(paid, q, quantity, refund):
    assert rules.standard_refund(Money(paid), Decimal(q), Decimal(quantity)) == Money(refund)


def test_c4_bounds():
    with pytest.raises(ValueError):
        rules.standard_refund(Money(100), Decimal("0"), Decimal("1"))
    with pytest.raises(ValueError):
        rules.standard_refund(Money(100), Decimal("2"), Decimal("1"))


@pytest.mark.parametrize("paid, penalty", [(100, 500), (1666, 500), (1667, 500), (1700, 510), (8800, 2640),
                                           (33334, 10000), (88000, 10000), (5, 500)])
def test_c6_penalty_floor_and_cap(paid, penalty):
    assert rules.standard_penalty(Money(paid)) == Money(penalty)


def test_c6_penalty_half_up():
    assert rules.standard_penalty(Money(1835)) == Money(551)  # 5.505 → 5.51


def test_transition_table_is_complete_and_closed():
    assert set(TRANSITIONS) == set(Action) - {Action.SUBMIT}
    closed = {ClaimStatus.REFUNDED, ClaimStatus.RULED, ClaimStatus.WITHDRAWN}
    for action, transition in TRANSITIONS.items():
        if transition.target is not None:
            assert not (transition.sources & closed), action  # nothing leaves a decided claim


def test_c5_escalation_after_the_deadline_only():
    assert not rules.merchant_may_be_bypassed(T, T)
    assert rules.merchant_may_be_bypassed(T + timedelta(seconds=1), T)


def test_evidence_warnings():
    facts = FileFacts("image/jpeg", 1, "0" * 64, "Meitu 美图秀秀", T + timedelta(hours=1))
    codes = [w.code for w in evidence_warnings(facts, T, T - timedelta(days=1), 2)]
    assert codes == [EvidenceWarningCode.EDITING_SOFTWARE, EvidenceWarningCode.CAPTURED_AFTER_CLAIM,
                     EvidenceWarningCode.REUSED_ON_OTHER_CLAIM]
    plain = FileFacts("image/jpeg", 1, "0" * 64, "iOS 17.1", T - timedelta(hours=1))
    assert evidence_warnings(plain, T, T - timedelta(days=1), 0) == []
