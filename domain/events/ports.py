from __future__ import annotations

from typing import Protocol

from domain.events.model import Event, EventQuery


class EventLog(Protocol):
    """The outbox. ``record`` keeps the event with the unit of work; it is written by the unit of work's commit, in
    the same transaction as the change (E1), so an event exists exactly when its change committed."""

    async def record(self, event: Event) -> None: ...

    async def for_subjects(self, subject_type: str, keys: list[int]) -> dict[int, list[Event]]:
        """Each subject's events, oldest first."""
        ...

    async def page(self, query: EventQuery, after_id: int | None, limit: int) -> list[Event]:
        """E3: oldest first, after ``after_id``."""
        ...

    async def get_many(self, ids: list[int]) -> dict[int, Event]: ...
