"""Claim operations (SPEC C1–C9, and W7's after-sale coupon returns). Each runs in one transaction; money moves
in the same transaction as the state change that causes it (C7)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from domain.claims import rules
from domain.claims.model import (
    Claim,
    ClaimReason,
    ClaimStatus,
    CompensationProposal,
    Evidence,
    EvidenceKind,
    ForceMajeureCause,
    MerchantWinsReason,
    Payout,
    PayoutStatus,
    Ruling,
    RulingOutcome,
    can_view_claim,
)
from domain.claims.ports import ClaimQuery
from domain.claims.transitions import TRANSITIONS, Action
from domain.coupons.services import return_order_coupons
from domain.events.facts import claim_event, money
from domain.events.model import EventType
from domain.orders.model import Order, OrderStatus, parse_quantity
from domain.shared.actor import Actor, Role
from domain.shared.clock import Clock
from domain.shared.errors import (
    DomainError,
    ErrorCode,
    Forbidden,
    InvalidInput,
    InvalidState,
    NotFound,
    present,
    stored,
)
from domain.shared.messages import msg, term
from domain.shared.money import Money
from domain.shared.text import bounded_text
from domain.shared.uow import UnitOfWork, in_transaction
from domain.shared.validation import Validation
from domain.shops.model import LedgerBucket, LedgerEntryKind
from domain.shops.services import locked_account, save_account
from domain.violations.services import record_breach

MAX_EVIDENCE_PER_CALL = 20
MAX_DESCRIPTION = 1000
MAX_REASON = 500
MAX_STATEMENT = 1000  # C9
MAX_NOTE = 1000  # C6
DEPOSIT_FIRST = (LedgerBucket.DEPOSIT, LedgerBucket.PAYABLES)
PAYABLES_FIRST = (LedgerBucket.PAYABLES, LedgerBucket.DEPOSIT)


@dataclass(frozen=True)
class ClaimPolicy:
    """Platform settings for claims."""

    merchant_response_time: timedelta = timedelta(hours=48)  # C5 default, a platform setting
    after_sale_days: int = 15  # W7 default (AFTER_SALE_DAYS), natural days after the sign-off


@dataclass(frozen=True)
class EvidenceRequest:
    kind: EvidenceKind
    upload_id: str


@dataclass(frozen=True)
class SubmitClaim:
    order_line_id: int | None
    reason: ClaimReason
    damaged_quantity: Decimal | str
    description: str | None
    evidence: list[EvidenceRequest]


@dataclass(frozen=True)
class RuleClaim:
    claim_id: int | None
    outcome: RulingOutcome
    merchant_wins_reason: MerchantWinsReason | None = None
    agreed_penalty: Money | None = None
    force_majeure_cause: ForceMajeureCause | None = None
    note: str | None = None


@dataclass(frozen=True)
class RespondToEscalation:
    claim_id: int | None
    statement: str
    evidence: list[EvidenceRequest]


def _transition(claim: Claim, action: Action, actor: Actor) -> None:
    allowed = TRANSITIONS[action]
    if actor.role is not allowed.role:
        raise Forbidden(msg("only {role} may do this", role=term(allowed.role)))
    if claim.status not in allowed.sources:
        raise InvalidState(msg("the claim is {status}; that is not possible now",
            status=term(claim.status)), ("input", "claimId"))
    if allowed.target is not None:
        claim.status = allowed.target


async def evidence_from_uploads(
    uow: UnitOfWork, actor: Actor, requests: list[EvidenceRequest], at: datetime
) -> list[Evidence]:
    """Evidence from the actor's own uploads; someone else's upload reads as not found."""
    if len(requests) > MAX_EVIDENCE_PER_CALL:
        raise InvalidInput(msg("at most {max} evidence files at once",
            max=MAX_EVIDENCE_PER_CALL), ("input", "evidence"))
    uploads = await uow.uploads.get_many([r.upload_id for r in requests])
    items = []
    for i, request in enumerate(requests):
        upload = uploads.get(request.upload_id)
        if upload is None or upload.owner_id != actor.user_id or upload.owner_role is not actor.role:
            raise NotFound("no such upload of yours", ("input", "evidence", i, "uploadId"))
        items.append(Evidence(request.kind, upload.id, upload.facts.sha256, at, actor.user_id,
                              submitted_by=actor.role))
    return items


async def submit_claim(uow: UnitOfWork, actor: Actor, clock: Clock, policy: ClaimPolicy, request: SubmitClaim) -> Claim:
    """BUYER files a claim on a line of their delivered order (C1–C4). H2: every problem with the request is found
    before it is refused — the text, the quantity, the line's state, the window, the evidence."""
    actor.require(Role.BUYER)
    now = clock.now()
    given = Validation()
    description = request.description
    if description is not None:
        description = given(bounded_text, description, field=("input", "description"),
                            max_len=MAX_DESCRIPTION) or None
    quantity = given(parse_quantity, request.damaged_quantity, ("input", "damagedQuantity"))

    async def work(uow: UnitOfWork) -> Claim:
        check = given.branch()
        line_id = request.order_line_id
        line = (await uow.orders.lines_by_ids([line_id])).get(line_id) if line_id is not None else None
        order = await uow.orders.get(present(line.order_id, "the line's order"), lock=True) if line else None
        if line is None or order is None or order.buyer_id != actor.user_id:
            raise check.fail(NotFound("no such order line", ("input", "orderLineId")))
        if order.signed_at is None:
            raise check.fail(DomainError(
                "the order has not been signed for (C2)", ("input", "orderLineId"), ErrorCode.NOT_DELIVERED))
        if order.status is not OrderStatus.DELIVERED:
            raise check.fail(InvalidState(msg("the order is {status}", status=term(order.status)),
                                          ("input", "orderLineId")))
        if quantity is not None and quantity > line.quantity:
            check.add(InvalidInput(msg("at most the line's quantity, {quantity}",
                                       quantity=format(line.quantity.normalize(), "f")), ("input", "damagedQuantity")))
        product = (await uow.products.get_many([line.product_id]))[line.product_id]
        covered = rules.covered_by_guarantee(product.fresh, request.reason)
        if covered and not rules.within_window(order.signed_at, now):
            check.add(DomainError("a guarantee claim is due within 24 hours of the sign-off (C2)",
                                  ("input", "orderLineId"), ErrorCode.CLAIM_WINDOW_CLOSED))
        try:
            evidence = await evidence_from_uploads(uow, actor, request.evidence, now)
        except DomainError as error:
            check.add(error)
            evidence = None
        if covered and evidence is not None and not rules.evidence_complete(evidence):
            check.add(DomainError("a guarantee claim needs DAMAGE_DETAIL, WAYBILL and OVERALL photos, or a "
                                  "COURIER_CERTIFICATE (C3)", ("input", "evidence"), ErrorCode.EVIDENCE_INCOMPLETE))
        line_pk = stored(line.id)
        earlier = await uow.claims.for_line(line_pk)
        if any(c.is_open for c in earlier):
            check.add(DomainError(
                "this line already has an open claim", ("input", "orderLineId"), ErrorCode.CLAIM_ALREADY_OPEN))
        if any(c.refunded.fen > 0 for c in earlier):
            check.add(InvalidState("this line was already compensated", ("input", "orderLineId")))
        check.done()  # nothing is written before this
        assert quantity is not None and evidence is not None  # each was recorded as a problem when missing
        damaged = quantity
        paid = line.paid_amount
        first = order.first_claim_id is None
        claim = Claim(
            order_id=stored(order.id), order_line_id=line_pk, shop_id=order.shop_id, buyer_id=actor.user_id,
            reason=request.reason, covered=covered, damaged_quantity=damaged, description=description,
            submitted_at=now, merchant_response_due_at=now + policy.merchant_response_time,
            standard_refund=rules.standard_refund(paid, damaged, line.quantity), evidence=evidence,
            counts_toward_return_rate=first and rules.first_after_sale_counts(request.reason),
        )
        await uow.claims.add(claim)
        if first:  # A5: written conditionally on the order's version, so of two racing claims one is first
            order.first_claim_id = claim.id
            await uow.orders.update(order)
        if claim.counts_toward_return_rate:
            await uow.scores.add(claim.shop_id, counted_claims=1)
        await uow.events.record(claim_event(EventType.CLAIM_SUBMITTED, claim, actor, now, reason=claim.reason.value,
                                            covered=claim.covered, standardRefund=money(claim.standard_refund)))
        return claim

    return await in_transaction(uow, work)


