from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.events.model import Event
from domain.shared.actor import Role
from domain.shared.listing import Page
from domain.webhooks.model import Attempt, AttemptRecord, DeliveryStatus, Outcome, WebhookDelivery, WebhookEndpoint


class WebhookRepository(Protocol):
    """Endpoints and their deliveries. Deliveries are created by the outbox's commit (one per matching enabled
    endpoint, E5), claimed with a lease, and finished conditionally on the attempt that claimed them."""

    async def add(self, endpoint: WebhookEndpoint) -> WebhookEndpoint: ...

    async def get(self, endpoint_id: int) -> WebhookEndpoint | None: ...

    async def get_many(self, ids: list[int]) -> dict[int, WebhookEndpoint]: ...

    async def owned(self, role: Role, shop_id: int | None) -> list[WebhookEndpoint]:
        """A shop's endpoints (MERCHANT), or the platform's (PLATFORM, ``shop_id`` None), oldest first."""
        ...

    async def update(self, endpoint: WebhookEndpoint) -> None:
        """E11: what its owner may change (URL, event types, enabled, description, the disabled reason) and the
        secrets of a rotation; the slot and the owner never change."""
        ...

    async def delete(self, endpoint_id: int) -> None:
        """The endpoint and its deliveries."""
        ...

    async def deliveries(self, endpoint_id: int, page: Page) -> list[WebhookDelivery]: ...

    async def get_delivery(self, delivery_id: int) -> WebhookDelivery | None: ...

    async def add_delivery(self, event_id: int, endpoint_id: int, now: datetime) -> WebhookDelivery:
        """E11: a delivery of ``event_id`` to one endpoint, due at ``now`` (a PING; the others are the outbox's)."""
        ...

    async def redeliver(self, delivery_id: int, now: datetime) -> WebhookDelivery | None:
        """E11: the delivery PENDING and due at ``now`` (its attempts go on counting); None if it is gone."""
        ...

    async def pending_count(self) -> int:
        """Deliveries not yet delivered nor given up: the webhook queue's depth (a metric)."""
        ...

    async def any_due(self, now: datetime) -> bool:
        """A read: whether ``claim_due`` would find anything (the worker polls with it, not with a write)."""
        ...

    async def claim_due(self, now: datetime, lease_until: datetime, limit: int, per_endpoint: int) -> list[Attempt]:
        """PENDING deliveries due by ``now``, at most ``per_endpoint`` of one endpoint: counts an attempt on each and
        moves its next try to ``lease_until`` (a worker that dies mid-flight leaves it due again then). Rows another
        worker is claiming are skipped."""
        ...

    async def keep_bodies(self, bodies: dict[int, str]) -> dict[int, str]:
        """E10: each delivery's body, kept where none was kept before; the bodies now kept, by delivery id (a
        body another worker kept first wins, so every attempt of a delivery sends the same bytes)."""
        ...

    async def finish(self, attempt: Attempt, status: DeliveryStatus, outcome: Outcome, now: datetime,
                     next_attempt_at: datetime | None) -> bool:
        """Records the attempt's outcome, only if the delivery is still at this attempt (False: a later claim owns
        it, this outcome is stale), and keeps the attempt (E11) when one was made."""
        ...

    async def record_health(self, endpoint_id: int, succeeded: bool, at: datetime) -> datetime | None:
        """E11: after an attempt, ``failing_since`` cleared by a success or set (if unset) to ``at`` by a failure; its
        value now."""
        ...

    async def disable(self, endpoint_id: int, reason: str) -> bool:
        """E11: disabled with ``reason``, only if it was enabled (True: this call disabled it)."""
        ...

    async def attempt_logs(self, delivery_ids: list[int]) -> dict[int, list[AttemptRecord]]:
        """E11: each delivery's attempts, oldest first (a delivery never tried is absent)."""
        ...


class AddressResolver(Protocol):
    """E6: the addresses a host name resolves to (an IP literal resolves to itself)."""

    async def resolve(self, host: str) -> list[str]: ...


class LiteralAddresses:
    """Resolves IP literals only (a name resolves to nothing, so it is refused): for contexts with no DNS."""

    async def resolve(self, host: str) -> list[str]:
        import ipaddress

        try:
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            return []


class PayloadQueries(Protocol):
    """E10: the documents that shape an endpoint's bodies, checked against the served schema and its limits, and
    the body of one delivery: the document's result for the event, run as the endpoint's owner (or E5's default
    JSON for an endpoint without one)."""

    def check(self, document: str) -> str | None:
        """Why ``document`` may not shape bodies (a sentence), or None."""
        ...

    async def render(self, endpoint: WebhookEndpoint, event: Event) -> str: ...


class WebhookSender(Protocol):
    """POSTs one signed delivery; never raises for the receiver's failures (they are the Outcome)."""

    async def send(self, endpoint: WebhookEndpoint, message_id: str, body: str, secrets: list[str]) -> Outcome:
        """Signed with each of ``secrets`` (E11: two during a rotation's overlap)."""
        ...
