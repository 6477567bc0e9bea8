"""F1: the shops list (the platform's)."""

from __future__ import annotations

import strawberry

from domain.shared.actor import Role
from schema.common.pagination import CountedConnection, after_key, counted_connection, page_size
from schema.context import Info
from schema.shops.types import Shop


@strawberry.input
class ShopFilter:
    search: str | None = None


@strawberry.type
class ShopListQueries:
    @strawberry.field(description="F1: PLATFORM.")
    async def shops(self, info: Info, filter: ShopFilter | None = None, first: int | None = None,
                    after: str | None = None) -> CountedConnection[Shop]:
        ctx = info.context
        ctx.actor.require(Role.PLATFORM)
        search = ((filter.search if filter else None) or "").strip()[:100] or None
        limit, key = page_size(first), after_key(after)
        rows = await ctx.loaders.read(lambda uow: uow.shops.page(search, key[0] if key else None, limit + 1))
        return counted_connection(rows, limit, key is not None, Shop.of, lambda s: (s.id,),
                                  lambda: ctx.loaders.read(lambda uow: uow.shops.count(search)))
