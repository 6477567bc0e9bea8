from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.appeals.model import (
    Appeal,
    AppealKind,
    AppealRestriction,
    AppealStatus,
    RestrictionMode,
    ReviewAppealGround,
    ReviewAppealOutcome,
)
from domain.appeals.ports import AppealQuery
from domain.calendar.model import YearCalendar
from domain.claims.model import Evidence, EvidenceKind
from domain.shared.actor import Role
from domain.shared.errors import ConcurrentUpdate, DomainError, ErrorCode, stored
from domain.shared.listing import Page
from persistence.appeals.tables import AppealEvidenceRow, AppealRestrictionRow, AppealRow, WorkingCalendarRow
from persistence.shared import keyset
from persistence.shared.enums import member
from persistence.shared.errors import unique_violation_as
from persistence.shared.tables import rows_affected

_PENDING = AppealStatus.PENDING.value


def _state(appeal: Appeal) -> dict:
    return dict(
        status=appeal.status.value, decided_at=appeal.decided_at, decided_by=appeal.decided_by,
        decision_note=appeal.decision_note, review_outcomes=",".join(o.value for o in appeal.review_outcomes),
        evidence_anomaly=appeal.evidence_anomaly, due_at=appeal.due_at, due_estimated=appeal.due_estimated,
    )


def _appeal(row: AppealRow, evidence: list[Evidence]) -> Appeal:
    return Appeal(
        kind=member(AppealKind, row.kind), shop_id=row.shop_id, subject_id=row.subject_id, statement=row.statement,
        submitted_at=row.submitted_at, due_at=row.due_at, due_estimated=row.due_estimated, filed_by=row.filed_by,
        ground=member(ReviewAppealGround, row.ground) if row.ground else None, evidence=evidence,
        status=member(AppealStatus, row.status), decided_at=row.decided_at, decided_by=row.decided_by,
        decision_note=row.decision_note,
        review_outcomes=tuple(ReviewAppealOutcome(o) for o in row.review_outcomes.split(",") if o),
        evidence_anomaly=row.evidence_anomaly, version=row.version, id=row.id,
    )


def _restriction(row: AppealRestrictionRow) -> AppealRestriction:
    return AppealRestriction(row.shop_id, RestrictionMode(row.mode), row.reason, row.set_at, row.set_by,
                             row.max_per_30_days, row.until, row.automatic, row.version)


class SqlAppealRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, appeal: Appeal) -> Appeal:
        row = AppealRow(kind=appeal.kind.value, scenario=appeal.scenario, shop_id=appeal.shop_id,
                        subject_type=appeal.subject_type,
                        subject_id=appeal.subject_id, ground=appeal.ground.value if appeal.ground else None,
                        statement=appeal.statement, submitted_at=appeal.submitted_at, filed_by=appeal.filed_by,
                        version=appeal.version, **_state(appeal))
        filed = DomainError("an appeal of this kind was already filed for this subject (A2: one chance; "
                            "ARBITRATION and COMPENSATION are one)",
                            ("input", "subjectId"), ErrorCode.APPEAL_ALREADY_FILED)
        async with unique_violation_as(filed):
            self.session.add(row)
            await self.session.flush()
        appeal.id = row.id
        for item in appeal.evidence:
            evidence_row = AppealEvidenceRow(appeal_id=stored(row.id), upload_id=item.upload_id, kind=item.kind.value,
                                             sha256=item.sha256, uploaded_at=item.uploaded_at, added_by=item.added_by)
            self.session.add(evidence_row)
            await self.session.flush()
            item.id = evidence_row.id
        return appeal

    async def get(self, appeal_id: int, *, lock: bool = False) -> Appeal | None:
        query = select(AppealRow).where(col(AppealRow.id) == appeal_id)
        rows = (await self.session.execute(query.with_for_update() if lock else query)).scalars().all()
        return (await self._hydrate(rows)).get(appeal_id)

    async def get_many(self, ids: list[int]) -> dict[int, Appeal]:
        if not ids:
            return {}
        rows = (await self.session.execute(select(AppealRow).where(col(AppealRow.id).in_(set(ids))))).scalars().all()
        return await self._hydrate(rows)

    async def _hydrate(self, rows) -> dict[int, Appeal]:
        evidence: dict[int, list[Evidence]] = defaultdict(list)
        if rows:
            found = await self.session.execute(
                select(AppealEvidenceRow).where(col(AppealEvidenceRow.appeal_id).in_([r.id for r in rows]))
                .order_by(col(AppealEvidenceRow.id)))
            for e in found.scalars():
                evidence[e.appeal_id].append(
                    Evidence(EvidenceKind(e.kind), e.upload_id, e.sha256, e.uploaded_at, e.added_by, id=e.id,
                             submitted_by=Role.MERCHANT))
        return {r.id: _appeal(r, evidence[r.id]) for r in rows}

    async def appeal_ids_of_evidence(self, ids: list[int]) -> dict[int, int]:
        if not ids:
            return {}
        rows = await self.session.execute(
            select(col(AppealEvidenceRow.id), col(AppealEvidenceRow.appeal_id)).where(
                col(AppealEvidenceRow.id).in_(set(ids))
            )
        )
        return {stored(evidence_id): appeal_id for evidence_id, appeal_id in rows}

    async def update(self, appeal: Appeal) -> None:
        result = await self.session.execute(
            update(AppealRow).where(col(AppealRow.id) == appeal.id, col(AppealRow.version) == appeal.version)
            .values(version=appeal.version + 1, **_state(appeal)))
        if rows_affected(result) != 1:
            raise ConcurrentUpdate("appeal")
        appeal.version += 1

    def _filtered(self, query, q: AppealQuery):
        if q.nothing:
            return query.where(False)
        if q.statuses:
            query = query.where(col(AppealRow.status).in_([s.value for s in q.statuses]))
        if q.kinds:
            query = query.where(col(AppealRow.kind).in_([k.value for k in q.kinds]))
        if q.shop_id is not None:
            query = query.where(col(AppealRow.shop_id) == q.shop_id)
        if q.overdue is not None:
            late = and_(col(AppealRow.status) == _PENDING, col(AppealRow.due_at) < q.now)
            query = query.where(late if q.overdue else ~late)
        return query

    async def page(self, q: AppealQuery, page: Page) -> list[Appeal]:
        """The review queue (A4) by due date then id, oldest due first; otherwise newest first by id. The cursor
        carries (due date, id) either way; the newest-first list bounds by its id alone."""
        query = self._filtered(select(AppealRow), q)
        if q.queue_order:
            query = keyset.window(query, [col(AppealRow.due_at), col(AppealRow.id)], False, page)
        else:
            ids = replace(page, after=page.after and page.after[1:], before=page.before and page.before[1:])
            query = keyset.window(query, [col(AppealRow.id)], True, ids)
        rows = (await self.session.execute(query)).scalars().all()
        hydrated = await self._hydrate(rows)
        return [hydrated[r.id] for r in rows]

    async def count(self, q: AppealQuery) -> int:
        return (await self.session.execute(self._filtered(select(func.count()).select_from(AppealRow), q))).scalar_one()

    async def filed_since(self, shop_id: int, since: datetime) -> int:
        return (await self.session.execute(select(func.count()).select_from(AppealRow).where(
            col(AppealRow.shop_id) == shop_id, col(AppealRow.submitted_at) > since))).scalar_one()

    async def anomalies_since(self, shop_id: int, since: datetime) -> int:
        return (
            await self.session.execute(
                select(func.count())
                .select_from(AppealRow)
                .where(
                    col(AppealRow.shop_id) == shop_id,
                    col(AppealRow.evidence_anomaly).is_(True),
                    col(AppealRow.decided_at) > since,
                )
            )
        ).scalar_one()

    async def rejections_since(self, shop_id: int, since: datetime) -> int:
        """A7: the shop's appeals of any kind rejected after ``since``."""
        return (await self.session.execute(select(func.count()).select_from(AppealRow).where(
            col(AppealRow.shop_id) == shop_id, col(AppealRow.status) == AppealStatus.REJECTED.value,
            col(AppealRow.decided_at) > since))).scalar_one()

    async def pending_estimated(self) -> list[Appeal]:
        rows = (await self.session.execute(select(AppealRow).where(
            col(AppealRow.status) == _PENDING, col(AppealRow.due_estimated).is_(True)))).scalars().all()
        return list((await self._hydrate(rows)).values())

    async def get_restriction(self, shop_id: int, *, lock: bool = False) -> AppealRestriction | None:
        query = select(AppealRestrictionRow).where(col(AppealRestrictionRow.shop_id) == shop_id)
        row = (await self.session.execute(query.with_for_update() if lock else query)).scalars().first()
        return _restriction(row) if row else None

    async def restrictions(self, shop_ids: list[int]) -> dict[int, AppealRestriction]:
        if not shop_ids:
            return {}
        rows = await self.session.execute(
            select(AppealRestrictionRow).where(col(AppealRestrictionRow.shop_id).in_(set(shop_ids))))
        return {r.shop_id: _restriction(r) for r in rows.scalars()}

    async def save_restriction(self, r: AppealRestriction) -> None:
        values: dict[str, Any] = dict(
            mode=r.mode.value,
            max_per_30_days=r.max_per_30_days,
            until=r.until,
            reason=r.reason,
            set_at=r.set_at,
            set_by=r.set_by,
            automatic=r.automatic,
        )
        if r.version == 0:  # new: rows start at version 1
            async with unique_violation_as(ConcurrentUpdate("appeal restriction")):
                self.session.add(AppealRestrictionRow(shop_id=r.shop_id, version=1, **values))
                await self.session.flush()
            r.version = 1
            return
        result = await self.session.execute(
            update(AppealRestrictionRow)
            .where(col(AppealRestrictionRow.shop_id) == r.shop_id, col(AppealRestrictionRow.version) == r.version)
            .values(version=r.version + 1, **values))
        if rows_affected(result) != 1:
            raise ConcurrentUpdate("appeal restriction")
        r.version += 1


def _dates(text: str) -> frozenset[date]:
    return frozenset(date.fromisoformat(d) for d in text.split(",") if d)


class SqlCalendarRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def put(self, calendar: YearCalendar, set_by: str, at: datetime) -> None:
        values: dict[str, Any] = dict(holidays=",".join(sorted(d.isoformat() for d in calendar.holidays)),
                      workdays=",".join(sorted(d.isoformat() for d in calendar.workdays)), set_by=set_by, set_at=at)
        existing = await self.session.get(WorkingCalendarRow, calendar.year, with_for_update=True)
        if existing is None:
            self.session.add(WorkingCalendarRow(year=calendar.year, **values))
        else:
            for name, value in values.items():
                setattr(existing, name, value)
        await self.session.flush()

    async def get_years(self, years: list[int]) -> dict[int, YearCalendar]:
        if not years:
            return {}
        rows = await self.session.execute(
            select(WorkingCalendarRow).where(col(WorkingCalendarRow.year).in_(set(years)))
        )
        return {r.year: YearCalendar(r.year, _dates(r.holidays), _dates(r.workdays)) for r in rows.scalars()}
