from __future__ import annotations

import strawberry

from domain.catalog.model import Product as DomainProduct
from schema.common.ids import encode_id
from schema.common.money import Money
from schema.common.node import Node, register_node
from schema.context import Info
from schema.shops.types import Shop, load_shop


@strawberry.type
class Product(Node):
    id: strawberry.ID
    sku: str
    name: str
    price: Money
    fresh: bool
    product: strawberry.Private[DomainProduct]

    @strawberry.field
    async def shop(self, info: Info) -> Shop:
        return await load_shop(info, self.product.shop_id)

    @staticmethod
    def of(product: DomainProduct) -> Product:
        return Product(id=encode_id("Product", product.id), sku=product.sku, name=product.name,
                       price=Money.of(product.price), fresh=product.fresh, product=product)


async def load_product(info: Info, pk: int) -> Product | None:
    product = await info.context.loaders.product_by_id.load(pk)
    return Product.of(product) if product else None


register_node("Product", load_product)
