"""H5's job life on the in-memory unit of work: one RUNNING per requester, a heartbeat keeps a job alive, a job whose
heartbeat stopped ends FAILED with its reason, a job ends once, and a completed file expires after a week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.exports.model import EXPORT_TTL, INTERRUPTED, LEASE, ExportJob, ExportKind, ExportStatus
from domain.exports.services import end_interrupted, record_end, record_progress
from domain.shared.actor import Role
from domain.shared.errors import AlreadyExists
from tests.fakes import FakeUnitOfWork

T0 = datetime(2026, 12, 7, 12, tzinfo=UTC)


def _job(user: str = "m-1") -> ExportJob:
    return ExportJob(ExportKind.LEDGER, Role.MERCHANT, user, 7, "en", T0, heartbeat_at=T0)


async def test_h5_a_job_lives_while_it_beats_and_ends_once():
    uow = FakeUnitOfWork()
    async with uow:
        first, other = await uow.exports.add(_job()), await uow.exports.add(_job("m-2"))
        with pytest.raises(AlreadyExists):
            await uow.exports.add(_job())
        await uow.commit()
    await record_progress(uow, first.id or 0, 50_000, T0 + LEASE)
    assert await end_interrupted(uow, T0 + LEASE + timedelta(seconds=1)) == 1  # the other stopped beating
    async with uow:
        assert (await uow.exports.get(other.id or 0)).error == INTERRUPTED
        running = await uow.exports.get(first.id or 0)
    assert running.status is ExportStatus.RUNNING and running.row_count == 50_000
    done_at = T0 + timedelta(minutes=3)
    assert await record_end(uow, first.id or 0, ExportStatus.COMPLETED, 60_000, 9_000_000, None, done_at)
    assert not await record_end(uow, first.id or 0, ExportStatus.FAILED, 0, 0, "late", done_at)  # ended once
    async with uow:
        done = await uow.exports.get(first.id or 0)
        await uow.exports.add(_job())  # the requester's slot is free again
    assert done.expires_at == done_at + EXPORT_TTL and done.status_at(done_at + EXPORT_TTL) is ExportStatus.EXPIRED
    assert done.status_at(done_at + EXPORT_TTL - timedelta(seconds=1)) is ExportStatus.COMPLETED
