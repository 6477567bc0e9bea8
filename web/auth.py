"""Bearer JWTs (HS256): ``sub`` user id, ``role`` one of Role, ``shop`` the Shop's global ID (MERCHANT and AGENT),
``exp`` required and at most ``MAX_TOKEN_HOURS`` after ``iat`` (or after now, without ``iat``)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import jwt

from domain.shared.actor import SHOP_ROLES, Actor, Role
from domain.shared.messages import msg
from domain.shared.text import is_clean_text
from schema.common.ids import decode_id

ALGORITHM = "HS256"
MAX_LIFETIME = timedelta(hours=24)


def authenticate(header: str | None, secret: str,
                 max_lifetime: timedelta = MAX_LIFETIME) -> tuple[Actor | None, str | None]:
    """(actor, None) for a valid token, (None, None) without one, (None, problem) for a bad one."""
    if not header:
        return None, None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, msg("the Authorization header must be 'Bearer <token>'")
    try:
        claims = _verified(token.strip(), secret)
    except jwt.ExpiredSignatureError:
        return None, msg("the token has expired")
    except jwt.InvalidTokenError as error:
        return None, msg("the token is not valid: {error}", error=str(error))
    now = time.time()
    if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] <= now:
        return None, msg("the token has expired")  # a verified token is cached: its expiry is checked on every use
    issued = claims.get("iat")
    start = min(float(issued), now) if isinstance(issued, (int, float)) else now
    if claims["exp"] - start > max_lifetime.total_seconds():
        return None, msg("the token lives longer than {hours} hours: mint a shorter one",
            hours=int(max_lifetime.total_seconds() // 3600))
    try:
        role = Role(claims["role"])
    except ValueError:
        return None, msg("unknown role {role}", role=repr(claims["role"]))
    sub = claims["sub"]
    if not isinstance(sub, str) or not sub or len(sub) > 128 or not is_clean_text(sub):
        return None, msg("the token's sub must be a user id of 1 to 128 characters")
    shop_id = None
    if role in SHOP_ROLES:
        shop = claims.get("shop")
        shop_id = decode_id(shop, "Shop") if isinstance(shop, str) else None
        if shop_id is None:
            return None, msg("a {role} token needs a 'shop' claim holding a Shop ID", role=role.value)
    return Actor(user_id=sub, role=role, shop_id=shop_id), None


def token_expiry(header: str | None, secret: str) -> float | None:
    """When a token ``authenticate`` accepted expires (seconds since the epoch): a live subscription ends then."""
    if not header:
        return None
    try:
        exp = _verified(header.partition(" ")[2].strip(), secret).get("exp")
    except jwt.InvalidTokenError:
        return None
    return float(exp) if isinstance(exp, (int, float)) else None


@dataclass(frozen=True)
class Tokens:
    """How this server reads bearer tokens: its key and the longest lifetime it accepts."""

    secret: str
    max_lifetime: timedelta = MAX_LIFETIME

    def authenticate(self, header: str | None) -> tuple[Actor | None, str | None]:
        return authenticate(header, self.secret, self.max_lifetime)

    def expiry(self, header: str | None) -> float | None:
        return token_expiry(header, self.secret)


@lru_cache(maxsize=4096)
def _verified(token: str, secret: str) -> dict:
    """Signature and required claims, checked once per token (HMAC and JSON parsing were a third of a trivial
    request). Only verified tokens are cached; the result is never mutated."""
    return jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "role"]})


def mint_token(secret: str, *, sub: str, role: Role, shop: str | None = None, ttl: timedelta = timedelta(hours=12),
               now: datetime | None = None) -> str:
    issued = now or datetime.now(UTC)
    claims = {"sub": sub, "role": role.value, "iat": issued, "exp": issued + ttl}
    if shop is not None:
        claims["shop"] = shop
    return jwt.encode(claims, secret, algorithm=ALGORITHM)
