from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from domain.reports.services import governance_report
from schema.common.ids import decode_id
from schema.context import Info
from schema.reports.types import GovernanceReport


@strawberry.type
class ReportQueries:
    @strawberry.field(description="F4: MERCHANT (own shop) or PLATFORM.")
    async def governance_report(self, info: Info, from_: Annotated[datetime, strawberry.argument(name="from")],
                                to: datetime, shop_id: strawberry.ID | None = None) -> GovernanceReport:
        ctx = info.context
        shop = decode_id(shop_id, "Shop") if shop_id is not None else None
        report = await governance_report(ctx.uow(write=False), ctx.actor, ctx.clock.now(), shop,
                                         shop_id is not None, from_, to)
        return GovernanceReport.of(report)
