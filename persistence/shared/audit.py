from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import Column, Index, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from domain.shared.actor import Role
from domain.shared.events import AuditEvent
from persistence.shared.enums import member
from persistence.shared.keys import ByKeys
from persistence.shared.tables import table
from persistence.shared.types import UTCDateTime


class AuditEventRow(SQLModel, table=True):
    """G5: who changed what, when. Append-only."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_subject", "subject_type", "subject_id"),)

    id: int | None = Field(default=None, primary_key=True)
    subject_type: str = Field(max_length=32)
    subject_id: int
    type: str = Field(max_length=48)
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    actor_role: str = Field(max_length=16)
    actor_id: str = Field(max_length=128)


class SqlAuditLog:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def record(self, event: AuditEvent) -> None:
        self.session.add(
            AuditEventRow(
                subject_type=event.subject_type, subject_id=event.subject_id, type=event.type, at=event.at,
                actor_role=event.actor_role.value, actor_id=event.actor_id,
            )
        )
        await self.session.flush()

    async def for_subjects(self, subject_type: str, subject_ids: list[int]) -> dict[int, list[AuditEvent]]:
        rows = await _EVENTS_OF_SUBJECTS(self.session, subject_ids, subject_type=subject_type)
        found: dict[int, list[AuditEvent]] = defaultdict(list)
        for kind, subject_id, type_, at, actor_role, actor_id in rows:  # Core rows: no ORM objects to build
            found[subject_id].append(AuditEvent(kind, subject_id, type_, at, member(Role, actor_role), actor_id))
        return found


_EVENTS = table(AuditEventRow)
_EVENTS_OF_SUBJECTS = ByKeys(
    lambda match: (
        select(
            _EVENTS.c.subject_type,
            _EVENTS.c.subject_id,
            _EVENTS.c.type,
            _EVENTS.c.at,
            _EVENTS.c.actor_role,
            _EVENTS.c.actor_id,
        )
        .where(_EVENTS.c.subject_type == bindparam("subject_type"), match(_EVENTS.c.subject_id))
        .order_by(_EVENTS.c.id)
    )
)