async def _act(uow: UnitOfWork, actor: Actor, claim_id: int | None, action: Action,
               change: Callable[[UnitOfWork, Claim], Awaitable[None]], now: datetime,
               visible: Callable[[Actor, Claim], bool] = can_view_claim) -> Claim:
    """Load the claim the actor may see (others read as not found), apply ``change``, write it conditionally."""

    async def work(uow: UnitOfWork) -> Claim:
        claim = await uow.claims.get(claim_id, lock=True) if claim_id is not None else None
        if claim is None or not visible(actor, claim):
            raise NotFound("no such claim", ("input", "claimId"))
        before = claim.status
        await change(uow, claim)
        if action in (Action.ACCEPT, Action.REJECT) and claim.answered_at is None:
            claim.answered_at = now
        if action is Action.ESCALATE:
            claim.escalated_at = now
        if claim.proposal is not None and claim.proposal.accepted_at is None and not claim.is_open:
            claim.proposal = None  # C5: an offer not accepted lapses when the claim is decided another way
        await uow.claims.update(claim)
        await uow.events.record(claim_event(EventType(f"CLAIM_{action.value}"), claim, actor, now,
                                            previousStatus=before.value, **_facts(action, claim)))
        return claim

    return await in_transaction(uow, work)


def _facts(action: Action, claim: Claim) -> dict[str, Any]:
    """E2: what else an event of ``action`` says, beyond the claim, its order and its status."""
    if action is Action.RULE and claim.ruling is not None:
        ruling = claim.ruling
        return {"outcome": ruling.outcome.value, "refund": money(ruling.refund), "penalty": money(ruling.penalty),
                "merchantWinsReason": ruling.merchant_wins_reason.value if ruling.merchant_wins_reason else None,
                "forceMajeureCause": ruling.force_majeure_cause.value if ruling.force_majeure_cause else None}
    if action is Action.ACCEPT:
        compensation = claim.payout.compensation if claim.payout else Money.zero()
        return {"refunded": money(claim.refunded), "performedLate": claim.performed_late,
                "compensation": money(compensation)}
    if action is Action.PROPOSE and claim.proposal is not None:
        return {"amount": money(claim.proposal.amount)}
    if action is Action.ACCEPT_COMPENSATION and claim.proposal is not None:
        return {"refunded": money(claim.refunded), "compensation": money(claim.proposal.amount)}
    if action is Action.RECORD_PAYOUT and claim.payout is not None:
        return {"total": money(claim.payout.total), "paidAt": now_iso(claim.payout.paid_at)}
    if action is Action.REJECT:
        return {"reason": claim.merchant_reject_reason}
    return {}


