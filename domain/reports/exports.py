"""F5: what the CSV exports stream, after the same authorization as the API: a merchant exports its own shop's
(another shop is not found, G6), the platform any shop's or all; everything is checked before the first row, so a
refusal is a status code, never a half-written file. H6: each row comes with its shop's name, read with its batch,
so a file of every shop says whose each row is."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from domain.claims.model import Claim
from domain.claims.ports import ClaimQuery
from domain.coupons.invoice import Invoice
from domain.coupons.invoices import InvoiceObligation, invoice_obligations
from domain.shared.actor import Actor, Role
from domain.shared.errors import InvalidInput
from domain.shared.uow import UnitOfWork, UnitOfWorkFactory
from domain.shops.model import LedgerEntry, Shop
from domain.shops.services import requested_shop, require_shop

FIELD = ("shopId",)
BATCH = 500  # rows read per batch: each batch on a connection of its own, returned before its rows are sent
T = TypeVar("T", LedgerEntry, Claim, Invoice)


@dataclass(frozen=True)
class Row(Generic[T]):
    """An exported row and the name of its shop (H6)."""

    item: T
    shop_name: str


async def _batches(uow: UnitOfWorkFactory, read: Callable[[UnitOfWork, int | None], Awaitable[list[T]]]
                   ) -> AsyncIterator[Row[T]]:
    """Every row, oldest first, a batch at a time: the connection goes back to the pool before a row is written to
    the client, so a client that stops reading holds no connection (an export never starves the API), and memory
    stays flat whatever the count. Rows are keyed by id, so no row is missed or repeated between batches. Each
    batch reads the names of its shops in the same transaction (one statement)."""
    after: int | None = None
    while True:
        async with uow(write=False) as reading:
            rows = await read(reading, after)
            shops = await reading.shops.get_many(sorted({row.shop_id for row in rows}))
        for row in rows:
            found = shops.get(row.shop_id)
            yield Row(row, found.name if found else "")
        if len(rows) < BATCH:
            return
        after = rows[-1].id


def _period(start: datetime | None, end: datetime | None) -> None:
    if start is not None and end is not None and not start < end:
        raise InvalidInput("`from` must be before `to`", ("from",))


async def _shop_scope(uow: UnitOfWorkFactory, actor: Actor, shop_id: int | None, shop_given: bool,
                      roles: tuple[Role, ...]) -> int | None:
    """The shop to export (``requested_shop``), which exists; None for all (the platform only)."""
    actor.require(*roles, Role.PLATFORM)
    scope = requested_shop(actor, shop_id, shop_given, FIELD)
    async with uow(write=False) as reading:
        await require_shop(reading, scope, FIELD)
    return scope


async def ledger_export(uow: UnitOfWorkFactory, actor: Actor, shop_id: int | None, shop_given: bool,
                        start: datetime | None, end: datetime | None) -> Callable[[], AsyncIterator[Row[LedgerEntry]]]:
    """MERCHANT (its shop) or PLATFORM (a shop, or all): the ledger entries of [start, end), oldest first. Their
    amounts sum to the balance change over the period (G5: entries are the balance's only changes)."""
    _period(start, end)
    scope = await _shop_scope(uow, actor, shop_id, shop_given, (Role.MERCHANT,))

    async with uow(write=False) as reading:
        upto = await reading.accounts.last_entry_id()

    async def batch(reading: UnitOfWork, after: int | None) -> list[LedgerEntry]:
        return await reading.accounts.entries_batch(scope, start, end, after, upto, BATCH)

    return lambda: _batches(uow, batch)


async def claims_export(uow: UnitOfWorkFactory, actor: Actor, query: ClaimQuery, shop_id: int | None,
                        shop_given: bool) -> Callable[[], AsyncIterator[Row[Claim]]]:
    """The claims list's filters and scope (``claims_scope``), every matching claim, oldest first. A shop filter
    naming another tenant's shop is not found (the list would be empty; a file says so by its status)."""
    if shop_given and actor.role is not Role.BUYER:
        await _shop_scope(uow, actor, shop_id, shop_given, (Role.MERCHANT, Role.AGENT))

    async def batch(reading: UnitOfWork, after: int | None) -> list[Claim]:
        return await reading.claims.batch(query, after, BATCH)

    return lambda: _batches(uow, batch)


async def obligations_export(uow: UnitOfWorkFactory, actor: Actor, shop_id: int | None, shop_given: bool,
                             start: datetime, end: datetime) -> tuple[Shop, list[InvoiceObligation]]:
    """W9 for one shop and period (a few rows: one per counterparty), with the shop."""
    scope = await _shop_scope(uow, actor, shop_id, shop_given, (Role.MERCHANT,))
    if scope is None:
        raise InvalidInput("invoice obligations are exported per shop: give shopId", ("shopId",))
    async with uow(write=False) as reading:
        shop = (await reading.shops.get_many([scope]))[scope]
    return shop, await invoice_obligations(uow(write=False), actor, scope, start, end)


async def invoices_export(uow: UnitOfWorkFactory, actor: Actor, shop_id: int | None, shop_given: bool,
                          start: datetime, end: datetime) -> Callable[[], AsyncIterator[Row[Invoice]]]:
    """W13 beside W9: the invoices (voided ones too, with why) of one shop, or (the platform) of every shop, for
    the months starting in [start, end), oldest first."""
    _period(start, end)
    scope = await _shop_scope(uow, actor, shop_id, shop_given, (Role.MERCHANT,))

    async def batch(reading: UnitOfWork, after: int | None) -> list[Invoice]:
        return await reading.invoices.batch(scope, start, end, after, BATCH)

    return lambda: _batches(uow, batch)
