from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.reports.model import GovernanceReport


class ReportRepository(Protocol):
    async def governance(self, shop_id: int | None, start: datetime, end: datetime,
                         now: datetime) -> GovernanceReport:
        """F4 by SQL aggregation: counts, sums and a median computed by the database, ``perDay`` grouped by
        Asia/Shanghai date. ``now`` decides which pending appeals are overdue."""
        ...