async def _refund(uow: UnitOfWork, claim: Claim, order: Order, amount: Money, actor: Actor, now: datetime,
                  policy: ClaimPolicy) -> None:
    """The buyer gets ``amount`` back on this claim. W7: when it makes the order fully refunded and the claim was
    filed within the after-sale period, the order's coupons come back with their original validity. The order is
    written by the caller, conditionally on its version, so two refunds of one order never both miss (or both
    see) the full refund."""
    claim.refunded = claim.refunded + amount
    if order.record_after_sale_refund(amount, claim.submitted_at, policy.after_sale_days):
        await return_order_coupons(uow, order, actor, now)


def now_iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _pay_buyer(claim: Claim, refund: Money, compensation: Money) -> None:
    """C5: every claim that pays the buyer shows what it pays, PENDING until the payment service confirms it."""
    if refund.fen or compensation.fen:
        claim.payout = Payout(refund, compensation)


async def _collect_compensation(uow: UnitOfWork, claim: Claim, refund: Money, compensation: Money,
                                refund_order: tuple[LedgerBucket, LedgerBucket], actor: Actor,
                                now: datetime) -> None:
    """C7: the refund (from ``refund_order``'s buckets) and the compensation (deposit first, then payables, the rest
    as arrears) in one account write; V1: compensation that left the deposit negative could not be collected in
    full, which records a SERVICE_PROMISE_BREACH against the shop."""
    if not (refund.fen or compensation.fen):
        return
    account = await locked_account(uow, claim.shop_id)
    account.collect(refund, LedgerEntryKind.CLAIM_REFUND, refund_order, actor, now, claim.id)
    account.collect(compensation, LedgerEntryKind.CLAIM_PENALTY, DEPOSIT_FIRST, actor, now, claim.id)
    await save_account(uow, account, actor)
    if compensation.fen and account.deposit.fen < 0:
        await record_breach(uow, claim, actor, now)


