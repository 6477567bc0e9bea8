"""A shorter walk over plain fields, as an ``execution_context_class`` for Strawberry.

graphql-core completes every field the same way: a ``Path``, a ``GraphQLResolveInfo`` of fourteen entries, the
resolver, two awaitable checks, and ``complete_value`` unwrapping NonNull before it serializes a leaf or walks an
object. A list of 50 claims holds about 3,000 leaves (ids, amounts, dates, enums) and 800 objects (money, order,
shop, product) that need none of that, and that walk was most of what a list response cost. Here a field that
``fast_fields`` registered — read by an attribute, or by a synchronous resolver that takes ``self`` and at most
``info.context`` — is read once and then:

- a scalar or enum value is serialized at once, a null in a nullable field is null;
- an object value of the right type has its sub-fields executed at once, and an error below it is located and
  propagated (or nulled) by graphql-core's ``handle_field_error``, as ``execute_field`` does;
- anything else (an awaitable, a null in a NonNull field, an exception, a value the serializer refuses, an object
  of the wrong type) is completed by graphql-core's own ``complete_value`` / ``complete_awaitable_value`` with a
  real resolve info, which reports it exactly as it always does. Nothing is read twice.

Lists, abstract types, fields with arguments, ``__typename`` and introspection are graphql-core's throughout, and
so is everything while a resolver middleware is installed, or when the ``FAST_EXECUTOR`` setting is off.

``tests/test_executor.py`` compares this with Strawberry's stock execution context on a schema built to reach
every hand-over and pins the graphql-core code it restates; ``tests/api/test_executor_differential.py`` compares
whole responses on real data."""

from __future__ import annotations

import asyncio
import dis
from collections.abc import Awaitable, Callable
from enum import Enum
from types import CoroutineType
from typing import Any, NamedTuple, TypeGuard, cast

from graphql import GraphQLEnumType, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType
from graphql.execution.executor import gather_with_cancel, to_nodes
from graphql.pyutils import Path, Undefined
from graphql.pyutils import is_awaitable as graphql_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class Plain(NamedTuple):
    read: Callable[..., Any]  # read(source) or, when with_context, read(source, info-with-only-context)
    with_context: bool
    serialize: Callable[[Any], Any] | None  # a leaf's serializer; None for an object or a list of objects
    object_type: GraphQLObjectType | None  # the object, or the object of a list's items
    non_null: bool
    is_type_of: Callable[[Any, Any], bool] | None
    item_type: Any = None  # for a list of objects: the items' type as the schema has it ([T!] → T!)
    attribute: str | None = None  # when ``read`` is reading this attribute (a plan reads it inline)
    leaf_type: Any = None  # a leaf's scalar or enum type
    enum_names: dict[int, str] | None = None  # an enum's GraphQL names by the id of its Python member


_PLAIN: dict[GraphQLObjectType, dict[str, Plain]] = {}
_AWAITABLE: dict[type, bool] = {CoroutineType: True, asyncio.Future: True, asyncio.Task: True}


def is_awaitable(value: Any) -> TypeGuard[Awaitable[Any]]:
    """graphql-core's answer, remembered per type: called three times per field, it was 4 % of a list response.
    Generators are asked every time (whether one is awaitable depends on the generator, not its type)."""
    kind = type(value)
    known = _AWAITABLE.get(kind)
    if known is None:
        known = graphql_is_awaitable(value)
        if kind.__name__ != "generator":
            _AWAITABLE[kind] = known
    return known


def plain_fields(object_type: GraphQLObjectType) -> dict[str, Plain]:
    """The fields of ``object_type`` registered here (read without graphql-core's walk)."""
    return _PLAIN.get(object_type, {})


