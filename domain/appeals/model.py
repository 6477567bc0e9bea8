"""Merchant appeals (SPEC A1–A7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from domain.claims.model import Evidence
from domain.shared.actor import Actor, Role


class AppealKind(str, Enum):
    REVIEW = "REVIEW"
    ARBITRATION = "ARBITRATION"
    COMPENSATION = "COMPENSATION"
    RETURN_RATE = "RETURN_RATE"
    VIOLATION = "VIOLATION"


SCENARIOS = {AppealKind.ARBITRATION: "RULING", AppealKind.COMPENSATION: "RULING"}  # A2


class ReviewAppealGround(str, Enum):
    EXTORTION = "EXTORTION"
    MALICIOUS_COMPETITION = "MALICIOUS_COMPETITION"
    ABUSIVE_CONTENT = "ABUSIVE_CONTENT"
    ADVERTISING = "ADVERTISING"
    PRIVACY_LEAK = "PRIVACY_LEAK"
    INFLUENCER_MISCONDUCT = "INFLUENCER_MISCONDUCT"


class AppealStatus(str, Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class ReviewAppealOutcome(str, Enum):
    SELF_VISIBLE = "SELF_VISIBLE"
    EXCLUDED_FROM_SCORE = "EXCLUDED_FROM_SCORE"


class RestrictionMode(str, Enum):
    NONE = "NONE"
    LIMITED = "LIMITED"
    CLOSED = "CLOSED"


@dataclass
class Appeal:
    kind: AppealKind
    shop_id: int
    subject_id: int  # a review for REVIEW, a claim for the other kinds
    statement: str
    submitted_at: datetime
    due_at: datetime
    due_estimated: bool
    filed_by: str
    ground: ReviewAppealGround | None = None
    evidence: list[Evidence] = field(default_factory=list)
    status: AppealStatus = AppealStatus.PENDING
    decided_at: datetime | None = None
    decided_by: str | None = None
    decision_note: str | None = None
    review_outcomes: tuple[ReviewAppealOutcome, ...] = ()
    evidence_anomaly: bool = False
    version: int = 0
    id: int | None = None

    @property
    def subject_type(self) -> str:
        return {AppealKind.REVIEW: "review", AppealKind.VIOLATION: "violation"}.get(self.kind, "claim")

    @property
    def scenario(self) -> str:
        """A2: the one chance an appeal uses up, per subject: its kind, except that ARBITRATION and COMPENSATION
        are one scenario (仲裁/賠付申訴, 僅有1次申訴機會)."""
        return SCENARIOS.get(self.kind, self.kind.value)

    def overdue(self, now: datetime) -> bool:
        """A4: a pending appeal past its deadline."""
        return self.status is AppealStatus.PENDING and now > self.due_at


@dataclass
class AppealRestriction:
    """A7: LIMITED (at most N per rolling 30 days) or CLOSED, until a date or indefinitely, with a reason."""

    shop_id: int
    mode: RestrictionMode
    reason: str
    set_at: datetime
    set_by: str
    max_per_30_days: int | None = None
    until: datetime | None = None
    automatic: bool = False
    version: int = 0

    def in_force(self, now: datetime) -> bool:
        return self.mode is not RestrictionMode.NONE and (self.until is None or now <= self.until)


def can_view_appeal(actor: Actor, appeal: Appeal) -> bool:
    """The shop's merchants and the platform."""
    return actor.role is Role.PLATFORM or (actor.role is Role.MERCHANT and actor.shop_id == appeal.shop_id)
