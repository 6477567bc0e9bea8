"""Shops and the shop ledger (G1, G5)."""

from __future__ import annotations

import pytest

from domain.shared.actor import Role
from tests.api.world import ACCOUNT, CREDIT, SHOP
from tests.reconcile import assert_ledgers_reconcile


async def test_register_shop_opens_an_empty_account(api, world):
    shop = await world.shop("Orchard")
    account = await world.account(shop)
    assert account["deposit"] == {"amount": "0.00"} and account["payables"] == {"amount": "0.00"}
    assert account["entries"]["edges"] == []


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
async def test_register_shop_rejects_bad_names(api, world, name):
    data = (await api.gql(SHOP, {"name": name}, token=world.platform)).payload("registerShop")
    assert data["shop"] is None and data["userErrors"][0]["field"] == ["input", "name"]
    assert data["userErrors"][0]["code"] in ("INVALID_INPUT", "TEXT_TOO_LONG")


@pytest.mark.parametrize("role", [Role.BUYER, Role.STREAMER])
async def test_register_shop_needs_platform_or_service(api, role):
    assert (await api.gql(SHOP, {"name": "x"}, token=api.token(role))).codes == ["FORBIDDEN"]


async def test_service_credits_deposit_and_payables(api, world):
    shop = await world.shop()
    assert (await world.credit(shop, "DEPOSIT", "1000.00"))["account"]["deposit"] == {"amount": "1000.00"}
    data = await world.credit(shop, "PAYABLES", "0.05")
    assert data["account"] == {"deposit": {"amount": "1000.00"}, "payables": {"amount": "0.05"}}
    entries = [e["node"] for e in (await world.account(shop))["entries"]["edges"]]
    assert [(e["kind"], e["bucket"], e["amount"]["amount"], e["actorRole"]) for e in entries] == [
        ("DEPOSIT_CREDIT", "DEPOSIT", "1000.00", "SERVICE"),
        ("PAYABLES_CREDIT", "PAYABLES", "0.05", "SERVICE"),
    ]
    await assert_ledgers_reconcile(api)


@pytest.mark.parametrize(
    "amount, code", [("0", "INVALID_INPUT"), ("-5.00", "INVALID_INPUT"), ("1.005", "INVALID_INPUT"),
                     ("999999999999999.99", "INVALID_INPUT"),  # the largest the scalar reads: 93 of them overflowed
                     ("10000000000.01", "INVALID_INPUT")]  # one fen past one entry's bound (Production II, 6)
)
async def test_bad_credit_amounts_change_nothing(api, world, amount, code):
    shop = await world.shop()
    data = await world.credit(shop, "DEPOSIT", amount)
    assert data["account"] is None
    assert data["userErrors"] == [
        {"code": code, "message": data["userErrors"][0]["message"], "field": ["input", "amount"]}
    ]
    assert (await world.account(shop))["entries"]["edges"] == []


async def test_a_balance_stops_at_its_bound_as_a_business_error(api, world):
    """Production II (6): entries within their bound that would carry a balance past its bound are refused."""
    shop = await world.shop()
    for _ in range(100):
        assert (await world.credit(shop, "PAYABLES", "10000000000.00"))["userErrors"] == []
    refused = await world.credit(shop, "PAYABLES", "0.01")
    assert refused["userErrors"][0]["code"] == "INVALID_INPUT" and "balance" in refused["userErrors"][0]["message"]
    assert (await world.account(shop))["payables"]["amount"] == "1000000000000.00"
    await assert_ledgers_reconcile(api)


async def test_a_float_amount_is_refused_before_anything_runs(api, world):
    shop = await world.shop()
    reply = await api.gql(
        CREDIT, {"input": {"shopId": shop.id, "bucket": "DEPOSIT", "amount": 10.5}}, token=world.service
    )
    assert reply.data is None and reply.codes == ["BAD_USER_INPUT"]
    assert "string" in reply.errors[0]["message"]


async def test_credit_to_an_unknown_shop_is_not_found(api, world):
    for shop_id in ("nonsense", "U2hvcDo5OTk5OQ"):  # garbage, and Shop:99999
        reply = await api.gql(CREDIT, {"input": {"shopId": shop_id, "bucket": "DEPOSIT", "amount": "1.00"}},
                              token=world.service)
        assert reply.payload("creditShopAccount")["userErrors"][0]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("role", [Role.PLATFORM, Role.BUYER])
async def test_only_the_service_credits(api, world, role):
    shop = await world.shop()
    reply = await api.gql(CREDIT, {"input": {"shopId": shop.id, "bucket": "DEPOSIT", "amount": "1.00"}},
                          token=api.token(role))
    assert reply.codes == ["FORBIDDEN"]


async def test_account_is_visible_to_its_merchant_and_the_platform_only(api, world):
    shop = await world.shop("A")
    other = await world.shop("B")
    await world.credit(shop, "DEPOSIT", "10.00")
    assert (await world.account(shop, shop.merchant))["deposit"]["amount"] == "10.00"
    assert (await world.account(shop, world.platform))["deposit"]["amount"] == "10.00"
    for token in (other.merchant, shop.agent, world.buyer, world.service, api.token(Role.STREAMER)):
        assert await world.account(shop, token) is None


async def test_ledger_pages_with_cursors(api, world):
    shop = await world.shop()
    for i in range(5):
        await world.credit(shop, "DEPOSIT", f"{i + 1}.00")
    query = """query($id: ID!, $after: String) { shop(id: $id) { account { entries(first: 2, after: $after) {
      edges { cursor node { amount { amount } } } pageInfo { hasNextPage hasPreviousPage endCursor } } } } }"""
    seen, after = [], None
    while True:
        page = (await api.gql(query, {"id": shop.id, "after": after}, token=world.platform)).data
        entries = page["shop"]["account"]["entries"]
        seen += [e["node"]["amount"]["amount"] for e in entries["edges"]]
        assert entries["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not entries["pageInfo"]["hasNextPage"]:
            break
        after = entries["pageInfo"]["endCursor"]
    assert seen == ["1.00", "2.00", "3.00", "4.00", "5.00"]


@pytest.mark.parametrize("first", [-1, 0, 101])
async def test_page_size_is_bounded(api, world, first):
    shop = await world.shop()
    reply = await api.gql(
        "query($id: ID!, $f: Int) { shop(id: $id) { account { entries(first: $f) { edges { cursor } } } } }",
        {"id": shop.id, "f": first},
        token=world.platform,
    )
    assert reply.codes == ["BAD_USER_INPUT"]


async def test_a_forged_cursor_is_refused(api, world):
    shop = await world.shop()
    reply = await api.gql(
        'query($id: ID!) { shop(id: $id) { account { entries(after: "zzz") { edges { cursor } } } } }',
        {"id": shop.id},
        token=world.platform,
    )
    assert reply.codes == ["BAD_USER_INPUT"]


async def test_shop_query_reads_unknown_ids_as_null(api, world):
    for shop_id in ("garbage", "U2hvcDo5OTk5OQ", "T3JkZXI6MQ"):  # garbage, Shop:99999, Order:1
        reply = await api.gql(ACCOUNT, {"id": shop_id}, token=world.platform)
        assert reply.errors == [] and reply.data["shop"] is None
