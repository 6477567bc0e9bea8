"""Violations recorded against a shop (SPEC V1–V3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from domain.shared.actor import Actor, Role


class ViolationKind(str, Enum):
    SERVICE_PROMISE_BREACH = "SERVICE_PROMISE_BREACH"  # 違背服務承諾
    EVIDENCE_ANOMALY = "EVIDENCE_ANOMALY"  # 舉證異常


class ViolationStatus(str, Enum):
    IN_FORCE = "IN_FORCE"
    WITHDRAWN = "WITHDRAWN"


@dataclass
class Violation:
    """V1: a shop's violation, with the claim or appeal it arose from; V2: in force from the moment it is recorded,
    withdrawn (and still listed, with who and why) when the compensation was paid in the end, an appeal against it
    was approved, or the platform withdrew it."""

    shop_id: int
    kind: ViolationKind
    reason: str
    recorded_at: datetime
    recorded_by: str
    claim_id: int | None = None
    appeal_id: int | None = None
    status: ViolationStatus = ViolationStatus.IN_FORCE
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    withdrawal_reason: str | None = None
    version: int = 0
    id: int | None = None

    @property
    def in_force(self) -> bool:
        return self.status is ViolationStatus.IN_FORCE

    def withdraw(self, by: str, at: datetime, reason: str) -> None:
        self.status, self.withdrawn_at, self.withdrawn_by, self.withdrawal_reason = (
            ViolationStatus.WITHDRAWN, at, by, reason)


def can_view_violation(actor: Actor, violation: Violation) -> bool:
    """V2: the platform, and the shop's staff (merchants and agents); other tenants read not found."""
    return actor.role is Role.PLATFORM or actor.acts_for_shop(violation.shop_id)
