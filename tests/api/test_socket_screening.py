"""Penetration test III, findings 2 and 3: over the WebSocket only one subscription runs, and a document is checked
by the same function as over HTTP (``web.documents.screen``) — several operations, trusted documents, size, NUL
and surrogates, depth, aliases and cost — each refused with the protocol's ``error`` message, nothing run and the
socket still open. Real sockets against a served process."""

from __future__ import annotations

import pytest

from tests.api.client import Api
from tests.api.world import World
from tests.api.ws_client import SUBSCRIBE, last_cursor, opened
from tests.conftest import START
from tests.server_process import served

pytestmark = pytest.mark.slow  # server processes

CREDIT = ('mutation Credit($s: ID!) { creditShopAccount(input: {shopId: $s, bucket: DEPOSIT, amount: "1.00"}) '
          '{ userErrors { code } } }')
LIVE = "subscription Live { events { id type } }"
LIVE_AFTER = "subscription Live($after: String) { events(after: $after) { id type } }"


async def _refused(socket, query: str, id: str, **variables) -> str:
    await socket.send({"id": id, "type": "subscribe", "payload": {"query": query, "variables": variables}})
    message = await socket.receive()
    assert message["type"] == "error" and message["id"] == id, message
    return message["payload"][0]["extensions"]["code"]


async def _deposit(world: World, shop) -> str:
    return (await world.account(shop))["deposit"]["amount"]


async def test_only_one_subscription_runs_and_each_bypass_is_refused(settings):
    async with served(settings, GRAPHQL_MAX_DEPTH="7", GRAPHQL_MAX_ALIASES="3") as (port, client):
        api = Api(client, settings.secret_key)
        api.now = START
        world = World(api)
        shop = await world.shop()
        async with opened(port, world.platform) as socket:
            assert await _refused(socket, CREDIT, "1", s=shop.id) == "BAD_REQUEST"
            # a mutation and a subscription, no operationName: refused, not run
            assert await _refused(socket, CREDIT + "\n" + LIVE, "2", s=shop.id) == "BAD_REQUEST"
            assert await _refused(socket, "query { viewer { role } }", "3") == "BAD_REQUEST"
            assert await _refused(socket, LIVE + "  # " + "x" * 1_100_000, "4") == "PAYLOAD_TOO_LARGE"
            assert await _refused(socket, SUBSCRIBE, "5", f={"types": ["CLAIM_RULED"]}, after="a\u0000b") \
                == "BAD_USER_INPUT"
            assert await _refused(socket, 'subscription { events(after: "\\u0000") { id } }', "6") == "BAD_USER_INPUT"
            assert await _refused(socket, "subscription { events { id ", "7") == "GRAPHQL_PARSE_FAILED"
            aliases = "subscription { events { " + " ".join(f"a{n}: id" for n in range(4)) + " } }"
            assert await _refused(socket, aliases, "8") == "TOO_MANY_ALIASES"
            deep = ("subscription { events { subject { ... on Claim { order { lines { product { shop { account { "
                    "deposit { amount } } } } } } } } } }")
            assert await _refused(socket, deep, "9") == "QUERY_TOO_DEEP"
            # the socket is still open, and a proper subscription runs on it
            await world.credit(shop, "DEPOSIT", "2.00")  # an event to subscribe after
            await socket.subscribe("10", query=LIVE_AFTER, after=await last_cursor(world, world.platform))
            await world.credit(shop, "DEPOSIT", "2.00")
            message = await socket.receive()
            assert message["type"] == "next" and message["payload"]["data"]["events"]["type"] == \
                "LEDGER_ENTRY_CREATED"
        assert await _deposit(world, shop) == "4.00"  # none of the refused mutations ran
        async with opened(port, world.platform) as socket:  # a frame past uvicorn's --ws-max-size is never parsed
            await socket.subscribe("1", query=LIVE + "  # " + "x" * 2_200_000)
            code, _reason = await socket.closed()
        assert code == 1009


async def test_trusted_documents_only_holds_on_the_socket(settings):
    async with served(settings, TRUSTED_DOCUMENTS_ONLY="true") as (port, client):
        api = Api(client, settings.secret_key)
        api.now = START
        world = World(api)
        async with opened(port, world.platform) as socket:
            assert await _refused(socket, "subscription { events { id type data } }", "1") == "PERSISTED_QUERY_ONLY"


MALFORMED = [
    '{"type": "subscribe", "id": "1", "payload": "not an object"}',
    '{"type": "subscribe", "id": 7, "payload": {"query": "subscription { events { id } }"}}',
    '{"type": "subscribe", "id": "\\ud800", "payload": {"query": "subscription { events { id } }"}}',
    '{"type": "subscribe", "id": "1", "payload": {"query": 5}}',
    '{"type": "subscribe", "id": "1", "payload": {"query": "subscription { events { id } }", "variables": [1]}}',
    '{"type": 5}',
    '["subscribe"]',
]


