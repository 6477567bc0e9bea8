"""A small world of services on the in-memory unit of work, for the rule-level service tests."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from domain.catalog.services import register_product
from domain.claims import services
from domain.claims.model import ClaimReason, EvidenceKind, RulingOutcome
from domain.claims.services import ClaimPolicy, EvidenceRequest, RuleClaim, SubmitClaim
from domain.orders.model import PaymentMethod
from domain.orders.services import LineRequest, OrderRequest, place_order, record_delivery, record_payment
from domain.shared.actor import Actor, Role
from domain.shared.clock import FixedClock
from domain.shared.money import Money
from domain.shops.model import LedgerBucket
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


async def make_world() -> World:
    uow, clock = FakeUnitOfWork(), FixedClock(T0)
    shop = await register_shop(uow, PLATFORM, clock, "Fresh Farm")
    merchant = Actor("merchant-1", Role.MERCHANT, shop.id)
    products = {}
    for sku, price in (("a", "400.00"), ("b", "400.00"), ("plum", "1.50"), ("cherries", "88.00")):
        product = await register_product(uow, merchant, clock, sku=sku, name=sku, price=Money.of(price), fresh=True)
        products[sku] = product.id or 0
    await credit_account(uow, SERVICE, clock, shop.id, LedgerBucket.DEPOSIT, Money.of("5000.00"))
    return World(uow, clock, shop.id or 0, merchant, products)
