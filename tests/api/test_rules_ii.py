"""Rules II through the public API: C4 exact refunds, C6 the penalty per order, C9 the shop's side, rulings that
explain themselves, W7 coupons back after a full after-sale refund, W8 new-user coupons on every path."""

from __future__ import annotations

import asyncio

from tests.api.coupons_world import codes, place
from tests.reconcile import assert_ledgers_reconcile

PENALTY = """query($id: ID!) { claim(id: $id) { standardPenalty { amount } } }"""
ORDER_MONEY = (
    """query($id: ID!) { order(id: $id) { payable { amount } penaltyBasis { amount } refunded { amount } } }"""
)


async def _penalty(api, world, claim_id: str) -> str:
    return (await api.gql(PENALTY, {"id": claim_id}, token=world.platform)).data["claim"]["standardPenalty"]["amount"]


async def _order_money(api, world, order_id: str, token=None) -> dict:
    data = (await api.gql(ORDER_MONEY, {"id": order_id}, token=token or world.platform)).data["order"]
    return {key: value["amount"] for key, value in data.items()}


async def _rule(claims, world, claim_id: str, **extra) -> dict:
    return await claims.call("ruleClaim", world.platform, claimId=claim_id, **{"outcome": "BUYER_WINS", **extra})


# ---------------------------------------------------------------- C4


async def test_c4_a_coupon_allocated_line_refunds_the_exact_half_up(api, world, coupons, claims):
    """24 plums at ¥1.50 after a ¥6.12 coupon: P = 29.88; 5 damaged → 29.88 × 5 / 24 = 6.225 → 6.23 (was 6.22)."""
    shop = await world.shop(products={"plum": ("1.50", True)})
    coupon = await coupons.owned(faceValue="6.12")
    order = (await place(api, world, shop, {"plum": "24"}, [coupon]))["order"]
    await world.pay(order["id"])
    await world.deliver(order["id"], api.now)
    claim = (await claims.submit(order["lines"][0]["id"], quantity="5"))["claim"]
    assert claim["orderLine"]["paidAmount"]["amount"] == "29.88"
    assert claim["standardRefund"]["amount"] == "6.23"


# ---------------------------------------------------------------- C6 the penalty per order


async def test_c6_two_lines_of_one_order_pay_one_penalty(api, world, claims):
    """Two ¥400 lines ruled for the buyer cost the shop ¥800 + ¥100, not ¥800 + ¥200 (以每個訂單實付金額30%)."""
    shop = await world.shop(products={"a": ("400.00", True), "b": ("400.00", True)})
    await world.credit(shop, "DEPOSIT", "2000.00")
    order, (first, second) = await claims.escalated_on_every_line(shop, {"a": "1", "b": "1"})
    assert (await _order_money(api, world, order["id"]))["penaltyBasis"] == "800.00"
    assert [await _penalty(api, world, c["id"]) for c in (first, second)] == ["100.00", "100.00"]
    ruled = (await _rule(claims, world, first["id"]))["claim"]
    assert (ruled["ruling"]["refund"]["amount"], ruled["ruling"]["penalty"]["amount"]) == ("400.00", "100.00")
    assert ruled["ruling"]["penaltyChargedOnClaim"] is None
    assert await _penalty(api, world, second["id"]) == "0.00"  # what ruling the second would cost now
    again = (await _rule(claims, world, second["id"]))["claim"]
    assert (again["ruling"]["refund"]["amount"], again["ruling"]["penalty"]["amount"]) == ("400.00", "0.00")
    assert again["ruling"]["penaltyChargedOnClaim"] == {"id": first["id"]}
    assert [e["kind"] for e in again["ledgerEntries"]] == ["CLAIM_REFUND"]
    assert (await world.account(shop))["deposit"]["amount"] == "1100.00"  # 2000 − 800 − 100
    assert (await _order_money(api, world, order["id"]))["refunded"] == "800.00"
    await assert_ledgers_reconcile(api)


