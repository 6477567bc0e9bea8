"""``schema/execution/executor.py`` answers exactly as Strawberry's stock execution context does — the same data, the
same errors with the same paths — for values that take its shortcuts and for every value that must not (a null
in a NonNull field, a failing read, an unknown enum value, an object of the wrong type, an error below a plain
object, synchronous and awaited). Also pins the graphql-core code it copies."""

from __future__ import annotations

import gc
import warnings
from enum import Enum

import graphql
import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.execution import executor as fast
from schema.execution.fields import shortcut_fields


@strawberry.enum
class Colour(Enum):
    RED = "red"
    GREEN = "green"


@strawberry.type
class Leaf:
    name: str
    colour: Colour
    maybe: str | None
    must: str

    @strawberry.field
    async def later(self) -> str:  # awaited: its error reaches the plain objects above it after they returned
        return self.must


@strawberry.interface
class Thing:
    id: strawberry.ID


@strawberry.type
class Box(Thing):
    id: strawberry.ID
    leaf: Leaf
    optional_leaf: Leaf | None
    things: list[Leaf]

    @strawberry.field
    def broken(self) -> int:
        raise ValueError("broken on purpose")

    @strawberry.field
    def greeting(self, info: strawberry.Info) -> str:  # reads only info.context: called with a stand-in info
        return info.context["greeting"] + self.id

    @strawberry.field
    def path_name(self, info: strawberry.Info) -> str:  # reads more of info: stays with graphql-core
        return str(info.path.key)

    @strawberry.field
    def soon(self, info: strawberry.Info) -> Leaf:  # synchronous, yet returns an awaitable: graphql-core awaits it
        return _later(self.leaf, info.context["fail_soon"])


@strawberry.type
class Holder:
    box: Box | None
    required_box: Box
    boxes: list[Box | None] | None = None


@strawberry.type
class Query:
    holders: list[Holder]


async def _later(value, fail: bool):
    if fail:
        raise RuntimeError("failed when awaited")
    return value


def leaf(name="a", colour=Colour.RED, maybe=None, must="m") -> Leaf:
    return Leaf(name=name, colour=colour, maybe=maybe, must=must)


def box(**kw) -> Box:
    values = dict(id="b1", leaf=leaf(), optional_leaf=None, things=[leaf("x"), leaf("y", Colour.GREEN)])
    return Box(**{**values, **kw})


def holders() -> list[Holder]:  # fresh each time: an iterator is read once
    return [
        Holder(box=box(), required_box=box(id="b2")),
        Holder(box=box(leaf=leaf(must=None)), required_box=box()),  # a null in a NonNull leaf under a nullable box
        Holder(box=box(leaf=leaf(colour="blue")), required_box=box()),  # not an enum member at all
        Holder(box=box(leaf=leaf(colour="GREEN")), required_box=box()),  # a name, not a value: refused too
        Holder(box=box(leaf=leaf(name=ValueError("an exception as a value"))), required_box=box()),
        Holder(box=box(leaf="not a leaf"), required_box=box()),  # no is_type_of: graphql-core reads it and fails
        Holder(box="not a box", required_box=box()),  # Box implements Thing, so is_type_of refuses a string
        Holder(box=box(optional_leaf=leaf(must=None)), required_box=box()),  # the error nulls optionalLeaf only
        Holder(box=None, required_box=box(leaf=leaf(must=None))),  # propagates to the holder
        Holder(box=box(things=[leaf(), None]), required_box=box(things=(leaf("t"),))),  # a null item; a tuple
        Holder(
            box=box(things=iter([leaf("g")])), required_box=box(things=[leaf(must=None)])
        ),  # an iterator; an item's error
        Holder(box=box(), required_box=box(), boxes=[box(), box(things=[leaf(must=None)])]),  # nulls the second box
        Holder(box=box(), required_box=box(), boxes=[box(), None, "not a box"]),  # graphql-core judges these items
        Holder(box=box(leaf=leaf(name=12)), required_box=box()),  # a number in a String field
    ]


QUERIES = [
    "{ holders { box { id leaf { name colour maybe must later } optionalLeaf { must } things { name colour } } } }",
    "{ holders { requiredBox { id leaf { name must } } } }",
    "{ holders { box { broken leaf { name } } requiredBox { leaf { later must } } } }",
    "{ holders { box { leaf { later } optionalLeaf { later } } } }",  # errors found only when awaited
    "{ holders { requiredBox { leaf { later } } } }",
    "{ holders { box { greeting pathName soon { name must later } } requiredBox { soon { must } } } }",
    "{ holders { box { things { name must } } requiredBox { things { name } } boxes { id things { must } } } }",
    "{ holders { boxes { things { later } } requiredBox { things { later } } } }",
    "{ holders { boxes { leaf { name } } box { things @include(if: true) { name } } } }",
    "{ holders { b: box { l: leaf { n: name, n2: name, must } } box { __typename ... on Box { leaf { colour } } } } }",
    "{ holders { box { ...F } } } fragment F on Thing { id ... on Box { optionalLeaf { name } leaf { maybe } } }",
    "query { holders @include(if: true) { box { leaf { name @skip(if: true) must } } } }",
]


def toy_schema(context_class):
    toy = strawberry.Schema(query=Query, types=[Box], execution_context_class=context_class)
    shortcut_fields(toy._schema)
    return toy


