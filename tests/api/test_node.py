"""node(id:) for every type, and tenant isolation through it (contract conventions, G6)."""

from __future__ import annotations

from tests.api.world import REVIEW

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"


async def test_every_type_resolves_and_foreign_tenants_read_null(api, world):
    shop = await world.shop()
    other = await world.shop("Other", merchant="merchant-2")
    await world.credit(shop, "DEPOSIT", "5.00")
    order = await world.order(shop, signed_at=api.now)
    rev = (await api.gql(REVIEW, {"input": {"orderId": order["id"], "rating": 4, "content": "ok"}},
                         token=world.service)).payload("recordReview")["review"]
    entry = (
        await api.gql(
            "query($id: ID!) { shop(id: $id) { account { entries { edges { node { id } } } } } }",
            {"id": shop.id},
            token=world.platform,
        )
    ).data["shop"]["account"]["entries"]["edges"][0]["node"]
    line = order["lines"][0]
    cases = {
        "Shop": (shop.id, [world.other_buyer], []),
        "Product": (shop.products["bowl"]["id"], [world.other_buyer], []),
        "Order": (order["id"], [world.buyer, shop.merchant, shop.agent], [world.other_buyer, other.merchant]),
        "OrderLine": (line["id"], [world.buyer, shop.agent], [world.other_buyer, other.agent]),
        "LedgerEntry": (entry["id"], [shop.merchant, world.platform], [other.merchant, shop.agent, world.buyer]),
        "Review": (rev["id"], [world.buyer, shop.merchant, world.platform], [world.other_buyer, other.agent]),
    }
    for type_name, (gid, allowed, denied) in cases.items():
        for token in allowed:
            reply = await api.gql(NODE, {"id": gid}, token=token)
            assert reply.data["node"] == {"__typename": type_name, "id": gid}, (type_name, reply.body)
        for token in denied:
            reply = await api.gql(NODE, {"id": gid}, token=token)
            assert reply.errors == [] and reply.data["node"] is None, (type_name, reply.body)


async def test_unknown_and_malformed_ids_read_null(api, world):
    for gid in ("", "garbage", "U2hvcDo5OTk5OQ", "Tm9wZTox", "U2hvcDphYmM", "U2hvcDotMQ"):
        reply = await api.gql(NODE, {"id": gid}, token=world.platform)
        assert reply.errors == [] and reply.data["node"] is None, gid
