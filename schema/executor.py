"""A shorter walk over plain leaf fields (issue 8), as an ``execution_context_class`` for Strawberry.

graphql-core completes every field the same way: a ``Path``, a ``GraphQLResolveInfo`` of fourteen entries, the
resolver, two awaitable checks, and ``complete_value`` unwrapping NonNull before it serializes. A list of 50 claims
holds about 3,000 leaves (ids, amounts, dates, enums) that are plain attributes of our Strawberry objects, and that
walk is most of what a list response costs. Here such a leaf is read and serialized directly:

- only fields ``fast_fields`` made plain readers (no arguments, no permission, no field extension) and whose type is
  a scalar or an enum (wrapped in NonNull or not) are taken, and only while no resolver middleware is installed;
- a value that is ``None`` for a NonNull field, an exception, or anything the serializer refuses goes down
  graphql-core's own path instead, which reads the attribute again and reports the error exactly as it always does;
- everything else (objects, lists, resolvers with arguments, ``__typename``, introspection) is graphql-core's.

``tests/test_executor.py`` runs every operation in ``operations/`` and generated queries through this and through
Strawberry's stock execution context and compares the responses, and pins the graphql-core code this copies."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from enum import Enum
from types import CoroutineType
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)
from graphql.execution.executor import gather_with_cancel
from graphql.pyutils import Path, Undefined
from graphql.pyutils import is_awaitable as graphql_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

Leaf = tuple[Callable[[Any], Any], Callable[[Any], Any], bool]  # read(source), serialize(value), non-null
Plain = tuple[Callable[[Any], Any], GraphQLObjectType, bool, Callable | None]  # read, type, non-null, is_type_of
_LEAVES: dict[GraphQLObjectType, dict[str, Leaf]] = {}
_OBJECTS: dict[GraphQLObjectType, dict[str, Plain]] = {}

_AWAITABLE: dict[type, bool] = {CoroutineType: True, asyncio.Future: True, asyncio.Task: True}


def is_awaitable(value: Any) -> bool:
    """graphql-core's answer, remembered per type: called three times per field, it was 4 % of a list response.
    Generators are asked every time (whether one is awaitable depends on the generator, not its type)."""
    kind = type(value)
    known = _AWAITABLE.get(kind)
    if known is None:
        known = graphql_is_awaitable(value)
        if kind.__name__ != "generator":
            _AWAITABLE[kind] = known
    return known


def register_plain(parent: GraphQLObjectType, field_name: str, read: Callable[[Any], Any], type_: Any) -> str | None:
    """Called by ``fast_fields`` for each field it reads without Strawberry: ``read(source)`` must be a plain,
    synchronous read with no side effect (it may run twice when a value goes down the general path).
    Returns "leaf" or "object" when the field takes a shortcut, None when it stays with graphql-core."""
    non_null = isinstance(type_, GraphQLNonNull)
    named = type_.of_type if non_null else type_
    if isinstance(named, GraphQLEnumType):
        _LEAVES.setdefault(parent, {})[field_name] = (read, _enum_serializer(named), non_null)
        return "leaf"
    if isinstance(named, GraphQLScalarType):
        _LEAVES.setdefault(parent, {})[field_name] = (read, named.coerce_output_value, non_null)
        return "leaf"
    if isinstance(named, GraphQLObjectType):
        is_type_of = named.is_type_of
        if is_type_of is not None and "_get_is_type_of" not in getattr(is_type_of, "__qualname__", ""):
            return None  # a hand-written is_type_of may read info, which the shortcut does not build
        _OBJECTS.setdefault(parent, {})[field_name] = (read, named, non_null, is_type_of)
        return "object"
    return None


def _enum_serializer(enum_type: GraphQLEnumType) -> Callable[[Any], str]:
    """A dict lookup from the Python enum member to its GraphQL name; Strawberry's own serializer scans every
    value of the enum for each field. A value not in the dict goes down the general path."""
    wrapped = getattr(enum_type, "wrapped_cls", None)
    names: dict[Any, str] = {}
    if isinstance(wrapped, type) and issubclass(wrapped, Enum):
        for name, value in enum_type.values.items():
            for member in wrapped:
                if member.value == value.value:
                    names.setdefault(member, name)
    return names.__getitem__


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_awaitable = is_awaitable
        manager = self.middleware_manager  # Strawberry always passes one, empty unless an extension resolves
        self.leaf_shortcut = manager is None or not manager.middlewares

    def execute_fields(self, parent_type, source_value, path, grouped_field_set, position_context):
        """graphql-core's ``Executor.execute_fields`` with the shortcuts in front of ``execute_field``."""
        leaves = _LEAVES.get(parent_type)
        objects = _OBJECTS.get(parent_type)
        if (leaves is None and objects is None) or not self.leaf_shortcut:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        leaves, objects = leaves or {}, objects or {}
        results: dict[str, Any] = {}
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list in grouped_field_set.items():
                name = field_details_list[0].node.name.value
                leaf = leaves.get(name)
                if leaf is not None:
                    read, serialize, non_null = leaf
                    try:
                        value = read(source_value)
                        if value is None:
                            if not non_null:
                                results[response_name] = None
                                continue
                        elif value is not Undefined and not isinstance(value, Exception):
                            serialized = serialize(value)
                            if serialized is not None and serialized is not Undefined:
                                results[response_name] = serialized
                                continue
                    except Exception:  # noqa: BLE001, S110  (the general path below reports it)
                        pass
                elif (plain := objects.get(name)) is not None:
                    read, object_type, non_null, is_type_of = plain
                    value = _read_object(read, source_value, is_type_of)
                    if value is None and not non_null:
                        results[response_name] = None
                        continue
                    if value is not None and value is not _REFUSED:
                        result = self._complete_object(object_type, non_null, field_details_list,
                                                       Path(path, response_name, parent_type.name), value,
                                                       position_context)
                        results[response_name] = result
                        if is_awaitable(result):
                            awaitable_fields.append(response_name)
                        continue
                result = self.execute_field(parent_type, source_value, field_details_list,
                                            Path(path, response_name, parent_type.name), position_context)
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return _gather(results, awaitable_fields)

    def _complete_object(self, object_type, non_null, field_details_list, path, value, position_context):
        """What ``execute_field`` and ``complete_object_value`` do for a plain object value, without the resolve
        info: its sub-fields, and an error below it located and propagated (or nulled) the same way."""
        try:
            completed = self.collect_and_execute_subfields(object_type, field_details_list, path, value,
                                                           position_context)
        except Exception as raw_error:
            self.handle_field_error(raw_error, _output_type(object_type, non_null), field_details_list, path)
            return None
        if is_awaitable(completed):
            return self._await_object(completed, object_type, non_null, field_details_list, path)
        return completed

    async def _await_object(self, completed, object_type, non_null, field_details_list, path):
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, _output_type(object_type, non_null), field_details_list, path)
            return None


_REFUSED = object()


def _read_object(read: Callable[[Any], Any], source: Any, is_type_of: Callable | None) -> Any:
    """The value, None, or _REFUSED when graphql-core's own path must take the field (it reports why)."""
    try:
        value = read(source)
        if value is None:
            return None
        if value is Undefined or isinstance(value, Exception) or (is_type_of and not is_type_of(value, None)):
            return _REFUSED
        return value
    except Exception:  # noqa: BLE001
        return _REFUSED


def _output_type(object_type: GraphQLObjectType, non_null: bool) -> Any:
    return GraphQLNonNull(object_type) if non_null else object_type


async def _gather(results: dict[str, Any], awaitable_fields: list[str]) -> dict[str, Any]:
    if len(awaitable_fields) == 1:
        field = awaitable_fields[0]
        results[field] = await results[field]
    else:
        awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
        results.update(zip(awaitable_fields, awaited, strict=True))
    return results
