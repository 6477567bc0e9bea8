"""Every HTTP request gets an id (the caller's ``X-Request-Id`` when well formed, else a new one), answered in its
``X-Request-Id`` header; an exception nothing else handled becomes a JSON 500 with a code and that id — never
Starlette's plain-text page — and is logged once with the id. Each request ends with one access log line."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.asgi import REQUEST_ID, known_request_id
from web.authentication import decided
from web.graphql_http import decided_operation, decided_operation_name, request_error
from web.logs import access

log = logging.getLogger("aftersales")
INCOMING_ID = re.compile(r"[A-Za-z0-9_.:-]{8,64}")


def request_id(scope: Scope) -> str:
    """This request's id (one is made if the wrapper did not run: a test calling an inner app directly)."""
    return known_request_id(scope) or scope.setdefault("state", {}).setdefault(REQUEST_ID, uuid.uuid4().hex)


class RequestIds:
    """``observers`` each receive the facts of every finished request (the access log, the metrics)."""

    def __init__(self, app: ASGIApp, observers: tuple[Callable[[dict[str, Any]], None], ...] = (access,)):
        self.app, self.observers = app, observers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        incoming = next((v.decode("latin-1") for k, v in scope.get("headers") or [] if k == b"x-request-id"), "")
        state = scope.setdefault("state", {})
        state[REQUEST_ID] = incoming if INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        identifier = state[REQUEST_ID].encode()
        started = False
        status = 500
        began = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal started, status
            if message["type"] == "http.response.start":
                started, status = True, message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                message = {**message, "headers": [*headers, (b"x-request-id", identifier)]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            status = 500
            log.exception("unhandled error (request %s, %s %s)", state[REQUEST_ID], scope["method"], scope["path"])
            if started:
                raise
            body = orjson.dumps({"errors": [{"message": "internal error; quote the request id to support",
                                             "extensions": {"code": "INTERNAL_SERVER_ERROR",
                                                            "requestId": state[REQUEST_ID]}}]})
            await send_with_id({"type": "http.response.start", "status": 500, "headers": [
                (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
            await send_with_id({"type": "http.response.body", "body": body})
        finally:
            facts = _facts(scope, status, time.perf_counter() - began)
            for observer in self.observers:
                observer(facts)


def _facts(scope: Scope, status: int, seconds: float) -> dict[str, Any]:
    """What the access line says of a request: chosen fields only (no token, no document, no variables)."""
    actor = (decided(scope) or (None, None))[0]
    return {"request_id": known_request_id(scope), "method": scope.get("method"), "path": scope.get("path"),
            "status": status, "outcome": request_error(scope) or ("ok" if status < 400 else "error"),
            "duration_ms": round(seconds * 1000, 2), "operation": decided_operation_name(scope),
            "operation_type": getattr(decided_operation(scope), "value", None),
            "user": actor.user_id if actor else None, "role": actor.role.value if actor else None,
            "shop": actor.shop_id if actor else None, "cost": scope.get("state", {}).get("graphql_cost")}