def register(
    parent: GraphQLObjectType, field_name: str, read: Callable[..., Any], with_context: bool = False,
    attribute: str | None = None,
) -> str | None:
    """Called by ``fast_fields``: ``read`` must be synchronous and read nothing of ``info`` but ``info.context``.
    Returns "leaf" or "object" when the field takes the shortcut, None when it stays with graphql-core."""
    type_ = parent.fields[field_name].type
    non_null = isinstance(type_, GraphQLNonNull)
    named = type_.of_type if non_null else type_
    item_type = None
    if isinstance(named, GraphQLList):
        item_type = named.of_type
        named = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if not isinstance(named, GraphQLObjectType):
            return None  # lists of scalars stay with graphql-core
    if isinstance(named, GraphQLEnumType):
        names = _enum_names(named)
        plain = Plain(read, with_context, names.__getitem__, None, non_null, None, None, attribute, named,
                      {id(member): name for member, name in names.items()})
    elif isinstance(named, GraphQLScalarType):
        plain = Plain(read, with_context, named.coerce_output_value, None, non_null, None, None, attribute, named)
    elif isinstance(named, GraphQLObjectType):
        is_type_of = named.is_type_of
        if is_type_of is not None and "_get_is_type_of" not in getattr(is_type_of, "__qualname__", ""):
            return None  # a hand-written is_type_of may read the resolve info, which the shortcut does not build
        plain = Plain(read, with_context, None, named, non_null, cast(Callable[[Any, Any], bool] | None, is_type_of),
                      item_type, attribute)
    else:
        return None
    _PLAIN.setdefault(parent, {})[field_name] = plain
    return "leaf" if plain.serialize else "list" if item_type is not None else "object"


def reads_only_context(function: Callable[..., Any]) -> bool:
    """True when the function's second parameter is used only as ``<it>.context``: checked on its bytecode, so a
    resolver that starts reading anything else of ``info`` leaves the shortcut by itself."""
    code = function.__code__
    if code.co_argcount != 2 or code.co_varnames[1] in code.co_cellvars:
        return False
    name = code.co_varnames[1]
    instructions = list(dis.get_instructions(function))
    for at, instruction in enumerate(instructions):
        uses = instruction.argval == name or (isinstance(instruction.argval, tuple) and name in instruction.argval)
        if not uses or instruction.opname == "RESUME":
            continue
        following = instructions[at + 1] if at + 1 < len(instructions) else None
        if instruction.opname != "LOAD_FAST" or following is None or following.opname != "LOAD_ATTR" \
                or following.argval != "context":
            return False
    return True


def _enum_names(enum_type: GraphQLEnumType) -> dict[Any, str]:
    """A dict lookup from the Python enum member to its GraphQL name; Strawberry's own serializer scans every
    value of the enum for each field. A value not in the dict goes down graphql-core's path, which judges it."""
    wrapped = getattr(enum_type, "wrapped_cls", None)
    names: dict[Any, str] = {}
    if isinstance(wrapped, type) and issubclass(wrapped, Enum):
        for name, value in enum_type.values.items():
            for member in wrapped:
                if member.value == value.value:
                    names.setdefault(member, name)
    return names


class ContextInfo(NamedTuple):
    """What a context-only resolver is given in place of graphql-core's resolve info."""

    context: Any


