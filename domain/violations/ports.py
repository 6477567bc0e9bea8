from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.shared.listing import Page
from domain.violations.model import Violation, ViolationKind, ViolationStatus


@dataclass(frozen=True)
class ViolationQuery:
    """A violations list, already narrowed to what the actor may see."""

    shop_id: int | None = None
    kinds: frozenset[ViolationKind] | None = None
    statuses: frozenset[ViolationStatus] | None = None
    nothing: bool = False


class ViolationRepository(Protocol):
    async def add(self, violation: Violation) -> Violation: ...

    async def get(self, violation_id: int) -> Violation | None: ...

    async def get_many(self, ids: list[int]) -> dict[int, Violation]: ...

    async def update(self, violation: Violation) -> None:
        """Conditional on ``version``; raises ``ConcurrentUpdate`` on a lost race."""
        ...

    async def in_force_breaches(self, shop_id: int) -> list[Violation]:
        """The shop's SERVICE_PROMISE_BREACH violations still in force."""
        ...

    async def in_force_counts(self, shop_ids: list[int]) -> dict[int, dict[ViolationKind, int]]:
        """V2: per shop, in-force violations by kind (every kind present, 0 when none)."""
        ...

    async def page(self, query: ViolationQuery, page: Page) -> list[Violation]:
        """Newest first."""
        ...

    async def count(self, query: ViolationQuery) -> int: ...
