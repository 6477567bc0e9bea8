"""Through the whole app, on real data, ``schema/executor.py`` answers byte for byte as Strawberry's stock
execution context does — for the claims list the benchmark reads (with rulings, evidence, ledger entries, a
merchant's and a buyer's view) and for generated queries under every role."""

from __future__ import annotations

import contextlib
import json
import os

import hypothesis_graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from domain.shared.actor import Role
from schema import schema, sdl
from schema.executor import ExecutionContext
from tests.api.claims_world import CLAIM_FIELDS
from tests.api.test_fuzz import SCALARS, fuzz_token

LIST = f"""query($n: Int) {{ claims(first: $n) {{ totalCount edges {{ cursor node {{ {CLAIM_FIELDS}
  order {{ id status placedAt paidAt signedAt payable {{ amount currency }} goodsTotal {{ amount }}
    lines {{ id quantity unitPrice {{ amount currency }} subtotal {{ amount }} discount {{ amount }}
      paidAmount {{ amount }} product {{ id name sku price {{ amount }} shop {{ id name }} }} }} }} }} }}
  pageInfo {{ hasNextPage endCursor }} }} }}"""


@contextlib.contextmanager
def stock_execution():
    assert schema.execution_context_class is ExecutionContext
    schema.execution_context_class = StrawberryGraphQLCoreExecutionContext
    try:
        yield
    finally:
        schema.execution_context_class = ExecutionContext


async def same_answer(api, query: str, variables: dict | None, token: str):
    quick = await api.gql(query, variables, token=token)
    with stock_execution():
        stock = await api.gql(query, variables, token=token)
    assert quick.status == stock.status
    assert json.dumps(quick.body, ensure_ascii=False) == json.dumps(stock.body, ensure_ascii=False)
    return quick


async def some_claims(world, claims):
    shop = await world.shop()
    await world.credit(shop, "DEPOSIT", "500.00")
    ruled = await claims.escalated(shop)
    assert (await claims.call("ruleClaim", world.platform, claimId=ruled["id"], outcome="BUYER_WINS"))[
        "userErrors"
    ] == []
    await claims.escalated(shop)
    _, line = await claims.delivered_line(shop)
    await claims.submit(line, description="盒子压坏了")
    return shop


async def test_the_claims_list_is_the_same_for_every_reader(api, world, claims):
    shop = await some_claims(world, claims)
    for token in (world.platform, shop.merchant, world.buyer):
        reply = await same_answer(api, LIST, {"n": 10}, token)
        assert not reply.errors, reply.errors
    assert reply.data["claims"]["totalCount"] == 3  # the buyer's own three: there is data to compare
    nodes = [edge["node"] for edge in (await same_answer(api, LIST, {"n": 10}, world.platform)).data["claims"]["edges"]]
    assert {node["status"] for node in nodes} == {"ESCALATED", "AWAITING_MERCHANT", "RULED"} and any(
        n["ruling"] for n in nodes
    )


async def test_with_the_fast_executor_off_graphql_core_walks_every_field_and_answers_the_same(api, world, claims, app,
                                                                                              monkeypatch):
    """FAST_EXECUTOR=false: no field takes a shortcut (the registry is never consulted), and the answers are those
    of the shortcuts and of Strawberry's stock execution alike."""
    import schema.executor as executor

    shop = await some_claims(world, claims)
    on = {token: await same_answer(api, LIST, {"n": 10}, token) for token in (world.platform, shop.merchant)}
    consulted = []

    class Watched(dict):
        def get(self, *args):
            consulted.append(args[0])
            return super().get(*args)

    monkeypatch.setattr(executor, "_PLAIN", Watched(executor._PLAIN))
    graphql = app.state.graphql
    graphql.fast_executor = False
    try:
        for token, answer in on.items():
            off = await same_answer(api, LIST, {"n": 10}, token)
            assert json.dumps(off.body, ensure_ascii=False) == json.dumps(answer.body, ensure_ascii=False)
    finally:
        graphql.fast_executor = True
    assert consulted == []
    await api.gql(LIST, {"n": 10}, token=world.platform)
    assert consulted  # the watch itself sees the shortcuts when they are on


async def test_errors_are_the_same(api, world, claims):
    await some_claims(world, claims)
    nobody = await same_answer(api, LIST, {"n": 10}, "not-a-token")
    assert nobody.errors
    too_many = await same_answer(api, LIST, {"n": 1000}, world.platform)
    assert too_many.errors


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")) // 2, derandomize=True, deadline=None,
          database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
@pytest.mark.slow  # generated queries
async def test_generated_queries_get_the_same_answer(api, world, claims, data):
    if not getattr(world, "differential_data", None):
        world.differential_data = await some_claims(world, claims)
    query = data.draw(hypothesis_graphql.queries(sdl(), custom_scalars=SCALARS))
    role = data.draw(st.sampled_from(list(Role)))
    await same_answer(api, query, None, fuzz_token(api, role))
