"""SPEC E7: deadlines that fire — CLAIM_MERCHANT_RESPONSE_OVERDUE when a claim is still AWAITING_MERCHANT past its
merchantResponseDueAt, APPEAL_OVERDUE when an appeal is still PENDING past its dueAt; each exactly once, ever, under
any number of concurrent callers (a unique key per deadline, not a flag checked in Python)."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from domain.shared.actor import Role
from tests.api.test_events import replay

PROCESS = "mutation { processDeadlines { emitted userErrors { code } } }"


async def _process(api, token, now=None) -> int:
    reply = await api.gql(PROCESS, token=token, now=now)
    assert not reply.errors, reply.errors
    return reply.data["processDeadlines"]["emitted"]


async def _fired(api, world, type_: str) -> list[dict]:
    return (await replay(api, world.platform, types=[type_]))[0]


async def test_e7_an_unanswered_claim_fires_once_after_its_response_time(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line))["claim"]
    _, answered_line = await claims.delivered_line(shop)
    answered = (await claims.submit(answered_line))["claim"]
    await claims.call("rejectClaim", shop.merchant, claimId=answered["id"], reason="no")
    api.advance(hours=48)
    assert await _process(api, world.service) == 0  # due at 48 h, overdue only after it
    api.advance(seconds=1)
    assert await _process(api, world.service) == 1
    assert await _process(api, world.platform) == 0  # once, ever
    [event] = await _fired(api, world, "CLAIM_MERCHANT_RESPONSE_OVERDUE")
    assert event["subjectId"] == claim["id"] and event["actorRole"] == "SERVICE"
    assert json.loads(event["data"])["dueAt"] == "2026-11-04T02:00:00+00:00"
    seen = {e["type"] for e in (await replay(api, shop.merchant))[0]}  # the shop hears of it (and the buyer)
    assert "CLAIM_MERCHANT_RESPONSE_OVERDUE" in seen
    assert "CLAIM_MERCHANT_RESPONSE_OVERDUE" in {e["type"] for e in (await replay(api, world.buyer))[0]}


async def test_e7_an_undecided_appeal_fires_once_after_its_due_time(api, world, appeals):
    shop = await world.shop()
    review = await appeals.review(shop)
    filed = (await appeals.file(shop, "REVIEW", review, ground="EXTORTION"))["appeal"]
    decided = (await appeals.file(shop, "REVIEW", await appeals.review(shop), ground="EXTORTION"))["appeal"]
    await appeals.decide(decided["id"], False)
    api.advance(days=4)  # due Thursday 5 Nov 23:59:59 Shanghai
    assert await _process(api, world.platform) == 1
    [event] = await _fired(api, world, "APPEAL_OVERDUE")
    assert event["subjectId"] == filed["id"]
    assert await _process(api, world.platform) == 0


async def test_e7_concurrent_callers_fire_each_deadline_once(api, world, claims):
    shop = await world.shop()
    for _ in range(3):
        _, line = await claims.delivered_line(shop)
        await claims.submit(line)
    api.advance(hours=49)
    totals = await asyncio.gather(*[_process(api, world.service) for _ in range(8)])
    assert sum(totals) == 3
    assert len(await _fired(api, world, "CLAIM_MERCHANT_RESPONSE_OVERDUE")) == 3


async def test_e7_only_the_service_and_the_platform_process_deadlines(api, world):
    shop = await world.shop()
    for role in (Role.BUYER, Role.MERCHANT, Role.AGENT, Role.STREAMER):
        token = api.token(role, "someone", shop=shop.id if role in (Role.MERCHANT, Role.AGENT) else None)
        assert (await api.gql(PROCESS, token=token)).codes == ["FORBIDDEN"]


async def test_e7_the_servers_own_task_fires_them(app, settings, world, claims, api):
    """The lifespan's task runs process_deadlines as the system actor; one turn of it, with a clock past the due
    time, fires the deadline (its interval is a setting: the tests run with it off)."""
    from domain.events.deadlines import SYSTEM, process_deadlines
    from domain.shared.clock import FixedClock

    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    await claims.submit(line)
    uow = app.state.graphql.uow
    assert await process_deadlines(uow(), SYSTEM, FixedClock(api.now + timedelta(hours=49))) == 1
    [event] = await _fired(api, world, "CLAIM_MERCHANT_RESPONSE_OVERDUE")
    assert (event["actorRole"], event["actorId"]) == ("SERVICE", "deadlines")


def test_e7_manage_py_deadlines_runs_them_for_cron(database_url, monkeypatch, capsys):
    import manage

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("APP_ENV", "test")
    manage.main(["deadlines"])
    assert capsys.readouterr().out.strip() == "0 deadline events emitted"
