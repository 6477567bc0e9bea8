from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Protocol

from domain.appeals.model import Appeal
from domain.claims.model import Claim
from domain.events.model import Event, EventQuery, EventType, HistoryEntry, Position
from domain.shared.listing import Page


class EventLog(Protocol):
    """The outbox. ``record`` keeps the event with the unit of work; it is written by the unit of work's commit, in
    the same transaction as the change (E1), so an event exists exactly when its change committed."""

    async def record(self, event: Event) -> None: ...

    async def append(self, event: Event) -> int:
        """``record``, written now (after those recorded before it) in the unit of work's transaction: its id. For
        an event something else in the transaction refers to (E11's PING and its delivery)."""
        ...

    async def histories(self, subject_type: str, keys: list[int]) -> dict[int, list[HistoryEntry]]:
        """Each subject's events, oldest first, without their data (G5)."""
        ...

    async def page(self, query: EventQuery, page: Page) -> list[Event]:
        """E3/H3: a page of the list, oldest first (replay order: ``Event.position``), in the order read; its keys
        are positions. Only events of transactions older than every one still running are read, so a position once
        passed is never passed again by a late commit."""
        ...

    async def since(self, query: EventQuery, after: Position | None, limit: int) -> list[Event]:
        """E4: the next ``limit`` events after the position ``after``, oldest first (the live feed's read)."""
        ...

    async def get_many(self, ids: list[int]) -> dict[int, Event]: ...

    async def position_of(self, event_id: int) -> Position:
        """The position of an event given by its id alone (a cursor written before positions): its own, or, for an
        id that is not an event, the position just before the first event after it."""
        ...


class DeadlineRepository(Protocol):
    """E7. ``fire`` inserts the deadline's unique key and says whether this call did (False: fired before)."""

    async def overdue_claims(self, now: datetime, limit: int) -> list[Claim]:
        """AWAITING_MERCHANT claims whose response time passed and whose deadline has not fired, oldest first."""
        ...

    async def overdue_appeals(self, now: datetime, limit: int) -> list[Appeal]:
        """PENDING appeals past their dueAt whose deadline has not fired, oldest first."""
        ...

    async def fire(self, kind: EventType, subject_id: int, at: datetime) -> bool: ...


class EventFeed(Protocol):
    """E4: events as they commit. ``subscribe`` first replays what the query admits after the position ``after``
    (when given), then yields each admitted event once its transaction committed, in replay order, with no gap and no
    repeat; it raises ``FellBehind`` when the subscriber cannot keep up."""

    def subscribe(self, query: EventQuery, after: Position | None) -> AsyncIterator[Event]: ...
