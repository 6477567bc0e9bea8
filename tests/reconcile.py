"""Ledger reconciliation: every shop's cached balances equal the sum of its entries (G5)."""

from __future__ import annotations


async def assert_ledgers_reconcile(api) -> None:
    database = api.client._transport.app.state.database
    from persistence.uow import SqlUnitOfWork

    async with SqlUnitOfWork(database, write=False) as uow:
        sums = await uow.accounts.sums_by_shop()
        accounts = await uow.accounts.get_many(list({shop_id for shop_id, _ in sums}))
    for shop_id, account in accounts.items():
        assert account.deposit.fen == sums.get((shop_id, "DEPOSIT"), 0), f"shop {shop_id} deposit"
        assert account.payables.fen == sums.get((shop_id, "PAYABLES"), 0), f"shop {shop_id} payables"