async def _order_of(uow: UnitOfWork, claim: Claim) -> Order:
    return present(await uow.orders.get(claim.order_id, lock=True), "the claim's order")


async def accept_claim(uow: UnitOfWork, actor: Actor, clock: Clock, claim_id: int | None,
                       policy: ClaimPolicy = ClaimPolicy()) -> Claim:
    """MERCHANT refunds voluntarily: the C4 amount, paid from payables first, then the deposit (C7). C5 late
    performance: a guarantee claim accepted after ``merchantResponseDueAt`` also pays the buyer the order's
    standard penalty as compensation (once per order, as C6), collected as C7 collects a ruling's."""
    actor.require(Role.MERCHANT)
    now = clock.now()

    async def change(uow: UnitOfWork, claim: Claim) -> None:
        _transition(claim, Action.ACCEPT, actor)
        order = await _order_of(uow, claim)
        refund = rules.refund_due(claim.standard_refund, order)
        compensation = Money.zero()
        if rules.performed_late(claim.covered, claim.merchant_response_due_at, now):
            claim.performed_late = True
            if order.charge_penalty(stored(claim.id)) is None:
                compensation = rules.standard_penalty(order.penalty_basis)
        await _collect_compensation(uow, claim, refund, compensation, PAYABLES_FIRST, actor, now)
        await _refund(uow, claim, order, refund, actor, now, policy)
        _pay_buyer(claim, refund, compensation)
        await uow.orders.update(order)

    return await _act(uow, actor, claim_id, Action.ACCEPT, change, now)


async def reject_claim(uow: UnitOfWork, actor: Actor, clock: Clock, claim_id: int | None, reason: str) -> Claim:
    actor.require(Role.MERCHANT)
    text = bounded_text(reason, field=("input", "reason"), max_len=MAX_REASON, min_len=1)

    async def change(_uow: UnitOfWork, claim: Claim) -> None:
        _transition(claim, Action.REJECT, actor)
        claim.merchant_reject_reason = text

    return await _act(uow, actor, claim_id, Action.REJECT, change, clock.now())


async def escalate_claim(uow: UnitOfWork, actor: Actor, clock: Clock, claim_id: int | None) -> Claim:
    """C5: after a rejection, or once the merchant's response time has passed; guarantee claims only."""
    actor.require(Role.BUYER)
    now = clock.now()

    async def change(_uow: UnitOfWork, claim: Claim) -> None:
        if not claim.covered:
            raise DomainError("only bad-order guarantee claims can be escalated to the platform (C1)",
                              ("input", "claimId"), ErrorCode.CLAIM_NOT_COVERED)
        if claim.status is ClaimStatus.AWAITING_MERCHANT and not rules.merchant_may_be_bypassed(
                now, claim.merchant_response_due_at):
            raise InvalidState("the merchant may still answer until merchantResponseDueAt", ("input", "claimId"))
        _transition(claim, Action.ESCALATE, actor)

    return await _act(uow, actor, claim_id, Action.ESCALATE, change, now)


async def withdraw_claim(uow: UnitOfWork, actor: Actor, clock: Clock, claim_id: int | None) -> Claim:
    actor.require(Role.BUYER)

    async def change(uow: UnitOfWork, claim: Claim) -> None:
        _transition(claim, Action.WITHDRAW, actor)
        order = await _order_of(uow, claim)
        if order.first_claim_id == claim.id:  # A5: the next claim of the order becomes its first after-sale
            successor, counts = rules.next_first_after_sale(claim, await uow.claims.for_order(claim.order_id))
            order.first_claim_id = successor.id if successor else None
            if successor is not None and counts:
                successor.counts_toward_return_rate = True
                await uow.claims.update(successor)
                await uow.scores.add(claim.shop_id, counted_claims=1)
            await uow.orders.update(order)
        if claim.counts_toward_return_rate:  # A5: withdrawn claims do not count
            await uow.scores.add(claim.shop_id, counted_claims=-1)
        claim.counts_toward_return_rate = False

    return await _act(uow, actor, claim_id, Action.WITHDRAW, change, clock.now())


