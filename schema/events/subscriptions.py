"""E4: ``subscription { events(filter) }`` over graphql-transport-ws (``web/subscriptions.py`` authenticates the
socket and closes it)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from domain.events.model import FellBehind
from domain.shared.errors import InvalidInput
from schema.common.ids import encode_cursor
from schema.context import Info
from schema.events.operations import EventFilter, event_position, visible_events
from schema.events.types import Event


@strawberry.type
class Subscription:
    @strawberry.subscription(description="E4: events the viewer may see, as they commit (graphql-transport-ws). "
                                         "With `after` (an event's cursor) it first replays everything since, "
                                         "then goes on live, with no gap and no repeat.")
    async def events(self, info: Info, filter: EventFilter | None = None,
                     after: str | None = None) -> AsyncGenerator[Event, None]:
        ctx = info.context
        query, position = visible_events(info, filter), await event_position(info, after)
        if ctx.feed is None:
            raise RuntimeError("this server runs no live event feed")
        try:
            async for event in ctx.feed.subscribe(query, position):
                ctx.renew_loaders()  # a subscription lives for hours: each event reads its shop and subject afresh
                yield Event.of(event)
        except FellBehind as behind:
            ctx.fell_behind = encode_cursor(*behind.last)
            raise

    @strawberry.subscription(description="E10: the event being delivered, once: selectable only inside a webhook "
                                         "endpoint's payloadQuery (`subscription { event { … } }`), which shapes "
                                         "that endpoint's bodies. Over the socket it answers an error.")
    async def event(self, info: Info) -> AsyncGenerator[Event | None, None]:
        delivered = info.context.webhook_event
        if delivered is None:
            raise InvalidInput("`event` is selected only in a webhook endpoint's payloadQuery")
        yield Event.of(delivered)
