"""SPEC E1–E3: every state change appends one event in the same transaction (a transactional outbox); the events a
viewer may see are replayed oldest first. ``docs/events.md`` documents each type's ``data``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from typing import Any, NamedTuple

from domain.shared.actor import Actor, Role
from domain.shared.errors import DomainError, ErrorCode, Forbidden
from domain.shared.messages import msg


class EventType(str, Enum):
    # the contract's names (contract.d/events.graphql)
    ORDER_PLACED = "ORDER_PLACED"
    ORDER_PAID = "ORDER_PAID"
    ORDER_DELIVERED = "ORDER_DELIVERED"
    ORDER_CANCELLED = "ORDER_CANCELLED"
    CLAIM_SUBMITTED = "CLAIM_SUBMITTED"
    CLAIM_EVIDENCE_ADDED = "CLAIM_EVIDENCE_ADDED"
    CLAIM_ACCEPTED = "CLAIM_ACCEPTED"
    CLAIM_REJECTED = "CLAIM_REJECTED"
    CLAIM_ESCALATED = "CLAIM_ESCALATED"
    CLAIM_MERCHANT_RESPONDED = "CLAIM_MERCHANT_RESPONDED"
    CLAIM_WITHDRAWN = "CLAIM_WITHDRAWN"
    CLAIM_RULED = "CLAIM_RULED"
    CLAIM_MERCHANT_RESPONSE_OVERDUE = "CLAIM_MERCHANT_RESPONSE_OVERDUE"
    CLAIM_COMPENSATION_PROPOSED = "CLAIM_COMPENSATION_PROPOSED"
    CLAIM_COMPENSATION_ACCEPTED = "CLAIM_COMPENSATION_ACCEPTED"
    CLAIM_PAYOUT_RECORDED = "CLAIM_PAYOUT_RECORDED"
    APPEAL_FILED = "APPEAL_FILED"
    APPEAL_DECIDED = "APPEAL_DECIDED"
    APPEAL_OVERDUE = "APPEAL_OVERDUE"
    APPEAL_RESTRICTION_CHANGED = "APPEAL_RESTRICTION_CHANGED"
    VIOLATION_RECORDED = "VIOLATION_RECORDED"
    VIOLATION_WITHDRAWN = "VIOLATION_WITHDRAWN"
    LEDGER_ENTRY_CREATED = "LEDGER_ENTRY_CREATED"
    COUPON_CLAIMED = "COUPON_CLAIMED"
    COUPON_LOCKED = "COUPON_LOCKED"
    COUPON_USED = "COUPON_USED"
    COUPON_RETURNED = "COUPON_RETURNED"
    COUPON_INVALIDATED = "COUPON_INVALIDATED"
    CUSTOMER_REMARK_CHANGED = "CUSTOMER_REMARK_CHANGED"
    STAR_CHANGED = "STAR_CHANGED"
    # the other changes G5 records (additions to the contract's list)
    CLAIM_EVIDENCE_INVALIDATED = "CLAIM_EVIDENCE_INVALIDATED"
    CLAIM_REMARK_ADDED = "CLAIM_REMARK_ADDED"
    ORDER_REMARK_CHANGED = "ORDER_REMARK_CHANGED"
    REVIEW_RECORDED = "REVIEW_RECORDED"
    COUPON_TEMPLATE_CREATED = "COUPON_TEMPLATE_CREATED"
    WORKING_CALENDAR_SET = "WORKING_CALENDAR_SET"
    SHORTCUT_CHANGED = "SHORTCUT_CHANGED"
    WEBHOOK_ENDPOINT_DISABLED = "WEBHOOK_ENDPOINT_DISABLED"
    COUPON_ISSUED = "COUPON_ISSUED"  # W12
    CAMPAIGN_CREATED = "CAMPAIGN_CREATED"  # W11
    CAMPAIGN_JOINED = "CAMPAIGN_JOINED"
    CAMPAIGN_SHARE_CHANGED = "CAMPAIGN_SHARE_CHANGED"
    CAMPAIGN_LEFT = "CAMPAIGN_LEFT"
    INVOICE_RECORDED = "INVOICE_RECORDED"  # W13
    INVOICE_VOIDED = "INVOICE_VOIDED"
    # E11: a test delivery to one endpoint, never replayed, streamed or counted as a change
    PING = "PING"


# E11: a PING is one endpoint's test delivery: no reader sees it, no other endpoint receives it
NEVER_REPLAYED = EventType.PING
# E3: of a shop's events, those its agents do not see (the ledger's; its webhook endpoints', E11)
# — and, as money matters, its campaign sign-ups (W11) and invoices (W13)
MERCHANT_ONLY_TYPES = frozenset({EventType.LEDGER_ENTRY_CREATED, EventType.WEBHOOK_ENDPOINT_DISABLED,
                                 EventType.CAMPAIGN_JOINED, EventType.CAMPAIGN_SHARE_CHANGED, EventType.CAMPAIGN_LEFT,
                                 EventType.INVOICE_RECORDED, EventType.INVOICE_VOIDED})


class HistoryEntry(NamedTuple):
    """One event of a subject's history (G5): what happened, when and by whom — an event without its data, as a
    history lists it."""

    type: EventType
    occurred_at: datetime
    actor_role: Role
    actor_id: str


@dataclass(frozen=True)
class Event:
    """One change. ``subject_type`` is the GraphQL type of what changed and ``subject_key`` its key (a primary key
    as text, or ``shop:customer`` for a customer's remark); ``shop_id``, ``buyer_id`` and ``streamer_id`` say whom
    it concerns, which decides who may see it (E3)."""

    type: EventType
    occurred_at: datetime
    actor_role: Role
    actor_id: str
    subject_type: str
    subject_key: str
    shop_id: int | None = None
    buyer_id: str | None = None
    streamer_id: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    id: int | None = None
    txid: int = 0  # PostgreSQL: the writing transaction's id; replay reads in (txid, id) order (0 on SQLite)

    @property
    def position(self) -> Position:
        """Where the event stands in replay order: (txid, id). A reader never passes an event of a transaction still
        in flight, so everything after a position it has read is yet to come."""
        return (self.txid, self.id or 0)

    @staticmethod
    def of(type: EventType, subject_type: str, subject_key: object, actor: Actor, at: datetime, *,
           shop_id: int | None = None, buyer_id: str | None = None, streamer_id: str | None = None,
           **data: Any) -> Event:
        if subject_key is None:
            raise RuntimeError("an event's subject is stored before the event is recorded")
        return Event(type, at, actor.role, actor.user_id, subject_type, str(subject_key), shop_id, buyer_id,
                     streamer_id, data)


@dataclass(frozen=True)
class EventQuery:
    """The events a viewer may see (E3, G6), narrowed by the viewer's filter. ``everything`` for the platform;
    otherwise the union of the events of ``shop_id`` (without ledger events when ``ledger`` is false), those
    concerning ``buyer_id``, and those of ``streamer_id``'s coupons."""

    everything: bool = False
    shop_id: int | None = None
    ledger: bool = True
    buyer_id: str | None = None
    streamer_id: str | None = None
    types: frozenset[EventType] | None = None
    only_shop_id: int | None = None
    subject: tuple[str, str] | None = None
    nothing: bool = False

    def admits(self, event: Event) -> bool:
        """The same rule as the SQL of a replay, for one event as it commits (E4)."""
        if self.nothing or event.type is NEVER_REPLAYED:
            return False
        if not self.everything and not (
            (self.shop_id is not None and event.shop_id == self.shop_id
             and (self.ledger or event.type not in MERCHANT_ONLY_TYPES))
            or (self.buyer_id is not None and event.buyer_id == self.buyer_id)
            or (self.streamer_id is not None and event.streamer_id == self.streamer_id)
        ):
            return False
        if self.types is not None and event.type not in self.types:
            return False
        if self.only_shop_id is not None and event.shop_id != self.only_shop_id:
            return False
        return self.subject is None or (event.subject_type, event.subject_key) == self.subject


Position = tuple[int, int]


class FellBehind(DomainError):
    """E4: a live subscriber whose queue filled up. What it was sent is contiguous up to ``last``: it resumes
    with ``events(after:)`` (or a new subscription's ``after``) from there, missing nothing."""

    code = ErrorCode.SUBSCRIBER_TOO_SLOW

    def __init__(self, last: Position):
        super().__init__(msg("the subscriber fell behind the events and was closed; resume from the last cursor it "
                             "received (events(after:) or the subscription's after)"))
        self.last = last


def events_scope(actor: Actor, types: list[EventType] | None, shop_id: int | None, shop_given: bool,
                 subject: tuple[str, str] | None, subject_given: bool) -> EventQuery:
    """E3: a buyer sees the events of their own orders, claims and coupons; a merchant or agent their shop's (agents
    not the ledger's); the platform all; a streamer their own templates' coupons. A filter narrows, never widens:
    a filter that cannot match (an undecodable id) matches nothing."""
    filtered = EventQuery(types=frozenset(types) if types else None, only_shop_id=shop_id, subject=subject,
                          nothing=(shop_given and shop_id is None) or (subject_given and subject is None))
    if actor.role is Role.PLATFORM:
        return replace(filtered, everything=True)
    if actor.role in (Role.MERCHANT, Role.AGENT):
        return replace(filtered, shop_id=actor.shop, ledger=actor.role is Role.MERCHANT)
    if actor.role is Role.BUYER:
        return replace(filtered, buyer_id=actor.user_id)
    if actor.role is Role.STREAMER:
        return replace(filtered, streamer_id=actor.user_id)
    raise Forbidden("events are read by the parties they concern and the platform")


def shown_actor_id(viewer: Actor, actor_role: Role, actor_id: str) -> str:
    """Who did it, as the viewer may read it: a buyer sees its own id, and for anyone else only the role (a shop's
    staff and the platform's operators are not named to buyers); the shop's staff and the platform see ids."""
    if viewer.role is Role.BUYER and not (actor_role is Role.BUYER and actor_id == viewer.user_id):
        return actor_role.value
    return actor_id


def can_see_event(actor: Actor, event: Event) -> bool:
    """``events_scope``'s rule, unfiltered, for one event (``node(id:)``)."""
    try:
        return events_scope(actor, None, None, False, None, False).admits(event)
    except Forbidden:
        return False
