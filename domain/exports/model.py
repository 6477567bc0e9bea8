"""H5: an export job and its life: RUNNING, then COMPLETED (a file, for ``EXPORT_TTL``) or FAILED (with a reason);
a completed file past its expiry reads EXPIRED."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from domain.shared.actor import Actor, Role

EXPORT_TTL = timedelta(days=7)  # how long a finished file is kept (Shopify keeps a bulk operation's for a week)
LEASE = timedelta(minutes=2)  # a RUNNING job whose process has not said it is alive for this long was interrupted
HEARTBEAT_ROWS = 50_000  # a running job says it is alive (and how far it got) every this many rows


class ExportKind(str, Enum):
    LEDGER = "LEDGER"
    CLAIMS = "CLAIMS"


class ExportStatus(str, Enum):
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"


INTERRUPTED = "the server stopped while the export ran; start it again"


@dataclass
class ExportJob:
    kind: ExportKind
    requester_role: Role
    requester_id: str
    requester_shop: int | None
    language: str
    created_at: datetime
    status: ExportStatus = ExportStatus.RUNNING
    row_count: int = 0
    file_size: int = 0
    error: str | None = None
    heartbeat_at: datetime | None = None
    completed_at: datetime | None = None
    expires_at: datetime | None = None
    id: int | None = None

    @property
    def requester_key(self) -> str:
        """Whose job (``Actor.scoped_key``): one may run at a time for each."""
        return Actor(self.requester_id, self.requester_role, self.requester_shop).scoped_key

    def status_at(self, now: datetime) -> ExportStatus:
        if self.status is ExportStatus.COMPLETED and self.expires_at is not None and self.expires_at <= now:
            return ExportStatus.EXPIRED
        return self.status
