"""Query limits, checked after parsing and before anything runs: depth, aliases (through fragments) and a
GitHub-style cost (items requested multiplied through nesting, variables priced at their worst case)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from domain.shared.messages import msg
from schema.common.errors import TopLevelCode
from schema.common.pagination import DEFAULT_PAGE, MAX_PAGE

# A document larger than this is parsed, validated and planned anew each time and never kept in a cache (the parser
# and validation caches, the plan cache, the transports' screen): every operation in operations/ is under 4 KB.
CACHED_DOCUMENT_CHARS = 32_768
LIST_GUESS = 10  # a plain list (order lines, evidence, events) is priced as this many items


def core_schema(schema: object) -> GraphQLSchema:
    """graphql-core's schema behind the served Strawberry schema (``ApiSchema.core``)."""
    core = getattr(schema, "core", None)
    if not isinstance(core, GraphQLSchema):
        raise TypeError("not the served schema (schema.ApiSchema)")
    return core


@dataclass(frozen=True)
class Limits:
    max_depth: int = 10
    max_aliases: int = 30
    max_cost: int = 50_000


@dataclass
class Measure:
    """``cost``: every field requested, multiplied through nesting (the static limit, GitHub's way); ``points``:
    H1's throttle cost, Shopify's way — an object 1, a connection 2 (its page's nodes 1 each, edges and page info
    free), a mutation 10, a scalar or enum 0 — at least 1 a request."""

    depth: int = 0
    aliases: int = 0
    cost: int = 0
    points: int = 0

    @property
    def requested_points(self) -> int:
        return max(self.points, 1)


