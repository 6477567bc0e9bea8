"""Small ASGI helpers shared by the wrappers around the GraphQL endpoint."""

from __future__ import annotations

import json
from typing import Any

import orjson
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from schema.common.errors import TopLevelCode
from schema.common.i18n import negotiate, translate


def header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers") or []:
        if key == name:
            return value.decode("latin-1")
    return ""


async def read_body(receive: Receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


MAX_JSON_DEPTH = 64  # GraphQL variables nest a few levels; 1,000 once made the endpoint's own parser recurse out


def too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether parsed JSON nests deeper than ``limit``: walked with a stack of its own, never by recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


async def json_body(scope: Scope, receive: Receive) -> tuple[bytes, Any]:
    """The request's body and its JSON (None when it is not JSON, or nests deeper than MAX_JSON_DEPTH: then
    ``json_too_deep`` says so), read and parsed once per request: the first wrapper that asks reads them, the ones
    inside it find them in the scope's state (a wrapper that rewrites the body calls ``set_json_body``). orjson
    parses first (C, its own limit of 1,024 levels); a body with fewer brackets than the limit cannot be too
    deep, so only the others are walked."""
    state = scope.setdefault("state", {})
    if _BODY not in state:
        body = await read_body(receive)
        try:
            parsed = orjson.loads(body)
        except orjson.JSONDecodeError:
            try:  # what orjson refuses and the endpoint's own parser reads, such as integers past 64 bits
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            except RecursionError:
                parsed, state[_TOO_DEEP] = None, True
        if parsed is not None and body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH and too_deep(parsed):
            parsed, state[_TOO_DEEP] = None, True
        state[_BODY] = (body, parsed)
    return state[_BODY]


def json_too_deep(scope: Scope) -> bool:
    return bool(scope.get("state", {}).get(_TOO_DEEP))


def set_json_body(scope: Scope, body: bytes, parsed: Any) -> None:
    scope.setdefault("state", {})[_BODY] = (body, parsed)


_BODY = "json_body"
_TOO_DEEP = "json_too_deep"
REQUEST_ID = "request_id"  # set by web.requests.RequestIds


def known_request_id(scope: Scope) -> str | None:
    return scope.get("state", {}).get(REQUEST_ID)


def replaying(body: bytes) -> Receive:
    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


class Problem(JSONResponse):
    """A refusal before GraphQL runs, whose message is written in the request's language (F6) as it is sent:
    ``{"errors": [...]}`` (the GraphQL shape) or, for files, ``{"error": {...}}``."""

    def __init__(self, code: TopLevelCode, message: str, headers: dict | None = None, status: int | None = None,
                 graphql: bool = True):
        self.problem = (code, message, graphql)
        super().__init__(self._shape(str(message)), status_code=status or code.status, headers=headers)

    def _shape(self, text: str, request_id: str | None = None) -> dict:
        code, _message, graphql = self.problem
        tag = {"requestId": request_id} if request_id else {}
        if graphql:
            return {"errors": [{"message": text, "extensions": {"code": code.value, **tag}}]}
        return {"error": {"code": code.value, "message": text, **tag}}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        language = negotiate(header(scope, b"accept-language") or None)
        identifier = known_request_id(scope)
        if language != "en" or identifier:
            text = translate(self.problem[1], language) if language != "en" else str(self.problem[1])
            self.body = self.render(self._shape(text, identifier))
            self.headers["content-length"] = str(len(self.body))
        await super().__call__(scope, receive, send)


def file_problem(code: TopLevelCode, message: str) -> JSONResponse:
    """A refusal of a file route (uploads, exports): ``{"error": {"code", "message"}}`` with the code's status."""
    return Problem(code, message, graphql=False)


def problem(code: TopLevelCode, message: str, headers: dict | None = None, status: int | None = None) -> JSONResponse:
    """A request error in the GraphQL response shape: no ``data``, one error with ``extensions.code``; the status is
    the code's own unless the protocol asks for another."""
    return Problem(code, message, headers, status)
