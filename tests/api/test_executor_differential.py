"""Through the whole app, on real data, the fast paths (``schema/execution/``, ``persistence/fastread/``: compiled
plans, the executor's shortcuts, the loaders' extras, the driver's reads) answer byte for byte as the same app with
FAST_PATHS=false (stock Strawberry, DataLoaders and SQLAlchemy) — for the claims list the benchmark reads (with
rulings, evidence, ledger entries, a merchant's and a buyer's view), for every query of ``operations/``, for a
corpus generated from those operations (fields left out, repeated, aliased, named ``__typename``) and for
generated queries under every role, errors included."""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path

import httpx
import hypothesis_graphql
import pytest
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Visitor,
    parse,
    print_ast,
    visit,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.shared.actor import Role
from schema import sdl
from schema.execution.executor import ExecutionContext
from tests.api.claims_world import CLAIM_FIELDS
from tests.api.client import Api
from tests.api.test_fuzz import SCALARS, fuzz_token
from web.trusted_documents import load_manifest, operation_name

LIST = f"""query($n: Int) {{ claims(first: $n) {{ totalCount edges {{ cursor node {{ {CLAIM_FIELDS}
  order {{ id status placedAt paidAt signedAt payable {{ amount currency }} goodsTotal {{ amount }}
    lines {{ id quantity unitPrice {{ amount currency }} subtotal {{ amount }} discount {{ amount }}
      paidAmount {{ amount }} product {{ id name sku price {{ amount }} shop {{ id name }} }} }} }} }} }}
  pageInfo {{ hasNextPage endCursor }} }} }}"""


pytestmark = pytest.mark.fast_paths


@pytest.fixture(autouse=True)
async def stock(api, stock_app):
    """``api.stock``: the same client's requests to the FAST_PATHS=false app."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stock_app), base_url="http://test") as client:
        api.stock = Api(client, api.secret)
        api.stock.now = api.now
        yield


class NoPlans:
    def plan(self, *_args):
        return None


@contextlib.contextmanager
def uncompiled():
    """Today's executor without plans (as with COMPILED_PLANS=false)."""
    plans = ExecutionContext.plans
    ExecutionContext.plans = NoPlans()
    try:
        yield
    finally:
        ExecutionContext.plans = plans


REQUEST_ID = re.compile(r'"requestId": "[0-9a-f]{32}"')


async def same_answer(api, query: str, variables: dict | None, token: str):
    """Compiled, by the executor's shortcuts alone, and with FAST_PATHS=false: the same status and bytes."""
    compiled = await api.gql(query, variables, token=token)
    with uncompiled():
        quick = await api.gql(query, variables, token=token)
    stock = await api.stock.gql(query, variables, token=token, now=api.now)
    assert compiled.status == quick.status == stock.status
    text = _without_request_id(json.dumps(stock.body, ensure_ascii=False))
    assert _without_request_id(json.dumps(quick.body, ensure_ascii=False)) == text
    assert _without_request_id(json.dumps(compiled.body, ensure_ascii=False)) == text
    return compiled


def _without_request_id(text: str) -> str:
    """A refusal before execution (a document too large) names its request, which is each request's own."""
    return REQUEST_ID.sub('"requestId": "…"', text)


def plan_of(query: str):
    """The plan the served schema's cache holds for the operation of ``query`` (None if not compiled)."""
    for _schema, operation, state in ExecutionContext.plans.entries.values():
        if operation.loc is not None and operation.loc.source.body == query:
            return state[1] or None
    return None


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
    plan = plan_of(LIST)
    assert plan is not None and plan.compiled_fields > 50  # the plan answered, not graphql-core


async def test_with_the_fast_executor_off_graphql_core_walks_every_field_and_answers_the_same(api, world, claims, app,
                                                                                              monkeypatch):
    """FAST_EXECUTOR=false: no field takes a shortcut (the registry is never consulted), and the answers are those
    of the shortcuts and of Strawberry's stock execution alike."""
    import schema.execution.executor as executor

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


MANIFEST = Path(__file__).resolve().parents[2] / "operations" / "manifest.json"


