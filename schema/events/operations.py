from __future__ import annotations

import strawberry

from domain.events.deadlines import process_deadlines
from domain.events.model import EventQuery, events_scope
from schema.common.errors import UserError
from schema.common.ids import decode_id, split_id
from schema.common.mutations import attempt
from schema.common.pagination import Connection, connection, window
from schema.context import Info
from schema.events.types import Event, EventType


@strawberry.input
class EventFilter:
    types: list[EventType] | None = None
    shop_id: strawberry.ID | None = None
    subject_id: strawberry.ID | None = None


def visible_events(info: Info, filter: EventFilter | None) -> EventQuery:
    """E3/E4: what the viewer may see (G6), narrowed by the filter."""
    wanted = filter or EventFilter()
    shop_id = decode_id(wanted.shop_id, "Shop") if wanted.shop_id is not None else None
    subject = split_id(wanted.subject_id) if wanted.subject_id is not None else None
    return events_scope(info.context.actor, wanted.types, shop_id, wanted.shop_id is not None,
                        (subject[0], str(subject[1])) if subject else None, wanted.subject_id is not None)


@strawberry.type
class EventQueries:
    @strawberry.field(description="E3: events the viewer may see, oldest first; `after` an event's cursor replays "
                                  "everything since.")
    async def events(self, info: Info, filter: EventFilter | None = None, first: int | None = None,
                     after: str | None = None, last: int | None = None,
                     before: str | None = None) -> Connection[Event]:
        query = visible_events(info, filter)
        page = window(first, after, last, before)
        rows = await info.context.loaders.read(lambda uow: uow.events.page(query, page))
        return connection(rows, page, Event.of, lambda e: (e.id,))


@strawberry.type
class ProcessDeadlinesPayload:
    emitted: int = strawberry.field(description="How many deadline events this call emitted (each deadline fires "
                                                "once, ever).")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class EventMutations:
    @strawberry.mutation(description="SERVICE or PLATFORM: emit the deadline events due as of now (E7); the server "
                                     "also does this by itself.")
    async def process_deadlines(self, info: Info) -> ProcessDeadlinesPayload:
        ctx = info.context
        return await attempt(ProcessDeadlinesPayload, lambda: process_deadlines(ctx.uow(), ctx.actor, ctx.clock),
                             lambda emitted: {"emitted": emitted})
