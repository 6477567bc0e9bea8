"""F1: the shops list (the platform's)."""

from __future__ import annotations

import strawberry

from domain.shared.actor import Role
from schema.common.pagination import CountedConnection, newest_first
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
        return await newest_first(ctx.loaders.read, first, after,
                                  lambda uow, after_id, limit: uow.shops.page(search, after_id, limit), Shop.of,
                                  lambda uow: uow.shops.count(search))