class _Walker:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], variables: dict):
        self.schema, self.fragments, self.variables = schema, fragments, variables
        self.measure = Measure()

    def _first(self, field: FieldNode) -> int | None:
        """The page size a list field asks for: its ``first`` or (H3) its ``last``."""
        for argument in field.arguments or ():
            if argument.name.value not in ("first", "last"):
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                return given if isinstance(given, int) else MAX_PAGE  # worst case
            return MAX_PAGE
        return None

    def walk(
        self, selection_set: SelectionSetNode | None, parent, depth: int, multiplier: int, seen: frozenset
    ) -> None:
        if selection_set is None:
            return
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                self._field(selection, parent, depth, multiplier, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                self.walk(selection.selection_set, target or parent, depth, multiplier, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue  # unknown or cyclic: validation reports it
                target = self.schema.get_type(fragment.type_condition.name.value)
                self.walk(fragment.selection_set, target or parent, depth, multiplier, seen | {name})

    def _field(self, field: FieldNode, parent, depth: int, multiplier: int, seen: frozenset) -> None:
        name = field.name.value
        if name.startswith("__"):
            return  # introspection has its own switch
        if field.alias is not None:
            self.measure.aliases += 1
        self.measure.depth = max(self.measure.depth, depth + 1)
        self.measure.cost += multiplier
        definition = (
            parent.fields.get(name) if isinstance(parent, GraphQLObjectType) or hasattr(parent, "fields") else None
        )
        if definition is None:
            return
        kind, is_list = definition.type, False
        while isinstance(kind, (GraphQLNonNull, GraphQLList)):
            is_list |= isinstance(kind, GraphQLList)
            kind = kind.of_type
        self.measure.points += multiplier * _points(self.schema, parent, kind, "first" in definition.args)
        first = self._first(field)
        if first is not None:
            items = first
        elif "first" in definition.args:
            items = DEFAULT_PAGE
        elif name == "edges" and parent.name.endswith("Connection"):
            items = 1  # the page size was counted on the connection field
        else:
            items = LIST_GUESS if is_list else 1
        self.walk(field.selection_set, kind, depth + 1, multiplier * max(items, 1), seen)


MUTATION_POINTS = 10
FREE_OBJECTS = ("Edge", "PageInfo")  # a connection's wrapping: its edges and page info cost nothing


def _points(schema: GraphQLSchema, parent, kind, paged: bool) -> int:
    """H1: what one field costs in points (before the multiplier of the lists around it)."""
    if parent is schema.mutation_type:
        return MUTATION_POINTS
    if not isinstance(kind, (GraphQLObjectType, GraphQLInterfaceType, GraphQLUnionType)):
        return 0
    if kind.name.endswith(FREE_OBJECTS):
        return 0
    return 2 if paged else 1


def measure(schema: GraphQLSchema, document, operation_name: str | None, variables: dict | None) -> Measure | None:
    operation = get_operation_ast(document, operation_name)
    if not isinstance(operation, OperationDefinitionNode):
        return None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    root = schema.get_root_type(operation.operation)
    walker = _Walker(schema, fragments, variables or {})
    walker.walk(operation.selection_set, root, 0, 1, frozenset())
    return walker.measure


def limits_refusal(found: Measure, limits: Limits) -> tuple[TopLevelCode, str] | None:
    """Which limit a measured document passes, with its message; None within them all (both transports)."""
    if found.depth > limits.max_depth:
        return TopLevelCode.QUERY_TOO_DEEP, msg("the query is {depth} levels deep; at most {max}",
                                                depth=found.depth, max=limits.max_depth)
    if found.aliases > limits.max_aliases:
        return TopLevelCode.TOO_MANY_ALIASES, msg("the query uses {aliases} aliases; at most {max}",
                                                  aliases=found.aliases, max=limits.max_aliases)
    if found.cost > limits.max_cost:
        return TopLevelCode.QUERY_TOO_COSTLY, msg("the query may touch {cost} items; at most {max}",
                                                  cost=found.cost, max=limits.max_cost)
    return None


class QueryLimits(SchemaExtension):
    """Refuses, before execution, a document too deep, with too many aliases or too costly; reports the cost of
    every request in ``extensions.cost``."""

    def __init__(self, *, execution_context=None):
        self.result: Measure | None = None

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        limits: Limits = getattr(getattr(context.context, "execution", None), "limits", None) or Limits()
        document = context.graphql_document
        if document is not None:
            self.result = measure(core_schema(context.schema), document, context.operation_name, context.variables)
        refusal = limits_refusal(self.result, limits) if self.result is not None else None
        if refusal is None and hasattr(context.context, "cost"):
            context.context.cost = self.result  # what H1's throttle (``Throttling``, next) charges
        if refusal is not None and not context.result:
            context.result = ExecutionResult(
                data=None, errors=[GraphQLError(refusal[1], extensions={"code": refusal[0].value})]
            )
        yield

    def get_results(self) -> dict:
        if self.result is None:
            return {}
        context = self.execution_context.context
        limits = getattr(getattr(context, "execution", None), "limits", None) or Limits()
        request = getattr(context, "request", None)
        if request is not None and hasattr(request, "scope"):  # for the metrics, read when the request ends
            request.scope.setdefault("state", {})["graphql_cost"] = self.result.cost
        cost = {"requested": self.result.cost, "limit": limits.max_cost, "depth": self.result.depth,
                "aliases": self.result.aliases, "requestedQueryCost": self.result.requested_points}
        status = getattr(context, "throttle_status", None)
        result = self.execution_context.result
        if status is not None and not status.granted:
            cost["actualQueryCost"] = 0  # nothing ran
        else:
            data = result.data if result is not None else None
            cost["actualQueryCost"] = returned_points(data, self.execution_context.operation_type) \
                if isinstance(data, dict) else 0
        if status is not None:
            cost["throttleStatus"] = {"maximumAvailable": float(status.rule.maximum),
                                      "currentlyAvailable": round(status.available, 3),
                                      "restoreRate": float(status.rule.restore_rate)}
        return {"cost": cost}


def returned_points(data: dict, operation: object) -> int:
    """H1's ``actualQueryCost``: the points of what was returned, counted as ``Measure.points`` counts what was
    asked for — an object 1, a connection 2 (its ``edges`` and ``pageInfo`` free), a mutation 10."""
    mutation = getattr(operation, "value", None) == "mutation"  # Strawberry's OperationType or graphql-core's
    return sum((MUTATION_POINTS + _inside(value)) if mutation else _returned(value, key)
               for key, value in data.items())


def _returned(value: object, key: str) -> int:
    if isinstance(value, list):
        return sum(_returned(item, key) for item in value)
    if not isinstance(value, dict):
        return 0
    own = 0 if key in ("edges", "pageInfo") else 2 if ("edges" in value or "pageInfo" in value) else 1
    return own + _inside(value)


def _inside(value: object) -> int:
    return sum(_returned(v, k) for k, v in value.items()) if isinstance(value, dict) else 0
