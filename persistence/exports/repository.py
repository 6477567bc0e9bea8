"""H5's export jobs in SQL: one RUNNING per requester by ``running_key``'s unique index; a job ends once (the
update is conditional on RUNNING), so a late runner and the sweep of interrupted jobs cannot both end it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.exports.model import ExportJob, ExportKind, ExportStatus
from domain.shared.actor import Role
from domain.shared.errors import AlreadyExists
from domain.shared.listing import Page
from persistence.exports.tables import ExportJobRow
from persistence.shared import keyset
from persistence.shared.enums import member
from persistence.shared.errors import unique_violation_as
from persistence.shared.tables import rows_affected, table

JOBS = table(ExportJobRow)
_RUNNING = ExportStatus.RUNNING.value


def _job(row: Any) -> ExportJob:
    return ExportJob(member(ExportKind, row.kind), member(Role, row.requester_role), row.requester_id,
                     row.requester_shop, row.language, row.created_at, member(ExportStatus, row.status),
                     row.row_count, row.file_size, row.error, row.heartbeat_at, row.completed_at, row.expires_at,
                     row.id)


class SqlExportJobRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, job: ExportJob) -> ExportJob:
        async with unique_violation_as(AlreadyExists("an export of yours is still running")):
            result = await self.session.execute(insert(JOBS).values(
                kind=job.kind.value, requester_key=job.requester_key, requester_role=job.requester_role.value,
                requester_id=job.requester_id, requester_shop=job.requester_shop, running_key=job.requester_key,
                language=job.language, status=_RUNNING, row_count=0, file_size=0, created_at=job.created_at,
                heartbeat_at=job.heartbeat_at).returning(JOBS.c.id))
        job.id = result.scalar_one()
        return job

    async def get(self, job_id: int) -> ExportJob | None:
        row = (await self.session.execute(select(JOBS).where(JOBS.c.id == job_id))).first()
        return _job(row) if row is not None else None

    async def page(self, requester_key: str, page: Page) -> list[ExportJob]:
        query = select(JOBS).where(JOBS.c.requester_key == requester_key)
        return [_job(row) for row in await self.session.execute(keyset.window(query, [JOBS.c.id], True, page))]

    async def progress(self, job_id: int, rows: int, at: datetime) -> None:
        await self.session.execute(update(JOBS).where(JOBS.c.id == job_id, JOBS.c.status == _RUNNING)
                                   .values(row_count=rows, heartbeat_at=at))

    async def finish(self, job_id: int, status: ExportStatus, rows: int, size: int, error: str | None,
                     at: datetime, expires_at: datetime | None) -> bool:
        result = await self.session.execute(
            update(JOBS).where(JOBS.c.id == job_id, JOBS.c.status == _RUNNING)
            .values(status=status.value, row_count=rows, file_size=size, error=error, completed_at=at,
                    expires_at=expires_at, heartbeat_at=at, running_key=None))
        return rows_affected(result) == 1

    async def interrupted(self, alive_since: datetime) -> list[int]:
        found = await self.session.execute(select(JOBS.c.id).where(JOBS.c.status == _RUNNING,
                                                                    JOBS.c.heartbeat_at < alive_since))
        return [job_id for (job_id,) in found]
