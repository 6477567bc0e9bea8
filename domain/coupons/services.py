"""Coupon operations (SPEC W1–W10)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from domain.catalog.model import Product
from domain.coupons.campaigns import with_campaigns
from domain.coupons.model import Coupon, CouponStatus, CouponTemplate, IssuerKind
from domain.coupons.pricing import Candidate, Draft, DraftLine, Ineligibility, Stack, apply, assess, best_stack
from domain.events.facts import coupon_event, money
from domain.events.model import Event, EventType
from domain.orders.model import Order, PaymentMethod, parse_quantity
from domain.shared.actor import Actor, Role
from domain.shared.clock import Clock
from domain.shared.errors import DomainError, ErrorCode, Forbidden, InvalidInput, NotFound, stored
from domain.shared.ids import global_id
from domain.shared.messages import msg
from domain.shared.money import Money
from domain.shared.text import bounded_text
from domain.shared.uow import UnitOfWork, in_transaction
from domain.shared.validation import Validation

MAX_STOCK = 10_000_000
MAX_FACE = Money(1_000_000)  # ¥10,000.00
ISSUER_ROLE = {
    IssuerKind.PLATFORM: Role.PLATFORM,
    IssuerKind.STREAMER: Role.STREAMER,
    IssuerKind.MERCHANT: Role.MERCHANT,
}


@dataclass(frozen=True)
class CouponPolicy:
    payment_timeout: timedelta = timedelta(minutes=15)  # W6 default, a platform setting


DEFAULT_COUPON_POLICY = CouponPolicy()


@dataclass(frozen=True)
class TemplateRequest:
    issuer_kind: IssuerKind
    name: str
    face_value: Money
    total_stock: int
    per_user_limit: int = 1
    threshold: Money | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    valid_days_after_claim: int | None = None
    new_user_only: bool = False
    shop_ids: list[int | None] | None = None
    product_ids: list[int | None] | None = None
    platform_share: Decimal | None = None


def _check_template(request: TemplateRequest, now: datetime, check: Validation) -> None:
    """W1–W3 on a template's fields, each problem recorded (H2)."""
    f = ("input",)
    if not 0 < request.face_value.fen <= MAX_FACE.fen:
        check.add(InvalidInput(msg("a face value is above ¥0.00 and at most {max}", max=MAX_FACE),
                               (*f, "faceValue")))
    if request.threshold is not None and request.threshold.fen <= 0:
        check.add(InvalidInput("a threshold is above ¥0.00 (leave it out for none)", (*f, "threshold")))
    if not 1 <= request.total_stock <= MAX_STOCK:
        check.add(InvalidInput(msg("total stock is 1 to {max}", max=MAX_STOCK), (*f, "totalStock")))
    if not 1 <= request.per_user_limit <= request.total_stock:
        check.add(InvalidInput("the per-user limit is at least 1 and at most the stock", (*f, "perUserLimit")))
    fixed = request.valid_from is not None or request.valid_until is not None
    if fixed == (request.valid_days_after_claim is not None):
        check.add(InvalidInput("give either validFrom and validUntil, or validDaysAfterClaim",
                               (*f, "validDaysAfterClaim")))
    if fixed:
        if request.valid_from is None or request.valid_until is None or request.valid_from >= request.valid_until:
            check.add(InvalidInput("a fixed window needs validFrom before validUntil", (*f, "validUntil")))
        elif request.valid_until <= now:
            check.add(InvalidInput("the window has already ended", (*f, "validUntil")))
    elif request.valid_days_after_claim is None or not 1 <= request.valid_days_after_claim <= 365:
        check.add(InvalidInput("validDaysAfterClaim is 1 to 365", (*f, "validDaysAfterClaim")))
    platform = request.issuer_kind is IssuerKind.PLATFORM
    if request.new_user_only and not platform:
        check.add(InvalidInput("only platform coupons can be for new users (W3)", (*f, "newUserOnly")))
    if request.platform_share is not None and not platform:
        check.add(InvalidInput("a cost share goes with platform coupons only (W1)", (*f, "platformShare")))
    if request.platform_share is not None and not Decimal(0) <= request.platform_share <= Decimal(1):
        check.add(InvalidInput("the platform's share is between 0 and 1", (*f, "platformShare")))
    if request.shop_ids and request.issuer_kind is not IssuerKind.PLATFORM:
        check.add(InvalidInput("only platform coupons list shops (W2)", (*f, "shopIds")))


