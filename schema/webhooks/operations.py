from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry

from domain.webhooks import model, services
from schema.common.errors import UserError
from schema.common.ids import decode_id
from schema.common.mutations import attempt
from schema.context import Info
from schema.events.types import EventType
from schema.webhooks.bodies import SchemaPayloadQueries
from schema.webhooks.types import WebhookDelivery, WebhookEndpoint


@strawberry.input
class CreateWebhookEndpointInput:
    url: str
    event_types: list[EventType]
    shop_id: strawberry.ID | None = strawberry.field(
        default=None, description="MERCHANT: omitted, the token's shop. PLATFORM: a shop to narrow to, or omitted "
                                  "for all.")
    description: str | None = strawberry.field(default=None, description="A note for its owner, at most 500 "
                                                                         "characters.")
    payload_query: str | None = strawberry.field(
        default=None, description="E10: a `subscription { event { … } }` document run as the endpoint's owner for "
                                  "each delivery: the body is its result. Checked now against the schema, the "
                                  "depth, alias and cost limits (INVALID_INPUT with the reason). Omitted: E5's "
                                  "default body.")


@strawberry.input(description="E11: what changes; an omitted field stays as it is.")
class UpdateWebhookEndpointInput:
    endpoint_id: strawberry.ID
    url: str | None = strawberry.field(default=None, description="Checked again as at registration (E6).")
    event_types: list[EventType] | None = strawberry.field(default=None, description="At least one.")
    enabled: bool | None = strawberry.field(default=None, description="false stops deliveries (they wait); true "
                                                                      "delivers what is still pending.")
    description: str | None = strawberry.field(default=None, description="At most 500 characters; \"\" clears "
                                                                         "it.")
    payload_query: str | None = strawberry.field(default=None, description="E10: checked as at registration; "
                                                                           "\"\" returns to the default body. "
                                                                           "Deliveries already tried keep their "
                                                                           "body.")


@strawberry.input(description="An endpoint of the caller's.")
class EndpointInput:
    endpoint_id: strawberry.ID


@strawberry.input(description="E11: a delivery of one of the caller's endpoints.")
class RedeliverWebhookInput:
    delivery_id: strawberry.ID


@strawberry.type
class WebhookDeliveryPayload:
    delivery: WebhookDelivery | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WebhookEndpointPayload:
    endpoint: WebhookEndpoint | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CreateWebhookEndpointPayload:
    endpoint: WebhookEndpoint | None = None
    secret: str | None = strawberry.field(default=None, description="E6: the signing secret (whsec_…), shown once.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class DeleteWebhookEndpointInput:
    id: strawberry.ID


@strawberry.type
class DeleteWebhookEndpointPayload:
    deleted_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


async def _delivery(call: Callable[[], Awaitable[model.WebhookDelivery]]) -> WebhookDeliveryPayload:
    """A mutation that answers with a delivery (E11: a test, a redelivery), or its userErrors."""
    return await attempt(WebhookDeliveryPayload, call, lambda made: {"delivery": WebhookDelivery.of(made)})


def payload_queries(info: Info) -> SchemaPayloadQueries:
    """E10: documents are checked against the schema serving this request, with its limits."""
    return SchemaPayloadQueries(info.schema, info.context.execution.limits)


@strawberry.type
class WebhookQueries:
    @strawberry.field(description="E6: the viewer's webhook endpoints (MERCHANT: the shop's; PLATFORM: its own).")
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpoint]:
        actor = info.context.actor
        found = await info.context.loaders.read(lambda uow: services.list_endpoints(uow, actor))
        return [WebhookEndpoint.of(e) for e in found]


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(description="MERCHANT or PLATFORM.")
    async def create_webhook_endpoint(self, info: Info,
                                      input: CreateWebhookEndpointInput) -> CreateWebhookEndpointPayload:
        ctx = info.context
        shop_id = decode_id(input.shop_id, "Shop") if input.shop_id is not None else None
        return await attempt(
            CreateWebhookEndpointPayload,
            lambda: services.create_endpoint(ctx.uow(), ctx.actor, ctx.clock, ctx.policies.resolver,
                                             ctx.policies.webhook, input.url, input.event_types, shop_id,
                                             input.shop_id is not None, input.description, input.payload_query,
                                             payload_queries(info)),
            lambda made: {"endpoint": WebhookEndpoint.of(made[0]), "secret": made[1]})

    @strawberry.mutation(description="E11: the endpoint's owner (another's reads as NOT_FOUND).")
    async def update_webhook_endpoint(self, info: Info,
                                      input: UpdateWebhookEndpointInput) -> WebhookEndpointPayload:
        ctx = info.context
        changes = services.EndpointChanges(url=input.url, event_types=input.event_types, enabled=input.enabled,
                                           description=input.description, payload_query=input.payload_query)
        return await attempt(
            WebhookEndpointPayload,
            lambda: services.update_endpoint(ctx.uow(), ctx.actor, ctx.policies.resolver, ctx.policies.webhook,
                                             decode_id(input.endpoint_id, "WebhookEndpoint"), changes,
                                             payload_queries(info)),
            lambda made: {"endpoint": WebhookEndpoint.of(made)})

    @strawberry.mutation(description="E11: the endpoint's owner. A new secret, shown once in `secret`; the previous "
                                     "one keeps signing too for WEBHOOK_ROTATION_OVERLAP_HOURS (default 24), so "
                                     "`webhook-signature` carries both meanwhile.")
    async def rotate_webhook_secret(self, info: Info, input: EndpointInput) -> CreateWebhookEndpointPayload:
        ctx = info.context
        return await attempt(
            CreateWebhookEndpointPayload,
            lambda: services.rotate_secret(ctx.uow(), ctx.actor, ctx.clock, ctx.policies.webhook,
                                           decode_id(input.endpoint_id, "WebhookEndpoint")),
            lambda made: {"endpoint": WebhookEndpoint.of(made[0]), "secret": made[1]})

    @strawberry.mutation(description="E11: the endpoint's owner. Sends the delivery again, whatever its status, with "
                                     "the same `webhook-id` and body: due at once, one attempt more (a failed "
                                     "redelivery of a FAILED delivery is FAILED again).")
    async def redeliver_webhook(self, info: Info, input: RedeliverWebhookInput) -> WebhookDeliveryPayload:
        ctx = info.context
        return await _delivery(lambda: services.redeliver(ctx.uow(), ctx.actor, ctx.clock,
                                                          decode_id(input.delivery_id, "WebhookDelivery")))

    @strawberry.mutation(description="E11: the endpoint's owner. Delivers a PING event to the endpoint now, signed "
                                     "like any delivery: the delivery is listed among the endpoint's, the PING "
                                     "never among `events`. A disabled endpoint is enabled first.")
    async def send_test_webhook(self, info: Info, input: EndpointInput) -> WebhookDeliveryPayload:
        ctx = info.context
        return await _delivery(lambda: services.send_test(ctx.uow(), ctx.actor, ctx.clock,
                                                          decode_id(input.endpoint_id, "WebhookEndpoint")))

    @strawberry.mutation(description="The endpoint's owner.")
    async def delete_webhook_endpoint(self, info: Info,
                                      input: DeleteWebhookEndpointInput) -> DeleteWebhookEndpointPayload:
        ctx = info.context
        return await attempt(
            DeleteWebhookEndpointPayload,
            lambda: services.delete_endpoint(ctx.uow(), ctx.actor, decode_id(input.id, "WebhookEndpoint")),
            lambda pk: {"deleted_id": input.id})
