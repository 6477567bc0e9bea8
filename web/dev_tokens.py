"""``GET /dev/tokens`` (APP_ENV=dev only; the route does not exist otherwise): tokens for the demo's identities, so
GraphiQL's role picker can switch role without copying tokens from the terminal."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from domain.shared.actor import Role
from domain.shared.uow import UnitOfWorkFactory
from schema.common.ids import encode_id
from web.auth import mint_token

PATH = "/dev/tokens"
IDENTITIES = [("buyer", Role.BUYER, "buyer-demo"), ("new buyer", Role.BUYER, "buyer-new"),
              ("merchant", Role.MERCHANT, "merchant-demo"), ("agent", Role.AGENT, "agent-demo"),
              ("platform", Role.PLATFORM, "ops-demo"), ("streamer", Role.STREAMER, "streamer-demo"),
              ("service", Role.SERVICE, "order-service")]


def dev_token_route(secret: str, uow: UnitOfWorkFactory) -> Route:
    async def tokens(_request: Request) -> JSONResponse:
        async with uow(write=False) as reading:
            first_shop = 1 if await reading.shops.get_many([1]) else None
        shop = encode_id("Shop", first_shop) if first_shop else None
        found = []
        for label, role, sub in IDENTITIES:
            if role in (Role.MERCHANT, Role.AGENT) and shop is None:
                continue  # no shop yet: nobody to act for
            acts_for = shop if role in (Role.MERCHANT, Role.AGENT) else None
            token = mint_token(secret, sub=sub, role=role, shop=acts_for, ttl=timedelta(hours=12))
            found.append({"label": f"{label} ({sub})", "role": role.value, "sub": sub, "shop": acts_for,
                          "token": token})
        return JSONResponse(found, headers={"Cache-Control": "no-store"})

    return Route(PATH, tokens, methods=["GET"])
