"""SIGTERM, gracefully: uvicorn already stops accepting connections and lets in-flight HTTP requests finish (within
``--timeout-graceful-shutdown``), but it ends WebSockets with 1012. Subscribers are told 1001 (going away) first —
the signal runs ``before`` (bounded by ``grace`` seconds), then hands over to the server's own handler."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from types import FrameType
from typing import Any

log = logging.getLogger("aftersales")


def before_sigterm(before: Callable[[], Awaitable[Any]], grace: float) -> Callable[[], None]:
    """Installs the handler (from the event loop's thread, in the lifespan's startup); returns its uninstaller.
    Without a server's handler to hand over to (no uvicorn, or not the main thread) it installs nothing."""
    loop = asyncio.get_running_loop()
    previous = signal.getsignal(signal.SIGTERM)
    if not callable(previous):
        return lambda: None
    running: set[asyncio.Task] = set()

    async def then(sig: int, frame: FrameType | None) -> None:
        try:
            await asyncio.wait_for(before(), grace)
        except Exception:  # noqa: BLE001  (the server shuts down whatever happened here)
            log.exception("shutdown: closing the subscriptions failed")
        previous(sig, frame)

    def handler(sig: int, frame: FrameType | None) -> None:
        def start() -> None:
            task = loop.create_task(then(sig, frame))
            running.add(task)
            task.add_done_callback(running.discard)

        loop.call_soon_threadsafe(start)

    try:
        signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        return lambda: None

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)

    return restore
