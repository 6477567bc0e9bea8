"""The shape shared by every mutation: call one domain service, turn a DomainError into its userErrors — one for
each problem an ``InvalidRequest`` found (H2: every problem with the input at once, each with its field path)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from domain.shared.errors import DomainError
from domain.shared.validation import problems_of
from schema.common.errors import UserError

P = TypeVar("P")


async def attempt(payload: Callable[..., P], call: Callable[[], Awaitable[Any]],
                  wrap: Callable[[Any], dict[str, Any]]) -> P:
    try:
        result = await call()
    except DomainError as error:
        return payload(user_errors=[UserError.of(problem) for problem in problems_of(error)])
    return payload(**wrap(result))
