"""W13: invoices recorded against W9's obligations, through the public API and the export."""

from __future__ import annotations

import csv
import io

from tests.api.campaigns_world import NOVEMBER, VOID
from tests.api.coupons_world import codes, place


async def obliged(api, world, coupons, shop) -> None:
    """The shop owes the platform ¥7.00 and star-1 ¥4.00 for November."""
    p = await coupons.owned(faceValue="10.00", platformShare="0.7")
    template = await coupons.created(coupons.streamer, issuerKind="STREAMER", faceValue="4.00")
    s = (await coupons.claim(template["id"]))["coupon"]["id"]
    order = (await place(api, world, shop, {"cherries": "1"}, [p, s], liveRoomStreamerId="star-1"))["order"]
    await world.pay(order["id"])


def invoice(number: str, amount: str, counterparty: str = "PLATFORM", **fields) -> dict:
    return {"counterparty": counterparty, "number": number, "amount": amount, **NOVEMBER, **fields}


async def test_w13_invoices_count_against_what_is_owed_and_voiding_gives_it_back(api, world, coupons, campaigns):
    shop = await world.shop()
    await obliged(api, world, coupons, shop)
    first = await campaigns.record(shop.merchant, shopId=shop.id, **invoice("INV-001", "5.00"))
    assert first["userErrors"] == [] and first["invoice"]["amount"] == {"amount": "5.00"}
    await campaigns.record(shop.merchant, shopId=shop.id,
                           **invoice("INV-002", "4.00", "STREAMER", counterpartyId="star-1"))
    rows = await campaigns.obligations(shop)
    assert [(o["counterparty"], o["amount"]["amount"], o["invoiced"]["amount"], o["outstanding"]["amount"])
            for o in rows] == [("PLATFORM", "7.00", "5.00", "2.00"), ("STREAMER", "4.00", "4.00", "0.00")]
    above = await campaigns.record(shop.merchant, shopId=shop.id, **invoice("INV-003", "2.01"))
    assert codes(above) == ["INVOICE_ABOVE_OUTSTANDING"] and "¥2.00" in above["userErrors"][0]["message"]
    reused = await campaigns.record(shop.merchant, shopId=shop.id, **invoice("INV-001", "1.00"))
    assert codes(reused) == ["INVOICE_NUMBER_TAKEN"] and reused["userErrors"][0]["field"] == ["input", "number"]
    voided = (await api.gql(VOID, {"id": first["invoice"]["id"], "reason": "金额有误"}, token=shop.merchant)).payload(
        "voidInvoice")
    assert voided["invoice"]["voidReason"] == "金额有误" and voided["invoice"]["voidedAt"]
    again = (await api.gql(VOID, {"id": first["invoice"]["id"], "reason": "x"}, token=shop.merchant)).payload(
        "voidInvoice")
    assert codes(again) == ["INVALID_STATE"]
    assert (await campaigns.obligations(shop))[0]["outstanding"] == {"amount": "7.00"}
    reissued = await campaigns.record(shop.merchant, shopId=shop.id, **invoice("INV-004", "7.00"))
    assert reissued["userErrors"] == []
    assert (await campaigns.obligations(shop, token=world.platform))[0]["outstanding"] == {"amount": "0.00"}
    october = await campaigns.obligations(shop, start="2026-09-30T16:00:00Z", end="2026-10-31T16:00:00Z")
    assert october == []


