"""Ledger reconciliation for the tests: the same function as ``manage.py reconcile``."""

from __future__ import annotations

from persistence.reconcile import reconcile


async def assert_ledgers_reconcile(api_or_database) -> None:
    client = getattr(api_or_database, "client", None)
    client = getattr(client, "in_process", client)  # requests may go to served processes; the database is one
    database = client._transport.app.state.database if client is not None else api_or_database
    problems = await reconcile(database)
    assert problems == [], problems