async def add_evidence(uow: UnitOfWork, actor: Actor, clock: Clock, claim_id: int | None,
                       requests: list[EvidenceRequest]) -> Claim:
    """C5: during escalation the buyer may add evidence."""
    actor.require(Role.BUYER)
    now = clock.now()
    if not requests:
        raise InvalidInput("add at least one evidence file", ("input", "evidence"))

    async def change(uow: UnitOfWork, claim: Claim) -> None:
        _transition(claim, Action.ADD_EVIDENCE, actor)
        claim.evidence.extend(await evidence_from_uploads(uow, actor, requests, now))

    return await _act(uow, actor, claim_id, Action.ADD_EVIDENCE, change, now)


async def invalidate_evidence(uow: UnitOfWork, actor: Actor, clock: Clock, claim_id: int | None,
                              evidence_id: int | None, reason: str) -> Claim:
    """C3: the platform marks an item as edited or tampered; it no longer counts toward a complete set."""
    actor.require(Role.PLATFORM)
    now = clock.now()
    text = bounded_text(reason, field=("input", "reason"), max_len=MAX_REASON, min_len=1)

    async def change(_uow: UnitOfWork, claim: Claim) -> None:
        _transition(claim, Action.INVALIDATE_EVIDENCE, actor)
        item = next((e for e in claim.evidence if e.id == evidence_id), None)
        if item is None:
            raise NotFound("no such evidence on this claim", ("input", "evidenceId"))
        if item.invalidated:
            raise InvalidState("that evidence is already invalidated", ("input", "evidenceId"))
        item.invalidated, item.invalid_reason, item.invalidated_at, item.invalidated_by = True, text, now, actor.user_id

    return await _act(uow, actor, claim_id, Action.INVALIDATE_EVIDENCE, change, now)


async def respond_to_escalation(uow: UnitOfWork, actor: Actor, clock: Clock, request: RespondToEscalation) -> Claim:
    """C9: a merchant of the claim's shop gives the shop's side once, while the claim is escalated: a statement and
    at least one evidence file (any kinds) from the merchant's own uploads. Once is decided by the claim's
    conditional write: of two racing responses the second finds the statement set."""
    actor.require(Role.MERCHANT)
    now = clock.now()
    statement = bounded_text(request.statement, field=("input", "statement"), max_len=MAX_STATEMENT, min_len=1)
    if not request.evidence:
        raise InvalidInput("respond with at least one evidence file (C9)", ("input", "evidence"))

    async def change(uow: UnitOfWork, claim: Claim) -> None:
        _transition(claim, Action.RESPOND, actor)
        if claim.merchant_statement is not None:
            raise InvalidState("the shop has already responded to this escalation (C9: once)", ("input", "claimId"))
        claim.evidence.extend(await evidence_from_uploads(uow, actor, request.evidence, now))
        claim.merchant_statement, claim.merchant_responded_at = statement, now

    return await _act(uow, actor, request.claim_id, Action.RESPOND, change, now)


@dataclass(frozen=True)
class ProposeCompensation:
    claim_id: int | None
    amount: Money
    note: str | None = None


async def propose_compensation(uow: UnitOfWork, actor: Actor, clock: Clock, request: ProposeCompensation) -> Claim:
    """C5 (雙方另有約定): once a guarantee claim has failed, a merchant of its shop offers a compensation of at least
    the order's standard penalty (C6, as it stands now); a later offer replaces an earlier one."""
    actor.require(Role.MERCHANT)
    now = clock.now()
    note = bounded_text(request.note, field=("input", "note"), max_len=MAX_NOTE, min_len=1) \
        if request.note is not None else None

    async def change(uow: UnitOfWork, claim: Claim) -> None:
        _transition(claim, Action.PROPOSE, actor)
        if not claim.failed(now):
            raise InvalidState("a compensation may be proposed once the guarantee claim has failed: rejected, "
                               "escalated, or unanswered past merchantResponseDueAt (C5)", ("input", "claimId"))
        minimum = rules.compensation_minimum(await _order_of(uow, claim), claim.id)
        if request.amount < minimum:
            raise DomainError(msg("a compensation may not be below the order's standard penalty, {minimum} (C5)",
                                  minimum=minimum), ("input", "amount"), ErrorCode.COMPENSATION_BELOW_MINIMUM)
        claim.proposal = CompensationProposal(request.amount, note, now, actor.user_id)

    return await _act(uow, actor, request.claim_id, Action.PROPOSE, change, now)


