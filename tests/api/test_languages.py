"""F6 through the API: with Accept-Language zh-CN a userError, a refusal and an authentication error read in
Chinese, the codes unchanged; without it, English."""

from __future__ import annotations

from tests.api.claims_world import MUTATIONS

CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}


async def test_f6_messages_follow_accept_language_and_codes_do_not(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    submit = MUTATIONS["submitClaim"]
    variables = {"input": {"orderLineId": line, "reason": "DAMAGED", "damagedQuantity": "1", "evidence": []}}
    english = (await api.gql(submit, variables, token=world.buyer)).payload("submitClaim")["userErrors"]
    chinese = (await api.gql(submit, variables, token=world.buyer, headers=CHINESE)).payload("submitClaim")[
        "userErrors"]
    assert [e["code"] for e in chinese] == [e["code"] for e in english] == ["EVIDENCE_INCOMPLETE"]
    assert english[0]["message"].startswith("a guarantee claim needs")
    assert chinese[0]["message"] == "坏单包赔须提供破损细节、面单和整体照片，或快递证明（C3）"
    too_many = {"input": {**variables["input"], "damagedQuantity": "50", "evidence": await claims.evidence()}}
    valued = (await api.gql(submit, too_many, token=world.buyer, headers=CHINESE)).payload("submitClaim")
    assert valued["userErrors"][0]["message"] == "不能超过该商品行的数量 10"  # a message with a value in it
    forbidden = await api.gql(submit, variables, token=shop.merchant, headers=CHINESE)
    assert forbidden.codes == ["FORBIDDEN"] and forbidden.errors[0]["message"].startswith("此操作需要 BUYER 角色")
    expired = await api.gql("{ viewer { userId } }", token="not-a-token", headers=CHINESE)
    assert expired.codes == ["UNAUTHENTICATED"] and expired.errors[0]["message"].startswith("令牌无效")
    anonymous = await api.gql("{ viewer { userId } }", headers=CHINESE)
    assert anonymous.errors[0]["message"] == "需要认证：请发送 'Authorization: Bearer <令牌>'"


async def test_f6_file_routes_answer_in_the_requests_language_too(api, world):
    shop = await world.shop()
    reply = await api.client.get("/exports/ledger.csv", params={"from": "yesterday"},
                                 headers={"Authorization": f"Bearer {shop.merchant}", **CHINESE})
    assert reply.status_code == 400
    assert reply.json()["error"] == {"code": "BAD_REQUEST",
                                     "message": "`from` 须为日期（YYYY-MM-DD，上海时间的一天）或带时区偏移的 "
                                                "ISO 8601 时间（例如 Z 或 +08:00），且在范围内",
                                     "requestId": reply.headers["x-request-id"]}
    english = await api.client.get("/exports/ledger.csv", params={"from": "yesterday"},
                                   headers={"Authorization": f"Bearer {shop.merchant}"})
    assert english.json()["error"]["message"] == (
        "`from` must be a date (YYYY-MM-DD, a Shanghai day) or an ISO 8601 instant with an offset (e.g. Z or "
        "+08:00), within range")
