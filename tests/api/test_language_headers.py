"""SPEC H7: every answer whose text depends on the language says which (`Content-Language`) and that it varies with
`Accept-Language` (`Vary`); an answer that does not depend on it (GraphiQL's page, health) says nothing of it."""

from __future__ import annotations

import pytest

from web.language import _vary

QUERY = {"query": "{ viewer { role } }"}


@pytest.mark.parametrize(("asked", "tag"), [
    (None, "en"), ("zh-CN", "zh-CN"), ("zh", "zh-CN"), ("fr, zh;q=0.5", "zh-CN"), ("en-GB, zh;q=0.8", "en")])
async def test_h7_graphql_answers_say_their_language_and_vary_by_it(api, world, asked, tag):
    headers = {"Authorization": f"Bearer {world.buyer}", **({"Accept-Language": asked} if asked else {})}
    reply = await api.client.post("/graphql", json=QUERY, headers=headers)
    assert reply.status_code == 200
    assert reply.headers["content-language"] == tag
    assert "Accept-Language" in [v.strip() for v in reply.headers["vary"].split(",")]


async def test_h7_refusals_and_exports_say_it_too(api, world):
    refused = await api.client.post("/graphql", json=QUERY, headers={"Accept-Language": "zh-CN"})  # no token
    message = refused.json()["errors"][0]["message"]
    assert refused.headers["content-language"] == "zh-CN" and any("\u4e00" <= c <= "\u9fff" for c in message)
    export = await api.client.get("/exports/claims.csv", headers={"Authorization": f"Bearer {world.platform}",
                                                                   "Accept-Language": "zh-CN"})
    assert export.status_code == 200 and export.headers["content-language"] == "zh-CN"
    assert "Accept-Language" in export.headers["vary"]


async def test_h7_answers_that_do_not_depend_on_it_say_nothing(api):
    for path in ("/health/live",):
        reply = await api.client.get(path, headers={"Accept-Language": "zh-CN"})
        assert "content-language" not in reply.headers and "accept-language" not in reply.headers.get("vary", "")


def test_h7_vary_keeps_what_was_there_once():
    assert _vary([(b"vary", b"Origin"), (b"content-type", b"x")]) == [(b"content-type", b"x"),
                                                                      (b"vary", b"Origin, Accept-Language")]
    assert _vary([(b"Vary", b"accept-language")]) == [(b"vary", b"accept-language")]


CREDIT = """mutation($shop: ID!, $amount: Decimal!) { creditShopAccount(input: {shopId: $shop, bucket: DEPOSIT,
  amount: $amount}) { userErrors { code } } }"""


@pytest.mark.parametrize(("amount", "chinese"), [(12.3, "Decimal 须写成字符串"), ("1,5", "'1,5' 不是普通的十进制数")])
async def test_h7_a_scalars_message_is_translated_too(api, world, amount, chinese):
    shop = await world.shop()
    reply = await api.gql(CREDIT, {"shop": shop.id, "amount": amount}, token=world.service,
                          headers={"Accept-Language": "zh-CN"})
    assert chinese in reply.errors[0]["message"], reply.errors
    english = await api.gql(CREDIT, {"shop": shop.id, "amount": amount}, token=world.service)
    assert "Decimal" in english.errors[0]["message"] and chinese not in english.errors[0]["message"]


WITHDRAW = "mutation($id: ID!) { withdrawClaim(input: {claimId: $id}) { userErrors { code message } } }"


async def test_h7_a_status_inside_a_chinese_message_is_chinese(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line))["claim"]
    await claims.call("withdrawClaim", world.buyer, claimId=claim["id"])
    again = await api.gql(WITHDRAW, {"id": claim["id"]}, token=world.buyer, headers={"Accept-Language": "zh-CN"})
    [error] = again.payload("withdrawClaim")["userErrors"]
    assert error["code"] == "INVALID_STATE" and "已撤回" in error["message"] and "WITHDRAWN" not in error["message"]
    english = await api.gql(WITHDRAW, {"id": claim["id"]}, token=world.buyer)
    assert "WITHDRAWN" in english.payload("withdrawClaim")["userErrors"][0]["message"]


def test_h7_every_term_is_translated_by_its_enum_and_value():
    from domain.appeals.model import AppealKind
    from domain.claims.model import ForceMajeureCause
    from domain.shared.messages import msg, term
    from schema.common.i18n import translate

    chinese = translate(msg("a {kind} appeal's subject is not a claim", kind=term(AppealKind.REVIEW)), "zh_CN")
    assert "评价申诉" in chinese and "REVIEW" not in chinese
    assert str(term(AppealKind.REVIEW)) == "REVIEW" and translate(term(AppealKind.REVIEW), "en") == "REVIEW"
    assert translate(term(ForceMajeureCause.OTHER), "zh_CN") == "OTHER"  # not in TERMS: kept as the API spells it
