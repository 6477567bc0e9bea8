from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.shared.listing import Page
from domain.shops.model import LedgerEntry, Shop, ShopAccount


class ShopRepository(Protocol):
    async def add(self, shop: Shop) -> Shop: ...

    async def get_many(self, ids: list[int]) -> dict[int, Shop]: ...

    async def page(self, search: str | None, page: Page) -> list[Shop]:
        """F1: newest first; ``search`` matches the name case-insensitively."""
        ...

    async def count(self, search: str | None) -> int: ...


class AccountRepository(Protocol):
    async def add(self, account: ShopAccount) -> None: ...

    async def get(self, shop_id: int, *, lock: bool = False) -> ShopAccount | None:
        """``lock``: hold the row for this transaction where the database can (PostgreSQL ``FOR UPDATE``), so
        writers queue instead of retrying; ``save`` stays conditional either way."""
        ...

    async def get_many(self, shop_ids: list[int]) -> dict[int, ShopAccount]: ...

    async def save(self, account: ShopAccount) -> list[LedgerEntry]:
        """Write the pending entries and the new balances, conditional on ``version``;
        raises ``ConcurrentUpdate`` when another transaction saved first."""
        ...

    async def entries_batch(self, shop_id: int | None, start: datetime | None, end: datetime | None,
                            after_id: int | None, upto_id: int | None, limit: int) -> list[LedgerEntry]:
        """F5: up to ``limit`` entries of the shop (of all shops: None) in [start, end), oldest first, after
        ``after_id`` and up to ``upto_id`` (the last entry when the export began: the ledger is append-only, so the
        export is one fixed set however long the client takes)."""
        ...

    async def last_entry_id(self) -> int | None: ...

    async def entries_page(self, shop_id: int, page: Page) -> list[LedgerEntry]: ...

    async def entries_by_ids(self, ids: list[int]) -> dict[int, LedgerEntry]: ...

    async def entries_for_claims(self, claim_ids: list[int]) -> dict[int, list[LedgerEntry]]: ...
