"""E4 over WebSocket: graphql-transport-ws, authenticated by the JWT in ``connection_init``.

Close codes a client sees (besides the protocol's own, 4400/4408/4409/4429/4406):
- 4401 no token, a bad one, or the token expired (also while connected: the socket closes when ``exp`` passes);
- 4403 a valid token whose role may not subscribe (SERVICE);
- 4410 a subscription fell behind its bounded queue: the close reason holds the cursor to resume from;
- 1001 the server is shutting down (SIGTERM): reconnect and resume after the last event received.

Only subscriptions run over the socket: queries and mutations go over HTTP, where idempotency keys, trusted
documents and the HTTP status rules apply."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar

import orjson
from graphql import OperationType
from graphql.error import GraphQLError
from starlette.websockets import WebSocketDisconnect
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler, Operation
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
    SubscribeMessage,
)

from domain.shared.actor import Role
from domain.shared.messages import msg
from domain.shared.text import is_clean_text
from schema.common.errors import TopLevelCode
from schema.context import Context
from schema.limits import core_schema, measure
from schema.throttling import throttled_error
from web.auth import Tokens
from web.documents import Refusal, parsed, parsed_off_loop, screen

UNAUTHORIZED, FORBIDDEN, FELL_BEHIND, GOING_AWAY, TRY_AGAIN_LATER = 4401, 4403, 4410, 1001, 1013
log = logging.getLogger("aftersales.websocket")


def _authorization(params: dict[str, Any]) -> tuple[str | None, str | None]:
    """The token's header from ``connection_init``, or why there is none usable: two ``authorization`` keys (in any
    case) are refused, as HTTP refuses two Authorization headers."""
    found = [value for key, value in params.items() if isinstance(key, str) and key.lower() == "authorization"]
    if len(found) > 1:
        return None, "send one Authorization in connection_init, not several"
    if found and not isinstance(found[0], str):
        return None, "Authorization is a string: \"Bearer <token>\""
    return (found[0] if found else None), None


def _type_name(message: object) -> str:
    kind = message.get("type") if isinstance(message, dict) else None
    return kind if isinstance(kind, str) and is_clean_text(kind) and len(kind) < 40 else "unknown"


def _optional_dict(value: object) -> bool:
    return value is None or isinstance(value, dict)


def malformed(message: object) -> str | None:
    """Why a graphql-transport-ws frame does not have its message type's shape, or None."""
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return "a message is a JSON object with a string `type`"
    kind = message["type"]
    if kind in ("connection_init", "ping", "pong"):
        return None if _optional_dict(message.get("payload")) else f"{kind}'s payload is an object"
    if kind in ("subscribe", "complete"):
        identifier = message.get("id")
        if not isinstance(identifier, str) or not identifier or len(identifier) > 200 \
                or not is_clean_text(identifier):
            return f"{kind} needs an `id`: a non-empty string of valid text"
        if kind == "complete":
            return None
        payload = message.get("payload")
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            return "subscribe's payload is an object with a string `query`"
        if not (payload.get("operationName") is None or isinstance(payload.get("operationName"), str)):
            return "`operationName` is a string"
        if not _optional_dict(payload.get("variables")) or not _optional_dict(payload.get("extensions")):
            return "`variables` and `extensions` are objects"
        return None
    return None  # an unknown type: the protocol's own answer (4400 Unknown message type)


@dataclass
class SocketLimits:
    """Penetration test III, finding 12 (WS_MAX_SOCKETS, WS_MAX_SOCKETS_PER_CALLER, WS_MAX_SUBSCRIPTIONS_PER_CALLER;
    WS_INIT_TIMEOUT_SECONDS is the GraphQL app's ``connection_init_wait_timeout``): sockets open in this process,
    and per caller (role and user) the sockets and the subscriptions running, over all of its sockets."""

    max_sockets: int = 1000
    max_sockets_per_caller: int = 10
    max_subscriptions_per_caller: int = 50
    sockets: int = 0
    callers: Counter[str] = field(default_factory=Counter)
    subscriptions: Counter[str] = field(default_factory=Counter)


class TransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    expiry: asyncio.TimerHandle | None = None
    live: ClassVar[weakref.WeakSet[TransportWS]] = weakref.WeakSet()  # acknowledged connections of this process
    caller_key: str | None = None
    counted = False

    @property
    def limits(self) -> SocketLimits:
        return self.view.socket_limits  # type: ignore[attr-defined]

    async def handle(self) -> None:
        """The process's cap on open sockets, before anything else: past it the socket closes 1013 (try again
        later) at once, so a flood of idle sockets cannot hold the process."""
        limits = self.limits
        if limits.sockets >= limits.max_sockets:
            await self._close(TRY_AGAIN_LATER, "too many sockets on this server: try again later")
            return
        limits.sockets += 1
        self.counted = True
        try:
            await super().handle()
        finally:
            limits.sockets -= 1
            if self.caller_key is not None:
                limits.callers[self.caller_key] -= 1
                if limits.callers[self.caller_key] <= 0:
                    del limits.callers[self.caller_key]

    @classmethod
    async def close_all(cls, code: int = GOING_AWAY, reason: str = "the server is shutting down: reconnect and "
                                                                  "resume after the last event you received") -> None:
        await asyncio.gather(*(connection._close(code, reason) for connection in list(cls.live)))

    async def handle_message(self, message: Message) -> None:
        """Every frame is checked against the protocol's shapes before it is handled: a malformed one closes the
        socket with 4400 and one log line (it used to raise inside the handler: a traceback and a 1006 per frame),
        and an id that is not clean text (a lone surrogate) is malformed too."""
        problem = malformed(message)
        if problem is not None:
            log.info("websocket: malformed %s frame closed with 4400: %s", _type_name(message), problem)
            await self._close(4400, problem)
            return
        await super().handle_message(message)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload") or {}
        if self.connection_init_received or not isinstance(payload, dict):
            await super().handle_connection_init(message)  # the protocol's own closes (4429, 4400)
            return
        tokens: Tokens = self.view.tokens  # type: ignore[attr-defined]
        header, refusal = _authorization(payload)
        actor, problem = tokens.authenticate(header) if refusal is None else (None, refusal)
        if actor is None:
            if self.connection_init_timeout_task:
                self.connection_init_timeout_task.cancel()
            await self.websocket.close(code=UNAUTHORIZED, reason=problem or "send connection_init with "
                                                                           "{\"Authorization\": \"Bearer <token>\"}")
            return
        if actor.role is Role.SERVICE:
            if self.connection_init_timeout_task:
                self.connection_init_timeout_task.cancel()
            await self.websocket.close(code=FORBIDDEN, reason="SERVICE tokens do not subscribe to events")
            return
        key = actor.caller_key
        if self.limits.callers[key] >= self.limits.max_sockets_per_caller:
            if self.connection_init_timeout_task:
                self.connection_init_timeout_task.cancel()
            await self.websocket.close(code=TRY_AGAIN_LATER, reason=f"at most {self.limits.max_sockets_per_caller} "
                                                                    "sockets per caller: close one first")
            return
        self.limits.callers[key] += 1
        self.caller_key = key
        self.context.caller.actor, self.context.caller.problem = actor, None
        await super().handle_connection_init(message)
        TransportWS.live.add(self)
        expires = tokens.expiry(header)
        if expires is not None:
            delay = max(0.0, expires - time.time())
            self.expiry = asyncio.get_running_loop().call_later(delay, self._expired)

    def _expired(self) -> None:
        task = asyncio.create_task(self._close(UNAUTHORIZED, "the token has expired"))
        task.add_done_callback(self._task_done)

    async def _close(self, code: int, reason: str) -> None:
        with contextlib.suppress(RuntimeError):  # already closed
            await self.websocket.close(code=code, reason=reason)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        """Everything the HTTP path checks about a document (``web.documents.screen``: size, text, trusted
        documents, parsing, one subscription operation, depth, aliases, cost) before anything runs; a refusal is an
        ``error`` message for that id, the socket stays open and nothing ran."""
        if self.connection_acknowledged:
            payload = message.get("payload") or {}
            view = self.view
            settings = view.settings  # type: ignore[attr-defined]
            document = await parsed_off_loop(payload.get("query"), settings.max_body_bytes)
            refusal = screen(payload.get("query"), payload.get("operationName"), payload.get("variables"),
                             document=document,
                             max_bytes=settings.max_body_bytes, allowed=(OperationType.SUBSCRIPTION,),
                             trusted_texts=view.trusted_texts,  # type: ignore[attr-defined]
                             schema=core_schema(view.schema),
                             limits=view.limits,  # type: ignore[attr-defined]
                             must_parse=True)
            if refusal is None and self.caller_key is not None \
                    and self.limits.subscriptions[self.caller_key] >= self.limits.max_subscriptions_per_caller:
                refusal = Refusal(TopLevelCode.TOO_MANY_REQUESTS, msg(
                    "at most {max} subscriptions per caller at once: complete one first",
                    max=self.limits.max_subscriptions_per_caller))
            if refusal is not None:
                error = GraphQLError(str(refusal.message), extensions={"code": refusal.code.value})
                await self.send_message({"id": message["id"], "type": "error", "payload": [error.formatted]})
                return
            throttled = await self._throttled(payload, document)
            if throttled is not None:
                await self.send_message({"id": message["id"], "type": "error", "payload": [throttled.formatted]})
                return
        key = self.caller_key
        if key is not None:  # counted now, so that subscribes in quick succession see each other
            self.limits.subscriptions[key] += 1
        await super().handle_subscribe(message)
        if key is not None and message["id"] not in self.operations:  # refused by the protocol: nothing runs
            self._uncount(key)

    async def _throttled(self, payload: Any, document: Any) -> GraphQLError | None:
        """H1: a subscription pays its points when it starts (its events are then free); the error to answer when
        the caller's bucket cannot pay."""
        throttle = getattr(self.view, "throttle", None)
        actor = self.context.caller.actor
        if throttle is None or actor is None:
            return None
        variables = payload.get("variables")
        found = measure(core_schema(self.view.schema), document or parsed(payload["query"]),
                        payload.get("operationName"), variables if isinstance(variables, dict) else None)
        if found is None:
            return None
        status = await throttle.spend(actor.scoped_key, found.requested_points, self.context.clock.now().timestamp())
        return None if status.granted else throttled_error(status)

    def _uncount(self, key: str) -> None:
        self.limits.subscriptions[key] -= 1
        if self.limits.subscriptions[key] <= 0:
            del self.limits.subscriptions[key]

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        try:
            await super().run_operation(operation)
        finally:
            if self.caller_key is not None:
                self._uncount(self.caller_key)
        cursor = self.context.fell_behind
        if cursor is not None:  # E4: a subscriber that fell behind is closed, told where to resume
            await self._close(FELL_BEHIND, f"fell behind; resume after cursor {cursor}")

    async def send_message(self, message: Message) -> None:
        """As text frames: the protocol's messages are JSON text, and browser clients (graphql-ws) read a binary
        frame as no message at all. (The app's encoder gives bytes, which the adapter would send as binary.)"""
        try:
            await self.websocket.ws.send_text(orjson.dumps(message).decode())  # type: ignore[attr-defined]
        except WebSocketDisconnect as error:
            raise WebSocketDisconnected from error

    async def shutdown(self) -> None:
        if self.expiry is not None:
            self.expiry.cancel()
        await super().shutdown()
