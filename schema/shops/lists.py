"""F1: the shops list (the platform's)."""

from __future__ import annotations

import strawberry

from domain.shared.actor import Role
from schema.common.pagination import CountedConnection, newest_first, window
from schema.context import Info
from schema.shops.types import Shop


@strawberry.input
class ShopFilter:
    search: str | None = None


@strawberry.type
class ShopListQueries:
    @strawberry.field(description="F1: PLATFORM.")
    async def shops(self, info: Info, filter: ShopFilter | None = None, first: int | None = None,
                    after: str | None = None, last: int | None = None,
                    before: str | None = None) -> CountedConnection[Shop]:
        ctx = info.context
        ctx.actor.require(Role.PLATFORM)
        search = ((filter.search if filter else None) or "").strip()[:100] or None
        return await newest_first(ctx.loaders.read, window(first, after, last, before),
                                  lambda uow, page: uow.shops.page(search, page), Shop.of,
                                  lambda uow: uow.shops.count(search))
