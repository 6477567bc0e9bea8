"""H5: ``startExport`` and the requester's ``exports``."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from domain.claims.model import ClaimReason, ClaimStatus
from domain.exports import services
from domain.shared.errors import InvalidInput
from schema.common.errors import UserError
from schema.common.ids import decode_id
from schema.common.mutations import attempt
from schema.common.pagination import Connection, connection, window
from schema.context import Info
from schema.exports.types import Export, ExportKind


class ExportLanguage(str, Enum):
    EN = "en"
    ZH_CN = "zh_CN"


strawberry.enum(ExportLanguage, name="ExportLanguage", description="H6: the language of a file's headers and "
                                                                   "values (numbers, ids and times are the same in "
                                                                   "both).")


@strawberry.input(description="H5: what an export holds, as the streamed GET's parameters say it.")
class ExportFilter:
    shop_id: strawberry.ID | None = None
    from_: datetime | None = strawberry.field(default=None, name="from")
    to: datetime | None = None
    status: list[ClaimStatus] | None = strawberry.field(default=None, description="CLAIMS only.")
    reason: list[ClaimReason] | None = strawberry.field(default=None, description="CLAIMS only.")


@strawberry.input
class StartExportInput:
    kind: ExportKind
    filter: ExportFilter | None = None
    language: ExportLanguage | None = strawberry.field(default=None, description="By default the request's "
                                                                                 "Accept-Language.")


@strawberry.type
class StartExportPayload:
    export: Export | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ExportQueries:
    @strawberry.field(description="H5: your export jobs, newest first.")
    async def exports(self, info: Info, first: int | None = None, after: str | None = None,
                      last: int | None = None, before: str | None = None) -> Connection[Export]:
        ctx, page = info.context, window(first, after, last, before)
        rows = await services.my_exports(ctx.uow(write=False), ctx.actor, page)
        return connection(rows, page, Export.of, lambda job: (job.id,))


@strawberry.type
class ExportMutations:
    @strawberry.mutation(description="H5: starts an export in the background and returns it RUNNING; poll `node(id:)` "
                                     "or `exports` for its status, then download its `url`. One runs per requester "
                                     "at a time (EXPORT_ALREADY_RUNNING). LEDGER: MERCHANT (own shop) or PLATFORM; "
                                     "CLAIMS: as the claims list.")
    async def start_export(self, info: Info, input: StartExportInput) -> StartExportPayload:
        ctx = info.context
        wanted = input.filter or ExportFilter()
        runner = ctx.export_jobs

        async def run():
            if runner is None:
                raise InvalidInput("this server runs no export jobs", ("input", "kind"))
            return await services.start_export(ctx.uow, ctx.actor, ctx.clock, services.ExportRequest(
                input.kind, decode_id(wanted.shop_id, "Shop") if wanted.shop_id is not None else None,
                wanted.shop_id is not None, wanted.from_, wanted.to,
                frozenset(wanted.status) if wanted.status else None,
                frozenset(wanted.reason) if wanted.reason else None,
                input.language.value if input.language else ctx.caller.locale), runner)

        return await attempt(StartExportPayload, run, lambda job: {"export": Export.of(job)})
