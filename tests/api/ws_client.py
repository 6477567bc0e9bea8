"""A graphql-transport-ws client (the protocol GraphiQL, Apollo and urql speak) over the `websockets` library,
against a served app: connection_init with the token, then subscribe and read what arrives."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.api.world import World

PROTOCOL = "graphql-transport-ws"
SUBSCRIBE = """subscription($f: EventFilter, $after: String) { events(filter: $f, after: $after) {
  id type cursor subjectId data shop { id }
  payload { __typename ... on LedgerEventPayload { amount { amount } }
    ... on OrderEventPayload { orderStatus: status } }
} }"""


class Socket:
    def __init__(self, ws: ClientConnection):
        self.ws = ws

    async def receive(self, timeout: float = 10) -> dict[str, Any]:
        frame = await asyncio.wait_for(self.ws.recv(), timeout)
        assert isinstance(frame, str), "graphql-transport-ws messages are text frames (browsers drop binary ones)"
        return json.loads(frame)

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def subscribe(self, id: str = "1", query: str = SUBSCRIBE, **variables: Any) -> None:
        await self.send({"id": id, "type": "subscribe", "payload": {"query": query, "variables": variables}})

    async def next_event(self, timeout: float = 10) -> dict[str, Any]:
        message = await self.receive(timeout)
        assert message["type"] == "next", message
        assert not message["payload"].get("errors"), message
        return message["payload"]["data"]["events"]

    async def closed(self, timeout: float = 10) -> tuple[int | None, str]:
        """Waits for the server to close the socket; its code and reason."""
        with contextlib.suppress(ConnectionClosed):
            while True:
                await asyncio.wait_for(self.ws.recv(), timeout)
        return self.ws.close_code, self.ws.close_reason or ""


@contextlib.asynccontextmanager
async def opened(port: int, token: str | None, *, ack: bool = True) -> AsyncIterator[Socket]:
    async with connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
        socket = Socket(ws)
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        await socket.send({"type": "connection_init", "payload": payload})
        if ack:
            assert (await socket.receive())["type"] == "connection_ack"
        yield socket


async def last_cursor(world: World, token: str) -> str:
    """Where a client that has read everything stands. Subscribing with it as `after` is the client's way to miss
    nothing between reading and subscribing, and the tests' way to need no pause for the subscription to start."""
    cursor = None
    while True:
        reply = await world.api.gql("query($a: String) { events(first: 100, after: $a) { pageInfo { endCursor "
                                    "hasNextPage } } }", {"a": cursor}, token=token)
        page = reply.data["events"]["pageInfo"]
        cursor = page["endCursor"] or cursor
        if not page["hasNextPage"]:
            assert cursor is not None, "the tests start from an event"
            return cursor
