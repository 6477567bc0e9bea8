"""Shop set-up and account credits."""

from __future__ import annotations

from domain.events.facts import ledger_events
from domain.shared.actor import SHOP_ROLES, Actor, Role
from domain.shared.clock import Clock
from domain.shared.errors import Field, NotFound, present, stored
from domain.shared.money import Money
from domain.shared.text import bounded_text
from domain.shared.uow import UnitOfWork, in_transaction
from domain.shops.model import LedgerBucket, LedgerEntry, Shop, ShopAccount
from domain.violations.services import withdraw_settled_breaches


async def register_shop(uow: UnitOfWork, actor: Actor, clock: Clock, name: str) -> Shop:
    """PLATFORM or SERVICE registers a shop; its account opens at zero in both buckets."""
    actor.require(Role.PLATFORM, Role.SERVICE)
    shop = Shop(name=bounded_text(name, field=("input", "name"), max_len=100, min_len=1), created_at=clock.now())
    async def work(uow: UnitOfWork) -> Shop:
        await uow.shops.add(shop)
        await uow.accounts.add(ShopAccount(stored(shop.id), Money.zero(), Money.zero()))
        await uow.scores.create(stored(shop.id))
        return shop

    return await in_transaction(uow, work)


async def credit_account(
    uow: UnitOfWork, actor: Actor, clock: Clock, shop_id: int | None, bucket: LedgerBucket, amount: Money
) -> ShopAccount:
    """SERVICE reports a deposit top-up or settled payables: one append-only ledger entry."""
    actor.require(Role.SERVICE)

    async def work(uow: UnitOfWork) -> ShopAccount:
        account = await uow.accounts.get(shop_id, lock=True) if shop_id is not None else None
        if account is None:
            raise NotFound("no such shop", ("input", "shopId"))
        account.credit(bucket, amount, actor, clock.now())
        await save_account(uow, account, actor)
        return account

    return await in_transaction(uow, work)


async def locked_account(uow: UnitOfWork, shop_id: int) -> ShopAccount:
    """The account of a shop a row refers to, read for writing (a foreign key guarantees it exists)."""
    return present(await uow.accounts.get(shop_id, lock=True), "the shop's account")


async def save_account(uow: UnitOfWork, account: ShopAccount, actor: Actor) -> list[LedgerEntry]:
    """Write the account's new entries (conditionally on its version) and an event for each (E1: the ledger). V2:
    money into the deposit that brings it back to zero or more withdraws the shop's breaches of service promise."""
    entries = await uow.accounts.save(account)
    for event in ledger_events(entries, actor):
        await uow.events.record(event)
    if any(e.bucket is LedgerBucket.DEPOSIT and e.amount.fen > 0 for e in entries):
        await withdraw_settled_breaches(uow, account.shop_id, account.deposit.fen, actor,
                                        max(e.created_at for e in entries))
    return entries


async def require_own_shop(uow: UnitOfWork, actor: Actor) -> int:
    """The shop a MERCHANT's or AGENT's token names, which must exist: a token minted for a shop that is not there
    (deleted, or another environment's) is told so instead of failing on a foreign key."""
    if actor.shop not in await uow.shops.get_many([actor.shop]):
        raise NotFound("the shop your token names does not exist")
    return actor.shop


def requested_shop(actor: Actor, shop_id: int | None, shop_given: bool, field: Field) -> int | None:
    """G6 for a shop a request names: a shop's staff act on their own (naming another is not found, never
    forbidden); the platform on the one it names, or on all (None). A ``shopId`` that did not decode is not found."""
    if shop_given and shop_id is None:
        raise NotFound("no such shop", field)
    if actor.role in SHOP_ROLES:
        if shop_given and shop_id != actor.shop:
            raise NotFound("no such shop", field)
        return actor.shop
    return shop_id


async def require_shop(uow: UnitOfWork, shop_id: int | None, field: Field) -> None:
    """Inside an entered unit of work: the shop exists (None, "all shops", always does)."""
    if shop_id is not None and shop_id not in await uow.shops.get_many([shop_id]):
        raise NotFound("no such shop", field)
