"""Demo data for ``make run``: enough that every screen in ``operations/`` shows something. Three shops, buyers old
and new, claims in every status (one escalated with both sides' evidence, one ruled, one past its 48 hours), appeals
pending, overdue and decided, a wallet with coupons of every kind and status, remarks, stars and contacts.

Everything goes through the domain services, so every rule holds, on a clock that starts ten days ago and walks
forward and stops a day before now; the overdue deadlines are then fired as the server would."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from PIL import Image

from domain.annotations import services as notes
from domain.annotations.model import StarColor
from domain.appeals import services as appeals
from domain.appeals.model import AppealKind, ReviewAppealGround, ReviewAppealOutcome
from domain.catalog.model import Product
from domain.catalog.services import register_product
from domain.claims import services as claims
from domain.claims.model import ClaimReason, EvidenceKind, RulingOutcome
from domain.coupons import campaigns, invoices, issuance
from domain.coupons import services as coupons
from domain.coupons.model import IssuerKind
from domain.coupons.rules import month_containing
from domain.events.deadlines import SYSTEM, process_deadlines
from domain.events.model import EventType
from domain.orders import services as orders
from domain.orders.model import Order, PaymentMethod
from domain.reviews.services import record_review
from domain.shared.actor import Actor, Role
from domain.shared.clock import FixedClock, SystemClock
from domain.shared.money import Money
from domain.shops.model import LedgerBucket
from domain.shops.services import credit_account, register_shop
from domain.uploads.services import store_upload
from domain.violations import services as violations
from domain.violations.model import ViolationKind
from domain.webhooks import services as hooks
from domain.webhooks.ports import LiteralAddresses
from domain.webhooks.services import WebhookPolicy
from persistence.db import Database
from persistence.uow import SqlUnitOfWorkFactory
from persistence.uploads.repository import LocalBlobStore
from schema import schema
from schema.common.ids import encode_id
from schema.limits import Limits
from schema.webhooks.bodies import SchemaPayloadQueries
from web.files import recognise

PLATFORM, SERVICE = Actor("ops-demo", Role.PLATFORM), Actor("order-service", Role.SERVICE)
BUYER, OTHER_BUYER, NEW_BUYER = Actor("buyer-demo", Role.BUYER), Actor("buyer-li", Role.BUYER), \
    Actor("buyer-new", Role.BUYER)
STREAMER = Actor("streamer-demo", Role.STREAMER)
PHOTOS = (EvidenceKind.DAMAGE_DETAIL, EvidenceKind.WAYBILL, EvidenceKind.OVERALL)


class Demo:
    def __init__(self, database: Database, upload_dir: Path):
        self.uow = SqlUnitOfWorkFactory(database)
        self.blobs = LocalBlobStore(upload_dir)
        self.clock = FixedClock(SystemClock().now() - timedelta(days=12))
        self.colour = 0

    async def photos(self, actor: Actor, kinds=PHOTOS) -> list[claims.EvidenceRequest]:
        requests = []
        for kind in kinds:
            self.colour += 37
            buffer = io.BytesIO()
            Image.new("RGB", (64, 48), (self.colour % 256, 120, 80)).save(buffer, "PNG")
            content = buffer.getvalue()
            facts = recognise(content)
            assert facts is not None
            stored = await store_upload(self.uow(), self.blobs, actor, self.clock, facts, content)
            requests.append(claims.EvidenceRequest(kind, stored.id))
        return requests

    async def shop(self, name: str, merchant_id: str, products: dict[str, tuple[str, str, bool]]
                   ) -> tuple[int, Actor, Actor, dict[str, Product]]:
        shop = await register_shop(self.uow(), PLATFORM, self.clock, name)
        assert shop.id is not None
        merchant = Actor(merchant_id, Role.MERCHANT, shop.id)
        agent = Actor(merchant_id.replace("merchant", "agent"), Role.AGENT, shop.id)
        made = {}
        for sku, (title, price, fresh) in products.items():
            made[sku] = await register_product(self.uow(), merchant, self.clock, sku=sku, name=title,
                                               price=Money.of(price), fresh=fresh)
        await credit_account(self.uow(), SERVICE, self.clock, shop.id, LedgerBucket.DEPOSIT, Money.of("3000.00"))
        await credit_account(self.uow(), SERVICE, self.clock, shop.id, LedgerBucket.PAYABLES, Money.of("500.00"))
        return shop.id, merchant, agent, made

    async def order(self, buyer: Actor, shop_id: int, lines: list[tuple[Product, str]], *, paid: bool = True,
                    delivered: bool = True, coupon_ids: list[int | None] | None = None,
                    streamer: str | None = None) -> Order:
        order = await orders.place_order(self.uow(), buyer, self.clock, orders.OrderRequest(
            shop_id, [orders.LineRequest(p.id, Decimal(q)) for p, q in lines], Money.of("8.00"),
            PaymentMethod.ONLINE, live_room_streamer_id=streamer, coupon_ids=coupon_ids))
        if paid:
            self.clock.advance(minutes=3)
            await orders.record_payment(self.uow(), SERVICE, self.clock, order.id, True, None)
        if delivered:
            self.clock.advance(hours=2)
            await orders.record_delivery(self.uow(), SERVICE, self.clock, order.id, self.clock.now())
        return order

    async def claim(self, buyer: Actor, order: Order, reason=ClaimReason.DAMAGED, quantity: str = "1",
                    description: str | None = None) -> int:
        self.clock.advance(hours=2)
        claim = await claims.submit_claim(self.uow(), buyer, self.clock, claims.ClaimPolicy(), claims.SubmitClaim(
            order.lines[0].id, reason, quantity, description, await self.photos(buyer)))
        assert claim.id is not None
        return claim.id

    async def webhook(self, merchant: Actor) -> None:
        """The orchard's ERP endpoint (E10, E11): bodies shaped by a query, and a test delivery. Nothing listens at
        its address, so the demo shows failed attempts and why (dev allows private addresses)."""
        endpoint, _secret = await hooks.create_endpoint(
            self.uow(), merchant, self.clock, LiteralAddresses(), WebhookPolicy(allow_private=True),
            "http://127.0.0.1:9/orchard-erp", [EventType.CLAIM_SUBMITTED, EventType.CLAIM_RULED], None, False,
            "鲜果园 ERP (demo: nothing listens here)",
            "subscription { event { type occurredAt payload { ... on ClaimEventPayload { status refund { amount } "
            "claim { id } } } } }", SchemaPayloadQueries(schema, Limits()))
        await hooks.send_test(self.uow(), merchant, self.clock, endpoint.id)

    async def festival_order(self, merchant: Actor, orchard: int, cherries: Product, festival: int | None) -> None:
        """The campaign runs: the buyer uses its coupon in the orchard (the platform bears 70%), and the orchard
        records an invoice for part of the platform's share of that month (W13)."""
        held = [c for c in await _wallet(self.uow, BUYER.user_id) if c.template_id == festival]
        await self.order(BUYER, orchard, [(cherries, "1")], coupon_ids=[held[0].id])
        start, end = month_containing(self.clock.now())
        owed = await invoices.invoice_obligations(self.uow(write=False), merchant, orchard, start, end)
        platform = next(o for o in owed if o.counterparty is IssuerKind.PLATFORM)
        await invoices.record_invoice(self.uow(), merchant, self.clock, invoices.InvoiceRequest(
            orchard, IssuerKind.PLATFORM, None, start, end, "DEMO-0001", Money(platform.amount.fen // 2)))

    async def load(self) -> int:
        clock = self.clock
        orchard, merchant, agent, fruit = await self.shop("鲜果园 Fresh Orchard", "merchant-demo", {
            "CHERRY-1KG": ("智利车厘子 1kg", "88.00", True), "MANGO-3": ("海南贵妃芒 3斤", "39.90", True),
            "BOWL": ("Fruit bowl", "20.00", False)})
        pier, pier_merchant, _, sea = await self.shop("海鲜码头 Seafood Pier", "merchant-pier", {
            "PRAWN-500G": ("活冻大虾 500g", "68.00", True), "OYSTER-12": ("乳山生蚝 12只", "59.00", True)})
        leaf, _, _, greens = await self.shop("绿叶菜场 Green Leaf", "merchant-leaf", {
            "SPINACH": ("有机菠菜 500g", "12.80", True)})
        cherries, mango, bowl = fruit["CHERRY-1KG"], fruit["MANGO-3"], fruit["BOWL"]
        await self.webhook(merchant)

        # coupons of every issuer, and the buyer's wallet in every status
        platform_coupon = await coupons.create_template(self.uow(), PLATFORM, clock, coupons.TemplateRequest(
            IssuerKind.PLATFORM, "平台满99减10", Money.of("10.00"), 500, per_user_limit=3,
            threshold=Money.of("99.00"), valid_days_after_claim=30, platform_share=Decimal("0.5")))
        shop_coupon = await coupons.create_template(self.uow(), merchant, clock, coupons.TemplateRequest(
            IssuerKind.MERCHANT, "鲜果园 5元券", Money.of("5.00"), 200, per_user_limit=2, valid_days_after_claim=15))
        live_coupon = await coupons.create_template(self.uow(), STREAMER, clock, coupons.TemplateRequest(
            IssuerKind.STREAMER, "直播间专享 8元", Money.of("8.00"), 100, valid_days_after_claim=7))
        short_lived = await coupons.create_template(self.uow(), PLATFORM, clock, coupons.TemplateRequest(
            IssuerKind.PLATFORM, "限时券 (已过期)", Money.of("3.00"), 50, valid_from=clock.now(),
            valid_until=clock.now() + timedelta(days=1)))
        newcomer = await coupons.create_template(self.uow(), PLATFORM, clock, coupons.TemplateRequest(
            IssuerKind.PLATFORM, "新人专享 15元", Money.of("15.00"), 300, valid_days_after_claim=30,
            new_user_only=True))
        await coupons.create_template(self.uow(), pier_merchant, clock, coupons.TemplateRequest(
            IssuerKind.MERCHANT, "海鲜码头 满50减6", Money.of("6.00"), 100, threshold=Money.of("50.00"),
            valid_days_after_claim=20))
        wallet = {}
        for name, template in (("used", platform_coupon), ("locked", shop_coupon), ("available", platform_coupon),
                               ("live", live_coupon), ("expired", short_lived), ("spare", shop_coupon)):
            wallet[name] = (await coupons.claim_coupon(self.uow(), BUYER, clock, template.id)).id
        await coupons.claim_coupon(self.uow(), NEW_BUYER, clock, newcomer.id)  # the coupon centre's new user
        # W11: a campaign the orchard (30%) and the pier (60%) signed up for; it runs from two days on
        festival = await coupons.create_template(self.uow(), PLATFORM, clock, coupons.TemplateRequest(
            IssuerKind.PLATFORM, "生鲜节 满60减12", Money.of("12.00"), 1000, per_user_limit=2,
            threshold=Money.of("60.00"), valid_days_after_claim=45))
        campaign = await campaigns.create_campaign(self.uow(), PLATFORM, clock, campaigns.CampaignRequest(
            "生鲜节 Fresh Festival", clock.now() - timedelta(hours=1), clock.now() + timedelta(days=1),
            clock.now() + timedelta(days=2), clock.now() + timedelta(days=60), Decimal("0.3"), Decimal("0.8"),
            [festival.id]))
        await campaigns.join_campaign(self.uow(), merchant, clock, campaign.id, Decimal("0.3"))
        await campaigns.join_campaign(self.uow(), pier_merchant, clock, campaign.id, Decimal("0.6"))
        await coupons.claim_coupon(self.uow(), BUYER, clock, festival.id)
        # W12: the platform grants the buyer a coupon of its own
        await issuance.issue_coupons(self.uow(), PLATFORM, clock, platform_coupon.id, [BUYER.user_id])

        # orders: delivered ones to claim on, one paid with coupons, one waiting for payment, one cancelled
        used = await self.order(BUYER, orchard, [(cherries, "2")], coupon_ids=[wallet["used"]])
        cancelled = await self.order(OTHER_BUYER, orchard, [(bowl, "1")], delivered=False)
        await orders.cancel_order(self.uow(), OTHER_BUYER, clock, cancelled.id)
        await self.order(OTHER_BUYER, pier, [(sea["OYSTER-12"], "1")])
        await self.order(BUYER, leaf, [(greens["SPINACH"], "2")])
        clock.advance(days=1)  # the fixed-window coupon has ended

        # claims in every status, on the orchard's orders
        refund_order = await self.order(BUYER, orchard, [(cherries, "1")])
        refunded = await self.claim(BUYER, refund_order, description="两颗车厘子压坏了")
        await claims.accept_claim(self.uow(), merchant, clock, refunded)
        rejected_order = await self.order(OTHER_BUYER, orchard, [(mango, "2")])
        rejected = await self.claim(OTHER_BUYER, rejected_order, ClaimReason.ROTTEN_OR_SPOILED)
        await claims.reject_claim(self.uow(), merchant, clock, rejected, "芒果为正常熟度，非腐坏")
        escalated_order = await self.order(BUYER, orchard, [(cherries, "1")])
        escalated = await self.claim(BUYER, escalated_order, description="整箱车厘子发霉")
        await claims.reject_claim(self.uow(), merchant, clock, escalated, "冷链记录正常")
        await claims.escalate_claim(self.uow(), BUYER, clock, escalated)
        await claims.add_evidence(self.uow(), BUYER, clock, escalated, await self.photos(BUYER, (EvidenceKind.OTHER,)))
        await claims.respond_to_escalation(self.uow(), merchant, clock, claims.RespondToEscalation(
            escalated, "出库时品质合格，附冷链温度记录", await self.photos(merchant, (EvidenceKind.OTHER,))))
        ruled_order = await self.order(OTHER_BUYER, orchard, [(cherries, "1")])
        ruled = await self.claim(OTHER_BUYER, ruled_order)
        await claims.reject_claim(self.uow(), merchant, clock, ruled, "not our fault")
        await claims.escalate_claim(self.uow(), OTHER_BUYER, clock, ruled)
        await claims.rule_claim(self.uow(), PLATFORM, clock, claims.RuleClaim(
            ruled, RulingOutcome.BUYER_WINS, note="物流照片显示外箱破损，支持买家"))
        await violations.record_violation(self.uow(), PLATFORM, clock, violations.RecordViolation(
            orchard, ViolationKind.SERVICE_PROMISE_BREACH, "包赔承诺未按时履行，由平台介入后赔付", ruled, True))
        withdrawn_order = await self.order(BUYER, orchard, [(bowl, "1")])
        withdrawn = await self.claim(BUYER, withdrawn_order, ClaimReason.OTHER)
        await claims.withdraw_claim(self.uow(), BUYER, clock, withdrawn)
        overdue_order = await self.order(BUYER, orchard, [(mango, "1")])
        await self.claim(BUYER, overdue_order, ClaimReason.ROTTEN_OR_SPOILED)  # never answered: 48 h pass
        clock.advance(days=3)
        await self.festival_order(merchant, orchard, cherries, festival.id)

        # reviews and appeals: one decided, one overdue, two pending (a review and the ruling)
        bad = []
        for order, rating, text in ((used, 1, "太差了，再也不买"), (rejected_order, 2, "一般"),
                                    (escalated_order, 1, "有人让我写差评"), (withdrawn_order, 5, "很新鲜！"),
                                    (ruled_order, 3, "还行，包装一般")):
            bad.append(await record_review(self.uow(), SERVICE, clock, order_id=order.id, rating=rating,
                                           content=text, created_at=None))
        evidence = await self.photos(merchant, (EvidenceKind.OTHER,))
        decided = await appeals.file_appeal(self.uow(), merchant, clock, appeals.FileAppeal(
            AppealKind.REVIEW, bad[2].id, "买家承认被竞争对手要求写差评", evidence,
            ReviewAppealGround.MALICIOUS_COMPETITION))
        await appeals.decide_appeal(self.uow(), PLATFORM, clock, appeals.AppealPolicy(), appeals.DecideAppeal(
            decided.id, True, "属实", [ReviewAppealOutcome.EXCLUDED_FROM_SCORE]))
        await appeals.file_appeal(self.uow(), merchant, clock, appeals.FileAppeal(
            AppealKind.REVIEW, bad[0].id, "评价含辱骂内容", await self.photos(merchant, (EvidenceKind.OTHER,)),
            ReviewAppealGround.ABUSIVE_CONTENT))
        await appeals.file_appeal(self.uow(), merchant, clock, appeals.FileAppeal(
            AppealKind.ARBITRATION, ruled, "请复核裁决：出库照片完好",
            await self.photos(merchant, (EvidenceKind.OTHER,))))
        clock.advance(days=5)  # those appeals' three working days pass without a decision
        await appeals.file_appeal(self.uow(), merchant, clock, appeals.FileAppeal(
            AppealKind.REVIEW, bad[1].id, "评价与事实不符", await self.photos(merchant, (EvidenceKind.OTHER,)),
            ReviewAppealGround.ADVERTISING))

        # the agent's workbench
        await notes.set_customer_remark(self.uow(), agent, clock, "buyer-demo", "老客户，偏好顺丰，收货时间晚上")
        await notes.set_order_remark(self.uow(), agent, clock, escalated_order.id, "已致电，客户情绪激动")
        await notes.add_after_sale_remark(self.uow(), agent, clock, escalated, "等待平台裁决")
        await notes.star_customer(self.uow(), agent, clock, "buyer-demo", StarColor.RED)
        await notes.star_customer(self.uow(), agent, clock, "buyer-li", StarColor.YELLOW)
        for customer in ("buyer-demo", "buyer-li", "buyer-new"):
            await notes.record_contact(self.uow(), agent, clock, customer, None, None)
        await notes.set_shortcut(self.uow(), agent, clock, "star", "Alt+S")
        clock.advance(hours=2)
        self.clock = FixedClock(SystemClock().now() - timedelta(minutes=1))  # just placed: its coupon is locked (W6)
        await self.order(BUYER, orchard, [(mango, "1")], paid=False, delivered=False, coupon_ids=[wallet["locked"]])
        await process_deadlines(self.uow(), SYSTEM, SystemClock())  # the overdue claim's and appeal's events
        return orchard


async def _wallet(uow: SqlUnitOfWorkFactory, buyer: str) -> list:
    async with uow(write=False) as reading:
        return await reading.coupons.wallet(buyer)


async def seed_if_empty(url: str, upload_dir: Path) -> str:
    """Returns the demo shop's global ID (the first shop, if data exists already)."""
    database = Database(url)
    try:
        async with SqlUnitOfWorkFactory(database)(write=False) as reader:
            if await reader.shops.get_many([1]):
                return encode_id("Shop", 1)
        orchard = await Demo(database, upload_dir).load()
        print(f"demo data loaded: shop {encode_id('Shop', orchard)}")
        return encode_id("Shop", orchard)
    finally:
        await database.dispose()
