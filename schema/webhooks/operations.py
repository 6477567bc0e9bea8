from __future__ import annotations

import strawberry

from domain.webhooks import services
from schema.common.errors import UserError
from schema.common.ids import decode_id
from schema.common.mutations import attempt
from schema.context import Info
from schema.events.types import EventType
from schema.webhooks.types import WebhookEndpoint


@strawberry.input
class CreateWebhookEndpointInput:
    url: str
    event_types: list[EventType]
    shop_id: strawberry.ID | None = strawberry.field(
        default=None, description="MERCHANT: omitted, the token's shop. PLATFORM: a shop to narrow to, or omitted "
                                  "for all.")


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
                                             input.shop_id is not None),
            lambda made: {"endpoint": WebhookEndpoint.of(made[0]), "secret": made[1]})

    @strawberry.mutation(description="The endpoint's owner.")
    async def delete_webhook_endpoint(self, info: Info,
                                      input: DeleteWebhookEndpointInput) -> DeleteWebhookEndpointPayload:
        ctx = info.context
        return await attempt(
            DeleteWebhookEndpointPayload,
            lambda: services.delete_endpoint(ctx.uow(), ctx.actor, decode_id(input.id, "WebhookEndpoint")),
            lambda pk: {"deleted_id": input.id})
