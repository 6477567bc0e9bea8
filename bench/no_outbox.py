"""The server with its outbox switched off (events are neither written nor fanned out to webhooks): the baseline
`make bench` compares the outbox's cost with. Never served for real."""

from __future__ import annotations

from persistence.events.repository import SqlEventLog


async def _dropped(self: SqlEventLog) -> tuple[bool, bool]:
    self.pending.clear()
    return False, False


SqlEventLog.flush = _dropped  # type: ignore[method-assign]

from server import app  # noqa: E402

__all__ = ["app"]
