"""H5's storage and its background runner."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any, Protocol

from domain.exports.model import ExportJob, ExportStatus
from domain.shared.clock import Clock
from domain.shared.listing import Page


class ExportJobRepository(Protocol):
    async def add(self, job: ExportJob) -> ExportJob:
        """Raises ``AlreadyExists`` when the requester has a RUNNING job (a unique key, so under any
        concurrency at most one runs)."""
        ...

    async def get(self, job_id: int) -> ExportJob | None: ...

    async def page(self, requester_key: str, page: Page) -> list[ExportJob]:
        """The requester's jobs, newest first, in the order read."""
        ...

    async def progress(self, job_id: int, rows: int, at: datetime) -> None:
        """A running job's heartbeat: how many rows so far, and that its process is alive at ``at``."""
        ...

    async def finish(self, job_id: int, status: ExportStatus, rows: int, size: int, error: str | None,
                     at: datetime, expires_at: datetime | None) -> bool:
        """Ends a RUNNING job (and frees its requester's slot); False when it was no longer running."""
        ...

    async def interrupted(self, alive_since: datetime) -> list[int]:
        """RUNNING jobs whose last heartbeat is older than ``alive_since``."""
        ...


class ExportRunner(Protocol):
    """Writes a job's file in the background and records how it ended (``web/export_jobs.py``)."""

    clock: Clock  # the server's own time: a job's heartbeats are compared across processes

    def run(self, job: ExportJob, rows: Callable[[], AsyncIterator[Any]]) -> None: ...
