"""``schema/execution/plans.py``: a compiled plan answers exactly as Strawberry's stock execution context does —
the same data in the same key order, the same errors with the same paths and locations — on the toy schema that
reaches every hand-over of ``schema/execution/executor.py`` (nulls in NonNull fields, failing reads, unknown enum
values, objects of the wrong class, awaited failures, list items), and it is really the plan that answered."""

from __future__ import annotations

import gc
import warnings

import pytest
import strawberry
from graphql import parse
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.execution import executor as fast
from schema.execution.plans import PlanCache, compilable, shared_value
from tests.test_executor import QUERIES, STOCK, Query, _walk, holders, outcome, toy_schema

COMPILED = toy_schema(fast.ExecutionContext)
PLANS = PlanCache()


class Context(dict):
    """The toy resolvers read the context as a dict; the executor reads the compile settings as attributes of
    ``context.execution`` (``schema.context.Execution`` in the app), here the context itself."""

    compile_after = 1
    trusted_document = False

    @property
    def execution(self) -> Context:
        return self


WITHOUT_DIRECTIVES = [q for q in QUERIES if "@" not in q] + [
    "{ holders { box { leaf { name } } box { leaf { must colour } optionalLeaf { name } } } }",  # merged fields
    "{ holders { requiredBox { ... on Box { things { n: name } things { colour } } __typename } } }",
    "{ holders { box { __typename id things { __typename name } } } }",
    "{ holders { requiredBox { leaf { ...L } optionalLeaf { ...L } } } } fragment L on Leaf { name maybe later }",
]


@pytest.fixture(autouse=True)
def own_plans(monkeypatch):
    monkeypatch.setattr(fast.ExecutionContext, "plans", PLANS)
    PLANS.clear()


async def run(schema, query: str, fail_soon: bool):
    context = Context(greeting="hello ", fail_soon=fail_soon)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # as in test_executor: dropped coroutines of failed lists
        result = await schema.execute(query, root_value=Query(holders=holders()), context_value=context)
        gc.collect()
    return result


@pytest.mark.parametrize("fail_soon", [False, True])
@pytest.mark.parametrize("query", WITHOUT_DIRECTIVES)
async def test_a_compiled_plan_answers_as_graphql_core_does(query, fail_soon):
    stock = await run(STOCK, query, fail_soon)
    compiled = await run(COMPILED, query, fail_soon)
    assert outcome(compiled) == outcome(stock)
    assert list(_walk(compiled.data)) == list(_walk(stock.data))
    plans = [state[1] for _schema, _operation, state in PLANS.entries.values()]
    assert len(plans) == 1 and plans[0] and plans[0].compiled_fields > 0  # the plan answered


@pytest.mark.parametrize("query", [q for q in QUERIES if "@" in q])
async def test_a_document_with_directives_is_not_compiled_and_answers_the_same(query):
    stock = await run(STOCK, query, False)
    compiled = await run(COMPILED, query, False)
    assert outcome(compiled) == outcome(stock)
    assert [state[1] for _s, _o, state in PLANS.entries.values()] == [False]


def test_directives_and_fragment_variables_make_a_document_not_compilable():
    def check(text: str) -> bool:
        document = parse(text, experimental_fragment_arguments=True)
        operation = document.definitions[0]
        from graphql.execution.collect_fields import FragmentDetails

        fragments = {d.name.value: FragmentDetails(d) for d in document.definitions[1:]}
        return compilable(operation, fragments)

    assert check("{ holders { box { id } } }")
    assert not check("{ holders { box { id @skip(if: false) } } }")
    assert not check("{ holders { ...F } } fragment F on Holder { box @include(if: true) { id } }")
    assert not check("{ holders { ...F } } fragment F($x: Boolean) on Holder { box { id } }")


async def test_a_document_is_compiled_on_its_nth_run_and_a_trusted_one_on_its_first():
    query = "{ holders { box { id } } }"

    class Later(Context):
        compile_after = 3

    class Trusted(Context):
        compile_after = 3
        trusted_document = True

    def state():
        return [s[:] for _schema, _operation, s in PLANS.entries.values()]

    for runs in (1, 2):
        await COMPILED.execute(query, root_value=Query(holders=holders()), context_value=Later())
        assert state() == [[runs, None]]
    await COMPILED.execute(query, root_value=Query(holders=holders()), context_value=Later())
    assert state()[0][0] == 3 and state()[0][1]
    PLANS.clear()
    await COMPILED.execute(query, root_value=Query(holders=holders()), context_value=Trusted())
    assert state()[0][1]


async def test_the_cache_keeps_the_most_recently_used_operations():
    small = PlanCache(size=2)
    fast.ExecutionContext.plans = small
    queries = [f"{{ holders {{ a{i}: box {{ id }} }} }}" for i in range(3)]
    for query in (queries[0], queries[1], queries[0], queries[2]):
        await COMPILED.execute(query, root_value=Query(holders=holders()), context_value=Context())
    kept = {operation.selection_set.selections[0].selection_set.selections[0].alias.value
            for _schema, operation, _state in small.entries.values()}
    assert kept == {"a0", "a2"}


@shared_value
@strawberry.type
class Price:
    amount: int
    label: str | None


@strawberry.type
class Item:
    price: Price | None
    note: str


@strawberry.type
class Shelf:
    items: list[Item]


def _shelf_schema(context_class):
    from schema.execution.fields import shortcut_fields

    toy = strawberry.Schema(query=Shelf, execution_context_class=context_class)
    shortcut_fields(toy._schema)
    return toy


async def test_a_shared_values_answer_is_made_once_per_object_and_never_kept_after_a_slow_path():
    """``shared_value`` (Money): the plan gives the same answer object for the same value object (and keeps it for
    the plan's later runs); a value that went the slow way (here an Int out of range, an error) is answered anew
    each time, so each place it appears reports its own error with its own path."""
    cheap, dear, wrong = Price(amount=150, label="¥1.50"), Price(amount=9900, label=None), Price(amount=2**40,
                                                                                                   label="x")
    shelf = Shelf(items=[Item(price=p, note=str(i)) for i, p in enumerate([cheap, dear, cheap, wrong, wrong])])
    query = "{ items { note price { amount label } } }"
    stock, compiled = _shelf_schema(StrawberryGraphQLCoreExecutionContext), _shelf_schema(fast.ExecutionContext)
    for _ in range(2):  # the second time, the toy schema (no parser cache) compiles a new plan: nothing kept
        expected = await stock.execute(query, root_value=shelf, context_value=Context())
        result = await compiled.execute(query, root_value=shelf, context_value=Context())
        assert outcome(result) == outcome(expected)
        assert [e.path for e in result.errors or []] == [["items", 3, "price", "amount"],
                                                         ["items", 4, "price", "amount"]]
        items = result.data["items"]
        assert items[0]["price"] is items[2]["price"]  # one answer for one shared object
        assert items[3]["price"] is None and items[4]["price"] is None  # each reported its own error, above
        [plan] = [state[1] for _schema, _operation, state in PLANS.entries.values()]
        [kept] = [run.__globals__["kept"] for run in plan.runners.values() if "kept" in run.__globals__]
        assert {id(cheap), id(dear)} == set(kept)
