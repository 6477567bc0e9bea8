"""Ledger reconciliation: every shop's cached balances equal the sum of its entries (G5)."""

from __future__ import annotations


async def assert_ledgers_reconcile(api_or_database) -> None:
    from persistence.uow import SqlUnitOfWork

    database = getattr(api_or_database, "client", None)
    database = database._transport.app.state.database if database is not None else api_or_database

    async with SqlUnitOfWork(database, write=False) as uow:
        sums = await uow.accounts.sums_by_shop()
        balances = await uow.accounts.all_balances()
    for shop_id, (deposit, payables) in balances.items():
        assert deposit == sums.get((shop_id, "DEPOSIT"), 0), f"shop {shop_id} deposit"
        assert payables == sums.get((shop_id, "PAYABLES"), 0), f"shop {shop_id} payables"
    assert {shop_id for shop_id, _ in sums} <= set(balances), "entries of a shop without an account"
