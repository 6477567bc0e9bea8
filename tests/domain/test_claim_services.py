"""The claim services (SPEC C4–C9, W7) on the in-memory unit of work: the rules as the services apply them, in
milliseconds. The API tests (tests/api/test_claims.py, test_rules_ii.py) prove the same flows through the wiring
and on both databases; the races are proven there too."""

from __future__ import annotations

import pytest

from domain.claims import services
from domain.claims.model import ClaimReason, ClaimStatus, EvidenceKind, ForceMajeureCause, RulingOutcome
from domain.claims.services import ClaimPolicy, RespondToEscalation
from domain.coupons.model import CouponStatus, IssuerKind
from domain.coupons.services import TemplateRequest, claim_coupon, create_template
from domain.orders.services import cancel_order
from domain.shared.actor import Role
from domain.shared.errors import DomainError, ErrorCode, InvalidInput, InvalidState
from domain.shared.money import Money
from domain.shops.model import LedgerEntryKind
from tests.domain.service_world import BUYER, PLATFORM, SERVICE


async def test_c6_one_penalty_per_order_on_the_services(world):
    _, (first_line, second_line) = await world.order({"a": "1", "b": "1"})
    first, second = await world.escalated(first_line), await world.escalated(second_line)
    one = await world.rule(first)
    two = await world.rule(second)
    assert (one.ruling.refund, one.ruling.penalty) == (Money.of("400.00"), Money.of("100.00"))
    assert (two.ruling.refund, two.ruling.penalty, two.ruling.penalty_charged_on_claim_id) == (
        Money.of("400.00"), Money(0), first)
    kinds = [e.kind for e in world.uow.accounts.entries(world.shop_id)]
    assert kinds.count(LedgerEntryKind.CLAIM_PENALTY) == 1


async def test_c6_an_agreed_penalty_is_refused_once_the_order_paid_and_nothing_changes(world):
    _, (first_line, second_line) = await world.order({"a": "1", "b": "1"})
    first, second = await world.escalated(first_line), await world.escalated(second_line)
    await world.rule(first)
    before = len(world.uow.accounts.entries(world.shop_id))
    with pytest.raises(DomainError) as refused:
        await world.rule(second, agreed_penalty=Money.of("150.00"))
    assert refused.value.code is ErrorCode.PENALTY_ALREADY_CHARGED
    claim = await world.uow.claims.get(second)
    assert claim.status is ClaimStatus.ESCALATED and len(world.uow.accounts.entries(world.shop_id)) == before


async def test_c6_force_majeure_names_its_cause_and_a_note_is_kept(world):
    _, (line,) = await world.order({"cherries": "1"})
    claim_id = await world.escalated(line)
    with pytest.raises(InvalidInput):
        await world.rule(claim_id, RulingOutcome.FORCE_MAJEURE)
    with pytest.raises(InvalidInput):
        await world.rule(claim_id, force_majeure_cause=ForceMajeureCause.FOG)
    ruled = await world.rule(claim_id, RulingOutcome.FORCE_MAJEURE, force_majeure_cause=ForceMajeureCause.TYPHOON,
                             note=" 台风 ")
    assert (ruled.ruling.force_majeure_cause, ruled.ruling.note, ruled.ruling.penalty) == (
        ForceMajeureCause.TYPHOON, "台风", Money(0))


async def test_c4_the_coupon_allocated_half_fen_rounds_up(world):
    template = await create_template(world.uow, PLATFORM, world.clock, TemplateRequest(
        IssuerKind.PLATFORM, "6.12 off", Money.of("6.12"), 10, valid_days_after_claim=30))
    coupon = await claim_coupon(world.uow, BUYER, world.clock, template.id)
    _, (line,) = await world.order({"plum": "24"}, coupon_ids=[coupon.id])
    claim = await world.uow.claims.get(await world.claim(line, quantity="5"))
    assert claim.standard_refund == Money.of("6.23")  # 29.88 × 5 / 24 = 6.225


async def test_c9_the_shop_responds_once_while_escalated(world):
    _, (line,) = await world.order({"cherries": "1"})
    waiting = await world.claim(line)
    evidence = await world.uploads(world.merchant, (EvidenceKind.CHAT_RECORD,))
    with pytest.raises(InvalidState):
        await services.respond_to_escalation(world.uow, world.merchant, world.clock,
                                             RespondToEscalation(waiting, "packed well", evidence))
    await services.reject_claim(world.uow, world.merchant, world.clock, waiting, "no")
    await services.escalate_claim(world.uow, BUYER, world.clock, waiting)
    responded = await services.respond_to_escalation(world.uow, world.merchant, world.clock,
                                                     RespondToEscalation(waiting, "packed well", evidence))
    assert responded.merchant_statement == "packed well"
    assert [e.submitted_by for e in responded.evidence] == [Role.BUYER] * 3 + [Role.MERCHANT]
    with pytest.raises(InvalidState):
        await services.respond_to_escalation(world.uow, world.merchant, world.clock, RespondToEscalation(
            waiting, "again", await world.uploads(world.merchant, (EvidenceKind.OTHER,))))


