from __future__ import annotations

from typing import Any

from sqlalchemy import false, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.shared.errors import ConcurrentUpdate
from domain.shared.listing import Page
from domain.violations.model import Violation, ViolationKind, ViolationStatus
from domain.violations.ports import ViolationQuery
from persistence.shared import keyset
from persistence.shared.enums import member
from persistence.shared.tables import rows_affected, table
from persistence.violations.tables import ViolationRow

VIOLATIONS = table(ViolationRow)
_IN_FORCE = ViolationStatus.IN_FORCE.value


def _violation(row: Any) -> Violation:
    return Violation(row.shop_id, member(ViolationKind, row.kind), row.reason, row.recorded_at, row.recorded_by,
                     row.claim_id, row.appeal_id, member(ViolationStatus, row.status), row.withdrawn_at,
                     row.withdrawn_by, row.withdrawal_reason, row.version, row.id)


def _filtered(query: Any, q: ViolationQuery) -> Any:
    c = VIOLATIONS.c
    if q.nothing:
        return query.where(false())
    if q.shop_id is not None:
        query = query.where(c.shop_id == q.shop_id)
    if q.kinds:
        query = query.where(c.kind.in_(sorted(k.value for k in q.kinds)))
    if q.statuses:
        query = query.where(c.status.in_(sorted(s.value for s in q.statuses)))
    return query


class SqlViolationRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, violation: Violation) -> Violation:
        result = await self.session.execute(insert(VIOLATIONS).values(
            shop_id=violation.shop_id, kind=violation.kind.value, status=violation.status.value,
            reason=violation.reason, claim_id=violation.claim_id, appeal_id=violation.appeal_id,
            recorded_at=violation.recorded_at, recorded_by=violation.recorded_by, version=violation.version,
        ).returning(VIOLATIONS.c.id))
        violation.id = result.scalar_one()
        return violation

    async def get(self, violation_id: int) -> Violation | None:
        return (await self.get_many([violation_id])).get(violation_id)

    async def get_many(self, ids: list[int]) -> dict[int, Violation]:
        if not ids:
            return {}
        rows = await self.session.execute(select(VIOLATIONS).where(VIOLATIONS.c.id.in_(set(ids))))
        return {row.id: _violation(row) for row in rows}

    async def update(self, violation: Violation) -> None:
        c = VIOLATIONS.c
        result = await self.session.execute(
            update(VIOLATIONS).where(c.id == violation.id, c.version == violation.version).values(
                status=violation.status.value, withdrawn_at=violation.withdrawn_at, withdrawn_by=violation.withdrawn_by,
                withdrawal_reason=violation.withdrawal_reason, version=violation.version + 1))
        if rows_affected(result) != 1:
            raise ConcurrentUpdate("violation")
        violation.version += 1

    async def in_force_breaches(self, shop_id: int) -> list[Violation]:
        c = VIOLATIONS.c
        rows = await self.session.execute(select(VIOLATIONS).where(
            c.shop_id == shop_id, c.status == _IN_FORCE, c.kind == ViolationKind.SERVICE_PROMISE_BREACH.value)
            .order_by(c.id))
        return [_violation(row) for row in rows]

    async def in_force_counts(self, shop_ids: list[int]) -> dict[int, dict[ViolationKind, int]]:
        c = VIOLATIONS.c
        counts = {shop: dict.fromkeys(ViolationKind, 0) for shop in shop_ids}
        if shop_ids:
            rows = await self.session.execute(
                select(c.shop_id, c.kind, func.count()).where(c.shop_id.in_(set(shop_ids)), c.status == _IN_FORCE)
                .group_by(c.shop_id, c.kind))
            for shop, kind, n in rows:
                counts[shop][member(ViolationKind, kind)] = n
        return counts

    async def page(self, query: ViolationQuery, page: Page) -> list[Violation]:
        ids = await keyset.id_page(self.session, _filtered(select(VIOLATIONS.c.id), query), VIOLATIONS.c.id, page)
        found = await self.get_many(ids)
        return [found[i] for i in ids if i in found]

    async def count(self, query: ViolationQuery) -> int:
        return (await self.session.execute(
            _filtered(select(func.count()).select_from(VIOLATIONS), query))).scalar_one()
