"""H5 on the wire: the runner that writes an export job's file in the background, and ``GET /exports/jobs/{id}.csv``
that hands it to its requester — with a token, or by the signed link ``Export.url`` gives (H4), so a plain
``<a href>`` downloads it.

The runner is a task of the process that took ``startExport``: it writes the same bytes as the streamed GET
(``ledger_file``/``claims_file``) to ``<upload dir>/exports/<id>.part``, renames it ``<id>.csv`` when whole, and
records the end (COMPLETED with rows and size, or FAILED with a reason). While it runs it records how far it got and
that it is alive; a job whose process stopped is ended FAILED by ``end_interrupted`` (every process runs it at start
and then each minute), so none is RUNNING for ever. A process stopping gracefully ends its own jobs FAILED at once."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from domain.exports.model import HEARTBEAT_ROWS, INTERRUPTED, ExportJob, ExportKind, ExportStatus
from domain.exports.services import my_export, record_end, record_progress
from domain.shared.clock import Clock
from domain.shared.links import LinkSigner
from domain.shared.uow import UnitOfWorkFactory
from schema.common.errors import TopLevelCode
from web.asgi import file_problem
from web.auth import Tokens
from web.authentication import file_reader
from web.exports import Labels, claims_file, ledger_file

log = logging.getLogger("aftersales.exports")
HEARTBEAT_SECONDS = 15.0
FILES: dict[ExportKind, Callable[[AsyncIterator[Any], Labels], AsyncIterator[bytes]]] = {
    ExportKind.LEDGER: ledger_file, ExportKind.CLAIMS: claims_file}


def job_path(job_id: int) -> str:
    return f"/exports/jobs/{job_id}.csv"


class ExportJobs:
    def __init__(self, uow: UnitOfWorkFactory, directory: Path, clock: Clock):
        self.uow, self.directory, self.clock = uow, directory, clock
        self.tasks: dict[int, asyncio.Task[None]] = {}

    def file(self, job_id: int) -> Path:
        return self.directory / f"{job_id}.csv"

    def run(self, job: ExportJob, rows: Callable[[], AsyncIterator[Any]]) -> None:
        job_id = job.id or 0
        self.tasks[job_id] = asyncio.create_task(self._write(job, rows), name=f"export-{job_id}")
        self.tasks[job_id].add_done_callback(lambda _task: self.tasks.pop(job_id, None))

    async def _write(self, job: ExportJob, rows: Callable[[], AsyncIterator[Any]]) -> None:
        job_id, count = job.id or 0, 0
        partial = self.directory / f"{job_id}.part"
        beat = time.monotonic()

        async def counted() -> AsyncIterator[Any]:
            nonlocal count, beat
            async for row in rows():
                count += 1
                if count % HEARTBEAT_ROWS == 0 or time.monotonic() - beat > HEARTBEAT_SECONDS:
                    beat = time.monotonic()
                    await self._progress(job_id, count)
                yield row

        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            size = 0
            with partial.open("wb") as out:
                async for chunk in FILES[job.kind](counted(), Labels(job.language)):
                    out.write(chunk)
                    size += len(chunk)
            partial.replace(self.file(job_id))
            await self._finish(job_id, ExportStatus.COMPLETED, count, size, None)
        except asyncio.CancelledError:
            partial.unlink(missing_ok=True)
            await asyncio.shield(self._finish(job_id, ExportStatus.FAILED, count, 0, INTERRUPTED))
            raise
        except Exception as error:  # noqa: BLE001  (whatever stopped it is the job's reason, and logged)
            log.exception("export job %s failed", job_id)
            partial.unlink(missing_ok=True)
            await self._finish(job_id, ExportStatus.FAILED, count, 0, f"the export failed ({type(error).__name__}); "
                                                                      "start it again")

    async def _progress(self, job_id: int, count: int) -> None:
        await record_progress(self.uow, job_id, count, self.clock.now())

    async def _finish(self, job_id: int, status: ExportStatus, count: int, size: int, error: str | None) -> None:
        await record_end(self.uow, job_id, status, count, size, error, self.clock.now())

    async def stop(self) -> None:
        """A graceful stop: each running job ends FAILED (``INTERRUPTED``) rather than waiting for the sweep."""
        running = list(self.tasks.values())
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    async def idle(self) -> None:
        """Waits for the jobs running now (tests and the bench)."""
        await asyncio.gather(*list(self.tasks.values()), return_exceptions=True)


def export_job_routes(tokens: Tokens, uow: UnitOfWorkFactory, jobs: ExportJobs, links: LinkSigner,
                      clock_for: Callable[[Request], Clock]) -> list[Route]:
    async def get(request: Request) -> Response:
        reader = file_reader(request, tokens, links, clock_for(request).now())
        if isinstance(reader, Response):
            return reader
        raw = request.path_params["job_id"]
        job = await my_export(uow(write=False), reader, int(raw)) if raw.isdigit() and len(raw) < 19 else None
        if job is None or job.id is None:
            return file_problem(TopLevelCode.NOT_FOUND, "no such export")
        status = job.status_at(clock_for(request).now())
        if status is not ExportStatus.COMPLETED or not jobs.file(job.id).exists():
            return file_problem(TopLevelCode.NOT_FOUND, "this export has no file (it is running, failed or expired)")
        return FileResponse(jobs.file(job.id), media_type="text/csv; charset=utf-8",
                            filename=f"{job.kind.value.lower()}-{job.id}.csv",
                            headers={"Cache-Control": "private, no-store"})

    return [Route("/exports/jobs/{job_id}.csv", get, methods=["GET"])]
