from __future__ import annotations

from decimal import Decimal

import strawberry

from domain.shared.money import Money as DomainMoney
from domain.shops import services
from schema.common.errors import UserError
from schema.common.ids import decode_id
from schema.common.mutations import attempt
from schema.context import Info
from schema.shops.types import LedgerBucket, Shop, ShopAccount, load_shop


@strawberry.input
class RegisterShopInput:
    name: str


@strawberry.type
class RegisterShopPayload:
    shop: Shop | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class CreditShopAccountInput:
    shop_id: strawberry.ID
    bucket: LedgerBucket
    amount: Decimal


@strawberry.type
class CreditShopAccountPayload:
    account: ShopAccount | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ShopQueries:
    @strawberry.field
    async def shop(self, info: Info, id: strawberry.ID) -> Shop | None:
        info.context.require_authenticated()
        pk = decode_id(id, "Shop")
        return await load_shop(info, pk) if pk else None


@strawberry.type
class ShopMutations:
    @strawberry.mutation(description="PLATFORM or SERVICE.")
    async def register_shop(self, info: Info, input: RegisterShopInput) -> RegisterShopPayload:
        ctx = info.context
        return await attempt(
            RegisterShopPayload,
            lambda: services.register_shop(ctx.uow(), ctx.actor, ctx.clock, input.name),
            lambda shop: {"shop": Shop.of(shop)},
        )

    @strawberry.mutation(description="SERVICE: deposit top-ups and settled payables.")
    async def credit_shop_account(self, info: Info, input: CreditShopAccountInput) -> CreditShopAccountPayload:
        ctx = info.context
        return await attempt(
            CreditShopAccountPayload,
            lambda: services.credit_account(
                ctx.uow(), ctx.actor, ctx.clock, decode_id(input.shop_id, "Shop"), input.bucket,
                DomainMoney.of(input.amount, ("input", "amount")),
            ),
            lambda account: {"account": ShopAccount.of(account)},
        )
