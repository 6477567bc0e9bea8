"""Who is calling, decided once per HTTP request and shared by everything that asks (the GraphQL context, the
idempotency keys, uploads and exports): one reading of one ``Authorization`` header. A request with more than one
is refused — it would otherwise run as one caller and be recorded under another."""

from __future__ import annotations

from datetime import datetime

from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from domain.shared.actor import Actor
from domain.shared.links import LinkSigner
from domain.shared.messages import msg
from schema.common.errors import TopLevelCode
from web.asgi import Problem, file_problem
from web.auth import Tokens

_STATE = "authentication"
FILE_ROUTES = ("/uploads", "/exports")


class Authentication:
    def __init__(self, app: ASGIApp, tokens: Tokens):
        self.app, self.tokens = app, tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            values = [v for k, v in scope.get("headers") or [] if k == b"authorization"]
            if len(values) > 1:
                refusal = Problem(TopLevelCode.BAD_REQUEST, msg("send one Authorization header, not several"),
                                  graphql=not scope["path"].startswith(FILE_ROUTES))
                return await refusal(scope, receive, send)
            header = values[0].decode("latin-1") if values else None
            scope.setdefault("state", {})[_STATE] = self.tokens.authenticate(header)
        await self.app(scope, receive, send)


def decided(scope: Scope) -> tuple[Actor | None, str | None] | None:
    """What ``Authentication`` decided for this request; None where it did not run."""
    return scope.get("state", {}).get(_STATE)


def caller(connection: HTTPConnection | Scope, tokens: Tokens) -> tuple[Actor | None, str | None]:
    """(actor, None), (None, None) without a token, or (None, problem): what ``Authentication`` decided for this
    request (read again only where it did not run: a WebSocket's handshake)."""
    scope = connection.scope if isinstance(connection, HTTPConnection) else connection
    decided_here = decided(scope)
    if decided_here is not None:
        return decided_here
    headers = dict(scope.get("headers") or [])
    header = headers.get(b"authorization")
    return tokens.authenticate(header.decode("latin-1") if header is not None else None)


def file_reader(request: HTTPConnection, tokens: Tokens, links: LinkSigner, now: datetime) -> Actor | Response:
    """Who reads a file (an upload, an export job's file): the token's caller when there is a token; else H4: a
    signed link's viewer, its signature checked — an altered or expired link is 403, no token at all 401."""
    if "sig" in request.query_params and not request.headers.get("authorization"):
        viewer = links.verify(request.url.path, request.query_params, now)
        if viewer is None:
            return file_problem(TopLevelCode.FORBIDDEN, "this link is altered or expired: ask the API for a new one")
        return viewer
    actor, problem = caller(request, tokens)
    if actor is None:
        return file_problem(TopLevelCode.UNAUTHENTICATED, problem or "send 'Authorization: Bearer <token>'")
    return actor
