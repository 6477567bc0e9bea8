"""Reconciliation: every shop's cached balances equal the sum of its entries and every reversal mirrors the entry
it reverses (G5); every shop's score counters equal what its reviews, claims and orders say (A6), and only an
order's first after-sale counts toward the return rate (A5). ``manage.py reconcile`` runs it; the tests run it after
every scenario."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import col

from persistence.appeals.scores import SqlScoreRepository, recount
from persistence.claims.tables import ClaimRow
from persistence.db import Database
from persistence.orders.tables import OrderRow
from persistence.shared.tables import table
from persistence.shops.tables import LedgerEntryRow, ShopAccountRow


async def reconcile(database: Database) -> list[str]:
    """Every discrepancy found, as a sentence; an empty list means the books balance."""
    problems: list[str] = []
    async with database.read_sessions() as session:
        sums = {(shop, bucket): int(total) for shop, bucket, total in await session.execute(
            select(col(LedgerEntryRow.shop_id), col(LedgerEntryRow.bucket), func.sum(col(LedgerEntryRow.amount_fen)))
            .group_by(col(LedgerEntryRow.shop_id), col(LedgerEntryRow.bucket)))}
        accounts = {shop: (deposit, payables) for shop, deposit, payables in await session.execute(
            select(col(ShopAccountRow.shop_id), col(ShopAccountRow.deposit_fen), col(ShopAccountRow.payables_fen)))}
        original = aliased(LedgerEntryRow)
        reversals = (await session.execute(
            select(LedgerEntryRow, original).outerjoin(original, col(original.id) == col(LedgerEntryRow.reverses_id))
            .where(col(LedgerEntryRow.kind) == "REVERSAL"))).all()
    for shop, (deposit, payables) in sorted(accounts.items()):
        for bucket, cached in (("DEPOSIT", deposit), ("PAYABLES", payables)):
            if cached != sums.get((shop, bucket), 0):
                problems.append(
                    f"shop {shop}: {bucket} is {cached} fen but its entries sum to {sums.get((shop, bucket), 0)}"
                )
    for shop, bucket in sorted(set(sums) - {(s, b) for s in accounts for b in ("DEPOSIT", "PAYABLES")}):
        problems.append(f"shop {shop}: {bucket} entries without an account")
    for reversal, reversed_entry in reversals:
        if reversed_entry is None:
            problems.append(f"entry {reversal.id}: a reversal of nothing")
        elif (reversed_entry.shop_id, reversed_entry.bucket, reversed_entry.claim_id, -reversed_entry.amount_fen) != (
                reversal.shop_id, reversal.bucket, reversal.claim_id, reversal.amount_fen) or \
                reversed_entry.kind == "REVERSAL":
            problems.append(f"entry {reversal.id}: does not mirror entry {reversed_entry.id}")
    async with database.read_sessions() as session:
        expected = await recount(session)
        kept = await SqlScoreRepository(session).facts(sorted(expected))
    for shop, facts in sorted(expected.items()):
        if kept[shop] != facts:
            problems.append(f"shop {shop}: score counters {kept[shop]} but its rows say {facts}")
    async with database.read_sessions() as session:
        problems += await _first_after_sales(session)
    return problems


async def _first_after_sales(session) -> list[str]:
    """A5: an order's first after-sale is its earliest claim not withdrawn, and only that claim may count."""
    claims, orders = table(ClaimRow), table(OrderRow)
    earliest = (select(func.min(claims.c.id)).where(claims.c.order_id == orders.c.id,
                                                    claims.c.status != "WITHDRAWN").scalar_subquery())
    wrong_first = (await session.execute(select(orders.c.id).where(
        (orders.c.first_claim_id != earliest) | (orders.c.first_claim_id.is_(None) & earliest.is_not(None))
        | (orders.c.first_claim_id.is_not(None) & earliest.is_(None))))).scalars().all()
    stray = (await session.execute(select(claims.c.id).join(orders, orders.c.id == claims.c.order_id).where(
        claims.c.counts_toward_return_rate.is_(True),
        (orders.c.first_claim_id.is_(None)) | (orders.c.first_claim_id != claims.c.id)))).scalars().all()
    return ([f"order {o}: first_claim_id is not its earliest claim not withdrawn (A5)" for o in wrong_first]
            + [f"claim {c}: counts toward the return rate but is not its order's first after-sale (A5)"
               for c in stray])

