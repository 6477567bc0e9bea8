"""W12: targeted issuance — an issuer grants coupons of its own template to chosen buyers."""

from __future__ import annotations

from dataclasses import dataclass

from domain.coupons import rules
from domain.coupons.model import Coupon, CouponOrigin, CouponTemplate, IssuerKind
from domain.events.facts import coupon_event
from domain.events.model import EventType
from domain.shared.actor import Actor, Role
from domain.shared.clock import Clock
from domain.shared.errors import ConcurrentUpdate, ErrorCode, InvalidInput, NotFound, stored
from domain.shared.messages import msg
from domain.shared.text import bounded_text
from domain.shared.uow import UnitOfWork, in_transaction
from domain.shared.validation import Validation


@dataclass(frozen=True)
class Issued:
    """One buyer's outcome: a coupon, or the reason there is none."""

    buyer_id: str
    coupon: Coupon | None = None
    refusal: ErrorCode | None = None


def issued_by(template: CouponTemplate, actor: Actor) -> bool:
    """W12: only the template's issuer grants its coupons (the platform its own, a shop its own, a streamer its
    own); to anyone else the template is NOT_FOUND."""
    if template.issuer_kind is IssuerKind.PLATFORM:
        return actor.role is Role.PLATFORM
    if template.issuer_kind is IssuerKind.MERCHANT:
        return actor.role is Role.MERCHANT and template.issuer_id == str(actor.shop_id)
    return actor.role is Role.STREAMER and template.issuer_id == actor.user_id


def _buyers(buyer_ids: list[str]) -> list[str]:
    check = Validation()
    if not 1 <= len(buyer_ids) <= rules.MAX_ISSUE:
        raise InvalidInput(msg("give 1 to {max} buyers a call", max=rules.MAX_ISSUE), ("input", "buyerIds"))
    buyers: dict[str, None] = {}  # as checked (normalised), in the order given
    for i, given in enumerate(buyer_ids):
        buyer = check(bounded_text, given, field=("input", "buyerIds", i), max_len=128, min_len=1)
        if buyer is not None and buyer in buyers:
            check.add(InvalidInput("each buyer appears once", ("input", "buyerIds", i)))
        elif buyer is not None:
            buyers[buyer] = None
    check.done()
    return list(buyers)


async def issue_coupons(uow: UnitOfWork, actor: Actor, clock: Clock, template_id: int | None,
                        buyer_ids: list[str]) -> list[Issued]:
    """W12: each buyer granted one coupon or refused with the reason claiming would give (the window, the new-user
    rule, the per-user limit, then the stock), in the order given. One transaction: the template's row is locked
    first, so concurrent claims wait and the counts read are final; the stock is then taken by one conditional
    UPDATE and the coupons written by one INSERT. Never oversold, never past a buyer's limit."""
    actor.require(Role.PLATFORM, Role.STREAMER, Role.MERCHANT)
    buyers = _buyers(buyer_ids)
    now = clock.now()

    async def work(uow: UnitOfWork) -> list[Issued]:
        template = await uow.coupons.lock_template(template_id) if template_id is not None else None
        if template is None or not issued_by(template, actor):
            raise NotFound("no such coupon template", ("input", "templateId"))
        pk = stored(template.id)
        owned = await uow.coupons.owned_by(pk, buyers)
        ordered = await uow.orders.buyers_with_orders(buyers) if template.new_user_only else set()
        left = template.total_stock - template.claimed_count
        outcomes: list[Issued] = []
        granted: list[Coupon] = []
        start_end = template.window_for(now)
        for buyer in buyers:
            refused = template.claim_refusal(now, owned.get(buyer, 0), buyer not in ordered)
            if refused is not None:
                outcomes.append(Issued(buyer, refusal=refused.code))
            elif len(granted) >= left:
                outcomes.append(Issued(buyer, refusal=ErrorCode.COUPON_OUT_OF_STOCK))
            else:
                coupon = Coupon(pk, buyer, owned.get(buyer, 0) + 1, now, *start_end,
                                new_user_only=template.new_user_only, origin=CouponOrigin.ISSUED)
                granted.append(coupon)
                outcomes.append(Issued(buyer, coupon=coupon))
        if granted:
            if not await uow.coupons.take_stock_many(pk, len(granted)):
                raise ConcurrentUpdate("coupon stock")  # cannot happen under the lock; run it again if it did
            await uow.coupons.add_many(granted)
            for coupon in granted:
                await uow.events.record(coupon_event(EventType.COUPON_ISSUED, coupon, template, actor, now))
        return outcomes

    return await in_transaction(uow, work)
