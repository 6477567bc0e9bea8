"""A small GraphQL client over the in-process HTTP transport, with tokens for every role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from domain.shared.actor import Role
from web.auth import mint_token


@dataclass
class Response:
    status: int
    body: dict

    @property
    def data(self) -> dict | None:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict]:
        return self.body.get("errors") or []

    @property
    def codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]

    def payload(self, field: str) -> dict:
        """The mutation payload; fails loudly on top-level errors."""
        assert not self.errors, self.errors
        return self.data[field]


class Api:
    def __init__(self, client: httpx.AsyncClient, secret: str):
        self.client, self.secret = client, secret
        self.now: datetime | None = None

    def token(self, role: Role | str, sub: str = "user-1", shop: str | None = None, **kw) -> str:
        return mint_token(self.secret, sub=sub, role=Role(role), shop=shop, **kw)

    async def gql(self, query: str, variables: dict | None = None, *, token: str | None = None,
                  now: datetime | None = None, headers: dict | None = None) -> Response:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        at = now or self.now
        if at is not None:
            sent["X-Now"] = at.isoformat()
        reply = await self.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=sent)
        return Response(
            reply.status_code,
            reply.json()
            if reply.headers.get("content-type", "").startswith("application/json")
            else {"raw": reply.text},
        )

    def advance(self, **delta) -> None:
        self.now = self.now + timedelta(**delta)
