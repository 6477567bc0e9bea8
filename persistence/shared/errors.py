from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import IntegrityError


@asynccontextmanager
async def unique_violation_as(error: Exception) -> AsyncIterator[None]:
    """Let a unique constraint decide (races included) and report it as the given domain error."""
    try:
        yield
    except IntegrityError as exc:
        text = str(exc.orig).lower()
        if "unique" in text or "duplicate" in text:
            raise error from exc
        raise
