"""Small ASGI helpers shared by the wrappers around the GraphQL endpoint."""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import Receive, Scope

from schema.common.errors import TopLevelCode


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


def replaying(body: bytes) -> Receive:
    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def problem(code: TopLevelCode, message: str, headers: dict | None = None, status: int | None = None) -> JSONResponse:
    """A request error in the GraphQL response shape: no ``data``, one error with ``extensions.code``; the status is
    the code's own unless the protocol asks for another."""
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code.value}}]},
                        status_code=status or code.status, headers=headers)
