from __future__ import annotations

from datetime import datetime
from typing import Annotated

import orjson
import strawberry

from domain.events import model
from domain.events.model import can_see_event, shown_actor_id
from domain.shared.ids import global_id
from schema.common.ids import encode_cursor, encode_id
from schema.common.node import Node, register_node, resolve_node
from schema.context import Info
from schema.events.payloads import EventPayload, payload_of
from schema.shops.types import Role, Shop, shop_or_none

# Domain enums served under these names: strawberry.enum() registers each, the alias keeps it a type.
EventType = model.EventType
strawberry.enum(model.EventType, name="EventType")


@strawberry.type(description="E1: something that happened, recorded in the same transaction as the change itself.")
class Event(Node):
    id: strawberry.ID
    type: EventType
    occurred_at: datetime
    actor_role: Role
    subject_id: strawberry.ID = strawberry.field(description="The subject's global ID, always present.")
    data: str = strawberry.field(
        description="E2: the event's facts as a JSON object (ids as global IDs, money as strings).",
        deprecation_reason="Use `payload`: the same facts, typed (E9). `data` stays for existing clients.")
    event: strawberry.Private[model.Event]

    @strawberry.field(description="Who did it: a user id, or for a buyer viewing another party's action only that "
                                  "party's role (MERCHANT, PLATFORM …): staff are not named to buyers.")
    def actor_id(self, info: Info) -> str:
        return shown_actor_id(info.context.actor, self.event.actor_role, self.event.actor_id)

    @strawberry.field(description="E3/E4: this event's cursor: `events(after:)` or the subscription's `after` "
                                  "resumes right after it.")
    def cursor(self) -> str:
        return encode_cursor(*self.event.position)

    @strawberry.field(description="The shop it concerns; null for events of no shop (a buyer's coupon from the "
                                  "platform).")
    async def shop(self, info: Info) -> Shop | None:
        if self.event.shop_id is None:
            return None
        return shop_or_none(await info.context.loaders.shop_by_id.load(self.event.shop_id))

    @strawberry.field(description="The claim, appeal, order, coupon, ledger entry … it is about, if the viewer may "
                                  "see it.")
    async def subject(self, info: Info) -> Annotated[Node, strawberry.lazy("schema.common.node")] | None:
        return await resolve_node(info, self.subject_id)

    @strawberry.field(description="E9: the event's facts, typed: one union member per family of event types.")
    def payload(self) -> EventPayload:
        return payload_of(self.event.type, self.event.data)

    @staticmethod
    def of(event: model.Event) -> Event:
        return Event(id=encode_id("Event", event.id or 0), type=event.type, occurred_at=event.occurred_at,
                     actor_role=event.actor_role,
                     subject_id=strawberry.ID(global_id(event.subject_type, event.subject_key)),
                     data=orjson.dumps(event.data).decode(), event=event)


async def load_event(info: Info, pk: int) -> Event | None:
    event = await info.context.loaders.event_by_id.load(pk)
    return Event.of(event) if event and can_see_event(info.context.actor, event) else None


register_node("Event", load_event)
