"""The events of each kind of subject, with the facts E2 documents for them (``docs/events.md``): global IDs for
what they refer to, money as decimal strings, statuses by name. One builder per subject keeps who may see an event
(its shop, its buyer, its streamer) next to what it says."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.appeals.model import Appeal, AppealKind
from domain.claims.model import Claim
from domain.coupons.model import Coupon, CouponTemplate, IssuerKind
from domain.events.model import Event, EventType
from domain.orders.model import Order
from domain.shared.actor import Actor
from domain.shared.ids import global_id
from domain.shared.money import Money
from domain.shops.model import LedgerEntry
from domain.violations.model import Violation


def money(amount: Money) -> str:
    return str(amount.yuan)


def order_event(type: EventType, order: Order, actor: Actor, at: datetime, *, buyer_sees: bool = True,
                **data: Any) -> Event:
    return Event.of(type, "Order", order.id, actor, at, shop_id=order.shop_id,
                    buyer_id=order.buyer_id if buyer_sees else None, orderId=global_id("Order", order.id),
                    status=order.status.value, **data)


def claim_event(type: EventType, claim: Claim, actor: Actor, at: datetime, *, buyer_sees: bool = True,
                **data: Any) -> Event:
    return Event.of(type, "Claim", claim.id, actor, at, shop_id=claim.shop_id,
                    buyer_id=claim.buyer_id if buyer_sees else None, claimId=global_id("Claim", claim.id),
                    orderId=global_id("Order", claim.order_id), status=claim.status.value, **data)


def appeal_event(type: EventType, appeal: Appeal, actor: Actor, at: datetime) -> Event:
    """An appeal concerns its shop (the buyer of an appealed claim is not a party to the appeal)."""
    subject = {AppealKind.REVIEW: "Review", AppealKind.VIOLATION: "Violation"}.get(appeal.kind, "Claim")
    return Event.of(type, "Appeal", appeal.id, actor, at, shop_id=appeal.shop_id,
                    appealId=global_id("Appeal", appeal.id), kind=appeal.kind.value, status=appeal.status.value,
                    subjectId=global_id(subject, appeal.subject_id), dueAt=appeal.due_at.isoformat())


def violation_event(type: EventType, violation: Violation, actor: Actor, at: datetime) -> Event:
    """A violation concerns its shop (V2: public as counts, listed with reasons to the shop's staff)."""
    return Event.of(type, "Violation", violation.id, actor, at, shop_id=violation.shop_id,
                    violationId=global_id("Violation", violation.id), kind=violation.kind.value,
                    status=violation.status.value, reason=violation.reason,
                    claimId=global_id("Claim", violation.claim_id) if violation.claim_id else None,
                    appealId=global_id("Appeal", violation.appeal_id) if violation.appeal_id else None,
                    withdrawalReason=violation.withdrawal_reason)


def ledger_events(entries: list[LedgerEntry], actor: Actor) -> list[Event]:
    return [Event.of(EventType.LEDGER_ENTRY_CREATED, "LedgerEntry", e.id, actor, e.created_at, shop_id=e.shop_id,
                     entryId=global_id("LedgerEntry", e.id), kind=e.kind.value, bucket=e.bucket.value,
                     amount=money(e.amount), claimId=global_id("Claim", e.claim_id) if e.claim_id else None,
                     reversesId=global_id("LedgerEntry", e.reverses_id) if e.reverses_id else None)
            for e in entries]


def coupon_event(type: EventType, coupon: Coupon, template: CouponTemplate, actor: Actor, at: datetime,
                 order: Order | None = None) -> Event:
    """A coupon concerns its owner, the streamer who issued it, and the shop: the issuing shop's, or the shop of
    the order it was locked for or used on."""
    shop_id = order.shop_id if order is not None else template.shop_id
    streamer = template.issuer_id if template.issuer_kind is IssuerKind.STREAMER else None
    return Event.of(type, "Coupon", coupon.id, actor, at, shop_id=shop_id, buyer_id=coupon.owner_id,
                    streamer_id=streamer, couponId=global_id("Coupon", coupon.id),
                    templateId=global_id("CouponTemplate", coupon.template_id), status=coupon.status.value,
                    orderId=global_id("Order", order.id) if order is not None else None)
