"""SPEC E5–E6, E11: endpoints that receive the events their owner may see, one delivery per (event, endpoint), and
every attempt of each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from domain.events.model import EventQuery, EventType
from domain.shared.actor import Actor, Role


class DeliveryStatus(str, Enum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


@dataclass(frozen=True)
class WebhookEndpoint:
    """Owned by a shop (a MERCHANT registered it: ``shop_id`` its shop) or by the platform (``shop_id`` the one shop
    it narrows to, or None for every event). ``secret`` signs the deliveries (``whsec_…``)."""

    url: str
    event_types: frozenset[EventType]
    owner_role: Role
    owner_id: str
    shop_id: int | None
    secret: str
    created_at: datetime
    enabled: bool = True
    id: int | None = None
    slot: int | None = None  # 1..MAX_ENDPOINTS, unique per owner: the database decides the owner's limit
    description: str | None = None
    disabled_reason: str | None = None  # E11: why it is not enabled (its owner, or failing for too long)
    previous_secret: str | None = None  # E11: the secret before the last rotation, signing too until …
    previous_secret_until: datetime | None = None
    secret_rotated_at: datetime | None = None
    failing_since: datetime | None = None  # E11: the first failed attempt since its last success
    payload_query: str | None = None  # E10: the subscription document that shapes its bodies (None: E5's default)

    @property
    def owner(self) -> Actor:
        """E10: who its bodies are rendered as (G6 holds in them as in any read of its owner's)."""
        return Actor(self.owner_id, self.owner_role, shop_id=self.shop_id if self.owner_role is Role.MERCHANT
                     else None)

    def signing_secrets(self, now: datetime) -> list[str]:
        """E11: the secret, and during a rotation's overlap the previous one too (both sign every attempt)."""
        if self.previous_secret is not None and self.previous_secret_until is not None \
                and now < self.previous_secret_until:
            return [self.secret, self.previous_secret]
        return [self.secret]

    @property
    def query(self) -> EventQuery:
        """E5: the events delivered to it — the rule of E3 for its owner (a shop's merchant: the shop's events, the
        ledger's included; the platform: all, or the one shop it narrows to), narrowed to its event types.
        ``persistence/webhooks``'s fan-out is this in SQL (tested against it for every kind of endpoint)."""
        if self.owner_role is Role.MERCHANT:
            return EventQuery(shop_id=self.shop_id, types=self.event_types)
        return EventQuery(everything=True, types=self.event_types, only_shop_id=self.shop_id)

    @property
    def owner_key(self) -> str:
        """Whose endpoint it is, for the limit: a shop's (MERCHANT) or the platform's."""
        return f"{self.owner_role.value}:{self.shop_id}" if self.owner_role is Role.MERCHANT else self.owner_role.value


@dataclass(frozen=True)
class WebhookDelivery:
    event_id: int
    endpoint_id: int
    status: DeliveryStatus
    attempts: int
    last_attempt_at: datetime | None
    last_response_status: int | None
    next_attempt_at: datetime | None
    id: int | None = None


@dataclass(frozen=True)
class Attempt:
    """A claimed delivery, about to be sent: its ``attempts`` already counts this one."""

    delivery_id: int
    attempts: int
    event_id: int
    endpoint_id: int
    body: str | None = None  # E10: fixed at the first attempt; every later attempt sends these bytes


@dataclass(frozen=True)
class Outcome:
    """What one POST came to: a status code, or None for a timeout or a refused connection."""

    response_status: int | None
    error: str | None = None
    attempted: bool = True  # False: nothing was sent (a local resource ran out): not an attempt of E5's schedule
    duration_ms: int = 0
    excerpt: str | None = None  # E11: the first EXCERPT characters of the receiver's answer

    @property
    def succeeded(self) -> bool:
        return self.response_status is not None and 200 <= self.response_status < 300


EXCERPT = 1000  # E11: characters of a receiver's answer kept with its attempt


@dataclass(frozen=True)
class AttemptRecord:
    """E11: one try of a delivery, kept: when, the receiver's status (None: timeout or refused), how long it took,
    why it failed, and the start of the answer."""

    delivery_id: int
    at: datetime
    response_status: int | None
    duration_ms: int
    error: str | None
    excerpt: str | None
    id: int | None = None