async def test_w13_bad_invoices_get_every_problem_and_change_nothing(api, world, coupons, campaigns):
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    await obliged(api, world, coupons, shop)
    bad = await campaigns.record(shop.merchant, shopId=shop.id, counterparty="MERCHANT", number="",
                                 amount="1.001", periodFrom="2026-11-02T00:00:00Z", periodTo="2026-12-01T00:00:00Z")
    assert {tuple(e["field"]) for e in bad["userErrors"]} == {
        ("input", "number"), ("input", "amount"), ("input", "periodTo"), ("input", "counterparty")}
    streamer_unnamed = await campaigns.record(shop.merchant, shopId=shop.id, **invoice("A-1", "1.00", "STREAMER"))
    assert streamer_unnamed["userErrors"][0]["field"] == ["input", "counterpartyId"]
    foreign = await campaigns.record(other.merchant, shopId=shop.id, **invoice("A-2", "1.00"))
    assert codes(foreign) == ["NOT_FOUND"] and foreign["userErrors"][0]["field"] == ["input", "shopId"]
    zh = await api.gql("mutation($i: RecordInvoiceInput!) { recordInvoice(input: $i) { userErrors { message } } }",
                       {"i": {"shopId": shop.id, **invoice("A-3", "99.00")}}, token=shop.merchant,
                       headers={"Accept-Language": "zh-CN"})
    assert "待开票" in zh.payload("recordInvoice")["userErrors"][0]["message"]
    for token in (world.platform, shop.agent, world.buyer):
        reply = await api.gql("mutation($i: RecordInvoiceInput!) { recordInvoice(input: $i) { invoice { id } } }",
                              {"i": {"shopId": shop.id, **invoice("A-4", "1.00")}}, token=token)
        assert reply.codes == ["FORBIDDEN"], token
    assert (await campaigns.obligations(shop))[0]["invoiced"] == {"amount": "0.00"}


async def test_w13_another_tenant_reads_and_voids_nothing(api, world, coupons, campaigns):
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    await obliged(api, world, coupons, shop)
    recorded = (await campaigns.record(shop.merchant, shopId=shop.id, **invoice("INV-9", "1.00")))["invoice"]
    node = "query($id: ID!) { node(id: $id) { ... on Invoice { number } } }"
    assert (await api.gql(node, {"id": recorded["id"]}, token=shop.merchant)).data["node"] == {"number": "INV-9"}
    assert (await api.gql(node, {"id": recorded["id"]}, token=world.platform)).data["node"] == {"number": "INV-9"}
    for token in (other.merchant, shop.agent, world.buyer):
        assert (await api.gql(node, {"id": recorded["id"]}, token=token)).data["node"] is None
    void = (await api.gql(VOID, {"id": recorded["id"], "reason": "x"}, token=other.merchant)).payload("voidInvoice")
    assert codes(void) == ["NOT_FOUND"]


async def test_f5_the_invoice_export_beside_the_obligations(api, world, coupons, campaigns):
    shop = await world.shop()
    await obliged(api, world, coupons, shop)
    first = (await campaigns.record(shop.merchant, shopId=shop.id, **invoice("INV-1", "3.00")))["invoice"]
    await campaigns.record(shop.merchant, shopId=shop.id, **invoice("INV-2", "4.00", "STREAMER",
                                                                    counterpartyId="star-1"))
    await api.gql(VOID, {"id": first["id"], "reason": "重开, \"错\""}, token=shop.merchant)
    query = {"shopId": shop.id, "from": NOVEMBER["periodFrom"], "to": NOVEMBER["periodTo"]}
    reply = await api.client.get("/exports/invoices.csv", params=query,
                                 headers={"Authorization": f"Bearer {shop.merchant}"})
    assert reply.status_code == 200 and reply.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(reply.content.decode("utf-8-sig"))))
    assert [(r["number"], r["counterparty"], r["counterparty_id"], r["amount"], r["void_reason"]) for r in rows] == [
        ("INV-1", "PLATFORM", "", "3.00", "重开, \"错\""), ("INV-2", "STREAMER", "star-1", "4.00", "")]
    assert rows[0]["voided_at"] and not rows[1]["voided_at"] and rows[0]["shop_name"] == "Fresh Farm"
    other = await world.shop("Other", merchant="merchant-2")
    refused = await api.client.get("/exports/invoices.csv", params=query,
                                   headers={"Authorization": f"Bearer {other.merchant}"})
    assert refused.status_code == 404
    everything = await api.client.get("/exports/invoices.csv", params={k: v for k, v in query.items() if k != "shopId"},
                                      headers={"Authorization": f"Bearer {world.platform}"})
    assert everything.status_code == 200 and everything.text.count("INV-") == 2
