from __future__ import annotations

from domain.catalog.model import Product
from domain.shared.actor import Actor, Role
from domain.shared.clock import Clock
from domain.shared.errors import InvalidInput
from domain.shared.messages import msg
from domain.shared.money import Money
from domain.shared.text import bounded_text
from domain.shared.uow import UnitOfWork, in_transaction
from domain.shared.validation import Validation
from domain.shops.services import require_own_shop

MAX_PRICE = Money(100_000_000)  # ¥1,000,000.00


async def register_product(
    uow: UnitOfWork, actor: Actor, clock: Clock, *, sku: str, name: str, price: Money, fresh: bool
) -> Product:
    """The shop's MERCHANT lists a product in their own shop; the price is the catalogue's from then on."""
    actor.require(Role.MERCHANT)
    check = Validation()  # H2: every field's problem at once
    checked_sku = check(bounded_text, sku, field=("input", "sku"), max_len=64, min_len=1)
    checked_name = check(bounded_text, name, field=("input", "name"), max_len=200, min_len=1)
    if not (0 < price.fen <= MAX_PRICE.fen):
        check.add(InvalidInput(msg("a price is above ¥0.00 and at most {max}", max=MAX_PRICE), ("input", "price")))
    check.done()
    assert checked_sku is not None and checked_name is not None
    product = Product(
        shop_id=actor.shop,
        sku=checked_sku,
        name=checked_name,
        price=price,
        fresh=fresh,
        created_at=clock.now(),
    )
    async def work(uow: UnitOfWork) -> Product:
        await require_own_shop(uow, actor)
        return await uow.products.add(product)

    return await in_transaction(uow, work)
