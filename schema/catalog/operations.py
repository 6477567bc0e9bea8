from __future__ import annotations

from decimal import Decimal

import strawberry

from domain.catalog import services
from domain.shared.money import Money as DomainMoney
from schema.catalog.types import Product
from schema.common.errors import UserError
from schema.common.mutations import attempt
from schema.context import Info


@strawberry.input
class RegisterProductInput:
    sku: str
    name: str
    price: Decimal
    fresh: bool


@strawberry.type
class RegisterProductPayload:
    product: Product | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CatalogMutations:
    @strawberry.mutation(description="MERCHANT of the shop.")
    async def register_product(self, info: Info, input: RegisterProductInput) -> RegisterProductPayload:
        ctx = info.context
        return await attempt(
            RegisterProductPayload,
            lambda: services.register_product(
                ctx.uow(), ctx.actor, ctx.clock, sku=input.sku, name=input.name,
                price=DomainMoney.of(input.price, ("input", "price")), fresh=input.fresh,
            ),
            lambda product: {"product": Product.of(product)},
        )
