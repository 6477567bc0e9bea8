"""`make run`'s demo data is enough for every screen: loaded through the domain services into an empty database, every
query in operations/ returns something for the role whose screen it serves, and the claims and appeals cover every
status the screens filter on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from demo import seed_if_empty
from domain.shared.actor import Role
from domain.shared.clock import SystemClock
from tests.api.test_trusted_documents import manifest, post

pytestmark = pytest.mark.slow  # a whole scenario through the services


def _empty(value) -> bool:
    """A screen with nothing to show: an empty list or connection, or null."""
    if value is None:
        return True
    if isinstance(value, list):
        return not value
    if isinstance(value, dict) and "edges" in value:
        return not value["edges"]
    return False


async def test_the_demo_fills_every_screen(api, settings, tmp_path):
    shop = await seed_if_empty(settings.database_url, tmp_path)
    api.now = None  # the demo happened in the last twelve days, on the real clock
    buyer, new_buyer = api.token(Role.BUYER, "buyer-demo"), api.token(Role.BUYER, "buyer-new")
    merchant, agent = api.token(Role.MERCHANT, "merchant-demo", shop=shop), api.token(Role.AGENT, "agent-demo",
                                                                                      shop=shop)
    platform = api.token(Role.PLATFORM, "ops-demo")
    claims = (await api.gql("{ claims(first: 50) { edges { node { id status order { id } } } } }",
                            token=platform)).data["claims"]["edges"]
    statuses = {edge["node"]["status"] for edge in claims}
    assert statuses == {"AWAITING_MERCHANT", "REFUNDED", "REJECTED", "ESCALATED", "RULED", "WITHDRAWN"}
    escalated = next(e["node"] for e in claims if e["node"]["status"] == "ESCALATED")
    ruled = next(e["node"] for e in claims if e["node"]["status"] == "RULED")
    appeals = (await api.gql("{ appeals(first: 50) { edges { node { id status dueAt } } } }",
                             token=platform)).data["appeals"]["edges"]
    now = SystemClock().now().isoformat()
    assert {a["node"]["status"] for a in appeals} == {"PENDING", "APPROVED"}
    assert any(a["node"]["status"] == "PENDING" and a["node"]["dueAt"] < now for a in appeals)  # overdue
    assert any(a["node"]["status"] == "PENDING" and a["node"]["dueAt"] > now for a in appeals)
    products = (await api.gql("query($s: ID) { products(first: 1, filter: {shopId: $s}) { edges { node { id } } } }",
                              {"s": shop}, token=buyer)).data["products"]
    cart = {"shopId": shop, "shippingFee": "6.00", "paymentMethod": "ONLINE",
            "lines": [{"productId": products["edges"][0]["node"]["id"], "quantity": "2"}]}
    since = (SystemClock().now() - timedelta(days=30)).isoformat()
    runs = {
        "MyClaims": (buyer, {}), "ClaimTracking": (buyer, {"id": escalated["id"]}),
        "OrderForClaim": (buyer, {"id": escalated["order"]["id"]}), "MerchantClaimInbox": (merchant, {}),
        "MerchantClaim": (merchant, {"id": escalated["id"]}), "MerchantAppeals": (merchant, {}),
        "AppealDetail": (merchant, {"id": appeals[0]["node"]["id"]}), "ArbitrationQueue": (platform, {}),
        "ArbitrationCase": (platform, {"id": ruled["id"]}), "AppealQueue": (platform, {}),
        "MyWallet": (buyer, {}), "CheckoutQuote": (buyer, {"input": cart}),
        "CustomerProfile": (agent, {"customerId": "buyer-demo"}), "StarredCustomers": (agent, {}),
        "RecentContacts": (agent, {}), "Shortcuts": (agent, {}), "MerchantInboxByDeadline": (merchant, {}),
        "OrderList": (buyer, {}), "AppealableReviews": (merchant, {"ratings": [1, 2, 3, 4, 5]}),
        "ProductSearch": (buyer, {"search": "车厘子"}), "ShopDirectory": (platform, {}),
        "CouponCentre": (new_buyer, {}), "GovernanceReport": (merchant, {"from": since, "to": now}),
        "ClaimSettlement": (buyer, {"id": escalated["id"]}), "ShopViolations": (merchant, {}),
        "ShopStanding": (buyer, {"id": shop}), "EventFeed": (merchant, {}), "WebhookAttempts": (merchant, {}),
        "Campaigns": (merchant, {}), "InvoiceBook": (merchant, {"shopId": shop, "from": since, "to": now}),
    }
    entries = manifest()
    assert {name for name, entry in entries.items() if entry["type"] == "query"} == set(runs)
    empty = []
    for name, (token, variables) in runs.items():
        reply = await post(api, {"documentId": f"sha256:{entries[name]['id']}", "variables": variables}, token)
        body = reply.json()
        assert reply.status_code == 200 and "errors" not in body, (name, body)
        empty += [f"{name}.{field}" for field, value in body["data"].items() if _empty(value)]
    assert empty == []
    wallet = (await api.gql("{ wallet { coupons(first: 50) { edges { node { status } } } } }", token=buyer))
    assert {e["node"]["status"] for e in wallet.data["wallet"]["coupons"]["edges"]} == \
        {"AVAILABLE", "LOCKED", "USED", "EXPIRED"}
    campaigns = (await api.gql("{ campaigns(first: 5) { edges { node { status signUps { merchantShare } } } } }",
                               token=platform)).data["campaigns"]["edges"]
    assert [(c["node"]["status"], sorted(s["merchantShare"] for s in c["node"]["signUps"])) for c in campaigns] == [
        ("RUNNING", ["0.3", "0.6"])]
    origins = await api.gql("{ wallet { coupons(first: 50) { edges { node { origin } } } } }", token=buyer)
    assert "ISSUED" in {e["node"]["origin"] for e in origins.data["wallet"]["coupons"]["edges"]}
    book = (await api.gql("query($s: ID!, $f: DateTime!, $t: DateTime!) { invoiceObligations(shopId: $s, from: $f, "
                          "to: $t) { counterparty invoiced { amount } } }",
                          {"s": shop, "f": (SystemClock().now() - timedelta(days=80)).isoformat(), "t": now},
                          token=merchant)).data["invoiceObligations"]
    assert any(o["counterparty"] == "PLATFORM" and o["invoiced"]["amount"] != "0.00" for o in book), book