_USE_GRAPHQL_CORE = object()


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    plans: Any = None  # schema/execution/plans.py's PlanCache, set where the schema is built

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_awaitable = is_awaitable
        manager = self.middleware_manager  # Strawberry always passes one, empty unless an extension resolves
        # the shortcuts only where nothing wraps a resolver, and only while FAST_EXECUTOR is on (a way back to
        # graphql-core's own walk, should a graphql-core release ever make this one wrong)
        execution = getattr(self.context_value, "execution", None)  # schema.context.Execution (None in a bare test)
        self.shortcuts = (manager is None or not manager.middlewares) and getattr(execution, "fast_executor", True)
        self.context_info = ContextInfo(self.context_value)
        self.plan = None
        after = getattr(execution, "compile_after", None)
        if self.shortcuts and after is not None and self.operation is not None:
            self.plan = self.plans.plan(self, getattr(execution, "trusted_document", False), after)

    def collect_and_execute_subfields(self, return_type, field_details_list, path, result, position_context):
        """An object's selection by the operation's compiled plan (``schema/execution/plans.py``), when it has one."""
        plan = self.plan
        if plan is None or position_context is not None:
            return super().collect_and_execute_subfields(return_type, field_details_list, path, result,
                                                         position_context)
        return plan.runner(self, return_type, field_details_list)(result, path, self)

    # what a compiled plan hands back to graphql-core

    def compiled_error(self, raw_error, step, parent_path):
        """An error raised reading a field or below it: located and propagated or nulled as ``execute_field``
        does (graphql-core's ``handle_field_error``, with the field's real path)."""
        self.handle_field_error(raw_error, step.field_type, step.field_details_list, _field_path(step, parent_path))

    def compiled_complete(self, step, value, parent_path, pending):
        """A value the plan's fast path does not take: graphql-core completes it with a real resolve info."""
        if value is None and step.nullable:
            return None
        completed = self._complete_as_graphql_core(step.parent_type, step.field_details_list,
                                                   _field_path(step, parent_path), value, None)
        if is_awaitable(completed):
            pending.append(step.key)
        return completed

    def compiled_awaited(self, completed, step, parent_path):
        return self._await_completed(completed, step.parent_type, step.field_details_list,
                                     _field_path(step, parent_path))

    def compiled_settled(self, results, pending):
        return _settle(results, pending)

    def compiled_item_error(self, error, step, item_path):
        """A list item's plan raised: null for the item, or propagated to the list (``complete_list_item_value``)."""
        self.handle_field_error(error, _item_type(step), step.field_details_list, real_path(item_path))

    def compiled_item_awaited(self, completed, step, item_path):
        return self._await_item(completed, _item_type(step), step.field_details_list, real_path(item_path))

    def execute_fields(self, parent_type, source_value, path, grouped_field_set, position_context):
        """graphql-core's ``Executor.execute_fields`` with the shortcut in front of ``execute_field``."""
        plain_fields = _PLAIN.get(parent_type) if self.shortcuts else None
        if plain_fields is None:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        results: dict[str, Any] = {}
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list in grouped_field_set.items():
                plain = plain_fields.get(field_details_list[0].node.name.value)
                if plain is None:
                    result = self.execute_field(parent_type, source_value, field_details_list,
                                                Path(path, response_name, parent_type.name), position_context)
                    if result is Undefined:
                        continue
                else:
                    result = self._plain_field(plain, parent_type, source_value, field_details_list, path,
                                               response_name, position_context)
                results[response_name] = result
                if is_awaitable(result):
                    awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        return _settled(results, awaitable_fields)

    def _plain_field(self, plain: Plain, parent_type, source, field_details_list, parent_path, response_name,
                     position_context):
        path = None
        try:
            value = plain.read(source, self.context_info) if plain.with_context else plain.read(source)
            if value is None:
                if not plain.non_null:
                    return None
            elif value is not Undefined and not isinstance(value, Exception) and not is_awaitable(value):
                if plain.serialize is not None:
                    serialized = _serialize(plain.serialize, value)
                    if serialized is not _USE_GRAPHQL_CORE:
                        return serialized
                elif plain.item_type is not None:
                    if _plain_items(value, plain.is_type_of) and not _has_directives(field_details_list):
                        path = Path(parent_path, response_name, parent_type.name)
                        completed = self._complete_items(plain, field_details_list, path, value, position_context)
                        if is_awaitable(completed):
                            return self._await_completed(completed, parent_type, field_details_list, path)
                        return completed
                elif plain.is_type_of is None or plain.is_type_of(value, None):
                    path = Path(parent_path, response_name, parent_type.name)
                    completed = self.collect_and_execute_subfields(
                        cast(GraphQLObjectType, plain.object_type), field_details_list, path, value, position_context)
                    if is_awaitable(completed):
                        return self._await_completed(completed, parent_type, field_details_list, path)
                    return completed
        except Exception as raw_error:
            path = path or Path(parent_path, response_name, parent_type.name)
            self.handle_field_error(raw_error, self._field_type(parent_type, field_details_list), field_details_list,
                                    path)
            return None
        return self._complete_as_graphql_core(parent_type, field_details_list,
                                              Path(parent_path, response_name, parent_type.name), value,
                                              position_context)

    def _complete_as_graphql_core(self, parent_type, field_details_list, path, result, position_context):
        """The rest of ``execute_field`` for a value already read: with the real resolve info."""
        field_def = parent_type.fields[field_details_list[0].node.name.value]
        return_type = field_def.type
        info = self.build_resolve_info(field_def, to_nodes(field_details_list), parent_type, path)
        try:
            if is_awaitable(result):
                return self.complete_awaitable_value(return_type, field_details_list, info, path, result,
                                                     position_context)
            completed = self.complete_value(return_type, field_details_list, info, path, result, position_context)
            if is_awaitable(completed):
                return self._await_completed(completed, parent_type, field_details_list, path)
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        return completed

    def _complete_items(self, plain: Plain, field_details_list, path, items, position_context):
        """``complete_iterable_value`` for a list or tuple whose items were all checked to be plain objects of
        the right type: each item's sub-fields at once."""
        object_type = cast(GraphQLObjectType, plain.object_type)

        def complete(item, item_path, _execution):
            return self.collect_and_execute_subfields(object_type, field_details_list, real_path(item_path), item,
                                                      position_context)

        return self._items(items, complete, path, plain.item_type, field_details_list)

    def _items(self, items, complete, list_path, item_type, field_details_list):
        """Each item by ``complete(item, item_path, self)`` (a compiled plan's function, or the shortcut's walk),
        ``item_path`` being ``(list_path, index, None)``, a ``Path`` only once something needs one; an item's error
        is handled as ``complete_list_item_value`` handles it (null for that item, or propagated to the list)."""
        results: list[Any] = []
        awaitable_indices: list[int] = []
        try:
            for index, item in enumerate(items):
                item_path = (list_path, index, None)
                try:
                    completed = complete(item, item_path, self)
                except Exception as raw_error:
                    self.handle_field_error(raw_error, item_type, field_details_list, real_path(item_path))
                    results.append(None)
                    continue
                if is_awaitable(completed):
                    results.append(self._await_item(completed, item_type, field_details_list, real_path(item_path)))
                    awaitable_indices.append(index)
                else:
                    results.append(completed)
        except Exception:
            if awaitable_indices:
                self.settle_in_background([results[index] for index in awaitable_indices])
            raise
        return _settled(results, awaitable_indices)

    async def _await_item(self, completed, item_type, field_details_list, item_path):
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, item_type, field_details_list, item_path)
            return None

    async def _await_completed(self, completed, parent_type, field_details_list, path):
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, self._field_type(parent_type, field_details_list), field_details_list,
                                    path)
            return None

    @staticmethod
    def _field_type(parent_type, field_details_list):
        return parent_type.fields[field_details_list[0].node.name.value].type