async def operations_world(world, claims):
    """Claims in every state, their ids, and the variables each query of ``operations/`` needs."""
    shop = await some_claims(world, claims)
    listed = (await world.api.gql("{ claims(first: 5) { edges { node { id order { id } buyerId } } } }",
                                      token=world.platform)).data["claims"]["edges"]
    node = listed[0]["node"]
    return shop, {"id": node["id"], "customerId": node["buyerId"], "from": "2020-01-01T00:00:00Z",
                  "to": "2100-01-01T00:00:00Z", "orderId": node["order"]["id"], "shopId": shop.id}


def variables_for(document: str, known: dict) -> dict:
    """The document's variables that have no default, from ``known`` (an order's query gets the order's id)."""
    operation = next(d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode))
    variables = {}
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if definition.default_value is None and name in known:
            variables[name] = known["orderId"] if name == "id" and operation.name.value == "OrderForClaim" \
                else known[name]
    return variables


QUERIES = [(body, name) for body, name in ((b, operation_name(b)) for b in load_manifest(MANIFEST).values())
           if body.lstrip().startswith("query") and name != "CheckoutQuote"]


async def test_every_query_of_operations_answers_the_same_compiled(api, world, claims):
    shop, known = await operations_world(world, claims)
    compiled = 0
    for body, _name in QUERIES:
        for token in (world.platform, shop.merchant, world.buyer):
            await same_answer(api, body, variables_for(body, known), token)
        plan = plan_of(body)
        compiled += plan is not None and plan.compiled_fields > 0
    assert compiled == len(QUERIES)  # every one of them was answered by its plan


def variants(document: str):
    """A strategy of documents made from ``document``: each selection keeps a non-empty subset of its fields,
    some fields repeated or aliased, ``__typename`` added here and there (fragments are kept as written)."""

    @st.composite
    def make(draw):
        tree = parse(document)

        class Vary(Visitor):
            def leave_selection_set(self, node: SelectionSetNode, *_args):
                kept = [s for s in node.selections if draw(st.booleans()) or isinstance(s, FragmentSpreadNode)]
                kept = kept or [node.selections[0]]
                extra = []
                for selection in kept:
                    if isinstance(selection, FieldNode) and draw(st.integers(0, 5)) == 0:
                        extra.append(FieldNode(name=selection.name, alias=NameNode(value=f"again_{len(extra)}"),
                                               arguments=selection.arguments, directives=(),
                                               selection_set=selection.selection_set))
                if draw(st.integers(0, 4)) == 0:
                    extra.append(FieldNode(name=NameNode(value="__typename"), arguments=(), directives=()))
                return SelectionSetNode(selections=(*kept, *extra))

        return print_ast(visit(tree, Vary()))

    return make()


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")) // 3, derandomize=True, deadline=None,
          database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
@pytest.mark.slow  # generated documents
async def test_a_corpus_generated_from_the_operations_answers_the_same_compiled(api, world, claims, data):
    if not getattr(world, "corpus_data", None):
        world.corpus_data = await operations_world(world, claims)
    shop, known = world.corpus_data
    body, _name = data.draw(st.sampled_from(QUERIES))
    document = data.draw(variants(body))
    token = data.draw(st.sampled_from([world.platform, shop.merchant, world.buyer]))
    await same_answer(api, document, variables_for(document, known), token)


async def test_a_trusted_document_is_compiled_on_its_first_run_others_on_the_nth_and_the_setting_turns_it_off(
        api, world, app):
    """COMPILE_AFTER=5 here: a document of operations/ is compiled at once, another only on its fifth run;
    COMPILED_PLANS=false (no compile_after) compiles nothing."""
    graphql = app.state.graphql
    trusted = next(body for body, name in QUERIES if name == "ArbitrationQueue")
    other = "query Mine { viewer { userId role } }"
    graphql.compile_after = 5
    ExecutionContext.plans.clear()
    try:
        assert not (await api.gql(trusted, token=world.platform)).errors
        assert plan_of(trusted) is not None
        for runs in range(1, 6):
            assert not (await api.gql(other, token=world.platform)).errors
            assert (plan_of(other) is not None) is (runs == 5)
        graphql.compile_after = None
        ExecutionContext.plans.clear()
        await api.gql(trusted, token=world.platform)
        await api.gql(other, token=world.platform)
        assert plan_of(trusted) is None and plan_of(other) is None
    finally:
        graphql.compile_after = 1
