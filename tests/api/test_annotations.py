"""Customer-service annotations through the public API (SPEC N1–N6), tenant isolation for each."""

from __future__ import annotations

import asyncio
import unicodedata
from datetime import timedelta

import pytest

from domain.shared.actor import Role
from tests.api.annotations_ops import (
    CLEAR,
    CONTACT,
    ORDER_REMARK,
    RECENT,
    SALE_REMARK,
    SET_REMARK,
    SHORTCUT,
    STAR,
    STARRED,
    UNSTAR,
)

PROFILE = """query($c: String!) { customerProfile(customerId: $c) { customerId
  remark { text updatedBy updatedAt history { text authorId at } } star { color starredAt }
  remarkHistory { text } } }"""


# ---------------------------------------------------------------- N1 customer remarks


async def test_n1_a_remark_per_shop_and_customer_with_history(api, world):
    shop = await world.shop()
    other = await world.shop("Other", merchant="merchant-2")
    data = (await api.gql(SET_REMARK, {"c": "buyer-1", "t": "  likes ripe fruit  "}, token=shop.agent)).payload(
        "setCustomerRemark")
    assert (
        data["profile"]["remark"]["text"] == "likes ripe fruit" and data["profile"]["remark"]["updatedBy"] == "agent-1"
    )
    api.advance(minutes=1)
    await api.gql(SET_REMARK, {"c": "buyer-1", "t": "VIP"}, token=shop.merchant)
    profile = (await api.gql(PROFILE, {"c": "buyer-1"}, token=shop.agent)).data["customerProfile"]
    assert profile["remark"]["text"] == "VIP" and profile["remark"]["updatedBy"] == "merchant-1"
    assert [(h["text"], h["authorId"]) for h in profile["remark"]["history"]] == [
        ("VIP", "merchant-1"), ("likes ripe fruit", "agent-1")]
    elsewhere = (await api.gql(PROFILE, {"c": "buyer-1"}, token=other.agent)).data["customerProfile"]
    assert elsewhere["remark"] is None and elsewhere["remarkHistory"] == []


async def test_n1_an_empty_text_clears_and_the_history_stays(api, world):
    shop = await world.shop()
    await api.gql(SET_REMARK, {"c": "buyer-1", "t": "note"}, token=shop.agent)
    cleared = (await api.gql(SET_REMARK, {"c": "buyer-1", "t": ""}, token=shop.agent)).payload("setCustomerRemark")
    assert cleared["profile"]["remark"] is None
    assert [h["text"] for h in cleared["profile"]["remarkHistory"]] == ["", "note"]


@pytest.mark.parametrize("text, ok", [
    ("好" * 500, True), ("好" * 501, False), ("😀" * 500, True), ("e\u0301" * 500, True), ("e\u0301" * 501, False),
])
async def test_n1_500_code_points_after_nfc(api, world, text, ok):
    assert len(unicodedata.normalize("NFC", text)) in (500, 501)
    shop = await world.shop()
    data = (await api.gql(SET_REMARK, {"c": "buyer-1", "t": text}, token=shop.agent)).payload("setCustomerRemark")
    assert [e["code"] for e in data["userErrors"]] == ([] if ok else ["TEXT_TOO_LONG"])
    if not ok:
        profile = (await api.gql(PROFILE, {"c": "buyer-1"}, token=shop.agent)).data["customerProfile"]
        assert profile["remark"] is None and profile["remarkHistory"] == []


@pytest.mark.parametrize("role", [Role.BUYER, Role.PLATFORM, Role.SERVICE, Role.STREAMER])
async def test_n1_only_shop_staff_see_or_set_remarks(api, world, role):
    token = api.token(role)
    assert (await api.gql(PROFILE, {"c": "buyer-1"}, token=token)).codes == ["FORBIDDEN"]
    assert (await api.gql(SET_REMARK, {"c": "buyer-1", "t": "x"}, token=token)).codes == ["FORBIDDEN"]


