"""E7: deadlines that fire. When a claim's ``merchantResponseDueAt`` passes while it is still AWAITING_MERCHANT,
CLAIM_MERCHANT_RESPONSE_OVERDUE is emitted once; when an appeal's ``dueAt`` passes while it is PENDING, APPEAL_OVERDUE
once. "Once, ever, under any number of processes" is a unique key per deadline in the database: of two processes
firing the same deadline, one inserts it and records the event, the other inserts nothing and records nothing."""

from __future__ import annotations

from domain.events.facts import appeal_event, claim_event
from domain.events.model import EventType
from domain.shared.actor import Actor, Role
from domain.shared.clock import Clock
from domain.shared.errors import stored
from domain.shared.uow import UnitOfWork, in_transaction

BATCH = 500  # deadlines fired per transaction; a call loops until none is left
SYSTEM = Actor("deadlines", Role.SERVICE)  # the server's own task and manage.py


async def process_deadlines(uow: UnitOfWork, actor: Actor, clock: Clock) -> int:
    """SERVICE or PLATFORM (or the server's own task): emit the deadline events due as of now; how many."""
    actor.require(Role.SERVICE, Role.PLATFORM)
    now = clock.now()
    emitted = 0
    while True:

        async def work(uow: UnitOfWork) -> tuple[int, bool]:
            fired = 0
            claims = await uow.deadlines.overdue_claims(now, BATCH)
            for claim in claims:
                if await uow.deadlines.fire(EventType.CLAIM_MERCHANT_RESPONSE_OVERDUE, stored(claim.id), now):
                    await uow.events.record(claim_event(
                        EventType.CLAIM_MERCHANT_RESPONSE_OVERDUE, claim, actor, now,
                        dueAt=claim.merchant_response_due_at.isoformat()))
                    fired += 1
            appeals = await uow.deadlines.overdue_appeals(now, BATCH)
            for appeal in appeals:
                if await uow.deadlines.fire(EventType.APPEAL_OVERDUE, stored(appeal.id), now):
                    await uow.events.record(appeal_event(EventType.APPEAL_OVERDUE, appeal, actor, now))
                    fired += 1
            return fired, len(claims) < BATCH and len(appeals) < BATCH

        fired, done = await in_transaction(uow, work)
        emitted += fired
        if done or not fired:
            return emitted
