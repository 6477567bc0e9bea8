"""W12: targeted issuance through the public API."""

from __future__ import annotations

from datetime import timedelta

from domain.shared.actor import Role
from tests.api.coupons_world import WALLET, codes


def outcomes(data: dict) -> list[tuple[str, str | None]]:
    assert data["userErrors"] == [], data
    return [(r["buyerId"], r["refusal"]) for r in data["results"]]


async def test_w12_each_buyer_granted_one_or_refused_with_the_reason(api, world, coupons, campaigns):
    template = await coupons.created(totalStock=4, perUserLimit=1)
    await coupons.claim(template["id"])  # buyer-1 holds one: its limit
    data = await campaigns.issue(template["id"], ["buyer-1", "buyer-3", "buyer-4", "buyer-5", "buyer-6"])
    assert outcomes(data) == [("buyer-1", "COUPON_CLAIM_LIMIT_REACHED"), ("buyer-3", None), ("buyer-4", None),
                              ("buyer-5", None), ("buyer-6", "COUPON_OUT_OF_STOCK")]
    granted = [r["coupon"] for r in data["results"] if r["coupon"]]
    assert {(c["ownerId"], c["origin"], c["status"]) for c in granted} == {
        ("buyer-3", "ISSUED", "AVAILABLE"), ("buyer-4", "ISSUED", "AVAILABLE"), ("buyer-5", "ISSUED", "AVAILABLE")}
    wallet = await api.gql("query { wallet { coupons(first: 5) { edges { node { origin template { id } } } } } }",
                           token=api.token(Role.BUYER, "buyer-3"))
    assert wallet.data["wallet"]["coupons"]["edges"] == [{"node": {"origin": "ISSUED",
                                                                   "template": {"id": template["id"]}}}]
    claimed = await api.gql("query { wallet { coupons(first: 5) { edges { node { origin } } } } }", token=world.buyer)
    assert claimed.data["wallet"]["coupons"]["edges"] == [{"node": {"origin": "CLAIMED"}}]
    read = await api.gql("query($id: ID!) { node(id: $id) { ... on CouponTemplate { claimedCount } } }",
                         {"id": template["id"]}, token=world.platform)
    assert read.data["node"]["claimedCount"] == 4


async def test_w12_the_new_user_rule_and_the_window_refuse_per_buyer(api, world, coupons, campaigns):
    shop = await world.shop()
    await world.place(shop, {"bowl": "1"})  # buyer-1 has ordered
    newcomers = await coupons.created(newUserOnly=True, perUserLimit=2)
    assert outcomes(await campaigns.issue(newcomers["id"], ["buyer-1", "buyer-2"])) == [
        ("buyer-1", "COUPON_NOT_APPLICABLE"), ("buyer-2", None)]
    fixed = await coupons.created(validDaysAfterClaim=None, validFrom=api.now.isoformat(),
                                  validUntil=(api.now + timedelta(days=1)).isoformat())
    api.advance(days=2)
    assert outcomes(await campaigns.issue(fixed["id"], ["buyer-2"])) == [("buyer-2", "COUPON_NOT_APPLICABLE")]


async def test_w12_only_the_templates_issuer_issues_and_bad_input_changes_nothing(api, world, coupons, campaigns):
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    own = await coupons.created(shop.merchant, issuerKind="MERCHANT")
    assert outcomes(await campaigns.issue(own["id"], ["buyer-1"], token=shop.merchant)) == [("buyer-1", None)]
    streamers = await coupons.created(coupons.streamer, issuerKind="STREAMER")
    platform = await coupons.created()
    for template, token in ((own, other.merchant), (own, world.platform), (streamers, api.token(Role.STREAMER, "x")),
                            (platform, shop.merchant)):
        refused = await campaigns.issue(template["id"], ["buyer-2"], token=token)
        assert codes(refused) in (["NOT_FOUND"], ["FORBIDDEN"]) and refused["results"] == [], (template, token)
    buyer = await api.gql("mutation($id: ID!) { issueCoupons(input: {templateId: $id, buyerIds: [\"b\"]}) "
                          "{ results { buyerId } } }", {"id": platform["id"]}, token=world.buyer)
    assert buyer.codes == ["FORBIDDEN"]
    too_many = await campaigns.issue(platform["id"], [f"b-{i}" for i in range(1001)])
    assert codes(too_many) == ["INVALID_INPUT"] and too_many["userErrors"][0]["field"] == ["input", "buyerIds"]
    twice = await campaigns.issue(platform["id"], ["b-1", "", "b-1"])
    assert [e["field"] for e in twice["userErrors"]] == [["input", "buyerIds", "1"], ["input", "buyerIds", "2"]]
    assert (await campaigns.issue(platform["id"], []))["userErrors"][0]["code"] == "INVALID_INPUT"
    read = await api.gql("query($id: ID!) { node(id: $id) { ... on CouponTemplate { claimedCount } } }",
                         {"id": platform["id"]}, token=world.platform)
    assert read.data["node"]["claimedCount"] == 0


async def test_w12_a_repeated_call_with_the_same_idempotency_key_grants_nothing_twice(api, world, coupons, campaigns):
    template = await coupons.created(totalStock=10, perUserLimit=5)
    key = {"Idempotency-Key": "issue-2026-11-02-a"}
    first = await campaigns.issue(template["id"], ["buyer-1", "buyer-2"], headers=key)
    again = await campaigns.issue(template["id"], ["buyer-1", "buyer-2"], headers=key)
    assert again == first and outcomes(first) == [("buyer-1", None), ("buyer-2", None)]
    wallet = await api.gql(WALLET, {}, token=world.buyer)
    assert wallet.data["wallet"]["coupons"]["totalCount"] == 1
    other_key = await campaigns.issue(template["id"], ["buyer-1"], headers={"Idempotency-Key": "issue-b"})
    assert outcomes(other_key) == [("buyer-1", None)]  # a new key is a new grant, within the limit of 5


async def test_e1_each_issued_coupon_is_an_event_its_buyer_sees(api, world, coupons, campaigns):
    template = await coupons.created()
    await campaigns.issue(template["id"], ["buyer-1", "buyer-2"])
    query = """{ events(filter: {types: [COUPON_ISSUED]}, first: 10) { edges { node { type
      payload { ... on CouponEventPayload { status coupon { ownerId origin } } } } } } }"""
    mine = (await api.gql(query, token=world.buyer)).data["events"]["edges"]
    assert [e["node"]["payload"] for e in mine] == [{"status": "AVAILABLE",
                                                     "coupon": {"ownerId": "buyer-1", "origin": "ISSUED"}}]
    assert len((await api.gql(query, token=world.platform)).data["events"]["edges"]) == 2


async def test_w12_an_issuance_is_a_fixed_number_of_statements_however_many_buyers(api, world, coupons, campaigns,
                                                                                  app):
    """One transaction, and the same statements for 5 buyers as for 200: nothing is written a buyer at a time."""
    from sqlalchemy import event

    engine = app.state.database.engine.sync_engine
    counts = []
    for size in (5, 200):
        template = await coupons.created(totalStock=size)
        seen = []

        def count(*_args, seen=seen, **_kw):
            seen.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            granted = await campaigns.issue(template["id"], [f"n{size}-{i}" for i in range(size)])
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert sum(1 for r in granted["results"] if r["coupon"]) == size
        counts.append(len(seen))
    assert counts[0] == counts[1], counts
