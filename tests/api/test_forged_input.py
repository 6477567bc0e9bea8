"""Production II (4): forged input reads as not found or BAD_USER_INPUT, never a 500 — ids past BIGINT, cursors that
no list gave out, NUL characters and unpaired surrogates anywhere in a request, on both databases."""

from __future__ import annotations

import base64
import json

import pytest

from domain.shared.actor import Role


def gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def cursor(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


FORGED_CURSORS = ["!!!", cursor(b'["x"]'), cursor(b"[1e400]"), cursor(b"[99999999999999999999999]"),
                  cursor(b'{"a":1}'), cursor(b"[null, null]"), cursor(b'["\\u0000", 1]'), cursor(b"[true]"),
                  cursor(b'["2026-01-01T00:00:00+00:00", 9223372036854775808]'), cursor(b"[[1], [2]]"),
                  cursor(b'["2026-01-01T00:00:00", 1]'), cursor(b'["S", "2026-01-01T00:00:00+00:00", "x"]'),
                  cursor(b'["C", "2026-01-01T00:00:00+00:00", "\\u0000"]'), cursor(b'["\\ud800"]')]
LISTS = [
    (Role.PLATFORM, "query($a: String) { appeals(first: 2, after: $a) { totalCount } }"),
    (Role.PLATFORM, "query($a: String) { appeals(first: 2, after: $a, filter: {status: [PENDING]}) { totalCount } }"),
    (Role.BUYER, "query($a: String) { wallet { coupons(first: 2, after: $a) { totalCount } } }"),
    (Role.AGENT, "query($a: String) { starredCustomers(first: 2, after: $a) { totalCount } }"),
    (Role.AGENT, "query($a: String) { recentContacts(first: 2, after: $a) { edges { cursor } } }"),
    (Role.PLATFORM, "query($a: String) { claims(first: 2, after: $a) { totalCount } }"),
    (Role.PLATFORM, "query($a: String) { claims(first: 2, after: $a, sortBy: {field: SUBMITTED_AT}) { totalCount } }"),
    (Role.PLATFORM, "query($a: String) { orders(first: 2, after: $a) { totalCount } }"),
    (Role.PLATFORM, "query($a: String) { orders(first: 2, after: $a, sortBy: {field: PAYABLE}) { totalCount } }"),
    (Role.PLATFORM, "query($a: String) { events(first: 2, after: $a) { edges { cursor } } }"),
]


def no_crash(reply) -> None:
    assert reply.status < 500, reply.body
    assert all((e.get("extensions") or {}).get("code") != "INTERNAL_SERVER_ERROR" for e in reply.errors), reply.body


@pytest.mark.parametrize("role, query", LISTS)
async def test_a_forged_cursor_is_bad_user_input(api, world, role, query):
    token = api.token(role, "forger", shop=gid("Shop", 1) if role is Role.AGENT else None)
    for forged in FORGED_CURSORS:
        reply = await api.gql(query, {"a": forged}, token=token)
        no_crash(reply)
        assert reply.codes == ["BAD_USER_INPUT"], (forged, reply.body)


@pytest.mark.parametrize("pk", [2**31, 2**63 - 1, 2**63, 2**64, 10**40])
async def test_an_id_past_what_can_exist_reads_as_not_found(api, world, pk):
    reply = await api.gql("query($i: ID!) { claim(id: $i) { id } node(id: $i) { id } }", {"i": gid("Claim", pk)},
                          token=world.platform)
    no_crash(reply)
    assert reply.data == {"claim": None, "node": None}
    paid = await api.gql('mutation($i: ID!) { creditShopAccount(input: {shopId: $i, bucket: DEPOSIT, '
                         'amount: "1.00"}) { userErrors { code } } }', {"i": gid("Shop", pk)}, token=world.service)
    no_crash(paid)
    assert paid.data["creditShopAccount"]["userErrors"] == [{"code": "NOT_FOUND"}]


async def raw_post(api, token: str, body: bytes):
    return await api.client.post("/graphql", content=body, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "X-Now": api.now.isoformat()})


REMARK = 'mutation($t: String!) { setCustomerRemark(input: {customerId: "b-1", text: $t}) { userErrors { code } } }'


@pytest.mark.parametrize("text", ["\\ud800", "a\\u0000b", "\\udfff tail"])
async def test_nul_and_unpaired_surrogates_in_variables_are_bad_user_input(api, world, text):
    shop = await world.shop()
    agent = api.token(Role.AGENT, "agent-1", shop=shop.id)
    body = b'{"query": %s, "variables": {"t": "%s"}}' % (json.dumps(REMARK).encode(), text.encode())
    reply = await raw_post(api, agent, body)
    assert reply.status_code < 500 and reply.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    search = b'{"query": "query($b: String) { claims(filter: {buyerId: $b}) { totalCount } }", ' \
             b'"variables": {"b": "%s"}}' % text.encode()
    reply = await raw_post(api, world.platform, search)
    assert reply.status_code < 500 and reply.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    profile = await api.gql('{ customerProfile(customerId: "b-1") { remark { text } } }', token=agent)
    assert profile.data["customerProfile"]["remark"] is None  # nothing was written


async def test_a_nul_written_as_an_escape_in_the_document_is_bad_user_input(api, world):
    shop = await world.shop()
    agent = api.token(Role.AGENT, "agent-1", shop=shop.id)
    inline = 'mutation { setCustomerRemark(input: {customerId: "b-1", text: "a\\u0000b"}) { userErrors { code } } }'
    reply = await raw_post(api, agent, json.dumps({"query": inline}).encode())
    assert reply.status_code == 400 and reply.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_token_whose_sub_holds_nul_is_unauthenticated(api, world):
    import time

    import jwt

    token = jwt.encode({"sub": "ops\x00", "role": "PLATFORM", "exp": int(time.time()) + 60}, api.secret,
                       algorithm="HS256")
    reply = await api.gql("{ claims { totalCount } }", token=token)
    assert reply.codes == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("path", ["/uploads/upl_%00x", "/uploads/upl_%ED%A0%80", "/uploads/" + "a" * 500])
async def test_an_upload_id_that_cannot_exist_is_not_found(api, world, path):
    reply = await api.client.get(path, headers={"Authorization": f"Bearer {world.platform}"})
    assert reply.status_code == 404 and reply.json()["error"]["code"] == "NOT_FOUND"
