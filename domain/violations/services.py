"""Violation operations (SPEC V1–V3). The system records and withdraws SERVICE_PROMISE_BREACH and EVIDENCE_ANOMALY
as part of the change that causes them (same transaction); the platform records and withdraws by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.claims.model import Claim
from domain.events.facts import violation_event
from domain.events.model import EventType
from domain.shared.actor import SHOP_ROLES, Actor, Role
from domain.shared.clock import Clock
from domain.shared.errors import Forbidden, InvalidState, NotFound
from domain.shared.text import bounded_text
from domain.shared.uow import UnitOfWork, in_transaction
from domain.violations import rules
from domain.violations.model import Violation, ViolationKind, ViolationStatus, can_view_violation
from domain.violations.ports import ViolationQuery

MAX_REASON = 500


async def _record(uow: UnitOfWork, violation: Violation, actor: Actor, now: datetime) -> Violation:
    await uow.violations.add(violation)
    await uow.events.record(violation_event(EventType.VIOLATION_RECORDED, violation, actor, now))
    return violation


async def _withdraw(uow: UnitOfWork, violation: Violation, actor: Actor, now: datetime, reason: str) -> None:
    violation.withdraw(actor.user_id, now, reason)
    await uow.violations.update(violation)
    await uow.events.record(violation_event(EventType.VIOLATION_WITHDRAWN, violation, actor, now))


async def record_breach(uow: UnitOfWork, claim: Claim, actor: Actor, now: datetime) -> Violation:
    """V1/C8: compensation owed for a guarantee claim (C5 late performance, C6 BUYER_WINS, an agreement) could not
    be collected in full: the deposit was left negative. Recorded by the system, in force at once."""
    reason = "compensation owed for this claim could not be collected in full: the deposit is in arrears (C7, V1)"
    return await _record(uow, Violation(claim.shop_id, ViolationKind.SERVICE_PROMISE_BREACH, reason, now,
                                        actor.user_id, claim_id=claim.id), actor, now)


async def record_anomaly(uow: UnitOfWork, shop_id: int, appeal_id: int | None, actor: Actor,
                         now: datetime) -> Violation:
    """V1/A7: the platform marked an appeal's rejection as an evidence anomaly (舉證異常)."""
    reason = "an appeal's rejection was marked as an evidence anomaly (A7)"
    return await _record(uow, Violation(shop_id, ViolationKind.EVIDENCE_ANOMALY, reason, now, actor.user_id,
                                        appeal_id=appeal_id), actor, now)


async def withdraw_settled_breaches(uow: UnitOfWork, shop_id: int, deposit_fen: int, actor: Actor,
                                    now: datetime) -> None:
    """V2: the shop's deposit is back to zero or more, so the compensation was in the end paid: its
    SERVICE_PROMISE_BREACH violations are withdrawn automatically."""
    if not rules.settled(deposit_fen):
        return
    for violation in await uow.violations.in_force_breaches(shop_id):
        await _withdraw(uow, violation, actor, now, "the deposit is back to zero or more: the compensation was paid "
                                                   "(V2)")


async def withdraw_on_appeal(uow: UnitOfWork, violation_id: int, appeal_id: int | None, actor: Actor,
                             now: datetime) -> None:
    """A5/V2: a VIOLATION appeal against it was approved."""
    violation = await uow.violations.get(violation_id)
    if violation is not None and violation.in_force:
        await _withdraw(uow, violation, actor, now, f"appeal approved ({appeal_id})")


@dataclass(frozen=True)
class RecordViolation:
    shop_id: int | None
    kind: ViolationKind
    reason: str
    claim_id: int | None = None
    claim_given: bool = False


async def record_violation(uow: UnitOfWork, actor: Actor, clock: Clock, request: RecordViolation) -> Violation:
    """V1: the platform records a violation by hand, with a reason; the claim it names must be the shop's."""
    actor.require(Role.PLATFORM)
    now = clock.now()
    reason = bounded_text(request.reason, field=("input", "reason"), max_len=MAX_REASON, min_len=1)

    async def work(uow: UnitOfWork) -> Violation:
        if request.shop_id is None or not await uow.shops.get_many([request.shop_id]):
            raise NotFound("no such shop", ("input", "shopId"))
        if request.claim_given:
            claim = await uow.claims.get(request.claim_id) if request.claim_id is not None else None
            if claim is None or claim.shop_id != request.shop_id:
                raise NotFound("no such claim of that shop", ("input", "claimId"))
        return await _record(uow, Violation(request.shop_id, request.kind, reason, now, actor.user_id,
                                            claim_id=request.claim_id), actor, now)

    return await in_transaction(uow, work)


async def withdraw_violation(uow: UnitOfWork, actor: Actor, clock: Clock, violation_id: int | None,
                             reason: str) -> Violation:
    """V2: the platform withdraws a violation in force, with a reason; it stays listed and no longer counts."""
    actor.require(Role.PLATFORM)
    now = clock.now()
    text = bounded_text(reason, field=("input", "reason"), max_len=MAX_REASON, min_len=1)

    async def work(uow: UnitOfWork) -> Violation:
        violation = await uow.violations.get(violation_id) if violation_id is not None else None
        if violation is None:
            raise NotFound("no such violation", ("input", "violationId"))
        if not violation.in_force:
            raise InvalidState("the violation was already withdrawn", ("input", "violationId"))
        await _withdraw(uow, violation, actor, now, text)
        return violation

    return await in_transaction(uow, work)


def violations_scope(actor: Actor, shop_id: int | None, shop_given: bool, kinds: list[ViolationKind] | None,
                     statuses: list[ViolationStatus] | None) -> ViolationQuery:
    """V2: the platform lists any shop's (or all), a shop's merchants and agents their own; a filter naming another
    shop matches nothing."""
    query = ViolationQuery(shop_id, frozenset(kinds) if kinds else None, frozenset(statuses) if statuses else None,
                           nothing=shop_given and shop_id is None)
    if actor.role is Role.PLATFORM:
        return query
    if actor.role in SHOP_ROLES:
        return ViolationQuery(actor.shop, query.kinds, query.statuses,
                              nothing=query.nothing or (shop_given and shop_id != actor.shop))
    raise Forbidden("violations are listed for the platform and the shop's staff")


__all__ = ["can_view_violation", "record_anomaly", "record_breach", "record_violation", "violations_scope",
           "withdraw_on_appeal", "withdraw_settled_breaches", "withdraw_violation"]