async def test_c6_the_basis_includes_shipping_and_the_floor_and_cap_hold(api, world, claims):
    shop = await world.shop(products={"a": ("20.00", True), "b": ("5.00", True), "c": ("1000.00", True)})
    shipped, [claim] = await claims.escalated_on_every_line(shop, {"a": "1"}, shipping="10.00")
    assert await _order_money(api, world, shipped["id"]) == {"payable": "30.00", "penaltyBasis": "30.00",
                                                             "refunded": "0.00"}
    assert await _penalty(api, world, claim["id"]) == "9.00"  # 30 % of 20.00 + 10.00
    _, [small] = await claims.escalated_on_every_line(shop, {"b": "1"})
    assert await _penalty(api, world, small["id"]) == "5.00"  # 1.50, floored at ¥5
    _, [large] = await claims.escalated_on_every_line(shop, {"c": "1"})
    assert await _penalty(api, world, large["id"]) == "100.00"  # 300.00, capped at ¥100


async def test_c6_an_ordinary_claim_would_cost_no_penalty(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line, reason="QUALITY_ISSUE", evidence=[]))["claim"]
    assert claim["standardPenalty"]["amount"] == "0.00" and claim["coveredByGuarantee"] is False


async def test_c6_an_agreed_penalty_cannot_charge_an_order_twice(api, world, claims):
    shop = await world.shop(products={"a": ("400.00", True), "b": ("400.00", True)})
    _, (first, second) = await claims.escalated_on_every_line(shop, {"a": "1", "b": "1"})
    await _rule(claims, world, first["id"])
    refused = await _rule(claims, world, second["id"], agreedPenalty="150.00")
    assert codes(refused) == ["PENALTY_ALREADY_CHARGED"] and refused["userErrors"][0]["field"] == ["input",
                                                                                                  "agreedPenalty"]
    assert (await claims.read(second["id"]))["status"] == "ESCALATED"


async def test_c6_a_withdrawn_ruling_lets_the_next_ruling_charge_the_penalty(api, world, claims, appeals):
    """A5: the ruling that charged the order's penalty is withdrawn by an approved appeal; the other line's
    ruling then charges it."""
    shop = await world.shop(products={"a": ("400.00", True), "b": ("400.00", True)})
    _, (first, second) = await claims.escalated_on_every_line(shop, {"a": "1", "b": "1"})
    await _rule(claims, world, first["id"])
    assert await _penalty(api, world, second["id"]) == "0.00"
    appeal = await appeals.file(shop, "ARBITRATION", first["id"])
    await appeals.decide(appeal["appeal"]["id"], True)
    assert await _penalty(api, world, second["id"]) == "100.00"
    ruled = (await _rule(claims, world, second["id"]))["claim"]
    assert ruled["ruling"]["penalty"]["amount"] == "100.00" and ruled["ruling"]["penaltyChargedOnClaim"] is None
    await assert_ledgers_reconcile(api)


async def test_c6_two_rulings_racing_on_one_order_charge_one_penalty(api, world, claims):
    shop = await world.shop(products={"a": ("400.00", True), "b": ("400.00", True), "c": ("400.00", True)})
    _, escalated = await claims.escalated_on_every_line(shop, {"a": "1", "b": "1", "c": "1"})
    results = await asyncio.gather(*[_rule(claims, world, claim["id"]) for claim in escalated])
    penalties = sorted(r["claim"]["ruling"]["penalty"]["amount"] for r in results)
    assert penalties == ["0.00", "0.00", "100.00"]


# ---------------------------------------------------------------- rulings explain themselves


