"""Fuzzing with hypothesis-graphql — valid documents generated from the served schema for every root
field, and broken ones — against the app in-process, derandomised and bounded. Zero 5xx, zero unexpected errors,
and every client fault carries ``extensions.code``."""

from __future__ import annotations

import base64
import json
import os

import hypothesis_graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from domain.shared.actor import Role
from schema import sdl

pytestmark = pytest.mark.slow  # generated queries: `pytest -m "not slow"` leaves them out

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
SCHEMA = sdl()
SCALARS = {  # valid and invalid values alike: the scalars must refuse the bad ones cleanly
    "Decimal": st.one_of(st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
                         st.text(max_size=12)).map(nodes.String),
    "DateTime": st.one_of(st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
                          st.datetimes().map(lambda d: d.isoformat()), st.text(max_size=20)).map(nodes.String),
    "Date": st.one_of(st.dates().map(str), st.text(max_size=12)).map(nodes.String),
}
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))


def check(reply) -> None:
    assert reply.status < 500, reply.body
    for error in reply.errors:
        code = (error.get("extensions") or {}).get("code")
        assert code, error
        assert code not in ("INTERNAL_SERVER_ERROR",), error


def fuzz_token(api, role: Role) -> str:
    return api.token(role, "fuzz", shop="U2hvcDox" if role in (Role.MERCHANT, Role.AGENT) else None)


@FUZZ
@given(data=st.data())
async def test_generated_queries(api, world, data):
    query = data.draw(hypothesis_graphql.queries(SCHEMA, custom_scalars=SCALARS))
    role = data.draw(st.sampled_from(list(Role)))
    reply = await api.gql(query, token=fuzz_token(api, role))
    check(reply)


@FUZZ
@given(data=st.data())
async def test_generated_mutations(api, world, data):
    mutation = data.draw(hypothesis_graphql.mutations(SCHEMA, custom_scalars=SCALARS))
    role = data.draw(st.sampled_from(list(Role)))
    reply = await api.gql(mutation, token=fuzz_token(api, role))
    check(reply)


@FUZZ
@given(
    document=st.text(max_size=300),
    variables=st.dictionaries(
        st.text(max_size=10),
        st.one_of(st.none(), st.integers(), st.text(max_size=20), st.floats(allow_nan=False, allow_infinity=False)),
    ),
)
async def test_broken_documents(api, world, document, variables):
    reply = await api.gql(document, variables, token=world.platform)
    check(reply)


# Production II (4): ids and cursors from a byte alphabet, and text with NUL and unpaired surrogates
BYTES = st.binary(max_size=40)
ID_LIKE = st.one_of(BYTES.map(lambda b: base64.b64encode(b).decode()),
                    st.tuples(st.sampled_from(["Claim", "Shop", "Order", "Appeal", "Coupon", "Event"]),
                              st.integers(min_value=-(2**70), max_value=2**70))
                    .map(lambda t: base64.b64encode(f"{t[0]}:{t[1]}".encode()).decode()))
CURSOR_LIKE = st.one_of(BYTES.map(lambda b: base64.urlsafe_b64encode(b).decode()),
                        st.lists(st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
                                           st.floats(allow_nan=False), st.text(max_size=8)), max_size=4)
                        .map(lambda v: base64.urlsafe_b64encode(json.dumps(v).encode()).decode()))
NASTY_TEXT = st.text(alphabet=st.sampled_from(["a", "中", "\x00", "\ud800", "\udfff", "😀", "\\", '"']), max_size=12)
BY_ID = ["query($i: ID!) { node(id: $i) { id } claim(id: $i) { id } shop(id: $i) { id } }",
         "mutation($i: ID!) { acceptClaim(input: {claimId: $i}) { userErrors { code } } }"]
PAGED = ["query($a: String) { claims(first: 3, after: $a) { totalCount } }",
         "query($a: String) { appeals(first: 3, after: $a) { totalCount } }",
         "query($a: String) { orders(first: 3, after: $a, sortBy: {field: PLACED_AT}) { totalCount } }",
         "query($a: String) { events(first: 3, after: $a) { edges { cursor } } }"]


@FUZZ
@given(value=ID_LIKE, query=st.sampled_from(BY_ID), role=st.sampled_from(list(Role)))
async def test_forged_ids(api, world, value, query, role):
    check(await api.gql(query, {"i": value}, token=fuzz_token(api, role)))


@FUZZ
@given(value=CURSOR_LIKE, query=st.sampled_from(PAGED))
async def test_forged_cursors(api, world, value, query):
    check(await api.gql(query, {"a": value}, token=world.platform))


@FUZZ
@given(text=NASTY_TEXT)
async def test_text_with_nul_and_surrogates(api, world, text):
    body = json.dumps({"query": "query($b: String) { claims(filter: {buyerId: $b}) { totalCount } }",
                       "variables": {"b": text}}).encode()  # ensure_ascii: surrogates travel as JSON escapes
    reply = await api.client.post("/graphql", content=body, headers={
        "Authorization": f"Bearer {world.platform}", "Content-Type": "application/json"})
    assert reply.status_code < 500, reply.text
    errors = reply.json().get("errors") or []
    assert all(e["extensions"]["code"] != "INTERNAL_SERVER_ERROR" for e in errors), errors
