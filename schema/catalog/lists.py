"""F1/F2: the catalogue list, with search."""

from __future__ import annotations

import strawberry

from domain.catalog.ports import ProductQuery
from schema.catalog.types import Product
from schema.common.ids import decode_id
from schema.common.pagination import CountedConnection, newest_first, window
from schema.context import Info


@strawberry.input
class ProductFilter:
    shop_id: strawberry.ID | None = None
    search: str | None = strawberry.field(default=None, description="F2: case-insensitive match on name or SKU.")
    fresh: bool | None = None


@strawberry.type
class ProductListQueries:
    @strawberry.field(description="F1: anyone signed in; a shop's catalogue.")
    async def products(self, info: Info, filter: ProductFilter | None = None, first: int | None = None,
                       after: str | None = None, last: int | None = None,
                       before: str | None = None) -> CountedConnection[Product]:
        wanted, ctx = filter or ProductFilter(), info.context
        ctx.require_authenticated()
        shop_id = decode_id(wanted.shop_id, "Shop") if wanted.shop_id is not None else None
        search = (wanted.search or "").strip()[:100] or None
        query = ProductQuery(shop_id, search, wanted.fresh, nothing=wanted.shop_id is not None and shop_id is None)
        return await newest_first(ctx.loaders.read, window(first, after, last, before),
                                  lambda uow, page: uow.products.page(query, page), Product.of,
                                  lambda uow: uow.products.count(query))
