from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.appeals.model import Appeal, AppealKind, AppealRestriction, AppealStatus
from domain.calendar.model import YearCalendar
from domain.shared.listing import Page


@dataclass(frozen=True)
class AppealQuery:
    statuses: frozenset[AppealStatus] | None = None
    kinds: frozenset[AppealKind] | None = None
    shop_id: int | None = None
    overdue: bool | None = None
    now: datetime | None = None
    queue_order: bool = False  # A4: by dueAt (so overdue first); otherwise newest first
    nothing: bool = False


@dataclass(frozen=True)
class ShopScoreFacts:
    rating_sum: int
    counted_reviews: int
    counted_claims: int
    delivered_orders: int


class ScoreRepository(Protocol):
    """A6's experience score, kept as counters per shop (O(1) to read), changed in the same transaction as each
    change that moves them. ``manage.py reconcile`` recounts them from the rows."""

    async def create(self, shop_id: int) -> None: ...

    async def add(self, shop_id: int, *, rating_sum: int = 0, counted_reviews: int = 0, counted_claims: int = 0,
                  delivered_orders: int = 0) -> None:
        """Atomic increments (concurrent changes add up; no read-modify-write)."""
        ...

    async def facts(self, shop_ids: list[int]) -> dict[int, ShopScoreFacts]: ...


class AppealRepository(Protocol):
    async def add(self, appeal: Appeal) -> Appeal:
        """Raises ``DomainError(APPEAL_ALREADY_FILED)`` for a second appeal of a kind on a subject (A2, a unique
        constraint)."""
        ...

    async def get(self, appeal_id: int, *, lock: bool = False) -> Appeal | None: ...

    async def get_many(self, ids: list[int]) -> dict[int, Appeal]: ...

    async def update(self, appeal: Appeal) -> None: ...

    async def appeal_ids_of_evidence(self, evidence_ids: list[int]) -> dict[int, int]: ...

    async def page(self, query: AppealQuery, page: Page) -> list[Appeal]: ...

    async def count(self, query: AppealQuery) -> int: ...

    async def filed_since(self, shop_id: int, since: datetime) -> int: ...

    async def anomalies_since(self, shop_id: int, since: datetime) -> int: ...

    async def rejections_since(self, shop_id: int, since: datetime) -> int: ...

    async def pending_estimated(self) -> list[Appeal]: ...

    async def get_restriction(self, shop_id: int, *, lock: bool = False) -> AppealRestriction | None: ...

    async def restrictions(self, shop_ids: list[int]) -> dict[int, AppealRestriction]: ...

    async def save_restriction(self, restriction: AppealRestriction) -> None:
        """Insert, or update conditional on ``version`` (raises ``ConcurrentUpdate``)."""
        ...



class CalendarRepository(Protocol):
    async def put(self, calendar: YearCalendar, set_by: str, at: datetime) -> None: ...

    async def get_years(self, years: list[int]) -> dict[int, YearCalendar]: ...