async def create_template(uow: UnitOfWork, actor: Actor, clock: Clock, request: TemplateRequest) -> CouponTemplate:
    """W1: the platform issues platform coupons, a streamer its live room's, a merchant its shop's."""
    actor.require(Role.PLATFORM, Role.STREAMER, Role.MERCHANT)
    if ISSUER_ROLE[request.issuer_kind] is not actor.role:
        raise Forbidden(msg("{kind} coupons are issued by {role}",
            kind=request.issuer_kind.value, role=ISSUER_ROLE[request.issuer_kind].value))
    now = clock.now()
    given = Validation()
    name = given(bounded_text, request.name, field=("input", "name"), max_len=100, min_len=1)
    _check_template(request, now, given)

    async def work(uow: UnitOfWork) -> CouponTemplate:
        check = given.branch()
        shop_ids = await _existing_shops(uow, request.shop_ids or [], check)
        products = await _existing_products(uow, request.product_ids or [], check)
        if request.issuer_kind is IssuerKind.MERCHANT:
            for i, product in enumerate(products):
                if product.shop_id != actor.shop_id:
                    check.add(InvalidInput(
                        "a merchant coupon lists its own shop's products only", ("input", "productIds", i)))
        check.done()  # nothing is written before this
        assert name is not None  # a name that did not pass was recorded
        issuer = {IssuerKind.PLATFORM: None, IssuerKind.STREAMER: actor.user_id,
                  IssuerKind.MERCHANT: str(actor.shop_id)}[request.issuer_kind]
        share = request.platform_share if request.platform_share is not None else Decimal(1)
        template = CouponTemplate(
            issuer_kind=request.issuer_kind, issuer_id=issuer, name=name, face_value=request.face_value,
            total_stock=request.total_stock, per_user_limit=request.per_user_limit, created_at=now,
            created_by=actor.user_id, threshold=request.threshold, valid_from=request.valid_from,
            valid_until=request.valid_until, valid_days_after_claim=request.valid_days_after_claim,
            new_user_only=request.new_user_only, shop_ids=frozenset(shop_ids),
            product_ids=frozenset(stored(p.id) for p in products),
            platform_share=share if request.issuer_kind is IssuerKind.PLATFORM else Decimal(0),
        )
        await uow.coupons.add_template(template)
        await uow.events.record(Event.of(
            EventType.COUPON_TEMPLATE_CREATED, "CouponTemplate", template.id, actor, now, shop_id=template.shop_id,
            streamer_id=template.issuer_id if template.issuer_kind is IssuerKind.STREAMER else None,
            templateId=global_id("CouponTemplate", template.id), issuerKind=template.issuer_kind.value,
            faceValue=money(template.face_value), totalStock=template.total_stock))
        return template

    return await in_transaction(uow, work)


async def _existing_shops(uow: UnitOfWork, ids: list[int | None], check: Validation) -> list[int]:
    found = await uow.shops.get_many([i for i in ids if i is not None])
    for i, shop_id in enumerate(ids):
        if shop_id is None or shop_id not in found:
            check.add(NotFound("no such shop", ("input", "shopIds", i)))
    return list(dict.fromkeys(i for i in ids if i is not None and i in found))


async def _existing_products(uow: UnitOfWork, ids: list[int | None], check: Validation) -> list[Product]:
    found = await uow.products.get_many([i for i in ids if i is not None])
    for i, product_id in enumerate(ids):
        if product_id is None or product_id not in found:
            check.add(NotFound("no such product", ("input", "productIds", i)))
    return [found[i] for i in dict.fromkeys(i for i in ids if i is not None and i in found)]


async def claim_coupon(uow: UnitOfWork, actor: Actor, clock: Clock, template_id: int | None) -> Coupon:
    """W3: never oversold (a conditional UPDATE of the claimed count) and never past the per-user limit (a unique
    (template, owner, n) row), under any concurrency."""
    actor.require(Role.BUYER)
    now = clock.now()

    async def work(uow: UnitOfWork) -> Coupon:
        template = (await uow.coupons.templates([template_id])).get(template_id) if template_id else None
        if template is None:
            raise NotFound("no such coupon", ("input", "templateId"))
        template_pk = stored(template.id)
        new_user = not template.new_user_only or not await uow.orders.has_orders(actor.user_id)
        owned = await uow.coupons.count_owned(template_pk, actor.user_id)
        refusal = template.claim_refusal(now, owned, new_user)
        if refusal is not None:
            raise refusal
        if not await uow.coupons.take_stock(template_pk):
            raise DomainError("this coupon is out of stock", ("input", "templateId"), ErrorCode.COUPON_OUT_OF_STOCK)
        start, end = template.window_for(now)
        coupon = Coupon(template_pk, actor.user_id, owned + 1, now, start, end, new_user_only=template.new_user_only)
        await uow.coupons.add(coupon)
        await uow.events.record(coupon_event(EventType.COUPON_CLAIMED, coupon, template, actor, now))
        return coupon

    return await in_transaction(uow, work)


