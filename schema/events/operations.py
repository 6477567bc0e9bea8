from __future__ import annotations

import strawberry

from domain.events.model import events_scope
from schema.common.ids import decode_id, split_id
from schema.common.pagination import Connection, after_key, connection, page_size
from schema.context import Info
from schema.events.types import Event, EventType


@strawberry.input
class EventFilter:
    types: list[EventType] | None = None
    shop_id: strawberry.ID | None = None
    subject_id: strawberry.ID | None = None


@strawberry.type
class EventQueries:
    @strawberry.field(description="E3: events the viewer may see, oldest first; `after` an event's cursor replays "
                                  "everything since.")
    async def events(self, info: Info, filter: EventFilter | None = None, first: int | None = None,
                     after: str | None = None) -> Connection[Event]:
        wanted = filter or EventFilter()
        shop_id = decode_id(wanted.shop_id, "Shop") if wanted.shop_id is not None else None
        subject = split_id(wanted.subject_id) if wanted.subject_id is not None else None
        query = events_scope(info.context.actor, wanted.types, shop_id, wanted.shop_id is not None,
                             (subject[0], str(subject[1])) if subject else None, wanted.subject_id is not None)
        limit, key = page_size(first), after_key(after)
        rows = await info.context.loaders.read(lambda uow: uow.events.page(query, key[0] if key else None, limit + 1))
        return connection(rows, limit, key is not None, Event.of, lambda e: (e.id,))
