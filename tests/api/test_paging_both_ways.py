"""H3 through the API: every connection pages backward with Relay's `last`/`before` as it pages forward with
`first`/`after` — the same rows, the same cursors, `hasPreviousPage`/`hasNextPage` and `startCursor`/`endCursor`
by Relay's rules — and `after` with `before` together bound a window. Walked on lists of each kind of key: by id
newest first and oldest first, by a sort value (orders, claims), in memory (stars) and across the two segments of
recent contacts (stars, then the others)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.annotations_ops import CONTACT, STAR

PAGE = "edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
ARGS = "first: $first, after: $after, last: $last, before: $before"
VARS = "$first: Int, $after: String, $last: Int, $before: String"


def listing(field: str, extra_vars: str = "", extra_args: str = "", around: str = "{}") -> str:
    inner = f"{field}({ARGS}{', ' + extra_args if extra_args else ''}) {{ {PAGE} }}"
    return f"query({VARS}{', ' + extra_vars if extra_vars else ''}) " + around.replace("{}", "{ " + inner + " }")


async def _connection(api, token: str, query: str, path: list[str], **variables: Any) -> dict:
    reply = await api.gql(query, variables, token=token)
    assert not reply.errors, reply.errors
    found = reply.data
    for name in path:
        found = found[name]
    return found


async def walk_both_ways(api, token: str, query: str, path: list[str], at_least: int, **extra: Any) -> list[str]:
    """Pages of 2 forward, then backward from the end: the same cursors in the same order, each page's info by
    Relay's rules; then the window strictly between the first and last rows, read either way."""
    forward: list[str] = []
    after = None
    while True:
        page = await _connection(api, token, query, path, first=2, after=after, **extra)
        cursors, info = [e["cursor"] for e in page["edges"]], page["pageInfo"]
        assert info["hasPreviousPage"] is (after is not None)
        assert (info["startCursor"], info["endCursor"]) == ((cursors[0], cursors[-1]) if cursors else (None, None))
        forward += cursors
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert len(forward) >= at_least and len(set(forward)) == len(forward)
    backward: list[str] = []
    before = None
    while True:
        page = await _connection(api, token, query, path, last=2, before=before, **extra)
        cursors, info = [e["cursor"] for e in page["edges"]], page["pageInfo"]
        assert info["hasNextPage"] is (before is not None)
        assert (info["startCursor"], info["endCursor"]) == ((cursors[0], cursors[-1]) if cursors else (None, None))
        assert 1 <= len(cursors) <= 2
        backward = cursors + backward
        if not info["hasPreviousPage"]:
            break
        before = info["startCursor"]
    assert backward == forward
    for direction in ({"first": 100}, {"last": 100}):
        inside = await _connection(api, token, query, path, after=forward[0], before=forward[-1], **direction,
                                   **extra)
        assert [e["cursor"] for e in inside["edges"]] == forward[1:-1]
    nearest = await _connection(api, token, query, path, last=1, before=forward[-1], **extra)
    assert [e["cursor"] for e in nearest["edges"]] == [forward[-2]] and nearest["pageInfo"]["hasPreviousPage"]
    return forward


async def test_h3_orders_products_shops_events_and_ledger_page_both_ways(api, world):
    shop = await world.shop()
    await world.shop("Second", merchant="merchant-2")
    await world.shop("Third", merchant="merchant-3")
    for n in range(5):
        await world.place(shop, {"bowl": str(n + 1)})
        await world.credit(shop, "DEPOSIT", f"{n + 1}.00")
        api.advance(minutes=1)
    await walk_both_ways(api, world.buyer, listing("orders"), ["orders"], 5)
    sorted_orders = listing("orders", "$s: OrderSort", "sortBy: $s")
    for sort in ({"field": "PLACED_AT", "direction": "ASC"}, {"field": "PAYABLE", "direction": "DESC"}):
        await walk_both_ways(api, world.buyer, sorted_orders, ["orders"], 5, s=sort)
    await walk_both_ways(api, world.buyer, listing("products"), ["products"], 6)
    await walk_both_ways(api, world.platform, listing("shops"), ["shops"], 3)
    await walk_both_ways(api, world.platform, listing("events"), ["events"], 10)
    entries = listing("entries", "$id: ID!", around="{ shop(id: $id) { account {} } }")
    await walk_both_ways(api, world.platform, entries, ["shop", "account", "entries"], 5, id=shop.id)


async def test_h3_claims_coupons_and_templates_page_both_ways(api, world, claims, coupons):
    shop = await world.shop()
    for _ in range(3):
        _order, line = await claims.delivered_line(shop)
        await claims.submit(line)
        api.advance(minutes=5)
    await walk_both_ways(api, shop.merchant, listing("claims"), ["claims"], 3)
    sorted_claims = listing("claims", "$s: ClaimSort", "sortBy: $s")
    await walk_both_ways(api, shop.merchant, sorted_claims, ["claims"], 3,
                         s={"field": "MERCHANT_RESPONSE_DUE_AT", "direction": "ASC"})
    for n in range(3):
        await coupons.owned(name=f"满减{n}")
    await walk_both_ways(api, world.buyer, listing("coupons", around="{ wallet {} }"), ["wallet", "coupons"], 3)
    await walk_both_ways(api, world.platform, listing("couponTemplates"), ["couponTemplates"], 3)


async def test_h3_stars_and_recent_contacts_page_both_ways_across_their_segments(api, world):
    shop = await world.shop()
    for customer in ("s1", "s2", "s3"):
        assert not (await api.gql(STAR, {"c": customer}, token=shop.agent)).payload("starCustomer")["userErrors"]
        api.advance(minutes=1)
    for customer in ("c1", "c2", "c3", "c4"):
        assert not (await api.gql(CONTACT, {"c": customer}, token=shop.agent)).payload("recordContact")["userErrors"]
        api.advance(minutes=1)
    await walk_both_ways(api, shop.agent, listing("starredCustomers"), ["starredCustomers"], 3)
    every = await walk_both_ways(api, shop.agent, listing("recentContacts"), ["recentContacts"], 7)
    assert len(every) == 7  # three stars, then four contacts: pages of two cross from one segment to the other


@pytest.mark.parametrize(("variables", "says"), [
    ({"first": 2, "last": 2}, "`first` or `last`"),
    ({"last": 0}, "last must be between 1 and 100"),
    ({"last": 101}, "last must be between 1 and 100"),
    ({"last": 2, "before": "forged"}, "`before` cursor"),
])
async def test_h3_bad_paging_arguments_are_refused_clearly(api, world, variables, says):
    reply = await api.gql(listing("orders"), variables, token=world.buyer)
    assert reply.codes == ["BAD_USER_INPUT"] and says in reply.errors[0]["message"]


def test_h3_every_connection_takes_both_directions():
    from schema import schema

    connections = [(parent.name, name, field) for parent in schema._schema.type_map.values()
                   if hasattr(parent, "fields") and not parent.name.startswith("__")
                   for name, field in getattr(parent, "fields", {}).items()
                   if str(field.type).rstrip("!").endswith("Connection")]
    assert len(connections) >= 14
    for parent, name, field in connections:
        assert {"first", "after", "last", "before"} <= set(field.args), f"{parent}.{name}"