# ---------------------------------------------------------------- checkout


@dataclass(frozen=True)
class QuoteLine:
    product_id: int | None
    quantity: Decimal | str


@dataclass(frozen=True)
class QuoteRequest:
    shop_id: int | None
    lines: list[QuoteLine]
    shipping_fee: Money
    payment_method: PaymentMethod
    live_room_streamer_id: str | None = None
    coupon_ids: list[int | None] | None = None  # None: choose the best stack


@dataclass
class Quote:
    draft: Draft
    shipping_fee: Money
    stack: Stack
    chosen: list[Candidate]
    ineligible: list[tuple[Coupon, CouponTemplate, list[Ineligibility]]]
    unknown: list[int]  # requested ids that are not the buyer's coupons

    @property
    def payable(self) -> Money:
        return self.draft.goods_total - self.stack.total + self.shipping_fee


async def build_draft(
    uow: UnitOfWork,
    actor: Actor,
    shop_id: int | None,
    lines: list[QuoteLine],
    payment_method: PaymentMethod,
    streamer: str | None,
    check: Validation | None = None,
) -> tuple[Draft, list[tuple[Product, Decimal]]]:
    """The goods at catalogue prices (never the client's), as W4 sees them. H2: every line's problems are found
    (with those ``check`` already holds) before the draft is refused."""
    check = check or Validation()
    if shop_id is None or not await uow.shops.get_many([shop_id]):
        raise check.fail(NotFound("no such shop", ("input", "shopId")))
    if not lines:
        raise check.fail(InvalidInput("at least one line", ("input", "lines")))
    quantities = [check(parse_quantity, line.quantity, ("input", "lines", i, "quantity"))
                  for i, line in enumerate(lines)]
    products = await uow.products.get_many([line.product_id for line in lines if line.product_id is not None])
    resolved: list[tuple[Product, Decimal]] = []
    seen: set[int] = set()
    for i, line in enumerate(lines):
        product = products.get(line.product_id) if line.product_id is not None else None
        field = ("input", "lines", i, "productId")
        if product is None:
            check.add(NotFound("no such product", field))
        elif product.shop_id != shop_id:
            check.add(InvalidInput("that product is not sold by this shop", field))
        elif stored(product.id) in seen:
            check.add(InvalidInput("each product appears on one line only", field))
        else:
            seen.add(stored(product.id))
            quantity = quantities[i]
            if quantity is not None:
                resolved.append((product, quantity))
    check.done()
    draft_lines = tuple(DraftLine(shop_id, stored(p.id), p.price.times(q)) for p, q in resolved)
    first = not await uow.orders.has_orders(actor.user_id)
    return Draft(actor.user_id, draft_lines, payment_method, streamer, first), resolved


async def price(uow: UnitOfWork, actor: Actor, now: datetime, policy: CouponPolicy, draft: Draft, shop_id: int,
                coupon_ids: list[int | None] | None) -> Quote:
    """W10: assess the buyer's coupons against the draft and choose (or check) the stack."""
    if coupon_ids is None:
        wallet = [c for c in await uow.coupons.wallet(actor.user_id)
                  if c.effective_status(now, policy.payment_timeout) in (CouponStatus.AVAILABLE, CouponStatus.LOCKED)]
        unknown = []
    else:
        found = await uow.coupons.get_many([i for i in coupon_ids if i is not None])
        wallet = [found[i] for i in dict.fromkeys(coupon_ids) if i in found and found[i].owner_id == actor.user_id]
        unknown = [i for i, cid in enumerate(coupon_ids) if cid not in found or found[cid].owner_id != actor.user_id]
    templates = await uow.coupons.templates(list({c.template_id for c in wallet}))
    await with_campaigns(uow, list(templates.values()), [shop_id])  # W11: this shop's sign-ups
    candidates, ineligible = [], []
    for coupon in wallet:
        template = templates[coupon.template_id]
        reasons, lines = assess(coupon, template, draft, now, policy.payment_timeout)
        if reasons:
            ineligible.append((coupon, template, reasons))
        else:
            candidates.append(Candidate(coupon, template, lines))
    if coupon_ids is None:
        stack, chosen = best_stack(draft, candidates, shop_id)
    else:
        chosen, kinds = [], set()
        for candidate in candidates:  # in the order asked; a second of a kind is a conflict
            if candidate.template.issuer_kind in kinds:
                ineligible.append((candidate.coupon, candidate.template, [Ineligibility.SAME_KIND_ALREADY_CHOSEN]))
            else:
                kinds.add(candidate.template.issuer_kind)
                chosen.append(candidate)
        stack = apply(draft, chosen, shop_id)
    chosen_ids = {c.coupon.id for c in chosen}
    for candidate in candidates:
        if candidate.coupon.id not in chosen_ids and coupon_ids is None:
            ineligible.append((candidate.coupon, candidate.template, [Ineligibility.SAME_KIND_ALREADY_CHOSEN]))
    return Quote(draft, Money.zero(), stack, chosen, ineligible, unknown)