# ---------------------------------------------------------------- N2 order and after-sale remarks


async def test_n2_order_remarks_are_the_shops(api, world):
    shop = await world.shop()
    other = await world.shop("Other", merchant="merchant-2")
    order = await world.order(shop)
    data = (await api.gql(ORDER_REMARK, {"id": order["id"], "t": "pack with ice"}, token=shop.agent)).payload(
        "setOrderRemark")
    assert data["order"]["remark"] == "pack with ice"
    assert (await world.read_order(order["id"], shop.merchant))["remark"] == "pack with ice"
    assert (await world.read_order(order["id"], world.buyer))["remark"] is None  # never shown to the buyer
    assert (await world.read_order(order["id"], world.platform))["remark"] is None
    foreign = (await api.gql(ORDER_REMARK, {"id": order["id"], "t": "x"}, token=other.merchant)).payload(
        "setOrderRemark"
    )
    assert [e["code"] for e in foreign["userErrors"]] == ["NOT_FOUND"]
    too_long = (await api.gql(ORDER_REMARK, {"id": order["id"], "t": "x" * 501}, token=shop.agent)).payload(
        "setOrderRemark")
    assert [e["code"] for e in too_long["userErrors"]] == ["TEXT_TOO_LONG"]
    cleared = (await api.gql(ORDER_REMARK, {"id": order["id"], "t": ""}, token=shop.agent)).payload("setOrderRemark")
    assert cleared["order"]["remark"] is None
    assert (await api.gql(ORDER_REMARK, {"id": order["id"], "t": "x"}, token=world.buyer)).codes == ["FORBIDDEN"]


async def test_n2_after_sale_remarks_belong_to_the_claim_and_the_shop(api, world, claims):
    shop = await world.shop()
    other = await world.shop("Other", merchant="merchant-2")
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line))["claim"]
    first = (await api.gql(SALE_REMARK, {"id": claim["id"], "t": "called the buyer"}, token=shop.agent)).payload(
        "addAfterSaleRemark")
    api.advance(minutes=5)
    second = (await api.gql(SALE_REMARK, {"id": claim["id"], "t": "courier confirms"}, token=shop.merchant)).payload(
        "addAfterSaleRemark")
    assert first["userErrors"] == [] and [r["text"] for r in second["claim"]["afterSaleRemarks"]] == [
        "called the buyer", "courier confirms"]
    query = "query($id: ID!) { claim(id: $id) { afterSaleRemarks { text } } }"
    assert (await api.gql(query, {"id": claim["id"]}, token=world.buyer)).data["claim"]["afterSaleRemarks"] == []
    assert (await api.gql(query, {"id": claim["id"]}, token=world.platform)).data["claim"]["afterSaleRemarks"] == []
    foreign = (await api.gql(SALE_REMARK, {"id": claim["id"], "t": "x"}, token=other.agent)).payload(
        "addAfterSaleRemark"
    )
    assert [e["code"] for e in foreign["userErrors"]] == ["NOT_FOUND"]
    empty = (await api.gql(SALE_REMARK, {"id": claim["id"], "t": " "}, token=shop.agent)).payload("addAfterSaleRemark")
    assert [e["code"] for e in empty["userErrors"]] == ["INVALID_INPUT"]


# ---------------------------------------------------------------- N3, N4 stars


