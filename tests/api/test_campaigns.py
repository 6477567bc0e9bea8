"""W11: platform campaigns with merchant sign-up and a per-shop cost split, through the public API."""

from __future__ import annotations

from datetime import timedelta

from tests.api.campaigns_world import CAMPAIGNS, RUNS_FROM, RUNS_UNTIL, SIGN_UP_UNTIL
from tests.api.coupons_world import ORDER_COUPONS, codes, place

EVENTS = """query($types: [EventType!]) { events(filter: {types: $types}, first: 50) {
  edges { node { type payload { ... on CampaignEventPayload { name merchantShare shop { id } campaign { id } } } } }
} }"""
CENTRE = """query($product: ID!) { couponTemplates(filter: {productId: $product}, first: 50) {
  edges { node { id } } } }"""


def fields(data: dict) -> list[tuple[str, ...]]:
    return [tuple(e["field"]) for e in data["userErrors"]]


async def test_w11_the_platform_creates_a_campaign_of_its_templates(api, world, coupons, campaigns):
    template = await coupons.created(faceValue="10.00")
    campaign = await campaigns.created([template["id"]])
    assert campaign["status"] == "SIGN_UP" and campaign["templates"] == [{"id": template["id"]}]
    assert (campaign["minMerchantShare"], campaign["maxMerchantShare"], campaign["signUps"]) == ("0.3", "1", [])
    read = await api.gql("query($id: ID!) { node(id: $id) { ... on CouponTemplate { campaign { id name } } } }",
                         {"id": template["id"]}, token=world.platform)
    assert read.data["node"]["campaign"] == {"id": campaign["id"], "name": "双11 生鲜节"}
    again = await campaigns.create([template["id"]])  # a template belongs to one campaign
    assert codes(again) == ["INVALID_INPUT"] and fields(again) == [("input", "templateIds", "0")]
    shop = await world.shop()
    for token in (shop.merchant, world.buyer, coupons.streamer):
        assert (await api.gql("mutation { createCampaign(input: {name: \"x\", signUpFrom: \"2026-11-02T00:00:00Z\", "
                              "signUpUntil: \"2026-11-03T00:00:00Z\", runsFrom: \"2026-11-04T00:00:00Z\", "
                              "runsUntil: \"2026-11-05T00:00:00Z\", minMerchantShare: \"0\", maxMerchantShare: \"1\", "
                              "templateIds: []}) { campaign { id } } }", token=token)).codes == ["FORBIDDEN"]


async def test_w11_h2_every_problem_of_a_campaign_at_once_and_nothing_written(api, world, coupons, campaigns):
    shop = await world.shop()
    merchant_template = await coupons.created(shop.merchant, issuerKind="MERCHANT")
    data = await campaigns.create(
        [merchant_template["id"], "Q291cG9uVGVtcGxhdGU6OTk5OQ=="], name="", minMerchantShare="0.80001",
        maxMerchantShare="1.2", signUpUntil=(RUNS_FROM + timedelta(hours=1)).isoformat())
    assert data["campaign"] is None
    assert set(fields(data)) == {("input", "name"), ("input", "minMerchantShare"), ("input", "maxMerchantShare"),
                                 ("input", "runsFrom"), ("input", "templateIds", "0"), ("input", "templateIds", "1")}
    assert codes(data).count("NOT_FOUND") == 1
    inverted = await campaigns.create(minMerchantShare="0.9", maxMerchantShare="0.5")
    assert fields(inverted) == [("input", "maxMerchantShare")]
    assert (await api.gql(CAMPAIGNS, token=world.platform)).data["campaigns"]["totalCount"] == 0
    read = await api.gql("query($id: ID!) { node(id: $id) { ... on CouponTemplate { campaign { id } } } }",
                         {"id": merchant_template["id"]}, token=world.platform)
    assert read.data["node"]["campaign"] is None


