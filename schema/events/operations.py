from __future__ import annotations

import strawberry

from domain.events.deadlines import process_deadlines
from domain.events.model import EventQuery, Position, events_scope
from domain.shared.listing import Page
from schema.common.errors import UserError
from schema.common.ids import decode_cursor, decode_id, split_id
from schema.common.mutations import attempt
from schema.common.pagination import Connection, connection, page_size_of, typed_key
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


async def event_position(info: Info, cursor: str | None, name: str = "after") -> Position | None:
    """An event's cursor is its position in replay order, (txid, id); a cursor of one value (an event id, as cursors
    were written before positions) is still taken, as that event's position."""
    if cursor is None:
        return None
    raw = decode_cursor(cursor)
    if isinstance(raw, list) and len(raw) == 1:
        event_id = typed_key(raw, (int,), name)[0]
        return await info.context.loaders.read(lambda uow: uow.events.position_of(event_id))
    txid, event_id = typed_key(raw, (int, int), name)
    return (txid, event_id)


@strawberry.type
class EventQueries:
    @strawberry.field(description="E3: events the viewer may see, oldest first; `after` an event's cursor replays "
                                  "everything since.")
    async def events(self, info: Info, filter: EventFilter | None = None, first: int | None = None,
                     after: str | None = None, last: int | None = None,
                     before: str | None = None) -> Connection[Event]:
        query = visible_events(info, filter)
        page = Page(page_size_of(first, last) + 1, after=await event_position(info, after),
                    before=await event_position(info, before, "before"), backward=last is not None)
        rows = await info.context.loaders.read(lambda uow: uow.events.page(query, page))
        return connection(rows, page, Event.of, lambda e: e.position)


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