async def test_w7_the_refund_that_completes_the_order_returns_its_coupons_when_filed_within_the_period(world):
    """W7 (round 3): what counts is when the after-sale was filed: a claim filed on the 15th natural day and paid
    on the 16th returns the coupons; one filed on the 16th does not."""
    template = await create_template(world.uow, PLATFORM, world.clock, TemplateRequest(
        IssuerKind.PLATFORM, "10 off", Money.of("10.00"), 10, per_user_limit=2, valid_days_after_claim=30))
    kept = await claim_coupon(world.uow, BUYER, world.clock, template.id)
    lost = await claim_coupon(world.uow, BUYER, world.clock, template.id)
    _, (in_time,) = await world.order({"cherries": "1"}, coupon_ids=[kept.id])
    _, (too_late,) = await world.order({"cherries": "1"}, coupon_ids=[lost.id])
    world.clock.advance(days=15, hours=13, minutes=59)  # 17 Nov 23:59 Shanghai: the 15th natural day
    on_time = await world.claim(in_time, reason=ClaimReason.QUALITY_ISSUE)
    world.clock.advance(minutes=1)
    late = await world.claim(too_late, reason=ClaimReason.QUALITY_ISSUE)
    await services.accept_claim(world.uow, world.merchant, world.clock, on_time)
    await services.accept_claim(world.uow, world.merchant, world.clock, late, ClaimPolicy(after_sale_days=15))
    coupons = await world.uow.coupons.get_many([kept.id, lost.id])
    assert (coupons[kept.id].status, coupons[lost.id].status) == (CouponStatus.AVAILABLE, CouponStatus.USED)


async def test_a_refused_ruling_leaves_the_order_and_the_claim_as_they_were(world):
    order_id, (line,) = await world.order({"cherries": "1"})
    claim_id = await world.escalated(line)
    world.uow.store.table("claims")[claim_id].evidence[0].invalidated = True  # the set is no longer complete
    with pytest.raises(DomainError) as refused:
        await world.rule(claim_id)
    assert refused.value.code is ErrorCode.EVIDENCE_INCOMPLETE
    order = await world.uow.orders.get(order_id)
    assert (order.penalty_claim_id, order.refunded) == (None, Money(0))



async def test_a_claim_never_refunds_what_a_cancellation_already_refunded(world):
    """An order the order service cancelled after delivery was refunded in full: accepting or ruling its open claim
    pays nothing more (the buyer would otherwise be paid twice); a ruling for the buyer still charges the penalty."""
    order_id, (first_line, second_line) = await world.order({"a": "1", "b": "1"})
    accepted_claim, ruled_claim = await world.claim(first_line), await world.escalated(second_line)
    await cancel_order(world.uow, SERVICE, world.clock, order_id)
    accepted = await services.accept_claim(world.uow, world.merchant, world.clock, accepted_claim)
    ruled = await world.rule(ruled_claim)
    assert (accepted.refunded, ruled.ruling.refund, ruled.ruling.penalty) == (Money(0), Money(0), Money.of("100.00"))
    order = await world.uow.orders.get(order_id)
    assert order.refunded == Money.of("800.00")
    kinds = [e.kind for e in world.uow.accounts.entries(world.shop_id)]
    assert LedgerEntryKind.CLAIM_REFUND not in kinds and kinds.count(LedgerEntryKind.CLAIM_PENALTY) == 1


async def test_h2_submit_claim_refuses_with_every_problem_and_writes_nothing(world):
    from domain.shared.validation import InvalidRequest

    _, (line,) = await world.order({"cherries": "2"})
    request = services.SubmitClaim(line, ClaimReason.DAMAGED, "3", "很" * 5_000, [])
    with pytest.raises(InvalidRequest) as refused:
        await services.submit_claim(world.uow, BUYER, world.clock, ClaimPolicy(), request)
    assert [(p.code, p.field) for p in refused.value.problems] == [
        (ErrorCode.TEXT_TOO_LONG, ("input", "description")), (ErrorCode.INVALID_INPUT, ("input", "damagedQuantity")),
        (ErrorCode.EVIDENCE_INCOMPLETE, ("input", "evidence"))]
    async with world.uow as reading:
        assert await reading.claims.for_line(line) == []
