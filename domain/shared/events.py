"""G5: every state change records who did it and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.shared.actor import Actor, Role
from domain.shared.errors import stored


@dataclass(frozen=True)
class AuditEvent:
    subject_type: str
    subject_id: int
    type: str
    at: datetime
    actor_role: Role
    actor_id: str

    @staticmethod
    def of(subject_type: str, subject_id: int | None, type: str, at: datetime, actor: Actor) -> AuditEvent:
        """An event of a stored subject (its id given once the repository stored it)."""
        return AuditEvent(subject_type, stored(subject_id), type, at, actor.role, actor.user_id)