async def test_n3_starring_recolouring_and_the_order(api, world):
    shop = await world.shop()
    first = (await api.gql(STAR, {"c": "c1"}, token=shop.agent)).payload("starCustomer")
    assert first["star"]["color"] == "RED" and first["evicted"] is None
    api.advance(minutes=1)
    await api.gql(STAR, {"c": "c2", "color": "BLUE"}, token=shop.agent)
    api.advance(minutes=1)
    again = (await api.gql(STAR, {"c": "c1", "color": "GREEN"}, token=shop.agent)).payload("starCustomer")
    assert again["star"]["color"] == "GREEN" and again["star"]["starredAt"] == first["star"]["starredAt"]
    listed = (await api.gql(STARRED, {}, token=shop.agent)).data["starredCustomers"]
    assert [(e["node"]["customerId"], e["node"]["color"]) for e in listed["edges"]] == [("c2", "BLUE"), ("c1", "GREEN")]
    profile = (await api.gql(PROFILE, {"c": "c1"}, token=shop.agent)).data["customerProfile"]
    assert profile["star"]["color"] == "GREEN"
    other_agent = api.token(Role.AGENT, "agent-2", shop=shop.id)  # stars are per agent
    assert (await api.gql(STARRED, {}, token=other_agent)).data["starredCustomers"]["totalCount"] == 0
    assert (await api.gql(PROFILE, {"c": "c1"}, token=shop.merchant)).data["customerProfile"]["star"] is None