async def test_c6_a_ruling_note_is_read_by_the_buyer_and_the_shop(api, world, claims):
    shop = await world.shop()
    claim = await claims.escalated(shop)
    ruled = await claims.call("ruleClaim", world.platform, claimId=claim["id"], outcome="MERCHANT_WINS",
                              merchantWinsReason="EVIDENCE_INSUFFICIENT", note="照片无法证明损坏")
    assert ruled["claim"]["ruling"]["note"] == "照片无法证明损坏"
    for token in (world.buyer, shop.merchant):
        assert (await claims.read(claim["id"], token=token))["ruling"]["note"] == "照片无法证明损坏"
    too_long = await claims.call("ruleClaim", world.platform, claimId=(await claims.escalated(shop))["id"],
                                 outcome="FORCE_MAJEURE", forceMajeureCause="FOG", note="x" * 1001)
    assert codes(too_long) == ["TEXT_TOO_LONG"]


# ---------------------------------------------------------------- C9 the shop's side


async def test_c9_the_shop_responds_once_with_a_statement_and_evidence(api, world, claims):
    shop = await world.shop()
    claim = await claims.escalated(shop)
    evidence = await claims.evidence(("CHAT_RECORD", "OTHER"), token=shop.merchant)
    data = await claims.call("respondToEscalation", shop.merchant, claimId=claim["id"], statement="发货时完好",
                             evidence=evidence)
    assert data["userErrors"] == []
    responded = data["claim"]
    assert responded["merchantStatement"] == "发货时完好" and responded["status"] == "ESCALATED"
    assert [e["submittedBy"] for e in responded["evidence"]] == ["BUYER"] * 3 + ["MERCHANT"] * 2
    assert responded["events"][-1]["type"] == "MERCHANT_RESPONDED"
    again = await claims.call("respondToEscalation", shop.merchant, claimId=claim["id"], statement="again",
                              evidence=await claims.evidence(("OTHER",), token=shop.merchant))
    assert codes(again) == ["INVALID_STATE"]
    # the platform sees both sides; the buyer reads the statement and the shop's files, without warnings
    platform = await claims.read(claim["id"])
    assert platform["merchantStatement"] == "发货时完好" and len(platform["evidence"]) == 5
    buyer = await claims.read(claim["id"], token=world.buyer)
    assert buyer["merchantStatement"] == "发货时完好" and all(e["warnings"] == [] for e in buyer["evidence"])
    merchant_file = buyer["evidence"][-1]["url"]
    assert (await api.client.get(merchant_file, headers={"Authorization": f"Bearer {world.buyer}"})).status_code == 200
    assert (await api.client.get(merchant_file, headers={"Authorization": f"Bearer {world.other_buyer}"})
            ).status_code == 404


async def test_c9_only_while_escalated_by_the_claims_shop_with_evidence(api, world, claims):
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    evidence = await claims.evidence(("OTHER",), token=shop.merchant)
    _, line = await claims.delivered_line(shop)
    waiting = (await claims.submit(line))["claim"]
    respond = "respondToEscalation"
    assert codes(await claims.call(respond, shop.merchant, claimId=waiting["id"], statement="s",
                                   evidence=evidence)) == ["INVALID_STATE"]
    escalated = await claims.escalated(shop)
    theirs = await claims.evidence(("OTHER",), token=other.merchant)
    assert codes(await claims.call(respond, other.merchant, claimId=escalated["id"], statement="s",
                                   evidence=theirs)) == ["NOT_FOUND"]
    assert codes(await claims.call(respond, shop.merchant, claimId=escalated["id"], statement="s",
                                   evidence=[])) == ["INVALID_INPUT"]
    assert codes(await claims.call(respond, shop.merchant, claimId=escalated["id"], statement=" ",
                                   evidence=evidence)) == ["INVALID_INPUT"]
    buyer_upload = await claims.evidence(("OTHER",))  # someone else's upload reads as not found
    assert codes(await claims.call(respond, shop.merchant, claimId=escalated["id"], statement="s",
                                   evidence=buyer_upload)) == ["NOT_FOUND"]
    read = await claims.read(escalated["id"])
    assert read["merchantStatement"] is None and len(read["evidence"]) == 3  # nothing was half-written
    reply = await api.gql("mutation($i: RespondToEscalationInput!) { respondToEscalation(input: $i) { claim { id } } }",
                          {"i": {"claimId": escalated["id"], "statement": "s", "evidence": evidence}},
                          token=world.buyer)
    assert reply.codes == ["FORBIDDEN"]


