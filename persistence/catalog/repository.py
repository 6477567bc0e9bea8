from __future__ import annotations

from typing import Any

from sqlalchemy import false, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.catalog.model import Product
from domain.catalog.ports import ProductQuery
from domain.shared.errors import AlreadyExists
from domain.shared.listing import Page
from persistence.catalog.tables import ProductRow
from persistence.shared import keyset
from persistence.shared.errors import unique_violation_as
from persistence.shared.hydrate import money
from persistence.shared.keys import ByKeys, Rows
from persistence.shared.tables import table

_PRODUCTS = table(ProductRow)
_PRODUCT_ROWS = Rows(_PRODUCTS)
_PRODUCTS_BY_ID = ByKeys(lambda match: select(_PRODUCTS).where(match(_PRODUCTS.c.id)))


class SqlProductRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, product: Product) -> Product:
        row = ProductRow(shop_id=product.shop_id, sku=product.sku, name=product.name,
                         price_fen=product.price.fen, fresh=product.fresh, created_at=product.created_at)
        async with unique_violation_as(AlreadyExists("the shop already has a product with that SKU", ("input", "sku"))):
            self.session.add(row)
            await self.session.flush()
        product.id = row.id
        return product

    async def get_many(self, ids: list[int]) -> dict[int, Product]:
        if not ids:
            return {}
        rows = _PRODUCT_ROWS(await _PRODUCTS_BY_ID.rows(self.session, set(ids)))
        return {r.id: Product(r.shop_id, r.sku, r.name, money(r.price_fen), r.fresh, r.created_at, r.id) for r in rows}

    async def page(self, q: ProductQuery, page: Page) -> list[Product]:
        ids = await keyset.id_page(self.session, _filtered(select(_PRODUCTS.c.id), q), _PRODUCTS.c.id, page)
        found = await self.get_many(ids)
        return [found[i] for i in ids if i in found]

    async def count(self, q: ProductQuery) -> int:
        return (await self.session.execute(_filtered(select(func.count()).select_from(_PRODUCTS), q))).scalar_one()


def _filtered(query: Any, q: ProductQuery) -> Any:
    if q.nothing:
        return query.where(false())
    if q.shop_id is not None:
        query = query.where(_PRODUCTS.c.shop_id == q.shop_id)
    if q.fresh is not None:
        query = query.where(_PRODUCTS.c.fresh.is_(q.fresh))
    if q.search:
        query = query.where(keyset.contains(_PRODUCTS.c.name, q.search) | keyset.contains(_PRODUCTS.c.sku, q.search))
    return query
