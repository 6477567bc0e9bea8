"""E9: an event's facts, typed. ``data`` (E2) stays the JSON the event was recorded with; ``payload`` reads the same
facts into one member of the ``EventPayload`` union per family of event types: amounts as ``Money``, statuses as
their enums, times as ``DateTime``, and what the event refers to as the object itself, fetched as the viewer may read
it (``node(id:)``'s rule, so null where G6 hides it)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from domain.annotations.model import StarColor
from domain.appeals.model import AppealKind, AppealStatus, RestrictionMode
from domain.claims.model import ClaimReason, ClaimStatus, ForceMajeureCause, MerchantWinsReason, RulingOutcome
from domain.coupons.model import CouponStatus, IssuerKind
from domain.events.model import EventType
from domain.orders.model import OrderStatus
from domain.shared.money import Money as DomainMoney
from domain.shops.model import LedgerBucket, LedgerEntryKind
from domain.violations.model import ViolationKind, ViolationStatus
from schema.common.money import Money
from schema.common.node import resolve_node
from schema.context import Info

if TYPE_CHECKING:
    from schema.appeals.types import Appeal, AppealSubject
    from schema.claims.types import Claim
    from schema.coupons.campaigns import Campaign
    from schema.coupons.invoices import Invoice
    from schema.coupons.types import Coupon, CouponTemplate
    from schema.orders.types import Order
    from schema.reviews.types import Review
    from schema.shops.types import LedgerEntry, Shop
    from schema.violations.types import Violation
    from schema.webhooks.types import WebhookEndpoint

Facts = Mapping[str, Any]


@strawberry.enum(name="OrderCancelReason", description="E9: why an order was cancelled.")
class OrderCancelReason(Enum):
    CANCELLED = strawberry.enum_value("CANCELLED", description="Cancelled by the buyer or the shop (W6).")
    PAYMENT_FAILED = strawberry.enum_value("PAYMENT_FAILED", description="The payment service reported a failed "
                                                                         "or timed-out payment (W6).")


@strawberry.enum(name="StarChange", description="E9: what happened to an agent's star (N3, N4).")
class StarChange(Enum):
    STARRED = strawberry.enum_value("STARRED", description="The agent starred a customer.")
    RECOLOURED = strawberry.enum_value("RECOLOURED", description="The agent gave a starred customer another colour.")
    UNSTARRED = strawberry.enum_value("UNSTARRED", description="The agent removed a star.")
    EVICTED = strawberry.enum_value("EVICTED", description="N4: the oldest star made room for a new one at the cap "
                                                           "of 100.")
    CLEARED = strawberry.enum_value("CLEARED", description="The agent removed all their stars at once.")


def _money(facts: Facts, key: str) -> Money | None:
    value = facts.get(key)
    return Money.of(DomainMoney.of(Decimal(value))) if value is not None else None


def _time(facts: Facts, key: str) -> datetime | None:
    value = facts.get(key)
    return datetime.fromisoformat(value) if value else None


def _enum(kind: Any, facts: Facts, key: str) -> Any:
    value = facts.get(key)
    return kind(value) if value is not None else None


async def _ref(info: Info, facts: Facts, key: str) -> Any:
    """What ``facts[key]`` (a global ID) refers to, if the viewer may read it."""
    value = facts.get(key)
    return await resolve_node(info, value) if value else None


_ORDERS = "schema.orders.types"
_CLAIMS = "schema.claims.types"
_APPEALS = "schema.appeals.types"
_SHOPS = "schema.shops.types"
_COUPONS = "schema.coupons.types"
_CAMPAIGNS = "schema.coupons.campaigns"
_INVOICES = "schema.coupons.invoices"


@strawberry.type(description="E9: the facts of ORDER_PLACED, ORDER_PAID, ORDER_DELIVERED, ORDER_CANCELLED and "
                             "ORDER_REMARK_CHANGED.")
class OrderEventPayload:
    status: OrderStatus = strawberry.field(description="The order's status after the change.")
    payable: Money | None = strawberry.field(description="ORDER_PLACED: what the buyer pays, after coupons (W1).")
    shipping_fee: Money | None = strawberry.field(description="ORDER_PLACED: the shipping fee included in payable.")
    paid_at: datetime | None = strawberry.field(description="ORDER_PAID: when the payment service says it was paid.")
    signed_at: datetime | None = strawberry.field(description="ORDER_DELIVERED: when the buyer signed for it (the "
                                                              "start of C1's 24-hour window).")
    cancel_reason: OrderCancelReason | None = strawberry.field(description="ORDER_CANCELLED: why.")
    refunded: Money | None = strawberry.field(description="ORDER_CANCELLED: what the buyer got back.")
    remark_cleared: bool | None = strawberry.field(description="ORDER_REMARK_CHANGED: true when the shop's remark "
                                                               "was cleared (N2; the text itself is not in events).")
    facts: strawberry.Private[Facts]

    @strawberry.field(description="The order, if the viewer may read it.")
    async def order(self, info: Info) -> Annotated[Order, strawberry.lazy(_ORDERS)] | None:
        return await _ref(info, self.facts, "orderId")

    @staticmethod
    def of(type: EventType, facts: Facts) -> OrderEventPayload:
        return OrderEventPayload(
            status=OrderStatus(facts["status"]), payable=_money(facts, "payable"),
            shipping_fee=_money(facts, "shippingFee"), paid_at=_time(facts, "paidAt"),
            signed_at=_time(facts, "signedAt"), cancel_reason=_enum(OrderCancelReason, facts, "reason"),
            refunded=_money(facts, "refunded"), remark_cleared=facts.get("cleared"), facts=facts)


@strawberry.type(description="E9: the facts of REVIEW_RECORDED.")
class ReviewEventPayload:
    rating: int = strawberry.field(description="The buyer's rating, 1 to 5 stars.")
    facts: strawberry.Private[Facts]

    @strawberry.field(description="The review, if the viewer may read it.")
    async def review(self, info: Info) -> Annotated[Review, strawberry.lazy("schema.reviews.types")] | None:
        return await _ref(info, self.facts, "reviewId")

    @strawberry.field(description="The order reviewed, if the viewer may read it.")
    async def order(self, info: Info) -> Annotated[Order, strawberry.lazy(_ORDERS)] | None:
        return await _ref(info, self.facts, "orderId")

    @staticmethod
    def of(type: EventType, facts: Facts) -> ReviewEventPayload:
        return ReviewEventPayload(rating=facts["rating"], facts=facts)


@strawberry.type(description="E9: the facts of every CLAIM_… event: the claim's status and, by type, what changed.")
class ClaimEventPayload:
    status: ClaimStatus = strawberry.field(description="The claim's status after the change.")
    previous_status: ClaimStatus | None = strawberry.field(description="Its status before (every change after "
                                                                       "CLAIM_SUBMITTED).")
    reason: ClaimReason | None = strawberry.field(description="CLAIM_SUBMITTED: the buyer's reason (C1).")
    covered: bool | None = strawberry.field(description="CLAIM_SUBMITTED: whether the bad-order guarantee covers "
                                                        "it (C1).")
    standard_refund: Money | None = strawberry.field(description="CLAIM_SUBMITTED: the refund C4 computes.")
    reject_reason: str | None = strawberry.field(description="CLAIM_REJECTED: the merchant's reason, as written.")
    refunded: Money | None = strawberry.field(description="CLAIM_ACCEPTED, CLAIM_COMPENSATION_ACCEPTED: what the "
                                                          "buyer has got back on this claim.")
    performed_late: bool | None = strawberry.field(description="CLAIM_ACCEPTED: the merchant accepted after its "
                                                               "deadline (C5: late performance).")
    compensation: Money | None = strawberry.field(description="CLAIM_ACCEPTED, CLAIM_COMPENSATION_ACCEPTED: the "
                                                              "compensation owed beyond the refund (C5).")
    amount: Money | None = strawberry.field(description="CLAIM_COMPENSATION_PROPOSED: the merchant's offer (C5).")
    total: Money | None = strawberry.field(description="CLAIM_PAYOUT_RECORDED: what the payment service paid (C5).")
    paid_at: datetime | None = strawberry.field(description="CLAIM_PAYOUT_RECORDED: when it was paid.")
    outcome: RulingOutcome | None = strawberry.field(description="CLAIM_RULED: the platform's ruling (C6).")
    refund: Money | None = strawberry.field(description="CLAIM_RULED: the refund the ruling grants.")
    penalty: Money | None = strawberry.field(description="CLAIM_RULED: the penalty taken from the shop's deposit "
                                                         "(C7).")
    merchant_wins_reason: MerchantWinsReason | None = strawberry.field(description="CLAIM_RULED: why the merchant "
                                                                                  "won, when it did.")
    force_majeure_cause: ForceMajeureCause | None = strawberry.field(description="CLAIM_RULED: the force majeure "
                                                                                 "found, if any.")
    due_at: datetime | None = strawberry.field(description="CLAIM_MERCHANT_RESPONSE_OVERDUE: the deadline that "
                                                           "passed (E7).")
    facts: strawberry.Private[Facts]

    @strawberry.field(description="The claim, if the viewer may read it.")
    async def claim(self, info: Info) -> Annotated[Claim, strawberry.lazy(_CLAIMS)] | None:
        return await _ref(info, self.facts, "claimId")

    @strawberry.field(description="The claim's order, if the viewer may read it.")
    async def order(self, info: Info) -> Annotated[Order, strawberry.lazy(_ORDERS)] | None:
        return await _ref(info, self.facts, "orderId")

    @staticmethod
    def of(type: EventType, facts: Facts) -> ClaimEventPayload:
        rejected = type is EventType.CLAIM_REJECTED
        return ClaimEventPayload(
            status=ClaimStatus(facts["status"]), previous_status=_enum(ClaimStatus, facts, "previousStatus"),
            reason=None if rejected else _enum(ClaimReason, facts, "reason"),
            covered=facts.get("covered"), standard_refund=_money(facts, "standardRefund"),
            reject_reason=facts.get("reason") if rejected else None, refunded=_money(facts, "refunded"),
            performed_late=facts.get("performedLate"), compensation=_money(facts, "compensation"),
            amount=_money(facts, "amount"), total=_money(facts, "total"), paid_at=_time(facts, "paidAt"),
            outcome=_enum(RulingOutcome, facts, "outcome"), refund=_money(facts, "refund"),
            penalty=_money(facts, "penalty"), merchant_wins_reason=_enum(MerchantWinsReason, facts,
                                                                         "merchantWinsReason"),
            force_majeure_cause=_enum(ForceMajeureCause, facts, "forceMajeureCause"), due_at=_time(facts, "dueAt"),
            facts=facts)


@strawberry.type(description="E9: the facts of APPEAL_FILED, APPEAL_DECIDED and APPEAL_OVERDUE.")
class AppealEventPayload:
    kind: AppealKind = strawberry.field(description="What is appealed (A1).")
    status: AppealStatus = strawberry.field(description="The appeal's status after the change.")
    due_at: datetime | None = strawberry.field(description="When the platform must decide (A4: 3 working days).")
    facts: strawberry.Private[Facts]

    @strawberry.field(description="The appeal, if the viewer may read it.")
    async def appeal(self, info: Info) -> Annotated[Appeal, strawberry.lazy(_APPEALS)] | None:
        return await _ref(info, self.facts, "appealId")

    @strawberry.field(description="The review, claim or violation appealed, if the viewer may read it.")
    async def subject(self, info: Info) -> Annotated[AppealSubject, strawberry.lazy(_APPEALS)] | None:
        return await _ref(info, self.facts, "subjectId")

    @staticmethod
    def of(type: EventType, facts: Facts) -> AppealEventPayload:
        return AppealEventPayload(kind=AppealKind(facts["kind"]), status=AppealStatus(facts["status"]),
                                  due_at=_time(facts, "dueAt"), facts=facts)


@strawberry.type(description="E9: the facts of APPEAL_RESTRICTION_CHANGED (A7).")
class AppealRestrictionEventPayload:
    mode: RestrictionMode = strawberry.field(description="The shop's appeal restriction now.")
    max_per30_days: int | None = strawberry.field(name="maxPer30Days", description="LIMITED: appeals allowed in "
                                                                                   "any 30 days.")
    until: datetime | None = strawberry.field(description="When the restriction ends; null for until lifted.")
    automatic: bool = strawberry.field(description="Whether the return-rate rule set it rather than an operator.")
    facts: strawberry.Private[Facts]

    @strawberry.field(description="The shop restricted.")
    async def shop(self, info: Info) -> Annotated[Shop, strawberry.lazy(_SHOPS)] | None:
        return await _ref(info, self.facts, "shopId")

    @staticmethod
    def of(type: EventType, facts: Facts) -> AppealRestrictionEventPayload:
        return AppealRestrictionEventPayload(mode=RestrictionMode(facts["mode"]),
                                             max_per30_days=facts.get("maxPer30Days"), until=_time(facts, "until"),
                                             automatic=bool(facts.get("automatic")), facts=facts)


@strawberry.type(description="E9: the facts of VIOLATION_RECORDED and VIOLATION_WITHDRAWN (V1, V2).")
class ViolationEventPayload:
    kind: ViolationKind = strawberry.field(description="Which rule was broken (V1).")
    status: ViolationStatus = strawberry.field(description="The violation's status after the change.")
    reason: str | None = strawberry.field(description="Why it was recorded, as the platform wrote it.")
    withdrawal_reason: str | None = strawberry.field(description="VIOLATION_WITHDRAWN: why it was withdrawn.")
    facts: strawberry.Private[Facts]

    @strawberry.field(description="The violation, if the viewer may read it.")
    async def violation(self, info: Info) -> Annotated[Violation, strawberry.lazy("schema.violations.types")] | None:
        return await _ref(info, self.facts, "violationId")

    @strawberry.field(description="The claim it arose from, if any and if the viewer may read it.")
    async def claim(self, info: Info) -> Annotated[Claim, strawberry.lazy(_CLAIMS)] | None:
        return await _ref(info, self.facts, "claimId")

    @strawberry.field(description="The appeal that withdrew it, if any and if the viewer may read it.")
    async def appeal(self, info: Info) -> Annotated[Appeal, strawberry.lazy(_APPEALS)] | None:
        return await _ref(info, self.facts, "appealId")

    @staticmethod
    def of(type: EventType, facts: Facts) -> ViolationEventPayload:
        return ViolationEventPayload(kind=ViolationKind(facts["kind"]), status=ViolationStatus(facts["status"]),
                                     reason=facts.get("reason"), withdrawal_reason=facts.get("withdrawalReason"),
                                     facts=facts)


@strawberry.type(description="E9: the facts of WORKING_CALENDAR_SET (A3's working days).")
class WorkingCalendarEventPayload:
    year: int = strawberry.field(description="The calendar year set.")
    holidays: int = strawberry.field(description="How many weekdays of the year are holidays.")
    workdays: int = strawberry.field(description="How many weekend days of the year are make-up working days.")

    @staticmethod
    def of(type: EventType, facts: Facts) -> WorkingCalendarEventPayload:
        return WorkingCalendarEventPayload(year=facts["year"], holidays=facts["holidays"], workdays=facts["workdays"])


@strawberry.type(description="E9: the facts of LEDGER_ENTRY_CREATED: one entry of a shop's deposit ledger.")
class LedgerEventPayload:
    kind: LedgerEntryKind = strawberry.field(description="What the entry records.")
    bucket: LedgerBucket = strawberry.field(description="Which balance it moves.")
    amount: Money = strawberry.field(description="The change, signed: negative takes money from the shop.")
    facts: strawberry.Private[Facts]

    @strawberry.field(description="The entry itself; null for a viewer who may not read the ledger.")
    async def entry(self, info: Info) -> Annotated[LedgerEntry, strawberry.lazy(_SHOPS)] | None:
        return await _ref(info, self.facts, "entryId")

    @strawberry.field(description="The claim it settles, if any.")
    async def claim(self, info: Info) -> Annotated[Claim, strawberry.lazy(_CLAIMS)] | None:
        return await _ref(info, self.facts, "claimId")

    @strawberry.field(description="The entry it reverses, if it is a reversal.")
    async def reverses(self, info: Info) -> Annotated[LedgerEntry, strawberry.lazy(_SHOPS)] | None:
        return await _ref(info, self.facts, "reversesId")

    @staticmethod
    def of(type: EventType, facts: Facts) -> LedgerEventPayload:
        return LedgerEventPayload(kind=LedgerEntryKind(facts["kind"]), bucket=LedgerBucket(facts["bucket"]),
                                  amount=_money(facts, "amount") or Money.of(DomainMoney.zero()), facts=facts)


@strawberry.type(description="E9: the facts of COUPON_TEMPLATE_CREATED.")
class CouponTemplateEventPayload:
    issuer_kind: IssuerKind = strawberry.field(description="Who issues the coupons and bears their cost (W1).")
    face_value: Money = strawberry.field(description="What each coupon takes off.")
    total_stock: int = strawberry.field(description="How many coupons may be claimed in all.")
    facts: strawberry.Private[Facts]

    @strawberry.field(description="The template, if the viewer may read it.")
    async def template(self, info: Info) -> Annotated[CouponTemplate, strawberry.lazy(_COUPONS)] | None:
        return await _ref(info, self.facts, "templateId")

    @staticmethod
    def of(type: EventType, facts: Facts) -> CouponTemplateEventPayload:
        return CouponTemplateEventPayload(issuer_kind=IssuerKind(facts["issuerKind"]),
                                          face_value=_money(facts, "faceValue") or Money.of(DomainMoney.zero()),
                                          total_stock=facts["totalStock"], facts=facts)


@strawberry.type(description="E9: the facts of COUPON_CLAIMED, COUPON_ISSUED, COUPON_LOCKED, COUPON_USED, "
                             "COUPON_RETURNED and COUPON_INVALIDATED.")
class CouponEventPayload:
    status: CouponStatus = strawberry.field(description="The coupon's status after the change (W6–W8).")
    facts: strawberry.Private[Facts]

    @strawberry.field(description="The coupon, if the viewer may read it.")
    async def coupon(self, info: Info) -> Annotated[Coupon, strawberry.lazy(_COUPONS)] | None:
        return await _ref(info, self.facts, "couponId")

    @strawberry.field(description="Its template, if the viewer may read it.")
    async def template(self, info: Info) -> Annotated[CouponTemplate, strawberry.lazy(_COUPONS)] | None:
        return await _ref(info, self.facts, "templateId")

    @strawberry.field(description="The order it was locked for or used on, if any and if the viewer may read it.")
    async def order(self, info: Info) -> Annotated[Order, strawberry.lazy(_ORDERS)] | None:
        return await _ref(info, self.facts, "orderId")

    @staticmethod
    def of(type: EventType, facts: Facts) -> CouponEventPayload:
        return CouponEventPayload(status=CouponStatus(facts["status"]), facts=facts)


@strawberry.type(description="E9: the facts of CUSTOMER_REMARK_CHANGED (N1; the text itself is not in events).")
class CustomerRemarkEventPayload:
    customer_id: str = strawberry.field(description="The customer the shop's remark is about.")
    cleared: bool = strawberry.field(description="True when the remark was cleared.")

    @staticmethod
    def of(type: EventType, facts: Facts) -> CustomerRemarkEventPayload:
        return CustomerRemarkEventPayload(customer_id=facts["customerId"], cleared=bool(facts["cleared"]))


@strawberry.type(description="E9: the facts of STAR_CHANGED (N3, N4).")
class StarEventPayload:
    agent_id: str = strawberry.field(description="The agent whose stars changed.")
    change: StarChange = strawberry.field(description="What happened.")
    customer_id: str | None = strawberry.field(description="The customer starred or unstarred; null for CLEARED.")
    color: StarColor | None = strawberry.field(description="STARRED, RECOLOURED: the star's colour now.")
    count: int | None = strawberry.field(description="CLEARED: how many stars were removed.")

    @staticmethod
    def of(type: EventType, facts: Facts) -> StarEventPayload:
        return StarEventPayload(agent_id=facts["agentId"], change=StarChange(facts["change"]),
                                customer_id=facts.get("customerId"), color=_enum(StarColor, facts, "color"),
                                count=facts.get("count"))


@strawberry.type(description="E9: the facts of SHORTCUT_CHANGED (N6).")
class ShortcutEventPayload:
    agent_id: str = strawberry.field(description="The agent whose shortcut changed.")
    action: str = strawberry.field(description="The action bound, e.g. `remark` or `star`.")
    keys: str = strawberry.field(description="The key combination now bound to it, e.g. `Alt+Shift+M`.")

    @staticmethod
    def of(type: EventType, facts: Facts) -> ShortcutEventPayload:
        return ShortcutEventPayload(agent_id=facts["agentId"], action=facts["action"], keys=facts["keys"])


@strawberry.type(description="E9: the facts of WEBHOOK_ENDPOINT_DISABLED (E11) and of a PING test delivery.")
class WebhookEventPayload:
    url: str = strawberry.field(description="The endpoint's URL.")
    reason: str | None = strawberry.field(description="WEBHOOK_ENDPOINT_DISABLED: why it was disabled.")
    failing_since: datetime | None = strawberry.field(description="WEBHOOK_ENDPOINT_DISABLED: the first failed "
                                                                  "attempt of the unbroken run of failures.")
    facts: strawberry.Private[Facts]

    @strawberry.field(description="The endpoint, if the viewer owns it.")
    async def endpoint(self, info: Info) -> Annotated[WebhookEndpoint, strawberry.lazy("schema.webhooks.types")] \
            | None:
        return await _ref(info, self.facts, "endpointId")

    @staticmethod
    def of(type: EventType, facts: Facts) -> WebhookEventPayload:
        return WebhookEventPayload(url=facts.get("url", ""), reason=facts.get("reason"),
                                   failing_since=_time(facts, "failingSince"), facts=facts)


@strawberry.type(description="E9: the facts of CAMPAIGN_CREATED, CAMPAIGN_JOINED, CAMPAIGN_SHARE_CHANGED and "
                             "CAMPAIGN_LEFT (W11).")
class CampaignEventPayload:
    name: str = strawberry.field(description="The campaign's name.")
    merchant_share: Decimal | None = strawberry.field(description="CAMPAIGN_JOINED, CAMPAIGN_SHARE_CHANGED: the "
                                                                  "shop's share after the change.")
    facts: strawberry.Private[Facts]

    @strawberry.field(description="The campaign, if the viewer may read it.")
    async def campaign(self, info: Info) -> Annotated[Campaign, strawberry.lazy(_CAMPAIGNS)] | None:
        return await _ref(info, self.facts, "campaignId")

    @strawberry.field(description="The shop whose sign-up changed; null for CAMPAIGN_CREATED.")
    async def shop(self, info: Info) -> Annotated[Shop, strawberry.lazy(_SHOPS)] | None:
        return await _ref(info, self.facts, "shopId")

    @staticmethod
    def of(type: EventType, facts: Facts) -> CampaignEventPayload:
        share = facts.get("merchantShare")
        return CampaignEventPayload(name=facts["name"], merchant_share=Decimal(share) if share is not None else None,
                                    facts=facts)


@strawberry.type(description="E9: the facts of INVOICE_RECORDED and INVOICE_VOIDED (W13).")
class InvoiceEventPayload:
    counterparty: IssuerKind = strawberry.field(description="PLATFORM or STREAMER.")
    counterparty_id: str | None = strawberry.field(description="The streamer's user ID; null for the platform.")
    number: str = strawberry.field(description="The invoice's number.")
    amount: Money = strawberry.field(description="The invoice's amount.")
    period_from: datetime = strawberry.field(description="The month it covers (its first instant).")
    void_reason: str | None = strawberry.field(description="INVOICE_VOIDED: why.")
    facts: strawberry.Private[Facts]

    @strawberry.field(description="The invoice, if the viewer may read it.")
    async def invoice(self, info: Info) -> Annotated[Invoice, strawberry.lazy(_INVOICES)] | None:
        return await _ref(info, self.facts, "invoiceId")

    @staticmethod
    def of(type: EventType, facts: Facts) -> InvoiceEventPayload:
        return InvoiceEventPayload(
            counterparty=IssuerKind(facts["counterparty"]), counterparty_id=facts.get("counterpartyId"),
            number=facts["number"], amount=_money(facts, "amount") or Money.of(DomainMoney.zero()),
            period_from=datetime.fromisoformat(facts["periodFrom"]), void_reason=facts.get("voidReason"),
            facts=facts)


@strawberry.type(description="E9: an event recorded before events were typed (the audit log of round 1): only "
                             "the type it was recorded as.")
class LegacyEventPayload:
    recorded_as: str = strawberry.field(description="The type the audit log recorded it as.")

    @staticmethod
    def of(type: EventType, facts: Facts) -> LegacyEventPayload:
        return LegacyEventPayload(recorded_as=str(facts["recordedAs"]))


EventPayload = Annotated[
    OrderEventPayload | ReviewEventPayload | ClaimEventPayload | AppealEventPayload | AppealRestrictionEventPayload
    | ViolationEventPayload | WorkingCalendarEventPayload | LedgerEventPayload | CouponTemplateEventPayload
    | CouponEventPayload | CustomerRemarkEventPayload | StarEventPayload | ShortcutEventPayload
    | WebhookEventPayload | CampaignEventPayload | InvoiceEventPayload | LegacyEventPayload,
    strawberry.union("EventPayload", description="E9: an event's facts, typed: one member per family of event "
                                                 "types. Select the members you handle with `... on`.")]

_T = EventType
FAMILIES: dict[EventType, Any] = {
    **dict.fromkeys((_T.ORDER_PLACED, _T.ORDER_PAID, _T.ORDER_DELIVERED, _T.ORDER_CANCELLED, _T.ORDER_REMARK_CHANGED),
                    OrderEventPayload),
    **dict.fromkeys((_T.CLAIM_SUBMITTED, _T.CLAIM_EVIDENCE_ADDED, _T.CLAIM_ACCEPTED, _T.CLAIM_REJECTED,
                     _T.CLAIM_ESCALATED, _T.CLAIM_MERCHANT_RESPONDED, _T.CLAIM_WITHDRAWN, _T.CLAIM_RULED,
                     _T.CLAIM_MERCHANT_RESPONSE_OVERDUE, _T.CLAIM_COMPENSATION_PROPOSED,
                     _T.CLAIM_COMPENSATION_ACCEPTED, _T.CLAIM_PAYOUT_RECORDED, _T.CLAIM_EVIDENCE_INVALIDATED,
                     _T.CLAIM_REMARK_ADDED), ClaimEventPayload),
    **dict.fromkeys((_T.APPEAL_FILED, _T.APPEAL_DECIDED, _T.APPEAL_OVERDUE), AppealEventPayload),
    _T.APPEAL_RESTRICTION_CHANGED: AppealRestrictionEventPayload,
    **dict.fromkeys((_T.VIOLATION_RECORDED, _T.VIOLATION_WITHDRAWN), ViolationEventPayload),
    _T.WORKING_CALENDAR_SET: WorkingCalendarEventPayload,
    _T.LEDGER_ENTRY_CREATED: LedgerEventPayload,
    _T.COUPON_TEMPLATE_CREATED: CouponTemplateEventPayload,
    **dict.fromkeys((_T.COUPON_CLAIMED, _T.COUPON_ISSUED, _T.COUPON_LOCKED, _T.COUPON_USED, _T.COUPON_RETURNED,
                     _T.COUPON_INVALIDATED),
                    CouponEventPayload),
    _T.REVIEW_RECORDED: ReviewEventPayload,
    _T.CUSTOMER_REMARK_CHANGED: CustomerRemarkEventPayload,
    _T.STAR_CHANGED: StarEventPayload,
    _T.SHORTCUT_CHANGED: ShortcutEventPayload,
    **dict.fromkeys((_T.WEBHOOK_ENDPOINT_DISABLED, _T.PING), WebhookEventPayload),
    **dict.fromkeys((_T.CAMPAIGN_CREATED, _T.CAMPAIGN_JOINED, _T.CAMPAIGN_SHARE_CHANGED, _T.CAMPAIGN_LEFT),
                    CampaignEventPayload),
    **dict.fromkeys((_T.INVOICE_RECORDED, _T.INVOICE_VOIDED), InvoiceEventPayload),
}


def payload_of(type: EventType, facts: Facts) -> Any:
    """The union member of ``type``'s family, read from the facts it was recorded with."""
    if "recordedAs" in facts:
        return LegacyEventPayload.of(type, facts)
    return FAMILIES[type].of(type, facts)