async def test_malformed_frames_close_4400_and_two_authorizations_are_refused(settings):
    """Findings 11 and 16: each malformed frame answers the protocol's 4400 (it raised inside the handler: a
    traceback and a 1006), and connection_init with two authorization keys is refused like two HTTP headers."""
    from websockets.asyncio.client import connect

    from tests.api.ws_client import PROTOCOL, Socket

    async with served(settings) as (port, client):
        api = Api(client, settings.secret_key)
        world = World(api)
        for frame in MALFORMED:
            async with opened(port, world.platform) as socket:
                await socket.ws.send(frame)
                code, _reason = await socket.closed()
            assert code == 4400, frame
        async with connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
            socket = Socket(ws)
            await socket.send({"type": "connection_init", "payload": {"Authorization": f"Bearer {world.platform}",
                                                                      "authorization": "Bearer forged"}})
            code, reason = await socket.closed()
        assert code == 4401 and "one Authorization" in reason


async def _origin_outcome(port: int, token: str, origin: str | None) -> str:
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    from tests.api.ws_client import PROTOCOL, Socket

    try:
        async with connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=[PROTOCOL],  # type: ignore[list-item]
                           origin=origin) as ws:  # type: ignore[arg-type]
            socket = Socket(ws)
            await socket.send({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
            try:
                return (await socket.receive())["type"]
            except Exception:  # noqa: BLE001  (closed: the close code says why)
                return f"closed {ws.close_code}"
    except InvalidStatus as refused:
        return f"refused {refused.response.status_code}"


async def test_in_production_a_browsers_origin_must_be_allowed(settings):
    """Finding 16: a browser's Origin must be the API's own site or one of CORS_ORIGINS (Strawberry checks it at the
    handshake; the origins CORS admits over HTTP may now subscribe too, and only they)."""
    import secrets

    key = secrets.token_hex(32)
    for allowed in ("https://shop.example", ""):
        environment = {"APP_ENV": "prod", "METRICS": "false", "CORS_ORIGINS": allowed, "SECRET_KEY": key}
        async with served(settings, **environment) as (port, client):
            token = Api(client, key).token("PLATFORM", "ops-1")
            assert await _origin_outcome(port, token, "https://evil.example") == "refused 403"
            assert await _origin_outcome(port, token, None) == "connection_ack"
            assert await _origin_outcome(port, token, f"http://127.0.0.1:{port}") == "connection_ack"
            if allowed:
                assert await _origin_outcome(port, token, allowed) == "connection_ack"


async def test_sockets_and_subscriptions_are_capped(settings):
    """Finding 12: 1,000 unauthenticated sockets were held 60 s and one buyer held 3,000 subscriptions. Now an idle
    socket is closed after WS_INIT_TIMEOUT_SECONDS, and sockets per process, sockets per caller and subscriptions
    per caller are capped."""
    from websockets.asyncio.client import connect

    from tests.api.ws_client import PROTOCOL, Socket

    environment = {"WS_INIT_TIMEOUT_SECONDS": "1", "WS_MAX_SOCKETS": "3", "WS_MAX_SOCKETS_PER_CALLER": "2",
                   "WS_MAX_SUBSCRIPTIONS_PER_CALLER": "3"}
    async with served(settings, **environment) as (port, client):
        api = Api(client, settings.secret_key)
        world = World(api)
        url = f"ws://127.0.0.1:{port}/graphql"
        async with connect(url, subprotocols=[PROTOCOL]) as idle:  # type: ignore[list-item]
            code, _ = await Socket(idle).closed(timeout=5)
        assert code == 4408
        async with opened(port, world.platform) as first, opened(port, world.platform) as _second:
            async with connect(url, subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
                third = Socket(ws)
                await third.send({"type": "connection_init", "payload": {"Authorization": f"Bearer {world.platform}"}})
                code, _ = await third.closed()
            assert code == 1013  # a third socket of one caller
            shop = await world.shop()
            await world.credit(shop, "DEPOSIT", "1.00")  # an event to subscribe after
            since = await last_cursor(world, world.platform)  # so no subscription can start after the credit
            for n in range(3):
                await first.subscribe(str(n), query=LIVE_AFTER, after=since)
            assert await _refused(first, LIVE, "4") == "TOO_MANY_REQUESTS"
            await first.send({"id": "0", "type": "complete"})
            await first.subscribe("5", query=LIVE_AFTER, after=since)  # one ended: room for another
            await world.credit(shop, "DEPOSIT", "1.00")
            types = {(await first.receive())["id"] for _ in range(3)}
            assert types == {"1", "2", "5"}
            async with opened(port, world.buyer) as _b, connect(url, subprotocols=[PROTOCOL]) as ws:  # type: ignore
                code, reason = await Socket(ws).closed()  # the process holds three sockets: a fourth closes at once
            assert code == 1013 and "try again later" in reason
