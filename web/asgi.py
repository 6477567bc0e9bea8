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


async def json_body(scope: Scope, receive: Receive) -> tuple[bytes, Any]:
    """The request's body and its JSON (None when it is not JSON), read and parsed once per request: the first
    wrapper that asks reads them, the ones inside it find them in the scope's state (a wrapper that rewrites the
    body calls ``set_json_body``)."""
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
        state[_BODY] = (body, parsed)
    return state[_BODY]


def set_json_body(scope: Scope, body: bytes, parsed: Any) -> None:
    scope.setdefault("state", {})[_BODY] = (body, parsed)


_BODY = "json_body"


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

    def _shape(self, text: str) -> dict:
        code, _message, graphql = self.problem
        if graphql:
            return {"errors": [{"message": text, "extensions": {"code": code.value}}]}
        return {"error": {"code": code.value, "message": text}}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        language = negotiate(header(scope, b"accept-language") or None)
        if language != "en":
            self.body = self.render(self._shape(translate(self.problem[1], language)))
            self.headers["content-length"] = str(len(self.body))
        await super().__call__(scope, receive, send)


def file_problem(code: TopLevelCode, message: str) -> JSONResponse:
    """A refusal of a file route (uploads, exports): ``{"error": {"code", "message"}}`` with the code's status."""
    return Problem(code, message, graphql=False)


def problem(code: TopLevelCode, message: str, headers: dict | None = None, status: int | None = None) -> JSONResponse:
    """A request error in the GraphQL response shape: no ``data``, one error with ``extensions.code``; the status is
    the code's own unless the protocol asks for another."""
    return Problem(code, message, headers, status)
