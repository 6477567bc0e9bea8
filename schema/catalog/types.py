from __future__ import annotations

import strawberry

from domain.catalog.model import Product as DomainProduct
from domain.shared.errors import present
from schema.common.ids import encode_id
from schema.common.money import Money
from schema.common.node import Node, register_node
from schema.context import Info
from schema.shops.types import Shop, shop_of


@strawberry.type
class Product(Node):
    id: strawberry.ID
    sku: str
    name: str
    price: Money
    fresh: bool
    product: strawberry.Private[DomainProduct]

    @strawberry.field
    def shop(self, info: Info) -> Shop:
        return info.context.loaders.then(info.context.loaders.shop_by_id, self.product.shop_id, shop_of)

    @staticmethod
    def of(product: DomainProduct) -> Product:
        return Product(id=encode_id("Product", product.id), sku=product.sku, name=product.name,
                       price=Money.of(product.price), fresh=product.fresh, product=product)


def product_or_none(product: DomainProduct | None) -> Product | None:
    return Product.of(product) if product else None


def product_of(product: DomainProduct | None) -> Product:
    """A product an order line refers to (a foreign key guarantees it)."""
    return Product.of(present(product, "a referenced product"))


async def load_product(info: Info, pk: int) -> Product | None:
    return product_or_none(await info.context.loaders.product_by_id.load(pk))


register_node("Product", load_product)