async def test_c9_two_responses_racing_land_once(api, world, claims):
    shop = await world.shop()
    claim = await claims.escalated(shop)
    files = [await claims.evidence(("OTHER",), token=shop.merchant) for _ in range(6)]
    results = await asyncio.gather(*[
        claims.call("respondToEscalation", shop.merchant, claimId=claim["id"], statement=f"side {i}", evidence=e)
        for i, e in enumerate(files)])
    assert sum(1 for r in results if r["claim"]) == 1
    assert len((await claims.read(claim["id"]))["evidence"]) == 4


# ---------------------------------------------------------------- W7 coupons back after a full after-sale refund


async def _couponed_order(api, world, coupons, shop, lines: dict[str, str], **template) -> tuple[dict, str]:
    coupon = await coupons.owned(**{"faceValue": "10.00", **template})
    order = (await place(api, world, shop, lines, [coupon]))["order"]
    await world.pay(order["id"])
    await world.deliver(order["id"], api.now)
    return order, coupon


async def test_w7_a_full_after_sale_refund_returns_the_coupons(api, world, coupons, claims):
    shop = await world.shop()
    await world.credit(shop, "PAYABLES", "500.00")
    order, coupon = await _couponed_order(api, world, coupons, shop, {"cherries": "1"})
    assert await coupons.status(coupon) == "USED"
    claim = (await claims.submit(order["lines"][0]["id"], quantity="1"))["claim"]
    accepted = await claims.call("acceptClaim", shop.merchant, claimId=claim["id"])
    assert accepted["claim"]["refunded"]["amount"] == "78.00"
    assert (await _order_money(api, world, order["id"], world.buyer))["refunded"] == "78.00"
    assert await coupons.status(coupon) == "AVAILABLE"


async def test_w7_a_partial_refund_returns_nothing_until_the_order_is_fully_refunded(api, world, coupons, claims):
    shop = await world.shop()
    await world.credit(shop, "PAYABLES", "500.00")
    order, coupon = await _couponed_order(api, world, coupons, shop, {"cherries": "1", "bowl": "1"})
    cherries, bowl = (line["id"] for line in order["lines"])
    first = (await claims.submit(cherries, quantity="1"))["claim"]
    await claims.call("acceptClaim", shop.merchant, claimId=first["id"])
    assert await coupons.status(coupon) == "USED"  # one line of two refunded
    second = (await claims.submit(bowl, reason="QUALITY_ISSUE", quantity="1", evidence=[]))["claim"]
    await claims.call("acceptClaim", shop.merchant, claimId=second["id"])
    money = await _order_money(api, world, order["id"])
    assert money["refunded"] == "98.00" and money["payable"] == "98.00"
    assert await coupons.status(coupon) == "AVAILABLE"


async def test_w7_the_after_sale_period_is_a_setting(api, world, coupons, claims, settings, app):
    """AFTER_SALE_DAYS = 2: an after-sale filed on the third day after the sign-off returns no coupon (W7 counts
    the filing, so the claim is filed late, not merely paid late)."""
    from dataclasses import replace

    shop = await world.shop()
    await world.credit(shop, "PAYABLES", "500.00")
    order, coupon = await _couponed_order(api, world, coupons, shop, {"cherries": "1"})
    api.advance(days=3)
    graphql = app.state.graphql
    original = graphql.policies
    graphql.policies = replace(original, claim=replace(settings, after_sale_days=2).claim_policy)
    try:
        claim = (await claims.submit(order["lines"][0]["id"], reason="QUALITY_ISSUE", quantity="1",
                                     evidence=[]))["claim"]
        await claims.call("acceptClaim", shop.merchant, claimId=claim["id"])
    finally:
        graphql.policies = original
    assert await coupons.status(coupon) == "USED"


