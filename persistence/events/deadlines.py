"""E7 on SQL: overdue claims and appeals whose deadline has not fired (served by ``ix_claims_response_due`` and
``ix_appeals_queue``), and the firing itself: an INSERT … ON CONFLICT DO NOTHING … RETURNING of the deadline's key,
which returns a row only to the transaction that fired it. Concurrent firings of one deadline queue on the key;
one inserts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.appeals.model import Appeal, AppealStatus
from domain.claims.model import Claim, ClaimStatus
from domain.events.model import EventType
from persistence.appeals.repository import SqlAppealRepository
from persistence.appeals.tables import AppealRow
from persistence.claims.repository import SqlClaimRepository
from persistence.claims.tables import ClaimRow
from persistence.events.tables import FiredDeadlineRow
from persistence.shared.tables import table

CLAIMS, APPEALS, FIRED = table(ClaimRow), table(AppealRow), table(FiredDeadlineRow)


def _not_fired(kind: EventType, subject_id: ColumnElement[Any]) -> ColumnElement[bool]:
    return ~exists().where(FIRED.c.kind == kind.value, FIRED.c.subject_id == subject_id)


class SqlDeadlineRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def overdue_claims(self, now: datetime, limit: int) -> list[Claim]:
        ids = (await self.session.execute(
            select(CLAIMS.c.id).where(CLAIMS.c.status == ClaimStatus.AWAITING_MERCHANT.value,
                                      CLAIMS.c.merchant_response_due_at < now,
                                      _not_fired(EventType.CLAIM_MERCHANT_RESPONSE_OVERDUE, CLAIMS.c.id))
            .order_by(CLAIMS.c.merchant_response_due_at, CLAIMS.c.id).limit(limit))).scalars().all()
        found = await SqlClaimRepository(self.session).get_many(list(ids))
        return [found[i] for i in ids if i in found]

    async def overdue_appeals(self, now: datetime, limit: int) -> list[Appeal]:
        ids = (await self.session.execute(
            select(APPEALS.c.id).where(APPEALS.c.status == AppealStatus.PENDING.value, APPEALS.c.due_at < now,
                                       _not_fired(EventType.APPEAL_OVERDUE, APPEALS.c.id))
            .order_by(APPEALS.c.due_at, APPEALS.c.id).limit(limit))).scalars().all()
        found = await SqlAppealRepository(self.session).get_many(list(ids))
        return [found[i] for i in ids if i in found]

    async def fire(self, kind: EventType, subject_id: int, at: datetime) -> bool:
        dialect = self.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        inserted = await self.session.execute(
            insert(FIRED).values(kind=kind.value, subject_id=subject_id, fired_at=at).on_conflict_do_nothing()
            .returning(FIRED.c.kind))  # a row back only to the transaction that inserted it (psycopg's rowcount is -1)
        return inserted.first() is not None