async def test_n3_the_101st_star_evicts_the_earliest(api, world):
    shop = await world.shop()
    for i in range(100):
        await api.gql(STAR, {"c": f"c{i}"}, token=shop.agent)
        api.advance(seconds=1)
    data = (await api.gql(STAR, {"c": "c100"}, token=shop.agent)).payload("starCustomer")
    assert data["evicted"] == {"customerId": "c0"} and data["star"]["customerId"] == "c100"
    listed = (await api.gql(STARRED, {"first": 100}, token=shop.agent)).data["starredCustomers"]
    assert listed["totalCount"] == 100 and listed["edges"][0]["node"]["customerId"] == "c100"
    assert "c0" not in {e["node"]["customerId"] for e in listed["edges"]}
    seen, after = [], None
    while True:
        page = (await api.gql(STARRED, {"first": 30, "after": after}, token=shop.agent)).data["starredCustomers"]
        seen += [e["node"]["customerId"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"c{i}" for i in range(100, 0, -1)]


async def test_n3_the_cap_holds_under_concurrent_starring(api, world):
    shop = await world.shop()
    for i in range(95):
        await api.gql(STAR, {"c": f"old{i}"}, token=shop.agent)
        api.advance(seconds=1)
    results = await asyncio.gather(*[api.gql(STAR, {"c": f"new{i}"}, token=shop.agent) for i in range(12)])
    payloads = [r.payload("starCustomer") for r in results]
    assert all(p["userErrors"] == [] for p in payloads)
    assert sum(1 for p in payloads if p["evicted"]) == 7
    assert (await api.gql(STARRED, {}, token=shop.agent)).data["starredCustomers"]["totalCount"] == 100


async def test_n4_unstar_and_clear(api, world):
    shop = await world.shop()
    for customer in ("a", "b", "c"):
        await api.gql(STAR, {"c": customer}, token=shop.agent)
    await api.gql(CONTACT, {"c": "a"}, token=shop.agent)
    assert (await api.gql(UNSTAR, {"c": "a"}, token=shop.agent)).payload("unstarCustomer")["star"] == {
        "customerId": "a"
    }
    missing = (await api.gql(UNSTAR, {"c": "a"}, token=shop.agent)).payload("unstarCustomer")
    assert [e["code"] for e in missing["userErrors"]] == ["NOT_FOUND"]
    recent = (await api.gql(RECENT, {}, token=shop.agent)).data["recentContacts"]
    assert "a" in [e["node"]["customerId"] for e in recent["edges"]]  # an unstarred customer stays a contact
    assert (await api.gql(CLEAR, token=shop.agent)).payload("clearStars")["cleared"] == 2
    assert (await api.gql(STARRED, {}, token=shop.agent)).data["starredCustomers"]["totalCount"] == 0


@pytest.mark.parametrize("role", [Role.MERCHANT, Role.BUYER, Role.SERVICE])
async def test_n3_stars_are_for_agents(api, world, role):
    shop = await world.shop()
    token = api.token(role, shop=shop.id if role is Role.MERCHANT else None)
    assert (await api.gql(STAR, {"c": "c1"}, token=token)).codes == ["FORBIDDEN"]
    assert (await api.gql(STARRED, {}, token=token)).codes == ["FORBIDDEN"]
    assert (await api.gql(CLEAR, token=token)).codes == ["FORBIDDEN"]


# ---------------------------------------------------------------- N5 recent contacts


async def test_n5_starred_first_then_by_last_contact(api, world):
    shop = await world.shop()
    for customer in ("x", "y", "z", "w"):
        await api.gql(CONTACT, {"c": customer}, token=shop.agent)
        api.advance(minutes=1)
    await api.gql(CONTACT, {"c": "x", "agent": "agent-1"}, token=world.service)  # the chat service, later
    api.advance(minutes=1)
    await api.gql(STAR, {"c": "z"}, token=shop.agent)
    api.advance(minutes=1)
    await api.gql(STAR, {"c": "starred-only", "color": "PURPLE"}, token=shop.agent)
    recent = (await api.gql(RECENT, {}, token=shop.agent)).data["recentContacts"]
    assert [e["node"]["customerId"] for e in recent["edges"]] == ["starred-only", "z", "x", "w", "y"]
    # N4 (round 3): starring made the never-contacted customer a contact, at the moment of the star
    assert recent["edges"][0]["node"]["lastContactAt"] == api.now.isoformat().replace("+00:00", "Z")
    seen, after = [], None
    while True:
        page = (await api.gql(RECENT, {"first": 2, "after": after}, token=shop.agent)).data["recentContacts"]
        seen += [e["node"]["customerId"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["starred-only", "z", "x", "w", "y"]


async def test_n5_contacts_keep_the_latest_time_and_are_per_agent(api, world):
    shop = await world.shop()
    await api.gql(CONTACT, {"c": "x"}, token=shop.agent)
    earlier = (api.now - timedelta(hours=1)).isoformat()
    data = (await api.gql(CONTACT, {"c": "x", "at": earlier}, token=shop.agent)).payload("recordContact")
    assert data["contact"]["lastContactAt"] == api.now.isoformat().replace("+00:00", "Z")
    other_agent = api.token(Role.AGENT, "agent-2", shop=shop.id)
    assert (await api.gql(RECENT, {}, token=other_agent)).data["recentContacts"]["edges"] == []


async def test_n5_who_records_contacts(api, world):
    shop = await world.shop()
    no_agent = (await api.gql(CONTACT, {"c": "x"}, token=world.service)).payload("recordContact")
    assert no_agent["userErrors"][0]["field"] == ["input", "agentId"]
    other = (await api.gql(CONTACT, {"c": "x", "agent": "agent-9"}, token=shop.agent)).payload("recordContact")
    assert [e["code"] for e in other["userErrors"]] == ["INVALID_INPUT"]
    future = (api.now + timedelta(minutes=1)).isoformat()
    assert (await api.gql(CONTACT, {"c": "x", "at": future}, token=shop.agent)).payload("recordContact")["userErrors"]
    assert (await api.gql(CONTACT, {"c": "x"}, token=shop.merchant)).codes == ["FORBIDDEN"]


# ---------------------------------------------------------------- N6 shortcuts


async def test_n6_defaults_normalisation_and_conflicts(api, world):
    shop = await world.shop()
    listed = (await api.gql("{ shortcuts { action keys } }", token=shop.agent)).data["shortcuts"]
    assert {"action": "remark", "keys": "Alt+Shift+M"} in listed
    data = (await api.gql(SHORTCUT, {"a": "remark", "k": "shift+ctrl+r"}, token=shop.agent)).payload("setShortcut")
    assert data["shortcut"] == {"action": "remark", "keys": "Ctrl+Shift+R"}
    conflict = (await api.gql(SHORTCUT, {"a": "star", "k": "Ctrl+Shift+R"}, token=shop.agent)).payload("setShortcut")
    assert [e["code"] for e in conflict["userErrors"]] == ["SHORTCUT_CONFLICT"]
    freed = (await api.gql(SHORTCUT, {"a": "star", "k": "alt+shift+m"}, token=shop.agent)).payload("setShortcut")
    assert freed["shortcut"]["keys"] == "Alt+Shift+M"  # remark no longer holds it
    clash_with_default = (await api.gql(SHORTCUT, {"a": "remark", "k": "Alt+Shift+U"}, token=shop.agent)).payload(
        "setShortcut")
    assert [e["code"] for e in clash_with_default["userErrors"]] == ["SHORTCUT_CONFLICT"]  # unstar's default
    other_agent = api.token(Role.AGENT, "agent-2", shop=shop.id)
    theirs = (await api.gql("{ shortcuts { action keys } }", token=other_agent)).data["shortcuts"]
    assert {"action": "remark", "keys": "Alt+Shift+M"} in theirs


@pytest.mark.parametrize("keys, normal", [("shift+alt+m", "Alt+Shift+M"), ("Meta+Ctrl+k", "Ctrl+Meta+K"),
                                          ("alt + f5", "Alt+F5"), ("ctrl+shift+up", "Ctrl+Shift+ArrowUp"),
                                          ("cmd+enter", "Meta+Enter"), ("Ctrl+1", "Ctrl+1")])
async def test_n6_bindings_are_normalised(api, world, keys, normal):
    shop = await world.shop()
    data = (await api.gql(SHORTCUT, {"a": "remark", "k": keys}, token=shop.agent)).payload("setShortcut")
    assert data["shortcut"]["keys"] == normal


@pytest.mark.parametrize("keys", ["M", "Alt", "Alt+Shift", "Alt+Alt+M", "Hyper+M", "Alt+MM", "Alt+Shift+", ""])
async def test_n6_invalid_bindings(api, world, keys):
    shop = await world.shop()
    data = (await api.gql(SHORTCUT, {"a": "remark", "k": keys}, token=shop.agent)).payload("setShortcut")
    assert [e["code"] for e in data["userErrors"]] == ["INVALID_INPUT"]


async def test_n6_unknown_actions_and_roles(api, world):
    shop = await world.shop()
    data = (await api.gql(SHORTCUT, {"a": "launchRockets", "k": "Alt+R"}, token=shop.agent)).payload("setShortcut")
    assert data["userErrors"][0]["field"] == ["input", "action"]
    assert (await api.gql(SHORTCUT, {"a": "remark", "k": "Alt+R"}, token=shop.merchant)).codes == ["FORBIDDEN"]


async def test_n6_concurrent_bindings_never_share_keys(api, world):
    shop = await world.shop()
    actions = ["remark", "star", "unstar", "nextContact", "previousContact"]
    results = await asyncio.gather(*[api.gql(SHORTCUT, {"a": a, "k": "Ctrl+Alt+J"}, token=shop.agent) for a in actions])
    payloads = [r.payload("setShortcut") for r in results]
    assert sum(1 for p in payloads if p["shortcut"]) == 1
    listed = (await api.gql("{ shortcuts { action keys } }", token=shop.agent)).data["shortcuts"]
    assert [s["keys"] for s in listed].count("Ctrl+Alt+J") == 1


async def test_a_token_for_a_shop_that_does_not_exist_is_told_so_not_a_500(api, world):
    """Found by the fuzzer: a MERCHANT token naming a missing shop hit the foreign key (INTERNAL_SERVER_ERROR)."""
    from schema.common.ids import encode_id
    from tests.api.world import PRODUCT

    ghost = api.token(Role.MERCHANT, "ghost", shop=encode_id("Shop", 424242))
    remark = await api.gql(SET_REMARK, {"c": "buyer-1", "t": "x"}, token=ghost)
    assert [e["code"] for e in remark.payload("setCustomerRemark")["userErrors"]] == ["NOT_FOUND"]
    product = await api.gql(PRODUCT, {"input": {"sku": "a", "name": "A", "price": "1.00", "fresh": True}},
                            token=ghost)
    assert [e["code"] for e in product.payload("registerProduct")["userErrors"]] == ["NOT_FOUND"]