async def accept_compensation(uow: UnitOfWork, actor: Actor, clock: Clock, claim_id: int | None,
                              policy: ClaimPolicy = ClaimPolicy()) -> Claim:
    """C5: the claim's buyer accepts the standing offer. The claim ends REFUNDED with the C4 refund plus the agreed
    amount, both collected as C7 collects a ruling's; the order's penalty counts as charged by this claim (C6 at
    most once), and nothing else of C6 applies to it."""
    actor.require(Role.BUYER)
    now = clock.now()

    async def change(uow: UnitOfWork, claim: Claim) -> None:
        _transition(claim, Action.ACCEPT_COMPENSATION, actor)
        proposal = claim.proposal
        if proposal is None or proposal.accepted_at is not None:
            raise InvalidState("there is no compensation offer to accept on this claim", ("input", "claimId"))
        order = await _order_of(uow, claim)
        refund = rules.refund_due(claim.standard_refund, order)
        order.charge_penalty(stored(claim.id))
        proposal.accepted_at = now
        await _collect_compensation(uow, claim, refund, proposal.amount, DEPOSIT_FIRST, actor, now)
        await _refund(uow, claim, order, refund, actor, now, policy)
        _pay_buyer(claim, refund, proposal.amount)
        await uow.orders.update(order)

    return await _act(uow, actor, claim_id, Action.ACCEPT_COMPENSATION, change, now)


def _payment_service(actor: Actor, _claim: Claim) -> bool:
    return actor.role is Role.SERVICE


async def record_payout(uow: UnitOfWork, actor: Actor, clock: Clock, claim_id: int | None) -> Claim:
    """C5: the payment service confirms that what the claim pays the buyer was paid: once (the claim's versioned
    write decides between two racing confirmations)."""
    actor.require(Role.SERVICE)
    now = clock.now()

    async def change(_uow: UnitOfWork, claim: Claim) -> None:
        if claim.payout is None:
            raise InvalidState("this claim pays the buyer nothing", ("input", "claimId"))
        if claim.payout.status is PayoutStatus.PAID:
            raise InvalidState(msg("the payout was already recorded at {at}",
                                   at=now_iso(claim.payout.paid_at)), ("input", "claimId"))
        _transition(claim, Action.RECORD_PAYOUT, actor)
        claim.payout.status, claim.payout.paid_at = PayoutStatus.PAID, now

    return await _act(uow, actor, claim_id, Action.RECORD_PAYOUT, change, now, visible=_payment_service)


def _ruling_amounts(claim: Claim, order: Order, request: RuleClaim) -> tuple[Money, Money, int | None]:
    """C6: what the merchant pays under each outcome (refund, penalty), and the claim whose ruling already charged
    the order's penalty when that is why this one charges none. BUYER_WINS records this claim on the order as the
    one that charges it (the order is written conditionally, so of two racing rulings one charges)."""
    if not rules.evidence_complete(claim.evidence):
        raise DomainError(
            "the valid evidence no longer makes a complete set (C3); rule MERCHANT_WINS with "
            "EVIDENCE_INVALID or EVIDENCE_INSUFFICIENT",
            ("input", "outcome"),
            ErrorCode.EVIDENCE_INCOMPLETE,
        )
    refund = rules.refund_due(claim.standard_refund, order)
    if request.outcome is RulingOutcome.FORCE_MAJEURE:
        return refund, Money.zero(), None
    charged_on = order.charge_penalty(stored(claim.id))
    if charged_on is not None:
        if request.agreed_penalty is not None:
            raise DomainError(
                "this order's penalty was already charged on another claim (C6: once per order); "
                "rule without agreedPenalty",
                ("input", "agreedPenalty"),
                ErrorCode.PENALTY_ALREADY_CHARGED,
            )
        return refund, Money.zero(), charged_on
    penalty = rules.standard_penalty(order.penalty_basis)
    if request.agreed_penalty is not None:
        if request.agreed_penalty < penalty:
            raise DomainError(msg("an agreed penalty may not be below the platform amount {penalty}", penalty=penalty),
                              ("input", "agreedPenalty"), ErrorCode.PENALTY_BELOW_MINIMUM)
        penalty = request.agreed_penalty
    return refund, penalty, None