async def test_w11_merchants_sign_up_change_and_leave_in_their_windows(api, world, coupons, campaigns):
    a, b = await world.shop("A"), await world.shop("B", merchant="merchant-2")
    late = await world.shop("Late", merchant="merchant-3")
    campaign = await campaigns.created()
    out_of_range = await campaigns.join(campaign["id"], "0.2", a.merchant)
    assert codes(out_of_range) == ["INVALID_INPUT"] and fields(out_of_range) == [("input", "merchantShare")]
    assert "0.3" in out_of_range["userErrors"][0]["message"]
    too_precise = await campaigns.join(campaign["id"], "0.33333", a.merchant)
    assert fields(too_precise) == [("input", "merchantShare")]
    joined = await campaigns.join(campaign["id"], "0.5", a.merchant)
    assert [(s["shop"]["id"], s["merchantShare"]) for s in joined["campaign"]["signUps"]] == [(a.id, "0.5")]
    await campaigns.join(campaign["id"], "0.8", b.merchant)
    changed = await campaigns.join(campaign["id"], "0.6", a.merchant)  # again: a change, not a second sign-up
    assert [s["merchantShare"] for s in changed["campaign"]["signUps"]] == ["0.6"]  # a merchant sees its own only
    platform_view = await api.gql("query($id: ID!) { node(id: $id) { ... on Campaign { signUps { shop { id } "
                                  "merchantShare } } } }", {"id": campaign["id"]}, token=world.platform)
    assert {(s["shop"]["id"], s["merchantShare"]) for s in platform_view.data["node"]["signUps"]} == {
        (a.id, "0.6"), (b.id, "0.8")}
    left = await campaigns.leave(campaign["id"], b.merchant)
    assert left["userErrors"] == [] and left["campaign"]["signUps"] == []
    assert codes(await campaigns.leave(campaign["id"], b.merchant)) == ["INVALID_STATE"]

    api.now = SIGN_UP_UNTIL + timedelta(minutes=1)  # sign-up closed, not started
    closed = await campaigns.join(campaign["id"], "0.5", late.merchant)
    assert codes(closed) == ["CAMPAIGN_SIGN_UP_CLOSED"]
    assert (await campaigns.join(campaign["id"], "0.7", a.merchant))["userErrors"] == []  # a change still may
    api.now = RUNS_FROM
    for refused in (await campaigns.join(campaign["id"], "0.9", a.merchant),
                    await campaigns.leave(campaign["id"], a.merchant)):
        assert codes(refused) == ["CAMPAIGN_SIGN_UP_CLOSED"], refused
    assert (await campaigns.join(campaign["id"], "0.9", a.merchant, headers={"Accept-Language": "zh-CN"}))[
        "userErrors"][0]["message"] != "a sign-up is fixed once the campaign has started"


async def test_w11_a_sign_up_outside_the_window_is_refused(api, world, coupons, campaigns):
    shop = await world.shop()
    campaign = await campaigns.created()
    api.now = RUNS_FROM - timedelta(days=3)  # before signUpFrom: not open yet
    early = await campaigns.join(campaign["id"], "0.5", shop.merchant)
    assert codes(early) == ["CAMPAIGN_SIGN_UP_CLOSED"]
    assert codes(await campaigns.join("Q2FtcGFpZ246OTk5", "0.5", shop.merchant)) == ["NOT_FOUND"]


async def test_w11_who_sees_which_campaign(api, world, coupons, campaigns):
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    campaign = await campaigns.created()
    await campaigns.join(campaign["id"], "0.5", shop.merchant)
    assert (await api.gql(CAMPAIGNS, token=other.merchant)).data["campaigns"]["totalCount"] == 1  # open for sign-up
    api.now = SIGN_UP_UNTIL + timedelta(hours=1)
    assert (await api.gql(CAMPAIGNS, token=shop.merchant)).data["campaigns"]["totalCount"] == 1  # joined
    assert (await api.gql(CAMPAIGNS, token=other.merchant)).data["campaigns"]["totalCount"] == 0
    assert (await api.gql(CAMPAIGNS, token=world.platform)).data["campaigns"]["edges"][0]["node"]["status"] == \
        "SIGN_UP"
    node = "query($id: ID!) { node(id: $id) { id } }"
    assert (await api.gql(node, {"id": campaign["id"]}, token=other.merchant)).data["node"] is None
    assert (await api.gql(node, {"id": campaign["id"]}, token=world.buyer)).data["node"] is None
    assert (await api.gql(CAMPAIGNS, token=world.buyer)).codes == ["FORBIDDEN"]
    api.now = RUNS_UNTIL + timedelta(seconds=1)
    assert (await api.gql(CAMPAIGNS, token=world.platform)).data["campaigns"]["edges"][0]["node"]["status"] == "ENDED"


