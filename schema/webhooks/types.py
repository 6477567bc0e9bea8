from __future__ import annotations

from datetime import datetime

import strawberry

from domain.webhooks import model
from domain.webhooks.services import deliveries, owns
from schema.common.ids import encode_id
from schema.common.node import Node, register_node
from schema.common.pagination import Connection, connection, window
from schema.context import Info
from schema.events.types import Event, EventType
from schema.shops.types import Shop, shop_or_none

WebhookDeliveryStatus = model.DeliveryStatus
strawberry.enum(model.DeliveryStatus, name="WebhookDeliveryStatus")


@strawberry.type(description="E11: one try of a delivery, as the receiver answered it.")
class WebhookAttempt:
    at: datetime = strawberry.field(description="When the try finished.")
    response_status: int | None = strawberry.field(description="The receiver's HTTP status; null for a timeout or "
                                                               "a refused connection.")
    duration_ms: int = strawberry.field(description="How long the try took, in milliseconds.")
    error: str | None = strawberry.field(description="Why it failed, in a sentence (timeout, connection refused, "
                                                     "unsafe address, the HTTP status); null when it succeeded.")
    response_body_excerpt: str | None = strawberry.field(description="The first 1,000 characters of the "
                                                                     "receiver's answer.")

    @staticmethod
    def of(record: model.AttemptRecord) -> WebhookAttempt:
        return WebhookAttempt(at=record.at, response_status=record.response_status, duration_ms=record.duration_ms,
                              error=record.error, response_body_excerpt=record.excerpt)


@strawberry.type(description="E5: one event's delivery to one endpoint, with its attempts.")
class WebhookDelivery:
    id: strawberry.ID = strawberry.field(description="Also the `webhook-id` header of every attempt: receivers "
                                                     "deduplicate by it.")
    status: WebhookDeliveryStatus
    attempts: int
    last_attempt_at: datetime | None
    last_response_status: int | None = strawberry.field(description="The receiver's HTTP status; null for a "
                                                                    "timeout or a refused connection.")
    next_attempt_at: datetime | None
    delivery: strawberry.Private[model.WebhookDelivery]

    @strawberry.field
    async def event(self, info: Info) -> Event:
        found = await info.context.loaders.event_by_id.load(self.delivery.event_id)
        assert found is not None, "a delivery's event is never deleted"
        return Event.of(found)

    @strawberry.field(description="E11: every try, oldest first.")
    async def attempt_log(self, info: Info) -> list[WebhookAttempt]:
        found = await info.context.loaders.attempt_log_by_delivery.load(self.delivery.id or 0)
        return [WebhookAttempt.of(record) for record in found or []]

    @staticmethod
    def of(delivery: model.WebhookDelivery) -> WebhookDelivery:
        return WebhookDelivery(id=encode_id("WebhookDelivery", delivery.id or 0), status=delivery.status,
                               attempts=delivery.attempts, last_attempt_at=delivery.last_attempt_at,
                               last_response_status=delivery.last_response_status,
                               next_attempt_at=delivery.next_attempt_at, delivery=delivery)


@strawberry.type(description="E5/E6: an HTTPS endpoint that receives, signed, the events of the types it names "
                             "that its owner may see.")
class WebhookEndpoint(Node):
    id: strawberry.ID
    url: str
    event_types: list[EventType]
    enabled: bool
    created_at: datetime
    description: str | None = strawberry.field(description="Its owner's note on what it is for.")
    disabled_reason: str | None = strawberry.field(description="E11: why it is disabled (by its owner, or "
                                                               "automatically after failing for too long); null "
                                                               "while it is enabled.")
    secret_rotated_at: datetime | None = strawberry.field(description="E11: when its secret was last rotated; the "
                                                                      "previous secret signs too for "
                                                                      "WEBHOOK_ROTATION_OVERLAP_HOURS after it.")
    payload_query: str | None = strawberry.field(description="E10: the subscription document that shapes this "
                                                             "endpoint's bodies; null for the default body.")
    endpoint: strawberry.Private[model.WebhookEndpoint]

    @strawberry.field(description="The shop whose events it receives; null for a platform endpoint of all shops.")
    async def shop(self, info: Info) -> Shop | None:
        if self.endpoint.shop_id is None:
            return None
        return shop_or_none(await info.context.loaders.shop_by_id.load(self.endpoint.shop_id))

    @strawberry.field(description="Its deliveries, oldest first.")
    async def deliveries(self, info: Info, first: int | None = None,
                         after: str | None = None, last: int | None = None,
                         before: str | None = None) -> Connection[WebhookDelivery]:
        page, actor = window(first, after, last, before), info.context.actor
        rows = await info.context.loaders.read(lambda uow: deliveries(uow, actor, self.endpoint, page))
        return connection(rows, page, WebhookDelivery.of, lambda d: (d.id,))

    @staticmethod
    def of(endpoint: model.WebhookEndpoint) -> WebhookEndpoint:
        return WebhookEndpoint(id=encode_id("WebhookEndpoint", endpoint.id or 0), url=endpoint.url,
                               event_types=sorted(endpoint.event_types, key=lambda t: t.value),
                               enabled=endpoint.enabled, created_at=endpoint.created_at,
                               description=endpoint.description, disabled_reason=endpoint.disabled_reason,
                               secret_rotated_at=endpoint.secret_rotated_at,
                               payload_query=endpoint.payload_query, endpoint=endpoint)


async def load_endpoint(info: Info, pk: int) -> WebhookEndpoint | None:
    found = await info.context.loaders.read(lambda uow: uow.webhooks.get(pk))
    return WebhookEndpoint.of(found) if found is not None and owns(info.context.actor, found) else None


register_node("WebhookEndpoint", load_endpoint)
