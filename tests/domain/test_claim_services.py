"""The claim services (SPEC C4–C9, W7) on the in-memory unit of work: the rules as the services apply them, in
milliseconds. The API tests (tests/api/test_claims.py, test_rules_ii.py) prove the same flows through the wiring
and on both databases; the races are proven there too."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from domain.catalog.services import register_product
from domain.claims import services
from domain.claims.model import ClaimReason, ClaimStatus, EvidenceKind, ForceMajeureCause, RulingOutcome
from domain.claims.services import ClaimPolicy, EvidenceRequest, RespondToEscalation, RuleClaim, SubmitClaim
from domain.coupons.model import CouponStatus, IssuerKind
from domain.coupons.services import TemplateRequest, claim_coupon, create_template
from domain.orders.model import PaymentMethod
from domain.orders.services import LineRequest, OrderRequest, place_order, record_delivery, record_payment
from domain.shared.actor import Actor, Role
from domain.shared.clock import FixedClock
from domain.shared.errors import DomainError, ErrorCode, InvalidInput, InvalidState
from domain.shared.money import Money
from domain.shops.model import LedgerBucket, LedgerEntryKind
from domain.shops.services import credit_account, register_shop
from domain.uploads.model import FileFacts, Upload
from tests.fakes import FakeUnitOfWork

T0 = datetime(2026, 11, 2, 2, tzinfo=UTC)  # Monday 10:00 Shanghai
PLATFORM, SERVICE = Actor("ops", Role.PLATFORM), Actor("svc", Role.SERVICE)
BUYER = Actor("buyer-1", Role.BUYER)
PHOTOS = (EvidenceKind.DAMAGE_DETAIL, EvidenceKind.WAYBILL, EvidenceKind.OVERALL)


@dataclass
class World:
    uow: FakeUnitOfWork
    clock: FixedClock
    shop_id: int
    merchant: Actor
    products: dict[str, int]

    async def uploads(self, actor: Actor, kinds: tuple[EvidenceKind, ...] = PHOTOS) -> list[EvidenceRequest]:
        requests = []
        for kind in kinds:
            upload = Upload("upl_" + secrets.token_hex(6), actor.user_id, actor.role,
                            FileFacts("image/jpeg", 100, secrets.token_hex(32)), self.clock.now())
            async with self.uow:
                await self.uow.uploads.add(upload)
                await self.uow.commit()
            requests.append(EvidenceRequest(kind, upload.id))
        return requests

    async def order(self, lines: dict[str, str], shipping: str = "0.00", coupon_ids: list[int | None] | None = None,
                    buyer: Actor = BUYER) -> tuple[int, list[int]]:
        order = await place_order(self.uow, buyer, self.clock, OrderRequest(
            self.shop_id, [LineRequest(self.products[sku], q) for sku, q in lines.items()], Money.of(shipping),
            PaymentMethod.ONLINE, coupon_ids=coupon_ids))
        await record_payment(self.uow, SERVICE, self.clock, order.id, True, None)
        await record_delivery(self.uow, SERVICE, self.clock, order.id, self.clock.now())
        return order.id or 0, [line.id or 0 for line in order.lines]

    async def claim(self, line_id: int, quantity: str = "1", reason: ClaimReason = ClaimReason.DAMAGED) -> int:
        evidence = await self.uploads(BUYER) if reason in (ClaimReason.DAMAGED, ClaimReason.ROTTEN_OR_SPOILED) else []
        claim = await services.submit_claim(self.uow, BUYER, self.clock, ClaimPolicy(),
                                            SubmitClaim(line_id, reason, quantity, None, evidence))
        return claim.id or 0

    async def escalated(self, line_id: int, quantity: str = "1") -> int:
        claim_id = await self.claim(line_id, quantity)
        await services.reject_claim(self.uow, self.merchant, self.clock, claim_id, "not our fault")
        await services.escalate_claim(self.uow, BUYER, self.clock, claim_id)
        return claim_id

    async def rule(self, claim_id: int, outcome: RulingOutcome = RulingOutcome.BUYER_WINS, **extra: object):
        return await services.rule_claim(self.uow, PLATFORM, self.clock, RuleClaim(claim_id, outcome, **extra))


@pytest.fixture
async def world() -> World:
    uow, clock = FakeUnitOfWork(), FixedClock(T0)
    shop = await register_shop(uow, PLATFORM, clock, "Fresh Farm")
    merchant = Actor("merchant-1", Role.MERCHANT, shop.id)
    products = {}
    for sku, price in (("a", "400.00"), ("b", "400.00"), ("plum", "1.50"), ("cherries", "88.00")):
        product = await register_product(uow, merchant, clock, sku=sku, name=sku, price=Money.of(price), fresh=True)
        products[sku] = product.id or 0
    await credit_account(uow, SERVICE, clock, shop.id, LedgerBucket.DEPOSIT, Money.of("5000.00"))
    return World(uow, clock, shop.id or 0, merchant, products)


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


async def test_w7_the_refund_that_completes_the_order_returns_its_coupons_within_the_period(world):
    template = await create_template(world.uow, PLATFORM, world.clock, TemplateRequest(
        IssuerKind.PLATFORM, "10 off", Money.of("10.00"), 10, per_user_limit=2, valid_days_after_claim=30))
    kept = await claim_coupon(world.uow, BUYER, world.clock, template.id)
    lost = await claim_coupon(world.uow, BUYER, world.clock, template.id)
    _, (in_time,) = await world.order({"cherries": "1"}, coupon_ids=[kept.id])
    _, (too_late,) = await world.order({"cherries": "1"}, coupon_ids=[lost.id])
    on_time, late = await world.claim(in_time), await world.claim(too_late)
    world.clock.advance(days=15, hours=13, minutes=59)  # 17 Nov 23:59 Shanghai: the 15th natural day
    await services.accept_claim(world.uow, world.merchant, world.clock, on_time)
    world.clock.advance(minutes=1)
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