async def test_w11_a_campaign_coupon_applies_in_signed_up_shops_while_it_runs_split_by_each_shops_share(
        api, world, coupons, campaigns):
    a, b = await world.shop("A"), await world.shop("B", merchant="merchant-2")
    outside = await world.shop("Outside", merchant="merchant-3")
    template = await coupons.created(faceValue="10.00", validDaysAfterClaim=60, perUserLimit=3)
    campaign = await campaigns.created([template["id"]])
    await campaigns.join(campaign["id"], "0.3", a.merchant)
    await campaigns.join(campaign["id"], "0.8", b.merchant)
    first, second = [(await coupons.claim(template["id"]))["coupon"]["id"] for _ in range(2)]

    async def quote(shop):
        return await coupons.quote(shop, {"cherries": "1"}, couponIds=[first])

    assert (await quote(a))["ineligible"][0]["reasons"] == ["NOT_YET_VALID"]  # W11: not before it runs
    api.now = RUNS_FROM
    assert (await quote(outside))["ineligible"][0]["reasons"] == ["OUT_OF_SCOPE"]  # not signed up
    shares = [(s["bearer"], s["amount"]["amount"]) for s in (await quote(a))["applied"][0]["costShares"]]
    assert shares == [("PLATFORM", "7.00"), ("MERCHANT", "3.00")]
    best = await coupons.quote(b, {"cherries": "1"})  # the best stack sees it too
    assert [(s["bearer"], s["amount"]["amount"]) for s in best["applied"][0]["costShares"]] == [
        ("PLATFORM", "2.00"), ("MERCHANT", "8.00")]
    in_a = (await place(api, world, a, {"cherries": "1"}, [first]))["order"]
    in_b = (await place(api, world, b, {"cherries": "1"}, [second]))["order"]
    for order in (in_a, in_b):
        await world.pay(order["id"])
    placed = (await api.gql(ORDER_COUPONS, {"id": in_a["id"]}, token=world.buyer)).data["order"]["coupons"][0]
    assert [(s["bearer"], s["bearerId"], s["amount"]["amount"]) for s in placed["costShares"]] == [
        ("PLATFORM", None, "7.00"), ("MERCHANT", a.id, "3.00")]
    # a used coupon's split is fixed: the sign-up cannot change once the campaign runs, and the order keeps it
    assert codes(await campaigns.join(campaign["id"], "1", a.merchant)) == ["CAMPAIGN_SIGN_UP_CLOSED"]
    assert (await api.gql(ORDER_COUPONS, {"id": in_a["id"]}, token=world.buyer)).data["order"]["coupons"][0] == placed
    # W9 follows: each shop invoices the platform its part
    assert [(o["counterparty"], o["amount"]["amount"]) for o in await campaigns.obligations(a)] == [
        ("PLATFORM", "7.00")]
    assert [(o["counterparty"], o["amount"]["amount"]) for o in await campaigns.obligations(b)] == [
        ("PLATFORM", "2.00")]
    third = (await coupons.claim(template["id"]))["coupon"]["id"]
    api.now = RUNS_UNTIL + timedelta(seconds=1)
    late = await coupons.quote(a, {"cherries": "1"}, couponIds=[third])
    assert late["ineligible"][0]["reasons"] == ["EXPIRED"]


async def test_w11_templates_outside_a_campaign_keep_their_own_ratio(api, world, coupons, campaigns):
    shop = await world.shop()
    await campaigns.created()  # a campaign exists; this template is not in it
    coupon = await coupons.owned(faceValue="10.00", platformShare="0.6")
    quote = await coupons.quote(shop, {"cherries": "1"}, couponIds=[coupon])
    assert [(s["bearer"], s["amount"]["amount"]) for s in quote["applied"][0]["costShares"]] == [
        ("PLATFORM", "6.00"), ("MERCHANT", "4.00")]


async def test_f3_a_product_page_shows_a_campaigns_coupons_only_in_signed_up_shops(api, world, coupons, campaigns):
    a, b = await world.shop("A"), await world.shop("B", merchant="merchant-2")
    template = await coupons.created(faceValue="5.00")
    campaign = await campaigns.created([template["id"]])
    await campaigns.join(campaign["id"], "0.5", a.merchant)

    async def shown(shop) -> list[str]:
        reply = await api.gql(CENTRE, {"product": shop.products["cherries"]["id"]}, token=world.buyer)
        return [e["node"]["id"] for e in reply.data["couponTemplates"]["edges"]]

    assert await shown(a) == [template["id"]] and await shown(b) == []


async def test_e1_every_campaign_change_is_an_event_its_shop_and_the_platform_see(api, world, coupons, campaigns):
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    campaign = await campaigns.created()
    await campaigns.join(campaign["id"], "0.5", shop.merchant)
    await campaigns.join(campaign["id"], "0.6", shop.merchant)
    await campaigns.join(campaign["id"], "0.6", shop.merchant)  # the same share: nothing changes, no event
    await campaigns.leave(campaign["id"], shop.merchant)
    types = ["CAMPAIGN_CREATED", "CAMPAIGN_JOINED", "CAMPAIGN_SHARE_CHANGED", "CAMPAIGN_LEFT"]

    async def seen(token):
        reply = await api.gql(EVENTS, {"types": types}, token=token)
        assert not reply.errors, reply.errors
        return [(e["node"]["type"], e["node"]["payload"]) for e in reply.data["events"]["edges"]]

    everything = await seen(world.platform)
    assert [t for t, _ in everything] == types
    assert everything[2][1] == {"name": "双11 生鲜节", "merchantShare": "0.6", "shop": {"id": shop.id},
                                "campaign": {"id": campaign["id"]}}
    assert [t for t, _ in await seen(shop.merchant)] == types[1:]
    assert await seen(shop.agent) == [] and await seen(other.merchant) == []