async def test_w7_a_ruling_that_completes_the_refund_returns_the_coupons(api, world, coupons, claims):
    shop = await world.shop()
    await world.credit(shop, "DEPOSIT", "500.00")
    order, coupon = await _couponed_order(api, world, coupons, shop, {"cherries": "1"})
    claim = await claims.escalate(shop, order["lines"][0]["id"], quantity="1")
    await claims.call("ruleClaim", world.platform, claimId=claim["id"], outcome="FORCE_MAJEURE",
                      forceMajeureCause="TRAFFIC_CONTROL")
    assert await coupons.status(coupon) == "AVAILABLE"


async def test_w7_w8_a_new_user_coupon_comes_back_invalidated(api, world, coupons, claims):
    shop = await world.shop()
    await world.credit(shop, "PAYABLES", "500.00")
    order, coupon = await _couponed_order(api, world, coupons, shop, {"cherries": "1"}, newUserOnly=True)
    claim = (await claims.submit(order["lines"][0]["id"], quantity="1"))["claim"]
    await claims.call("acceptClaim", shop.merchant, claimId=claim["id"])
    assert await coupons.status(coupon) == "INVALIDATED"


# ---------------------------------------------------------------- W8 every path


async def test_w8_a_first_order_that_times_out_leaves_its_new_user_coupon_invalidated(api, world, coupons):
    """W8: the timed-out first order still counts as placed, so its new-user coupon is not released as AVAILABLE."""
    shop = await world.shop()
    new_user = await coupons.owned(newUserOnly=True, faceValue="3.00")
    template = await coupons.created(shop.merchant, issuerKind="MERCHANT", faceValue="2.00")
    ordinary = (await coupons.claim(template["id"]))["coupon"]["id"]
    order = await place(api, world, shop, {"bowl": "1"}, [new_user, ordinary])
    assert order["userErrors"] == []
    api.advance(minutes=15, seconds=1)
    assert (await coupons.status(new_user), await coupons.status(ordinary)) == ("INVALIDATED", "AVAILABLE")
    assert [c["node"]["id"] for c in (await coupons.wallet(status=["AVAILABLE"]))["edges"]] == [ordinary]
    quote = await coupons.quote(shop, {"bowl": "1"}, couponIds=[new_user])
    assert "NOT_AVAILABLE" in quote["ineligible"][0]["reasons"]
    late = await world.pay(order["order"]["id"])
    assert codes(late) == ["INVALID_STATE"]
    assert await coupons.status(new_user) == "INVALIDATED"
    cancel = "mutation($id: ID!) { cancelOrder(input: {orderId: $id}) { userErrors { code } } }"
    await api.gql(cancel, {"id": order["order"]["id"]}, token=world.buyer)
    assert await coupons.status(new_user) == "INVALIDATED" and await coupons.status(ordinary) == "AVAILABLE"


async def test_g1_a_claim_on_an_order_cancelled_after_delivery_pays_nothing_more(api, world, claims):
    """The order service cancels a delivered order (a full refund of its goods); the merchant then accepts the open
    claim: the buyer is not paid twice, and the books still balance."""
    shop = await world.shop()
    await world.credit(shop, "PAYABLES", "500.00")
    order, line = await claims.delivered_line(shop, {"cherries": "1"})
    claim = (await claims.submit(line, quantity="1"))["claim"]
    cancel = "mutation($id: ID!) { cancelOrder(input: {orderId: $id}) { userErrors { code } } }"
    assert (await api.gql(cancel, {"id": order["id"]}, token=world.service)).payload("cancelOrder")["userErrors"] == []
    accepted = (await claims.call("acceptClaim", shop.merchant, claimId=claim["id"]))["claim"]
    assert (accepted["status"], accepted["refunded"]["amount"], accepted["ledgerEntries"]) == ("REFUNDED", "0.00", [])
    assert (await _order_money(api, world, order["id"]))["refunded"] == "88.00"
    assert (await world.account(shop))["payables"]["amount"] == "500.00"
