"""The reconciliation itself can fail: it catches a tampered balance and a reversal that does not mirror."""

from __future__ import annotations

from sqlalchemy import text

from persistence.reconcile import reconcile


async def test_reconciliation_catches_drift(api, world, app, reset_engine):
    shop = await world.shop()
    await world.credit(shop, "DEPOSIT", "10.00")
    assert await reconcile(app.state.database) == []
    with reset_engine.begin() as conn:
        conn.execute(text("UPDATE shop_accounts SET deposit_fen = deposit_fen + 1"))
    problems = await reconcile(app.state.database)
    assert problems and "DEPOSIT" in problems[0]
    with reset_engine.begin() as conn:
        conn.execute(text("UPDATE shop_accounts SET deposit_fen = deposit_fen - 1"))
        entry = conn.execute(text("SELECT id, shop_id FROM ledger_entries")).first()
        conn.execute(text("INSERT INTO ledger_entries (shop_id, kind, bucket, amount_fen, created_at, actor_role, "
                          "actor_id, reverses_id) VALUES (:s, 'REVERSAL', 'PAYABLES', 0, '2026-11-02 02:00:00', "
                          "'PLATFORM', 'x', :e)"), {"s": entry.shop_id, "e": entry.id})
    assert any("does not mirror" in p for p in await reconcile(app.state.database))
    with reset_engine.begin() as conn:
        conn.execute(text("DELETE FROM ledger_entries WHERE kind = 'REVERSAL'"))
