from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Column, Text, delete, select, update
from sqlmodel import Field, SQLModel, col

from persistence.db import Database
from persistence.shared.types import UTCDateTime


class IdempotencyRow(SQLModel, table=True):
    """Written in the mutation's own transaction (status PENDING), completed with the response afterwards."""

    __tablename__ = "idempotency_keys"

    scope_key: str = Field(primary_key=True, max_length=400)
    request_hash: str = Field(max_length=64)
    status: str = Field(max_length=8)
    response_status: int | None = None
    response_body: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


@dataclass(frozen=True)
class StoredKey:
    request_hash: str
    done: bool
    status: int | None
    body: str | None


class SqlIdempotencyStore:
    def __init__(self, database: Database):
        self.database = database

    async def find(self, scope_key: str, now: datetime) -> StoredKey | None:
        async with self.database.read_sessions() as session:
            row = (
                (await session.execute(select(IdempotencyRow).where(col(IdempotencyRow.scope_key) == scope_key)))
                .scalars()
                .first()
            )
        if row is None:
            return None
        if row.expires_at <= now:
            async with self.database.write_sessions() as session, session.begin():
                await session.execute(delete(IdempotencyRow).where(col(IdempotencyRow.scope_key) == scope_key,
                                                                   col(IdempotencyRow.expires_at) <= now))
            return None
        return StoredKey(row.request_hash, row.status == "DONE", row.response_status, row.response_body)

    async def complete(self, scope_key: str, status: int, body: str) -> None:
        async with self.database.write_sessions() as session, session.begin():
            await session.execute(update(IdempotencyRow).where(col(IdempotencyRow.scope_key) == scope_key)
                                  .values(status="DONE", response_status=status, response_body=body))
