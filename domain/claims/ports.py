from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.claims.model import Claim, ClaimReason, ClaimStatus, Evidence
from domain.shared.listing import Page


@dataclass(frozen=True)
class ClaimQuery:
    """A claims list, already narrowed to what the actor may see."""

    statuses: frozenset[ClaimStatus] | None = None
    shop_id: int | None = None
    buyer_id: str | None = None
    nothing: bool = False  # a filter that contradicts the actor's scope
    reasons: frozenset[ClaimReason] | None = None  # F2
    submitted_from: datetime | None = None
    submitted_to: datetime | None = None
    overdue_at: datetime | None = None  # F2: AWAITING_MERCHANT past its merchantResponseDueAt as of this instant
    order_id: int | None = None


class ClaimRepository(Protocol):
    async def add(self, claim: Claim) -> Claim:
        """Raises ``DomainError(CLAIM_ALREADY_OPEN)`` when the line already has an open claim (a unique constraint)."""
        ...

    async def get(self, claim_id: int, *, lock: bool = False) -> Claim | None: ...

    async def get_many(self, ids: list[int]) -> dict[int, Claim]: ...

    async def update(self, claim: Claim) -> None:
        """Write state and evidence, conditional on ``version``; raises ``ConcurrentUpdate`` on a lost race."""
        ...

    async def for_line(self, order_line_id: int) -> list[Claim]: ...

    async def for_order(self, order_id: int) -> list[Claim]:
        """Every claim on any line of the order, oldest first."""
        ...

    async def page(self, query: ClaimQuery, page: Page) -> list[Claim]:
        """In ``page``'s sort: by default newest first (descending id); ``SUBMITTED_AT`` or
        ``MERCHANT_RESPONSE_DUE_AT`` either way, then id."""
        ...

    async def count(self, query: ClaimQuery) -> int: ...

    async def batch(self, query: ClaimQuery, after_id: int | None, limit: int) -> list[Claim]:
        """F5: up to ``limit`` claims the query matches after ``after_id``, oldest first, without their evidence."""
        ...

    async def evidence_by_ids(self, ids: list[int]) -> dict[int, Evidence]: ...

    async def claim_ids_by_sha256(self, digests: list[str]) -> dict[str, set[int]]: ...

    async def claim_parties_of_upload(self, upload_id: str) -> set[tuple[int, str]]:
        """(shop id, buyer id) of every claim that uses the upload as evidence."""
        ...
