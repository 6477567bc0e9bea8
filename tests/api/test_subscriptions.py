"""SPEC E4: live events over graphql-transport-ws, against a served app (uvicorn in a child process): what each
viewer may see and nothing of another tenant's, replay-then-live with `after`, the close codes (4401, 4403, 4410),
and on PostgreSQL two server processes where a subscriber on one sees what commits through the other."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.shared.actor import Role
from persistence.db import is_sqlite
from tests.api.claims_world import Claims
from tests.api.client import Api
from tests.api.world import World
from tests.api.ws_client import last_cursor, opened
from tests.conftest import START
from tests.database import sync_engine
from tests.server_process import served

pytestmark = pytest.mark.slow  # server processes


@pytest.fixture
async def server(settings):
    async with served(settings) as (port, client):
        api = Api(client, settings.secret_key)
        api.now = START
        yield port, World(api)


async def test_e4_a_merchant_sees_its_shops_events_as_they_commit_and_never_another_shops(server):
    port, world = server
    mine, theirs = await world.shop("Mine"), await world.shop("Theirs", merchant="merchant-2")
    await world.credit(mine, "DEPOSIT", "1.00")
    async with opened(port, mine.merchant) as socket:
        await socket.subscribe(after=await last_cursor(world, mine.merchant))
        await world.place(theirs, {"cherries": "1"})
        order = (await world.place(mine, {"cherries": "2"}))["order"]
        first = await socket.next_event()
        assert (first["type"], first["shop"]["id"]) == ("ORDER_PLACED", mine.id)
        assert first["subjectId"] == order["id"]
        assert first["payload"] == {"__typename": "OrderEventPayload", "orderStatus": "AWAITING_PAYMENT"}  # E9
        await world.credit(theirs, "DEPOSIT", "5.00")
        await world.credit(mine, "DEPOSIT", "7.00")
        second = await socket.next_event()  # the other shop's credit, committed before, never arrived
        assert (second["type"], second["shop"]["id"]) == ("LEDGER_ENTRY_CREATED", mine.id)
        assert second["payload"] == {"__typename": "LedgerEventPayload", "amount": {"amount": "7.00"}}
    async with opened(port, mine.agent) as agent:  # an agent: the shop's events but not its ledger (G6)
        await agent.subscribe(f={"types": ["LEDGER_ENTRY_CREATED", "ORDER_PLACED"]},
                              after=await last_cursor(world, mine.agent))
        await world.credit(mine, "DEPOSIT", "1.00")
        await world.place(mine, {"cherries": "1"})
        assert (await agent.next_event())["type"] == "ORDER_PLACED"


async def test_e4_after_replays_what_was_missed_then_goes_live_without_gap_or_repeat(server):
    port, world = server
    shop = await world.shop()
    for amount in ("1.00", "2.00", "3.00"):
        await world.credit(shop, "DEPOSIT", amount)
    async with opened(port, world.platform) as socket:
        await socket.subscribe(f={"types": ["LEDGER_ENTRY_CREATED"]}, after=await last_cursor(world, world.platform))
        await world.credit(shop, "DEPOSIT", "4.00")
        live = await socket.next_event()
        assert '"4.00"' in live["data"]
    async with opened(port, world.platform) as socket:  # a client that stored the first credit's cursor
        replayed = await _replay(world, "LEDGER_ENTRY_CREATED")
        await socket.subscribe(f={"types": ["LEDGER_ENTRY_CREATED"]}, after=replayed[0]["cursor"])
        seen = [await socket.next_event() for _ in range(3)]
        await world.credit(shop, "DEPOSIT", "5.00")
        seen.append(await socket.next_event())
        assert [e["id"] for e in seen[:3]] == [e["id"] for e in replayed[1:4]]
        assert '"5.00"' in seen[3]["data"] and len({e["id"] for e in seen}) == 4


async def _replay(world, kind: str) -> list[dict]:
    reply = await world.api.gql('query($t: [EventType!]) { events(filter: {types: $t}, first: 100) '
                                '{ edges { node { id cursor data } } } }', {"t": [kind]}, token=world.platform)
    return [edge["node"] for edge in reply.data["events"]["edges"]]


async def test_e4_a_missing_bad_or_expired_token_closes_4401_and_a_service_4403(server, settings):
    port, world = server
    async with opened(port, None, ack=False) as socket:
        assert (await socket.closed())[0] == 4401
    async with opened(port, "not-a-token", ack=False) as socket:
        assert (await socket.closed())[0] == 4401
    expired = world.api.token(Role.PLATFORM, "ops", ttl=timedelta(seconds=-1))
    async with opened(port, expired, ack=False) as socket:
        assert (await socket.closed()) == (4401, "the token has expired")
    async with opened(port, world.service, ack=False) as socket:
        assert (await socket.closed())[0] == 4403
    short = world.api.token(Role.PLATFORM, "ops", ttl=timedelta(seconds=1))  # valid now, expires while connected
    async with opened(port, short) as socket:
        await socket.subscribe()
        assert (await socket.closed()) == (4401, "the token has expired")


async def test_e4_only_subscriptions_run_over_the_socket(server):
    port, world = server
    shop = await world.shop()
    credit = ('mutation($s: ID!) { creditShopAccount(input: {shopId: $s, bucket: DEPOSIT, amount: "1.00"}) '
              '{ userErrors { code } } }')
    async with opened(port, world.platform) as socket:
        await socket.subscribe(query=credit, s=shop.id)
        message = await socket.receive()
        assert message["type"] == "error" and message["payload"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert await _replay(world, "LEDGER_ENTRY_CREATED") == []  # nothing ran
    async with opened(port, world.platform) as socket:  # E10: `event` is a webhook payloadQuery's alone
        await socket.subscribe(query="subscription { event { id } }")
        message = await socket.receive()
        assert message["type"] in ("next", "error"), message
        errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
        assert errors[0]["extensions"]["code"] == "INVALID_INPUT" and "payloadQuery" in errors[0]["message"]


async def test_e4_a_subscriber_that_falls_behind_is_closed_4410_and_resumes_from_its_cursor(settings):
    async with served(settings, SUBSCRIBER_QUEUE="1") as (port, client):
        api = Api(client, settings.secret_key)
        api.now = START
        world = World(api)
        claims = Claims(world)
        shop = await world.shop()
        await world.credit(shop, "DEPOSIT", "500.00")
        _, line = await claims.delivered_line(shop)
        claim = (await claims.submit(line))["claim"]
        async with opened(port, shop.merchant) as socket:
            await socket.subscribe(after=await last_cursor(world, shop.merchant))
            accepted = await claims.call("acceptClaim", shop.merchant, claimId=claim["id"])  # two events at once
            assert accepted["userErrors"] == []
            first = await socket.next_event()
            assert first["type"] == "LEDGER_ENTRY_CREATED"
            behind = await socket.receive()
            assert behind["payload"]["errors"][0]["extensions"]["code"] == "SUBSCRIBER_TOO_SLOW"
            code, reason = await socket.closed()
            assert code == 4410 and reason.endswith(first["cursor"])
        async with opened(port, shop.merchant) as socket:
            await socket.subscribe(after=first["cursor"])
            assert (await socket.next_event())["type"] == "CLAIM_ACCEPTED"


async def test_e4_two_server_processes_fan_out_through_the_database(settings):
    """PostgreSQL: LISTEN/NOTIFY. SQLite (penetration test III, finding 13: two workers on one file): a poll."""
    async with served(settings) as (port_a, _), served(settings) as (_, client_b):
        api = Api(client_b, settings.secret_key)
        api.now = START
        world = World(api)
        shop = await world.shop()
        await world.credit(shop, "DEPOSIT", "0.50")
        async with opened(port_a, shop.merchant) as socket:
            await socket.subscribe(after=await last_cursor(world, shop.merchant))
            for n in range(20):  # committed through process B, seen on process A, in order
                await world.credit(shop, "DEPOSIT", f"{n + 1}.00")
            seen = [await socket.next_event() for _ in range(20)]
            assert [f'"{n + 1}.00"' in e["data"] for n, e in enumerate(seen)] == [True] * 20
            if is_sqlite(settings.database_url):
                return  # no listener to kill
            with sync_engine(settings.database_url).begin() as conn:  # every listener's connection dies
                killed = conn.exec_driver_sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                              "WHERE query LIKE 'LISTEN events%%'").scalar_one()
            assert killed == 2
            await world.credit(shop, "DEPOSIT", "99.00")  # process A reconnects and reads the table again
            assert '"99.00"' in (await socket.next_event())["data"]
