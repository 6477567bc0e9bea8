"""Demo data for ``make run``: a fresh-fruit shop with a funded account and a delivered order.
Loaded through the domain services, so it obeys every rule the API does."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from domain.catalog.services import register_product
from domain.orders import services as orders
from domain.orders.model import PaymentMethod
from domain.shared.actor import Actor, Role
from domain.shared.clock import FixedClock, SystemClock
from domain.shared.money import Money
from domain.shops.model import LedgerBucket
from domain.shops.services import credit_account, register_shop
from persistence.db import Database
from persistence.uow import SqlUnitOfWorkFactory
from schema.common.ids import encode_id


async def seed_if_empty(url: str) -> str:
    """Returns the demo shop's global ID (the first shop, if data exists already)."""
    database = Database(url)
    uow = SqlUnitOfWorkFactory(database)
    try:
        async with uow(write=False) as reader:
            existing = await reader.shops.get_many([1])
        if existing:
            return encode_id("Shop", 1)
        platform, service = Actor("ops-demo", Role.PLATFORM), Actor("order-service", Role.SERVICE)
        clock = FixedClock(SystemClock().now() - timedelta(hours=6))
        shop = await register_shop(uow(), platform, clock, "鲜果园 Fresh Orchard")
        merchant = Actor("merchant-demo", Role.MERCHANT, shop.id)
        cherries = await register_product(uow(), merchant, clock, sku="CHERRY-1KG", name="智利车厘子 1kg",
                                          price=Money.of("88.00"), fresh=True)
        await register_product(uow(), merchant, clock, sku="BOWL", name="Fruit bowl", price=Money.of("20.00"),
                               fresh=False)
        await credit_account(uow(), service, clock, shop.id, LedgerBucket.DEPOSIT, Money.of("2000.00"))
        await credit_account(uow(), service, clock, shop.id, LedgerBucket.PAYABLES, Money.of("350.00"))
        order = await orders.place_order(uow(), Actor("buyer-demo", Role.BUYER), clock, orders.OrderRequest(
            shop_id=shop.id, lines=[orders.LineRequest(cherries.id, Decimal("2"))], shipping_fee=Money.of("10.00"),
            payment_method=PaymentMethod.ONLINE,
        ))
        clock.advance(minutes=5)
        await orders.record_payment(uow(), service, clock, order.id, True, None)
        clock.advance(hours=3)
        await orders.record_delivery(uow(), service, clock, order.id, clock.now())
        print(f"demo data loaded: shop {encode_id('Shop', shop.id)}, order {encode_id('Order', order.id)}")
        return encode_id("Shop", shop.id)
    finally:
        await database.dispose()
