"""W12 and W13 under real parallel requests (two served processes with TWO_PROCESSES=1), both databases: an issuance
of 1,000 buyers while 200 buyers claim the same template; invoices of one month recorded at once."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from domain.shared.actor import Role
from schema.common.ids import decode_id
from tests.api import processes
from tests.api.campaigns_world import ISSUE, NOVEMBER, RECORD
from tests.api.coupons_world import CLAIM
from tests.api.test_invoices import obliged

servers, api = processes.fixtures()
pytestmark = pytest.mark.slow


async def retried(api, query, variables, token):
    """As a client does: the retryable SERVICE_UNAVAILABLE (no pooled connection came free in time) is sent again."""
    for _ in range(10):
        reply = await api.gql(query, variables, token=token)
        if reply.codes != ["SERVICE_UNAVAILABLE"]:
            return reply
        await asyncio.sleep(0.05)
    return reply


async def test_w12_an_issuance_racing_200_claims_never_oversells_nor_passes_a_limit(api, world, coupons, app):
    template = await coupons.created(totalStock=1_050, perUserLimit=1)
    issued = [f"buyer-{i}" for i in range(1_000)]
    claimers = [f"buyer-{i}" for i in range(900, 1_100)]  # 100 of them are issued to as well

    async def issue():
        return await retried(api, ISSUE, {"id": template["id"], "buyers": issued}, world.platform)

    async def claim(buyer):
        return await retried(api, CLAIM, {"id": template["id"]}, api.token(Role.BUYER, buyer))

    claims = [claim(b) for b in claimers]
    replies = await asyncio.gather(*claims[:100], issue(), *claims[100:])
    results = replies[100].payload("issueCoupons")
    assert results["userErrors"] == [] and len(results["results"]) == 1_000
    granted = sum(1 for r in results["results"] if r["coupon"])
    claimed = sum(1 for r in replies[:100] + replies[101:] if r.payload("claimCoupon")["coupon"])
    assert granted + claimed == 1_050  # demand (1,100 buyers) exceeds the stock: all of it goes, no more
    assert {r["refusal"] for r in results["results"] if not r["coupon"]} <= {
        "COUPON_OUT_OF_STOCK", "COUPON_CLAIM_LIMIT_REACHED"}
    template_pk = decode_id(template["id"], "CouponTemplate")
    async with app.state.database.read_sessions() as session:
        per_buyer = (await session.execute(text(
            "SELECT max(n), sum(n) FROM (SELECT count(*) AS n FROM coupons WHERE template_id = :t GROUP BY owner_id) c"
        ), {"t": template_pk})).one()
        stock = (await session.execute(text("SELECT claimed_count FROM coupon_templates WHERE id = :t"),
                                       {"t": template_pk})).scalar_one()
    assert tuple(per_buyer) == (1, 1_050) and stock == 1_050


async def test_w13_invoices_recorded_at_once_never_exceed_what_is_owed(api, world, coupons):
    shop = await world.shop()
    await obliged(api, world, coupons, shop)  # ¥7.00 owed to the platform

    async def record(i):
        variables = {"input": {"shopId": shop.id, "counterparty": "PLATFORM", "number": f"R-{i}", "amount": "1.00",
                               **NOVEMBER}}
        return await retried(api, RECORD, variables, shop.merchant)

    replies = await asyncio.gather(*[record(i) for i in range(20)])
    payloads = [r.payload("recordInvoice") for r in replies]
    assert sum(1 for p in payloads if p["invoice"]) == 7
    assert {p["userErrors"][0]["code"] for p in payloads if not p["invoice"]} == {"INVOICE_ABOVE_OUTSTANDING"}
