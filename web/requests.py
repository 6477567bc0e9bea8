"""Every HTTP request gets an id (the caller's ``X-Request-Id`` when well formed, else a new one), answered in its
``X-Request-Id`` header; an exception nothing else handled becomes a JSON 500 with a code and that id — never
Starlette's plain-text page — and is logged once with the id."""

from __future__ import annotations

import logging
import re
import uuid

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("aftersales")
INCOMING_ID = re.compile(r"[A-Za-z0-9_.:-]{8,64}")
_STATE = "request_id"


def request_id(scope: Scope) -> str:
    """This request's id (one is made if the wrapper did not run: a test calling an inner app directly)."""
    state = scope.setdefault("state", {})
    if _STATE not in state:
        state[_STATE] = uuid.uuid4().hex
    return state[_STATE]


class RequestIds:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        incoming = next((v.decode("latin-1") for k, v in scope.get("headers") or [] if k == b"x-request-id"), "")
        state = scope.setdefault("state", {})
        state[_STATE] = incoming if INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        identifier = state[_STATE].encode()
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                message = {**message, "headers": [*headers, (b"x-request-id", identifier)]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error (request %s, %s %s)", state[_STATE], scope["method"], scope["path"])
            if started:
                raise
            body = orjson.dumps({"errors": [{"message": "internal error; quote the request id to support",
                                             "extensions": {"code": "INTERNAL_SERVER_ERROR",
                                                            "requestId": state[_STATE]}}]})
            await send_with_id({"type": "http.response.start", "status": 500, "headers": [
                (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
            await send_with_id({"type": "http.response.body", "body": body})