def _check_ruling_input(request: RuleClaim) -> None:
    wins = request.outcome is RulingOutcome.MERCHANT_WINS
    if wins and request.merchant_wins_reason is None:
        raise InvalidInput("MERCHANT_WINS needs a merchantWinsReason", ("input", "merchantWinsReason"))
    if not wins and request.merchant_wins_reason is not None:
        raise InvalidInput("merchantWinsReason goes with MERCHANT_WINS only", ("input", "merchantWinsReason"))
    if request.agreed_penalty is not None and request.outcome is not RulingOutcome.BUYER_WINS:
        raise InvalidInput("an agreed penalty goes with BUYER_WINS only", ("input", "agreedPenalty"))
    force_majeure = request.outcome is RulingOutcome.FORCE_MAJEURE
    if force_majeure and request.force_majeure_cause is None:
        raise InvalidInput("FORCE_MAJEURE names its cause (forceMajeureCause)", ("input", "forceMajeureCause"))
    if not force_majeure and request.force_majeure_cause is not None:
        raise InvalidInput("forceMajeureCause goes with FORCE_MAJEURE only", ("input", "forceMajeureCause"))


async def rule_claim(uow: UnitOfWork, actor: Actor, clock: Clock, request: RuleClaim,
                     policy: ClaimPolicy = ClaimPolicy()) -> Claim:
    """C6/C7: the platform rules on an escalated claim and collects in the same transaction: deposit first, then
    payables, the rest as arrears on the deposit; one ledger entry per movement, tied to the claim. The penalty
    is the order's, charged at most once per order; a refund that completes the order's refund returns its
    coupons (W7)."""
    actor.require(Role.PLATFORM)
    _check_ruling_input(request)
    note = bounded_text(request.note, field=("input", "note"), max_len=MAX_NOTE, min_len=1) \
        if request.note is not None else None
    now = clock.now()

    async def change(uow: UnitOfWork, claim: Claim) -> None:
        _transition(claim, Action.RULE, actor)
        refund, penalty, charged_on = Money.zero(), Money.zero(), None
        if request.outcome is not RulingOutcome.MERCHANT_WINS:
            order = await _order_of(uow, claim)
            refund, penalty, charged_on = _ruling_amounts(claim, order, request)
            await _collect_compensation(uow, claim, refund, penalty, DEPOSIT_FIRST, actor, now)
            await _refund(uow, claim, order, refund, actor, now, policy)
            _pay_buyer(claim, refund, penalty)
            await uow.orders.update(order)
        claim.ruling = Ruling(request.outcome, request.merchant_wins_reason, refund, penalty, now, actor.user_id,
                              force_majeure_cause=request.force_majeure_cause, note=note,
                              penalty_charged_on_claim_id=charged_on)

    return await _act(uow, actor, request.claim_id, Action.RULE, change, now)


def claims_scope(actor: Actor, statuses: Iterable[ClaimStatus] | None, shop_id: int | None, buyer_id: str | None,
                 shop_id_given: bool, **narrowing: Any) -> ClaimQuery:
    """G6 for lists: buyers see their own, shop staff their shop's, the platform all (with its filters). F2's other
    filters (``reasons``, ``submitted_from``/``_to``, ``overdue_at``, ``order_id``) only narrow."""
    status_set = frozenset(statuses) if statuses else None
    if actor.role is Role.PLATFORM:
        scoped = ClaimQuery(status_set, shop_id, buyer_id, nothing=shop_id_given and shop_id is None)
    elif actor.role is Role.BUYER:
        contradicts = (buyer_id not in (None, actor.user_id)) or shop_id_given and shop_id is None
        scoped = ClaimQuery(status_set, shop_id, actor.user_id, nothing=contradicts)
    elif actor.role in (Role.MERCHANT, Role.AGENT):
        contradicts = shop_id_given and shop_id != actor.shop_id
        scoped = ClaimQuery(status_set, actor.shop_id, buyer_id, nothing=contradicts)
    else:
        raise Forbidden("claims are listed for buyers, shop staff and the platform")
    unmatchable = bool(narrowing.pop("nothing", False))  # a filter value that cannot match (an undecodable id)
    return replace(scoped, nothing=scoped.nothing or unmatchable, **narrowing)
