"""C5/C6/C9: the one table of allowed transitions. Every transition writes an event with actor and time (G5)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.claims.model import ClaimStatus as S
from domain.shared.actor import Role


class Action(str, Enum):
    SUBMIT = "SUBMITTED"
    ACCEPT = "ACCEPTED"
    REJECT = "REJECTED"
    ESCALATE = "ESCALATED"
    WITHDRAW = "WITHDRAWN"
    ADD_EVIDENCE = "EVIDENCE_ADDED"
    INVALIDATE_EVIDENCE = "EVIDENCE_INVALIDATED"
    RULE = "RULED"
    RESPOND = "MERCHANT_RESPONDED"
    PROPOSE = "COMPENSATION_PROPOSED"
    ACCEPT_COMPENSATION = "COMPENSATION_ACCEPTED"
    RECORD_PAYOUT = "PAYOUT_RECORDED"


@dataclass(frozen=True)
class Transition:
    role: Role
    sources: frozenset[S]
    target: S | None  # None: the status stays


ALL = frozenset(S)
TRANSITIONS: dict[Action, Transition] = {
    # The merchant answers; a merchant who rejected may still change their mind and refund.
    Action.ACCEPT: Transition(Role.MERCHANT, frozenset({S.AWAITING_MERCHANT, S.REJECTED}), S.REFUNDED),
    Action.REJECT: Transition(Role.MERCHANT, frozenset({S.AWAITING_MERCHANT}), S.REJECTED),
    # After a rejection, or once the merchant's response time has passed (checked by the service).
    Action.ESCALATE: Transition(Role.BUYER, frozenset({S.AWAITING_MERCHANT, S.REJECTED}), S.ESCALATED),
    # The buyer may withdraw a claim that is not yet decided.
    Action.WITHDRAW: Transition(Role.BUYER, frozenset({S.AWAITING_MERCHANT, S.REJECTED, S.ESCALATED}), S.WITHDRAWN),
    # During escalation the buyer carries the burden of proof and may add evidence.
    Action.ADD_EVIDENCE: Transition(Role.BUYER, frozenset({S.ESCALATED}), None),
    Action.INVALIDATE_EVIDENCE: Transition(Role.PLATFORM, ALL - {S.WITHDRAWN}, None),
    Action.RULE: Transition(Role.PLATFORM, frozenset({S.ESCALATED}), S.RULED),
    # C9: while escalated, the shop gives its side (once: checked by the service on the claim's statement).
    Action.RESPOND: Transition(Role.MERCHANT, frozenset({S.ESCALATED}), None),
    # C5 agreement: once the guarantee claim has failed (AWAITING_MERCHANT past due: checked by the service).
    Action.PROPOSE: Transition(Role.MERCHANT, frozenset({S.AWAITING_MERCHANT, S.REJECTED, S.ESCALATED}), None),
    Action.ACCEPT_COMPENSATION: Transition(Role.BUYER, frozenset({S.AWAITING_MERCHANT, S.REJECTED, S.ESCALATED}),
                                           S.REFUNDED),
    # C5 payout: the payment service confirms what a claim paid the buyer (any state: the payout says whether).
    Action.RECORD_PAYOUT: Transition(Role.SERVICE, frozenset({S.REFUNDED, S.RULED}), None),
}
