"""Bad-order compensation claims (SPEC C1–C9)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum

from domain.shared.actor import Actor, Role
from domain.shared.money import Money


class ClaimReason(str, Enum):
    ROTTEN_OR_SPOILED = "ROTTEN_OR_SPOILED"
    DAMAGED = "DAMAGED"
    QUALITY_ISSUE = "QUALITY_ISSUE"
    NOT_AS_DESCRIBED = "NOT_AS_DESCRIBED"
    OTHER = "OTHER"


GUARANTEE_REASONS = frozenset({ClaimReason.ROTTEN_OR_SPOILED, ClaimReason.DAMAGED})
# A5: the product reasons a first after-sale counts for in the return rate (品退率); OTHER is not one [decision]
PRODUCT_REASONS = GUARANTEE_REASONS | {ClaimReason.QUALITY_ISSUE, ClaimReason.NOT_AS_DESCRIBED}


class ClaimStatus(str, Enum):
    AWAITING_MERCHANT = "AWAITING_MERCHANT"
    REFUNDED = "REFUNDED"
    REJECTED = "REJECTED"
    ESCALATED = "ESCALATED"
    RULED = "RULED"
    WITHDRAWN = "WITHDRAWN"


OPEN_STATUSES = frozenset({ClaimStatus.AWAITING_MERCHANT, ClaimStatus.REJECTED, ClaimStatus.ESCALATED})


class EvidenceKind(str, Enum):
    DAMAGE_DETAIL = "DAMAGE_DETAIL"
    WAYBILL = "WAYBILL"
    OVERALL = "OVERALL"
    COURIER_CERTIFICATE = "COURIER_CERTIFICATE"
    CHAT_RECORD = "CHAT_RECORD"
    OTHER = "OTHER"


class RulingOutcome(str, Enum):
    BUYER_WINS = "BUYER_WINS"
    FORCE_MAJEURE = "FORCE_MAJEURE"
    MERCHANT_WINS = "MERCHANT_WINS"


class ForceMajeureCause(str, Enum):
    """C6: the seed's list of force-majeure causes, and OTHER."""

    TRAFFIC_CONTROL = "TRAFFIC_CONTROL"
    COMMUNICATIONS_FAILURE = "COMMUNICATIONS_FAILURE"
    GOVERNMENT_ACTION = "GOVERNMENT_ACTION"
    POSTAL_POLICY_CHANGE = "POSTAL_POLICY_CHANGE"
    WAR = "WAR"
    EARTHQUAKE = "EARTHQUAKE"
    TYPHOON = "TYPHOON"
    FLOOD = "FLOOD"
    FIRE = "FIRE"
    FOG = "FOG"
    HEAVY_RAIN = "HEAVY_RAIN"
    OTHER = "OTHER"


class MerchantWinsReason(str, Enum):
    EVIDENCE_INVALID = "EVIDENCE_INVALID"
    EVIDENCE_INSUFFICIENT = "EVIDENCE_INSUFFICIENT"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    ABUSE = "ABUSE"


@dataclass
class Evidence:
    kind: EvidenceKind
    upload_id: str
    sha256: str
    uploaded_at: datetime
    added_by: str
    invalidated: bool = False
    invalid_reason: str | None = None
    invalidated_at: datetime | None = None
    invalidated_by: str | None = None
    claim_id: int | None = None
    id: int | None = None
    submitted_by: Role = Role.BUYER  # C9: the buyer (claim, escalation) or the shop (its response, an appeal)


@dataclass
class Ruling:
    outcome: RulingOutcome
    merchant_wins_reason: MerchantWinsReason | None
    refund: Money
    penalty: Money
    decided_at: datetime
    decided_by: str
    withdrawn_at: datetime | None = None
    force_majeure_cause: ForceMajeureCause | None = None
    note: str | None = None
    penalty_charged_on_claim_id: int | None = None  # C6: the order's penalty was charged by that claim's ruling


class PayoutStatus(str, Enum):
    PENDING = "PENDING"
    PAID = "PAID"


@dataclass
class Payout:
    """C5: what a claim pays the buyer (賠付給消費者): the refund and the compensation, PENDING until the payment
    service confirms it (PAID, once)."""

    refund: Money
    compensation: Money
    status: PayoutStatus = PayoutStatus.PENDING
    paid_at: datetime | None = None

    @property
    def total(self) -> Money:
        return self.refund + self.compensation


@dataclass
class CompensationProposal:
    """C5 (雙方另有約定): the merchant's offer to settle a failed guarantee claim; the buyer may accept it."""

    amount: Money
    note: str | None
    proposed_at: datetime
    proposed_by: str
    accepted_at: datetime | None = None


@dataclass
class Claim:
    order_id: int
    order_line_id: int
    shop_id: int
    buyer_id: str
    reason: ClaimReason
    covered: bool
    damaged_quantity: Decimal
    description: str | None
    submitted_at: datetime
    merchant_response_due_at: datetime
    standard_refund: Money
    status: ClaimStatus = ClaimStatus.AWAITING_MERCHANT
    refunded: Money = field(default_factory=Money.zero)
    merchant_reject_reason: str | None = None
    ruling: Ruling | None = None
    counts_toward_return_rate: bool = False  # A5: the order's first after-sale, for a product reason
    merchant_statement: str | None = None  # C9: the shop's side while escalated, once
    merchant_responded_at: datetime | None = None
    answered_at: datetime | None = None  # F4: the merchant's first answer (accepted or rejected)
    escalated_at: datetime | None = None  # F4: when the buyer took it to the platform
    evidence: list[Evidence] = field(default_factory=list)
    performed_late: bool = False  # C5: accepted after merchantResponseDueAt (未按時履行)
    payout: Payout | None = None  # C5: set when the claim pays the buyer
    proposal: CompensationProposal | None = None  # C5: the standing (or accepted) agreement offer
    version: int = 0
    id: int | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def failed(self, now: datetime) -> bool:
        """C5: a guarantee claim has failed once it was rejected or escalated, or the merchant's response time
        passed without an answer: only then may the parties agree on a compensation."""
        if not self.covered:
            return False
        if self.status in (ClaimStatus.REJECTED, ClaimStatus.ESCALATED):
            return True
        return self.status is ClaimStatus.AWAITING_MERCHANT and now > self.merchant_response_due_at


def can_view_claim(actor: Actor, claim: Claim) -> bool:
    """G6: the buyer their own, the shop's merchants and agents theirs, the platform all."""
    if actor.role is Role.PLATFORM:
        return True
    if actor.role is Role.BUYER:
        return claim.buyer_id == actor.user_id
    return actor.acts_for_shop(claim.shop_id)
