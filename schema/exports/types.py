"""H5: an export job as its requester sees it."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.exports import model
from domain.exports.services import my_export
from schema.common.ids import encode_id
from schema.common.node import Node, register_node
from schema.context import Info

ExportKind = model.ExportKind
strawberry.enum(model.ExportKind, name="ExportKind")
ExportStatus = model.ExportStatus
strawberry.enum(model.ExportStatus, name="ExportStatus")


@strawberry.type(description="H5: a CSV export made in the background (as Shopify's bulk operations), listed and "
                             "polled by its requester only.")
class Export(Node):
    id: strawberry.ID
    kind: ExportKind
    row_count: int = strawberry.field(description="Rows written so far; all of them once COMPLETED.")
    file_size: int = strawberry.field(description="The file's bytes once COMPLETED (UTF-8 with a BOM), else 0.")
    created_at: datetime
    completed_at: datetime | None = strawberry.field(description="When it ended, COMPLETED or FAILED.")
    expires_at: datetime | None = strawberry.field(description="When the file is no longer served (a week after "
                                                               "it was made).")
    error_message: str | None = strawberry.field(description="Why it FAILED (in English), else null.")
    job: strawberry.Private[model.ExportJob]

    @strawberry.field(description="RUNNING, then COMPLETED or FAILED; a COMPLETED file past `expiresAt` is EXPIRED.")
    def status(self, info: Info) -> ExportStatus:
        return self.job.status_at(info.context.clock.now())

    @strawberry.field(description="H4/H5: a link to the file, signed for you, that opens without a token for "
                                  "LINK_TTL_SECONDS; null until COMPLETED and after it EXPIRED. Read it again for a "
                                  "fresh one.")
    def url(self, info: Info) -> str | None:
        ctx = info.context
        if self.job.status_at(ctx.clock.now()) is not model.ExportStatus.COMPLETED:
            return None
        return ctx.policies.links.sign(f"/exports/jobs/{self.job.id}.csv", ctx.actor, ctx.clock.now())

    @staticmethod
    def of(job: model.ExportJob) -> Export:
        return Export(id=encode_id("Export", job.id or 0), kind=job.kind, row_count=job.row_count,
                      file_size=job.file_size, created_at=job.created_at, completed_at=job.completed_at,
                      expires_at=job.expires_at, error_message=job.error, job=job)


async def load_export(info: Info, pk: int) -> Export | None:
    ctx = info.context
    job = await my_export(ctx.uow(write=False), ctx.actor, pk)
    return Export.of(job) if job is not None else None


register_node("Export", load_export)