def _plain_items(value: Any, is_type_of: Callable[[Any, Any], bool] | None) -> bool:
    """A list or tuple of objects that are all there and of the type (else graphql-core completes the list)."""
    if type(value) is not list and type(value) is not tuple:
        return False
    for item in value:
        if item is None or isinstance(item, Exception) or is_awaitable(item) \
                or (is_type_of is not None and not is_type_of(item, None)):
            return False
    return True


def _has_directives(field_details_list) -> bool:
    """@stream (and @skip/@include written on the list field itself): graphql-core's path reads them."""
    return any(details.node.directives for details in field_details_list)


def _serialize(serialize: Callable[[Any], Any], value: Any) -> Any:
    try:
        serialized = serialize(value)
    except Exception:  # noqa: BLE001  (graphql-core serializes it again and reports the error its own way)
        return _USE_GRAPHQL_CORE
    return _USE_GRAPHQL_CORE if serialized is None or serialized is Undefined else serialized


def _settled(results, pending: list):
    """``results`` (a dict by response name, or a list by index) as it is, or once its ``pending`` entries are
    awaited, in parallel as graphql-core awaits them."""
    return _settle(results, pending) if pending else results


async def _settle(results, pending: list):
    if len(pending) == 1:
        results[pending[0]] = await results[pending[0]]
    else:
        awaited = await gather_with_cancel(*(results[key] for key in pending))
        for key, value in zip(pending, awaited, strict=True):
            results[key] = value
    return results


def _item_type(step: Any) -> Any:
    list_type = step.field_type.of_type if isinstance(step.field_type, GraphQLNonNull) else step.field_type
    return list_type.of_type


def _field_path(step: Any, parent_path: Any) -> Path:
    """The real path of a compiled plan's field (``Step``) under ``parent_path``."""
    return Path(real_path(parent_path), step.key, step.parent_type.name)


def real_path(path: Any) -> Any:
    """A compiled plan's path (tuples of (previous, key, type name) over the graphql-core ``Path`` it started from)
    as a ``Path``, made only when an error or graphql-core needs it."""
    if path is None or type(path) is Path:
        return path
    return Path(real_path(path[0]), path[1], path[2])
