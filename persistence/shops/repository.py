from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.shared.actor import Role
from domain.shared.errors import ConcurrentUpdate, InvalidState, stored
from domain.shared.listing import Page
from domain.shared.money import Money
from domain.shops.model import LedgerBucket, LedgerEntry, LedgerEntryKind, Shop, ShopAccount
from persistence.shared import keyset
from persistence.shared.enums import member
from persistence.shared.errors import unique_violation_as
from persistence.shared.keys import ByKeys, Rows
from persistence.shared.tables import rows_affected, table
from persistence.shops.tables import LedgerEntryRow, ShopAccountRow, ShopRow

_SHOPS = table(ShopRow)
_SHOP_ROWS = Rows(_SHOPS)
_SHOPS_BY_ID = ByKeys(lambda match: select(_SHOPS).where(match(_SHOPS.c.id)))


class SqlShopRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, shop: Shop) -> Shop:
        row = ShopRow(name=shop.name, created_at=shop.created_at)
        self.session.add(row)
        await self.session.flush()
        shop.id = row.id
        return shop

    async def page(self, search: str | None, page: Page) -> list[Shop]:
        query = select(_SHOPS.c.id)
        if search:
            query = query.where(keyset.contains(_SHOPS.c.name, search))
        ids = await keyset.id_page(self.session, query, _SHOPS.c.id, page)
        found = await self.get_many(ids)
        return [found[i] for i in ids if i in found]

    async def count(self, search: str | None) -> int:
        query = select(func.count()).select_from(_SHOPS)
        if search:
            query = query.where(keyset.contains(_SHOPS.c.name, search))
        return (await self.session.execute(query)).scalar_one()

    async def get_many(self, ids: list[int]) -> dict[int, Shop]:
        if not ids:
            return {}
        rows = _SHOP_ROWS(await _SHOPS_BY_ID.rows(self.session, set(ids)))
        return {r.id: Shop(name=r.name, created_at=r.created_at, id=r.id) for r in rows}


def _entry(row) -> LedgerEntry:
    return LedgerEntry(
        shop_id=row.shop_id, kind=member(LedgerEntryKind, row.kind), bucket=member(LedgerBucket, row.bucket),
        amount=Money(row.amount_fen), created_at=row.created_at, actor_role=member(Role, row.actor_role),
        actor_id=row.actor_id, claim_id=row.claim_id, reverses_id=row.reverses_id, id=row.id,
    )


class SqlAccountRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, account: ShopAccount) -> None:
        self.session.add(ShopAccountRow(shop_id=account.shop_id, deposit_fen=account.deposit.fen,
                                        payables_fen=account.payables.fen, version=account.version))
        await self.session.flush()

    async def get(self, shop_id: int, *, lock: bool = False) -> ShopAccount | None:
        return (await self.get_many([shop_id], lock=lock)).get(shop_id)

    async def get_many(self, shop_ids: list[int], *, lock: bool = False) -> dict[int, ShopAccount]:
        if not shop_ids:
            return {}
        query = select(ShopAccountRow).where(col(ShopAccountRow.shop_id).in_(set(shop_ids)))
        rows = await self.session.execute(query.with_for_update() if lock else query)
        return {
            r.shop_id: ShopAccount(r.shop_id, Money(r.deposit_fen), Money(r.payables_fen), r.version)
            for r in rows.scalars()
        }

    async def save(self, account: ShopAccount) -> list[LedgerEntry]:
        """Conditional on the version read: two transactions moving one shop's money cannot both win."""
        result = await self.session.execute(
            update(ShopAccountRow)
            .where(col(ShopAccountRow.shop_id) == account.shop_id, col(ShopAccountRow.version) == account.version)
            .values(deposit_fen=account.deposit.fen, payables_fen=account.payables.fen,
                    version=account.version + 1)
        )
        if rows_affected(result) != 1:
            raise ConcurrentUpdate("shop account")
        account.version += 1
        saved = []
        async with unique_violation_as(InvalidState("that ledger entry was already reversed")):
            for entry in account.pending:
                row = LedgerEntryRow(
                    shop_id=entry.shop_id, kind=entry.kind.value, bucket=entry.bucket.value,
                    amount_fen=entry.amount.fen, created_at=entry.created_at, actor_role=entry.actor_role.value,
                    actor_id=entry.actor_id, claim_id=entry.claim_id, reverses_id=entry.reverses_id,
                )
                self.session.add(row)
                await self.session.flush()
                saved.append(_entry(row))
        account.pending.clear()
        return saved

    async def entries_batch(self, shop_id: int | None, start: datetime | None, end: datetime | None,
                            after_id: int | None, upto_id: int | None, limit: int) -> list[LedgerEntry]:
        entries = table(LedgerEntryRow)
        query = select(entries)
        if shop_id is not None:
            query = query.where(entries.c.shop_id == shop_id)
        if start is not None:
            query = query.where(entries.c.created_at >= start)
        if end is not None:
            query = query.where(entries.c.created_at < end)
        if after_id is not None:
            query = query.where(entries.c.id > after_id)
        if upto_id is not None:
            query = query.where(entries.c.id <= upto_id)
        return [_entry(row) for row in await self.session.execute(query.order_by(entries.c.id).limit(limit))]

    async def last_entry_id(self) -> int | None:
        return (await self.session.execute(select(func.max(col(LedgerEntryRow.id))))).scalar_one()

    async def entries_page(self, shop_id: int, page: Page) -> list[LedgerEntry]:
        query = select(LedgerEntryRow).where(col(LedgerEntryRow.shop_id) == shop_id)
        rows = await self.session.execute(keyset.window(query, [col(LedgerEntryRow.id)], False, page))
        return [_entry(r) for r in rows.scalars()]

    async def entries_by_ids(self, ids: list[int]) -> dict[int, LedgerEntry]:
        if not ids:
            return {}
        rows = await self.session.execute(select(LedgerEntryRow).where(col(LedgerEntryRow.id).in_(set(ids))))
        return {stored(r.id): _entry(r) for r in rows.scalars()}

    async def entries_for_claims(self, claim_ids: list[int]) -> dict[int, list[LedgerEntry]]:
        found: dict[int, list[LedgerEntry]] = {claim_id: [] for claim_id in claim_ids}
        if claim_ids:
            rows = await self.session.execute(
                select(LedgerEntryRow).where(col(LedgerEntryRow.claim_id).in_(set(claim_ids))).order_by(col(LedgerEntryRow.id))
            )
            for row in rows.scalars():
                found[stored(row.claim_id)].append(_entry(row))
        return found
