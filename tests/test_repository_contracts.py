"""Each fake repository (``tests/fakes.py``) keeps the promises of its SQL twin: the same checks, run on the
in-memory unit of work and on the real database (SQLite or PostgreSQL, as the suite runs), so a service test on
the fakes can be trusted. What a fake does not keep it refuses (``_NotFaked``): those services are tested through
the API."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from domain.calendar.model import YearCalendar
from domain.catalog.model import Product
from domain.shared.actor import Actor, Role
from domain.shared.errors import AlreadyExists, ConcurrentUpdate
from domain.shared.money import Money
from domain.shops.model import LedgerBucket, Shop, ShopAccount
from domain.webhooks.model import WebhookEndpoint
from persistence.uow import SqlUnitOfWorkFactory
from tests.fakes import FakeUnitOfWork

AT = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
OPS = Actor(user_id="ops-1", role=Role.PLATFORM)


@pytest.fixture(params=["fake", "sql"])
def uow(request):
    """A unit-of-work factory: the fakes' or the database's."""
    if request.param == "fake":
        return FakeUnitOfWork()
    return SqlUnitOfWorkFactory(request.getfixturevalue("app").state.database)


async def a_shop(uow, name: str = "Fresh") -> int:
    async with uow() as u:
        shop = await u.shops.add(Shop(name=name, created_at=AT))
        await u.accounts.add(ShopAccount(shop.id, Money(0), Money(0)))
        await u.commit()
    assert shop.id is not None
    return shop.id


async def test_what_is_not_committed_is_gone_and_what_is_committed_stays(uow):
    kept = await a_shop(uow)
    async with uow() as u:
        dropped = await u.shops.add(Shop(name="Never", created_at=AT))
    async with uow(write=False) as u:
        found = await u.shops.get_many([kept, dropped.id])
    assert list(found) == [kept] and found[kept].name == "Fresh"


async def test_an_account_saves_its_entries_once_and_refuses_a_stale_version(uow):
    shop_id = await a_shop(uow)
    async with uow() as u:
        account = await u.accounts.get(shop_id)
        stale = replace(account, pending=[])
        account.credit(LedgerBucket.DEPOSIT, Money(50_000), OPS, AT)
        saved = await u.accounts.save(account)
        await u.commit()
    assert [entry.amount for entry in saved] == [Money(50_000)] and saved[0].id is not None
    async with uow() as u:
        stale.credit(LedgerBucket.DEPOSIT, Money(100), OPS, AT)
        with pytest.raises(ConcurrentUpdate):
            await u.accounts.save(stale)
    async with uow(write=False) as u:
        account = await u.accounts.get(shop_id)
        page = await u.accounts.entries_page(shop_id, None, 10)
        by_id = await u.accounts.entries_by_ids([saved[0].id, 999_999])
    assert account.deposit == Money(50_000) and account.version == 1
    assert [entry.id for entry in page] == [saved[0].id] and list(by_id) == [saved[0].id]


async def test_a_product_sku_is_unique_per_shop(uow):
    shop_id, other = await a_shop(uow), await a_shop(uow, "Other")
    async with uow() as u:
        first = await u.products.add(Product(shop_id, "SKU-1", "Lychee", Money(8_800), True, AT))
        await u.products.add(Product(other, "SKU-1", "Lychee", Money(8_800), True, AT))  # another shop's: fine
        await u.commit()
    async with uow() as u:
        with pytest.raises(AlreadyExists):
            await u.products.add(Product(shop_id, "SKU-1", "Again", Money(100), False, AT))
    async with uow(write=False) as u:
        found = await u.products.get_many([first.id])
    assert found[first.id].name == "Lychee" and found[first.id].price == Money(8_800)


async def test_a_years_calendar_is_replaced_whole(uow):
    async with uow() as u:
        await u.calendar.put(YearCalendar(2027, frozenset({date(2027, 1, 1)}), frozenset()), "ops-1", AT)
        await u.calendar.put(YearCalendar(2027, frozenset({date(2027, 1, 2)}), frozenset({date(2027, 1, 9)})),
                             "ops-1", AT)
        await u.commit()
    async with uow(write=False) as u:
        years = await u.calendar.get_years([2027, 2028])
    assert years == {2027: YearCalendar(2027, frozenset({date(2027, 1, 2)}), frozenset({date(2027, 1, 9)}))}


def endpoint(role: Role, shop_id: int | None, slot: int) -> WebhookEndpoint:
    return WebhookEndpoint(url=f"https://hooks.example.com/{slot}", event_types=frozenset(), owner_role=role,
                           owner_id="owner", shop_id=shop_id, secret="whsec_" + "x" * 32, created_at=AT, slot=slot)


async def test_webhook_endpoints_take_one_slot_each_and_belong_to_their_owner(uow):
    shop_id, other = await a_shop(uow), await a_shop(uow, "Other")
    async with uow() as u:
        mine = await u.webhooks.add(endpoint(Role.MERCHANT, shop_id, 1))
        theirs = await u.webhooks.add(endpoint(Role.MERCHANT, other, 1))  # the same slot of another owner
        platform = await u.webhooks.add(endpoint(Role.PLATFORM, None, 1))
        await u.commit()
    async with uow() as u:
        with pytest.raises(ConcurrentUpdate):
            await u.webhooks.add(endpoint(Role.MERCHANT, shop_id, 1))
    async with uow() as u:
        assert [e.id for e in await u.webhooks.owned(Role.MERCHANT, shop_id)] == [mine.id]
        assert [e.id for e in await u.webhooks.owned(Role.PLATFORM, None)] == [platform.id]
        await u.webhooks.delete(theirs.id)
        await u.commit()
    async with uow(write=False) as u:
        assert await u.webhooks.get(theirs.id) is None
        assert (await u.webhooks.get(mine.id)).url == "https://hooks.example.com/1"
        assert await u.webhooks.deliveries(mine.id, None, 10) == [] and await u.webhooks.pending_count() == 0
        assert not await u.webhooks.any_due(AT)
