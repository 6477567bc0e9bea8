"""Fewer layers per field ("no resolver or permission wrapper on plain leaf fields").

- A plain field (no resolver) gets, from Strawberry, a chain (``_get_basic_result`` → ``StrawberryField.get_result``
  → the config's default resolver → ``getattr``); it becomes one closure doing the ``getattr``.
- A resolver that takes only ``self`` and ``info`` and has no permission classes or field extensions is called
  by graphql-core directly, without Strawberry's per-call ``Info`` object, argument conversion and extension chain.
  Our resolvers read nothing from ``info`` but ``info.context``, which graphql-core's info carries too.
- Both kinds, when synchronous and of a scalar, enum or object type, are also registered with
  ``schema.execution.executor``, which reads them without graphql-core's per-field walk (a ``(self, info)``
  resolver only when its bytecode shows it uses ``info`` for nothing but ``info.context``).
Anything else (arguments, permissions, extensions) keeps Strawberry's resolver untouched."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from operator import attrgetter

from graphql import GraphQLObjectType, GraphQLSchema

from schema.execution.executor import reads_only_context, register

DEFINITION = "strawberry-definition"


def _reader(name: str):
    def read(source, _info):
        return getattr(source, name)

    return read


def _ignoring_info(function: Callable):
    return lambda source, _info: function(source)


def _plain_method(field) -> tuple[Callable, bool] | None:
    """The resolver's own function, and whether it takes ``info``, when it is ``def name(self, info)`` (or
    ``self`` alone) and nothing wraps it."""
    resolver = field.base_resolver
    if resolver is None or field.extensions or field.permission_classes or field.arguments:
        return None
    function = resolver.wrapped_func
    names = list(inspect.signature(function).parameters)
    if names == ["self", "info"]:
        return function, True
    if names == ["self"]:
        return function, False
    return None


def shortcut_fields(graphql_schema: GraphQLSchema) -> dict[str, int]:
    counts = {"plain": 0, "leaf": 0, "object": 0, "list": 0, "direct": 0, "strawberry": 0}
    for type_ in graphql_schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__") \
                or type_ is graphql_schema.subscription_type:  # its fields' resolve passes each yielded value on
            continue
        for name, gql_field in type_.fields.items():
            field = (gql_field.extensions or {}).get(DEFINITION)
            if field is None:
                continue
            if getattr(gql_field.resolve, "_is_default", False) and field.is_basic_field:
                gql_field.resolve = _reader(field.python_name)
                counts["plain"] += 1
                if shortcut := register(type_, name, attrgetter(field.python_name), attribute=field.python_name):
                    counts[shortcut] += 1
            elif (method := _plain_method(field)) is not None:
                function, takes_info = method
                # graphql-core calls it as (source, info): self is the source
                gql_field.resolve = function if takes_info else _ignoring_info(function)
                counts["direct"] += 1
                if inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function):
                    continue
                if not takes_info:
                    shortcut = register(type_, name, function)
                elif reads_only_context(function):
                    shortcut = register(type_, name, function, with_context=True)
                else:
                    continue
                if shortcut:
                    counts[shortcut] += 1
            else:
                counts["strawberry"] += 1
    return counts
