"""The Node interface and ``node(id:)``: each area registers how to fetch its types (visibility included)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from schema.common.ids import split_id

NodeFetcher = Callable[[Any, int], Awaitable[Any]]
_FETCHERS: dict[str, NodeFetcher] = {}


@strawberry.interface
class Node:
    id: strawberry.ID


def register_node(type_name: str, fetch: NodeFetcher) -> None:
    _FETCHERS[type_name] = fetch


async def resolve_node(info: Any, global_id: str) -> Node | None:
    parts = split_id(global_id)
    if parts is None or parts[0] not in _FETCHERS:
        return None
    return await _FETCHERS[parts[0]](info, parts[1])
