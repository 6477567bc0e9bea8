"""Idempotency keys on mutation requests (as Stripe does): ``Idempotency-Key: <key>``.

The key is recorded by the mutation's own unit of work, in the same transaction as the effect. A replay with the
same key and the same request returns the stored response; the same key with another request is a top-level
IDEMPOTENCY_CONFLICT; concurrent requests with one key produce one effect (the others wait for, then return, the
first one's response). Keys are per caller and expire (IDEMPOTENCY_TTL_HOURS)."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Protocol

import orjson
from graphql import OperationType
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.shared.idempotency import IdempotencyClaim
from domain.shared.messages import msg
from schema.common.errors import TopLevelCode
from web.asgi import json_body, problem, replaying
from web.auth import Tokens
from web.authentication import caller
from web.graphql_http import decided_operation

MAX_KEY = 200
WAIT_FOR_PEER_S = 10.0


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: None if k == "secret" and isinstance(v, str) else _redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return value


def without_secrets(content: bytes) -> str:
    """The response as the key stores it: a secret shown once (a webhook endpoint's ``secret``) is never kept in the
    replay cache, so a replay answers ``secret: null`` and the secret exists only where it signs (penetration test
    III, finding 16)."""
    if b'"secret"' not in content:
        return content.decode()
    try:
        return orjson.dumps(_redact(orjson.loads(content))).decode()
    except orjson.JSONDecodeError:
        return content.decode()


class KeyStore(Protocol):
    async def find(self, scope_key: str, now) -> Any: ...

    async def complete(self, scope_key: str, status: int, body: str) -> None: ...


class Idempotency:
    """ASGI wrapper around the GraphQL endpoint."""

    def __init__(self, app: ASGIApp, store: KeyStore, tokens: Tokens, clock_for: Callable, ttl: timedelta):
        self.app, self.store, self.tokens, self.clock_for, self.ttl = app, store, tokens, clock_for, ttl

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or [])
        key = headers.get(b"idempotency-key")
        if scope["type"] != "http" or scope["method"] != "POST" or key is None:
            return await self.app(scope, receive, send)
        body, payload = await json_body(scope, receive)
        replay = replaying(body)
        actor, _ = caller(scope, self.tokens)
        if not isinstance(payload, dict) or actor is None or decided_operation(scope) is not OperationType.MUTATION:
            return await self.app(scope, replay, send)
        text = key.decode("latin-1").strip()
        if not text or len(text) > MAX_KEY:
            return await problem(TopLevelCode.BAD_USER_INPUT, msg("an Idempotency-Key is 1 to {max} characters",
                max=MAX_KEY))(
                scope, replay, send
            )
        now = self.clock_for(Request(scope)).now()
        scope_key = f"{actor.role.value}:{actor.shop_id or '-'}:{actor.user_id}:{text}"
        digest = hashlib.sha256(json.dumps(
            [payload.get("query"), payload.get("variables"), payload.get("operationName")], sort_keys=True,
            separators=(",", ":")).encode()).hexdigest()
        stored = await self.store.find(scope_key, now)
        if stored is not None:
            if stored.request_hash == digest and not stored.done:  # the first request is finishing: wait for it
                return await (await self._wait_for_peer(scope_key, digest, now))(scope, replay, send)
            return await self._answer_from(stored, digest, scope_key, now)(scope, replay, send)
        claim = IdempotencyClaim(scope_key, digest, now + self.ttl)
        scope.setdefault("state", {})["idempotency"] = claim
        captured: list[Message] = []

        async def capture(message: Message) -> None:
            captured.append(message)

        await self.app(scope, replay, capture)
        if claim.taken:  # a concurrent request with this key committed first: answer with its response
            response = await self._wait_for_peer(scope_key, digest, now)
            return await response(scope, replay, send)
        if claim.recorded:
            status = next(m["status"] for m in captured if m["type"] == "http.response.start")
            content = b"".join(m.get("body", b"") for m in captured if m["type"] == "http.response.body")
            await self.store.complete(scope_key, status, without_secrets(content))
        for message in captured:
            await send(message)

    def _answer_from(self, stored, digest: str, scope_key: str, now) -> Response:
        if stored.request_hash != digest:
            return problem(TopLevelCode.IDEMPOTENCY_CONFLICT, "this Idempotency-Key was used for a different request")
        if not stored.done:
            return problem(TopLevelCode.IDEMPOTENCY_IN_PROGRESS, "a request with this Idempotency-Key is still being "
                                                             "processed; retry shortly")
        return Response(stored.body, status_code=stored.status, media_type="application/json",
                        headers={"Idempotent-Replayed": "true"})

    async def _wait_for_peer(self, scope_key: str, digest: str, now) -> Response:
        waited = 0.0
        while waited < WAIT_FOR_PEER_S:
            stored = await self.store.find(scope_key, now)
            if stored is not None and (stored.done or stored.request_hash != digest):
                return self._answer_from(stored, digest, scope_key, now)
            await asyncio.sleep(0.05)
            waited += 0.05
        return problem(
            TopLevelCode.IDEMPOTENCY_IN_PROGRESS,
            "a request with this Idempotency-Key is still being processed; retry shortly",
        )
