"""F1/F2: the catalogue list, with search."""

from __future__ import annotations

import strawberry

from domain.catalog.ports import ProductQuery
from schema.catalog.types import Product
from schema.common.ids import decode_id
from schema.common.pagination import CountedConnection, after_key, counted_connection, page_size
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
                       after: str | None = None) -> CountedConnection[Product]:
        wanted, ctx = filter or ProductFilter(), info.context
        ctx.require_authenticated()
        shop_id = decode_id(wanted.shop_id, "Shop") if wanted.shop_id is not None else None
        search = (wanted.search or "").strip()[:100] or None
        query = ProductQuery(shop_id, search, wanted.fresh, nothing=wanted.shop_id is not None and shop_id is None)
        limit, key = page_size(first), after_key(after)
        rows = await ctx.loaders.read(lambda uow: uow.products.page(query, key[0] if key else None, limit + 1))
        return counted_connection(rows, limit, key is not None, Product.of, lambda p: (p.id,),
                                  lambda: ctx.loaders.read(lambda uow: uow.products.count(query)))
