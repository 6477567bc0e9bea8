"""F2 on PostgreSQL: every list page and count reads through an index. The statements each list runs are captured
as the API runs them, then EXPLAINed with sequential scans priced out (``enable_seqscan = off``). Each plan must
seek (an ``Index Cond``): a plan that scans one of the tables that grow with the platform, or walks a whole index
only to filter it, has no index fitting its filter and sort, and fails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from persistence.db import is_sqlite
from tests.api.test_find import CLAIMS, ORDERS, PRODUCTS, REVIEWS
from tests.conftest import START

PAGE_INDEX = {  # the index each list's page must seek through: its filter's columns first, then its sort's
    "merchant inbox by deadline": "ix_claims_shop_response_due", "claims by submission, a reason":
    "ix_claims_shop_submitted", "platform claims in a period": "ix_claims_submitted", "a buyer's claims":
    "ix_claims_buyer", "a shop's orders by payable": "ix_orders_shop_payable", "a buyer's orders by date":
    "ix_orders_buyer_placed", "platform orders by status": "ix_orders_status", "a shop's bad reviews":
    "ix_reviews_shop_rating", "a shop's catalogue": "ix_products_shop_newest",
}
GROWING = ("orders", "claims", "reviews", "products", "coupons", "ledger_entries", "events", "order_lines",
           "evidence", "appeals")


class Captured:
    def __init__(self, engine):
        self.engine, self.statements = engine.sync_engine, []

    def __call__(self, _conn, _cursor, statement, parameters, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            self.statements.append((statement, parameters))

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self)


async def test_every_list_page_and_count_reads_through_an_index(api, app, world, claims, settings):
    if is_sqlite(settings.database_url):
        pytest.skip("the plans are PostgreSQL's; SQLite's lists use the same indexes, created by the same migration")
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    await claims.submit(line)
    merchant, buyer, platform = shop.merchant, world.buyer, world.platform
    later = (START + timedelta(days=1)).isoformat()
    lists = {
        "merchant inbox by deadline": (CLAIMS, merchant, {"f": {"status": ["AWAITING_MERCHANT"]},
                                                          "s": {"field": "MERCHANT_RESPONSE_DUE_AT",
                                                                "direction": "ASC"}}),
        "claims by submission, a reason": (CLAIMS, merchant, {"f": {"reasons": ["DAMAGED"]},
                                                              "s": {"field": "SUBMITTED_AT"}}),
        "platform claims in a period": (CLAIMS, platform, {"f": {"submittedFrom": START.isoformat(),
                                                                 "submittedTo": later}}),
        "a buyer's claims": (CLAIMS, buyer, {}),
        "a shop's orders by payable": (ORDERS, merchant, {"s": {"field": "PAYABLE"}}),
        "a buyer's orders by date": (ORDERS, buyer, {"s": {"field": "PLACED_AT"}}),
        "platform orders by status": (ORDERS, platform, {"f": {"status": ["DELIVERED"]}}),
        "a shop's bad reviews": (REVIEWS, merchant, {"f": {"ratings": [1, 2]}}),
        "a shop's catalogue": (PRODUCTS, buyer, {"f": {"shopId": shop.id}}),
    }
    database = app.state.database
    scans: dict[str, list[str]] = {}
    for name, (query, token, variables) in lists.items():
        with Captured(database.engine) as captured:
            reply = await api.gql(query, variables, token=token)
        assert not reply.errors, (name, reply.errors)
        async with database.engine.connect() as conn:
            await conn.exec_driver_sql("SET enable_seqscan = off")
            for statement, parameters in captured.statements:
                plan = "\n".join(row[0] for row in (await conn.exec_driver_sql(f"EXPLAIN {statement}",
                                                                                parameters)).all())
                scanned = [t for t in GROWING if f"Seq Scan on {t} " in plan + " "]
                if scanned:
                    scans.setdefault(name, []).append(f"{scanned}: {statement[:200]}")
            page = await conn.exec_driver_sql(f"EXPLAIN {captured.statements[0][0]}", captured.statements[0][1])
            if f" {PAGE_INDEX[name]} " not in "\n".join(row[0] for row in page.all()):
                scans.setdefault(name, []).append(f"the page does not seek through {PAGE_INDEX[name]}")
            await conn.rollback()
    assert scans == {}