STOCK, FAST = toy_schema(StrawberryGraphQLCoreExecutionContext), toy_schema(fast.ExecutionContext)


def outcome(result) -> tuple:
    errors = sorted((e.message, tuple(e.path or ()), tuple((at.line, at.column) for at in e.locations or ()))
                    for e in result.errors or [])
    return result.data, errors


@pytest.mark.parametrize("fail_soon", [False, True])
@pytest.mark.parametrize("query", QUERIES)
async def test_the_shortcuts_answer_as_graphql_core_does(query, fail_soon):
    context = {"greeting": "hello ", "fail_soon": fail_soon}
    with warnings.catch_warnings():
        # When an item fails synchronously while its siblings are pending, graphql-core drops the pending
        # coroutines (the stock path leaves the same ones); Python's warning about them is not this test's.
        warnings.simplefilter("ignore", RuntimeWarning)
        stock = await STOCK.execute(query, root_value=Query(holders=holders()), context_value=context)
        quick = await FAST.execute(query, root_value=Query(holders=holders()), context_value=context)
        gc.collect()
    assert outcome(quick) == outcome(stock)
    assert list(_walk(quick.data)) == list(_walk(stock.data))  # the same key order, as the JSON shows it


def _walk(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield path + (key,)
            yield from _walk(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, path + (index,))


async def test_the_toy_data_does_reach_every_failure_the_shortcuts_hand_over():
    """So the comparison above cannot pass by never meeting a bad value."""
    stock = await STOCK.execute(QUERIES[0], root_value=Query(holders=holders()), context_value={})
    messages = " | ".join(e.message for e in stock.errors)
    for expected in (
        "Cannot return null for non-nullable field Leaf.must",
        "Enum 'Colour' cannot represent value: 'blue'",
        "an exception as a value",
        "'str' object has no attribute 'name'",
        "Expected value of type 'Box' but got: 'not a box'",
    ):
        assert expected in messages, messages
    assert stock.data["holders"][0]["box"]["leaf"] == {
        "name": "a",
        "colour": "RED",
        "maybe": None,
        "must": "m",
        "later": "m",
    }
    assert stock.data["holders"][3]["box"] is None and "cannot represent value: 'GREEN'" in messages
    assert stock.data["holders"][-1]["box"]["leaf"]["name"] == "12"  # graphql-core prints a number in a String


def test_the_shortcuts_are_taken():
    leaves = fast._PLAIN[FAST._schema.type_map["Leaf"]]
    assert {"name", "colour", "maybe", "must"} <= set(leaves) and "later" not in leaves  # async stays
    box_fields = fast._PLAIN[FAST._schema.type_map["Box"]]
    assert box_fields["leaf"].object_type.name == "Leaf" and box_fields["broken"].read.__name__ == "broken"
    assert box_fields["things"].item_type.of_type.name == "Leaf"
    assert box_fields["greeting"].with_context and "pathName" not in box_fields
    assert box_fields["soon"].with_context


def test_reads_only_context_is_decided_on_the_bytecode():
    def context_only(self, info):
        loaders = info.context.loaders
        return loaders.get(self) if self else info.context

    def more(self, info):
        return info.context if self else info.field_name

    def handed_on(self, info):
        return str(info)

    def captured(self, info):
        return lambda: info.context

    def renamed(self, info):
        other = info
        return other.context

    assert fast.reads_only_context(context_only)
    assert not any(fast.reads_only_context(f) for f in (more, handed_on, captured, renamed))


def test_a_resolver_middleware_turns_the_shortcuts_off():
    class Upper(strawberry.extensions.SchemaExtension):
        def resolve(self, _next, root, info, *args, **kwargs):
            value = _next(root, info, *args, **kwargs)
            return value.upper() if isinstance(value, str) else value

    toy = strawberry.Schema(query=Query, types=[Box], execution_context_class=fast.ExecutionContext, extensions=[Upper])
    shortcut_fields(toy._schema)
    result = toy.execute_sync(
        "{ holders { requiredBox { id leaf { name } } } }", root_value=Query(holders=holders()[:1])
    )
    assert result.data == {"holders": [{"requiredBox": {"id": "B2", "leaf": {"name": "A"}}}]}


def test_is_awaitable_agrees_with_graphql_core():
    import asyncio

    async def coroutine():
        return 1

    def generator():
        yield 1

    loop = asyncio.new_event_loop()
    try:
        pending = coroutine()
        values = [1, "s", None, leaf(), pending, loop.create_future(), generator(), [1], {"a": 1}]
        for value in values:
            assert fast.is_awaitable(value) == graphql.pyutils.is_awaitable(value), value
        pending.close()
    finally:
        loop.close()


def test_the_served_schema_takes_the_shortcuts():
    from schema import FIELD_PATHS, schema

    types = schema._schema.type_map
    assert FIELD_PATHS["leaf"] >= 100 and FIELD_PATHS["object"] >= 40, FIELD_PATHS
    claim = fast._PLAIN[types["Claim"]]
    assert {"id", "status", "submittedAt", "standardRefund", "ruling"} <= set(claim)
    assert claim["order"].with_context and claim["order"].object_type.name == "Order"  # reads only info.context
    assert {"amount", "currency"} <= set(fast._PLAIN[types["Money"]])
    assert schema.execution_context_class is fast.ExecutionContext
