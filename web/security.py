"""What every HTTP answer carries for browsers (Production II): ``nosniff``, no framing, no referrer, ``no-store``
on API answers (GraphiQL's static files keep their validators; uploads set their own caching), HSTS in prod, a CSP
that lets the GraphiQL page run only its own script and talk only to this origin, and ``default-src 'none'`` on
everything else. Cross-origin browsers are admitted by ``CORS_ORIGINS`` (Starlette's CORSMiddleware, no
credentials: the API reads a bearer token, never a cookie)."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

GRAPHIQL_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                "font-src 'self' data:; connect-src 'self' ws: wss:; worker-src 'self' blob:; "
                "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
API_CSP = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"
REQUEST_HEADERS = ["authorization", "content-type", "accept", "accept-language", "idempotency-key", "x-request-id"]
EXPOSED_HEADERS = ["x-request-id", "idempotent-replayed", "retry-after"]


def cors(origins: tuple[str, ...]) -> list[Middleware]:
    """Preflights answered for the allowed origins on every route (/graphql, /uploads, /exports); none without."""
    if not origins:
        return []
    return [Middleware(CORSMiddleware, allow_origins=list(origins), allow_methods=["GET", "POST"],
                       allow_headers=REQUEST_HEADERS, expose_headers=EXPOSED_HEADERS, allow_credentials=False,
                       max_age=600)]


class SecurityHeaders:
    def __init__(self, app: ASGIApp, hsts: bool):
        self.app, self.hsts = app, hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        static = scope["path"].startswith("/graphiql/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                present = {k.lower() for k, _ in headers}
                html = any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)
                extra = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                         (b"referrer-policy", b"no-referrer")]
                if b"content-security-policy" not in present:
                    extra.append((b"content-security-policy", (GRAPHIQL_CSP if html else API_CSP).encode()))
                if b"cache-control" not in present and not static:
                    extra.append((b"cache-control", b"no-store"))
                if self.hsts:
                    extra.append((b"strict-transport-security", HSTS.encode()))
                message = {**message, "headers": [*headers, *[(k, v) for k, v in extra if k not in present]]}
            await send(message)

        await self.app(scope, receive, with_headers)
