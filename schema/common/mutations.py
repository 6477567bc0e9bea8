"""The shape shared by every mutation: call one domain service, turn a DomainError into a userError."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from domain.shared.errors import DomainError
from schema.common.errors import UserError

P = TypeVar("P")


async def attempt(payload: Callable[..., P], call: Callable[[], Awaitable[Any]],
                  wrap: Callable[[Any], dict[str, Any]]) -> P:
    try:
        result = await call()
    except DomainError as error:
        return payload(user_errors=[UserError.of(error)])
    return payload(**wrap(result))
