from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import Column, Index, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from domain.shared.actor import Role
from domain.shared.events import AuditEvent
from persistence.shared.enums import member
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
        rows = await self.session.execute(
            select(AuditEventRow)
            .where(AuditEventRow.subject_type == subject_type, AuditEventRow.subject_id.in_(subject_ids))
            .order_by(AuditEventRow.id)
        )
        found: dict[int, list[AuditEvent]] = defaultdict(list)
        for row in rows.scalars():
            found[row.subject_id].append(
                AuditEvent(row.subject_type, row.subject_id, row.type, row.at, member(Role, row.actor_role), row.actor_id)
            )
        return found
