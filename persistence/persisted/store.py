"""Automatic persisted queries (Apollo's protocol): documents registered by hash, shared by every server process
through the database, bounded in number (the oldest go first). A hash always names the same text, so each process
keeps what it has read in memory, as bounded as the table."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

from sqlalchemy import Column, Text, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel, col

from persistence.db import Database
from persistence.shared.types import UTCDateTime


class PersistedQueryRow(SQLModel, table=True):
    __tablename__ = "persisted_queries"

    sha256: str = Field(primary_key=True, max_length=64)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    registered_by: str | None = Field(default=None, max_length=200, index=True)  # the caller (APQ_PER_CALLER)


class SqlPersistedQueries:
    def __init__(self, database: Database, limit: int, per_caller: int = 100):
        self.database, self.limit, self.per_caller = database, limit, per_caller
        self.known: OrderedDict[str, str] = OrderedDict()

    def _remember(self, digest: str, body: str) -> None:
        self.known[digest] = body
        self.known.move_to_end(digest)
        while len(self.known) > self.limit:
            self.known.popitem(last=False)

    async def find(self, digest: str) -> str | None:
        if digest in self.known:
            self.known.move_to_end(digest)
            return self.known[digest]
        async with self.database.read_sessions() as session:
            body = (await session.execute(select(col(PersistedQueryRow.body)).where(
                col(PersistedQueryRow.sha256) == digest))).scalar_one_or_none()
        if body is not None:
            self._remember(digest, body)
        return body

    async def register(self, digest: str, body: str, now: datetime, caller: str) -> None:
        """Stores the text under its hash (the caller checked that they match and that it ran); past the limit the
        oldest entries go. Registering a hash twice, from two processes at once, stores it once. A caller that
        registered ``per_caller`` documents in the last day registers no more (they still run, by text)."""
        try:
            async with self.database.write_sessions() as session, session.begin():
                mine = (await session.execute(select(func.count()).select_from(PersistedQueryRow).where(
                    col(PersistedQueryRow.registered_by) == caller,
                    col(PersistedQueryRow.created_at) > now - timedelta(days=1)))).scalar_one()
                if mine >= self.per_caller:
                    return
                session.add(PersistedQueryRow(sha256=digest, body=body, created_at=now, registered_by=caller))
                await session.flush()
                excess = (await session.execute(select(func.count()).select_from(PersistedQueryRow))).scalar_one() \
                    - self.limit
                if excess > 0:
                    oldest = select(col(PersistedQueryRow.sha256)).order_by(col(PersistedQueryRow.created_at),
                                                                       col(PersistedQueryRow.sha256)).limit(excess)
                    await session.execute(delete(PersistedQueryRow).where(col(PersistedQueryRow.sha256).in_(
                        oldest.scalar_subquery())))
        except IntegrityError:
            pass  # another request registered it first: the same text
        self._remember(digest, body)