async def checkout_quote(uow: UnitOfWork, actor: Actor, clock: Clock, policy: CouponPolicy,
                         request: QuoteRequest) -> Quote:
    actor.require(Role.BUYER)
    if not 0 <= request.shipping_fee.fen <= 100_000:
        raise InvalidInput("shipping is between ¥0.00 and ¥1000.00", ("input", "shippingFee"))
    async with uow:
        draft, _ = await build_draft(uow, actor, request.shop_id, request.lines, request.payment_method,
                                     request.live_room_streamer_id)
        shop_id = draft.lines[0].shop_id  # build_draft found the shop, and every line is of it
        quote = await price(uow, actor, clock.now(), policy, draft, shop_id, request.coupon_ids)
    quote.shipping_fee = request.shipping_fee
    return quote


# ---------------------------------------------------------------- the payment lifecycle (W6–W8)


async def lock_for_order(uow: UnitOfWork, quote: Quote, order: Order, actor: Actor, now: datetime) -> None:
    """W6: placing an order locks its coupons (conditional on each coupon's version)."""
    for candidate in quote.chosen:
        coupon = candidate.coupon
        coupon.status, coupon.order_id, coupon.locked_at = CouponStatus.LOCKED, order.id, now
        await uow.coupons.update(coupon)
        await uow.events.record(coupon_event(EventType.COUPON_LOCKED, coupon, candidate.template, actor, now, order))


async def invalidate_new_user_coupons(uow: UnitOfWork, buyer_id: str, keep: set[int], actor: Actor,
                                      now: datetime) -> None:
    """W8: once the user has placed an order, every new-user coupon they hold becomes INVALIDATED."""
    coupons = [c for c in await uow.coupons.wallet(buyer_id)
               if c.id not in keep and c.status in (CouponStatus.AVAILABLE, CouponStatus.LOCKED)]
    templates = await uow.coupons.templates(list({c.template_id for c in coupons}))
    for coupon in coupons:
        template = templates[coupon.template_id]
        if template.new_user_only:
            coupon.status = CouponStatus.INVALIDATED
            await uow.coupons.update(coupon)
            await uow.events.record(coupon_event(EventType.COUPON_INVALIDATED, coupon, template, actor, now))


async def settle_order_coupons(uow: UnitOfWork, order: Order, paid: bool, actor: Actor, now: datetime) -> None:
    """W6: success uses the order's coupons; a failure returns them (new-user ones are invalidated, W8)."""
    for coupon, template in await _order_coupons(uow, order, (CouponStatus.LOCKED,)):
        if paid:
            coupon.status, coupon.used_at = CouponStatus.USED, now
            happened = EventType.COUPON_USED
        else:
            happened = _return(coupon, template)
        await uow.coupons.update(coupon)
        await uow.events.record(coupon_event(happened, coupon, template, actor, now, order))


async def return_order_coupons(uow: UnitOfWork, order: Order, actor: Actor, now: datetime) -> None:
    """W7: a full cancellation, or a full after-sale refund in time, returns the order's coupons with their
    original validity (status is read against the window, so one past it reads EXPIRED)."""
    for coupon, template in await _order_coupons(uow, order, (CouponStatus.LOCKED, CouponStatus.USED)):
        happened = _return(coupon, template)
        await uow.coupons.update(coupon)
        await uow.events.record(coupon_event(happened, coupon, template, actor, now, order))


async def _order_coupons(uow: UnitOfWork, order: Order,
                         statuses: tuple[CouponStatus, ...]) -> list[tuple[Coupon, CouponTemplate]]:
    """The order's coupons in ``statuses`` (read for writing), each with its template."""
    coupons = [c for c in await uow.coupons.for_order(stored(order.id)) if c.status in statuses]
    templates = await uow.coupons.templates(list({c.template_id for c in coupons}))
    return [(coupon, templates[coupon.template_id]) for coupon in coupons]


def _return(coupon: Coupon, template: CouponTemplate) -> EventType:
    """W7/W8: back to the wallet, or INVALIDATED for a new-user coupon (the user has ordered)."""
    coupon.status = CouponStatus.INVALIDATED if template.new_user_only else CouponStatus.AVAILABLE
    coupon.locked_at = coupon.used_at = None
    coupon.order_id = None if coupon.status is CouponStatus.AVAILABLE else coupon.order_id
    return EventType.COUPON_RETURNED if coupon.status is CouponStatus.AVAILABLE else EventType.COUPON_INVALIDATED
