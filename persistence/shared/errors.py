from __future__ import annotations

from contextlib import asynccontextmanager

from sqlalchemy.exc import IntegrityError

from domain.shared.errors import DomainError


@asynccontextmanager
async def unique_violation_as(error: DomainError):
    """Let a unique constraint decide (races included) and report it as the given domain error."""
    try:
        yield
    except IntegrityError as exc:
        text = str(exc.orig).lower()
        if "unique" in text or "duplicate" in text:
            raise error from exc
        raise
