"""H5: starting an export job (the same authorization and filters as the streamed GET, checked before anything
runs), and ending the ones a stopped server left RUNNING. The rows are the streamed exports' own
(``domain/reports/exports.py``); the runner writes them and records the end."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.claims.model import ClaimReason, ClaimStatus
from domain.claims.services import claims_scope
from domain.exports.model import EXPORT_TTL, INTERRUPTED, LEASE, ExportJob, ExportKind, ExportStatus
from domain.exports.ports import ExportRunner
from domain.reports import exports
from domain.shared.actor import Actor
from domain.shared.clock import Clock
from domain.shared.errors import AlreadyExists, DomainError, ErrorCode
from domain.shared.listing import Page
from domain.shared.uow import UnitOfWork, UnitOfWorkFactory, in_transaction


@dataclass(frozen=True)
class ExportRequest:
    kind: ExportKind
    shop_id: int | None = None
    shop_given: bool = False
    start: datetime | None = None
    end: datetime | None = None
    statuses: frozenset[ClaimStatus] | None = None
    reasons: frozenset[ClaimReason] | None = None
    language: str = "en"


async def start_export(uow: UnitOfWorkFactory, actor: Actor, clock: Clock, request: ExportRequest,
                       runner: ExportRunner) -> ExportJob:
    """H5: MERCHANT, AGENT, BUYER or PLATFORM as the kind's streamed export allows; at most one RUNNING per
    requester (``EXPORT_ALREADY_RUNNING``). Returns the job at once; the runner makes the file."""
    rows = await _rows(uow, actor, request)
    now = clock.now()
    job = ExportJob(request.kind, actor.role, actor.user_id, actor.shop_id, request.language, now,
                    heartbeat_at=runner.clock.now())

    async def work(writing: UnitOfWork) -> ExportJob:
        try:
            return await writing.exports.add(job)
        except AlreadyExists:
            raise DomainError("an export of yours is still running: wait for it to finish (H5)", ("input", "kind"),
                              ErrorCode.EXPORT_ALREADY_RUNNING) from None

    started = await in_transaction(uow(), work)
    runner.run(started, rows)
    return started


async def _rows(uow: UnitOfWorkFactory, actor: Actor, request: ExportRequest) -> Callable[[], AsyncIterator[Any]]:
    if request.kind is ExportKind.LEDGER:
        return await exports.ledger_export(uow, actor, request.shop_id, request.shop_given, request.start,
                                           request.end)
    query = claims_scope(actor, request.statuses, request.shop_id, None, request.shop_given, reasons=request.reasons,
                         submitted_from=request.start, submitted_to=request.end)
    return await exports.claims_export(uow, actor, query, request.shop_id, request.shop_given)


async def my_exports(uow: UnitOfWork, actor: Actor, page: Page) -> list[ExportJob]:
    """The requester's own jobs, newest first (another's are never listed, G6)."""
    async with uow:
        return await uow.exports.page(actor.scoped_key, page)


async def my_export(uow: UnitOfWork, actor: Actor, job_id: int | None) -> ExportJob | None:
    """A job of the requester's; another's reads as none (G6)."""
    if job_id is None:
        return None
    async with uow:
        job = await uow.exports.get(job_id)
    return job if job is not None and job.requester_key == actor.scoped_key else None


async def end_interrupted(uow: UnitOfWorkFactory, now: datetime) -> int:
    """H5: every RUNNING job whose process stopped saying it is alive (``LEASE``) ends FAILED, with the reason —
    a job is never left RUNNING for ever. Run at start-up and then every lease by each server process."""
    async def work(writing: UnitOfWork) -> int:
        stale = await writing.exports.interrupted(now - LEASE)
        return sum([await writing.exports.finish(job_id, ExportStatus.FAILED, 0, 0, INTERRUPTED, now, None)
                    for job_id in stale])

    return await in_transaction(uow(), work)


async def record_progress(uow: UnitOfWorkFactory, job_id: int, rows: int, now: datetime) -> None:
    """A running job's heartbeat: how far it got, and that its process is alive."""
    async def work(writing: UnitOfWork) -> None:
        await writing.exports.progress(job_id, rows, now)

    await in_transaction(uow(), work)


async def record_end(uow: UnitOfWorkFactory, job_id: int, status: ExportStatus, rows: int, size: int,
                     error: str | None, now: datetime) -> bool:
    """A job ends once: COMPLETED (its file kept for ``EXPORT_TTL``) or FAILED with ``error``."""
    expires = now + EXPORT_TTL if status is ExportStatus.COMPLETED else None

    async def work(writing: UnitOfWork) -> bool:
        return await writing.exports.finish(job_id, status, rows, size, error, now, expires)

    return await in_transaction(uow(), work)
