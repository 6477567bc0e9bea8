"""The GraphQL layer's fast paths: everything that restates Strawberry's or graphql-core's execution, or reaches
into their internals, for speed. Nothing outside this package (and ``persistence/fastread/``) uses a library's
private name for speed; with ``FAST_PATHS=false`` none of it runs and the schema executes as stock Strawberry
(``schema.build(fast=False)``: Strawberry's own execution context and resolvers, plain DataLoaders).

- ``executor.py``: an ``execution_context_class`` that reads plain fields without graphql-core's per-field walk.
- ``plans.py``: compiled plans, one Python function per (object type, selection) of a known document.
- ``fields.py``: plain fields' resolvers replaced by a ``getattr`` or the resolver's own function, and registered
  with the executor.
- ``loaders.py``: DataLoaders that keep what a list resolver primed as plain values and hand a loaded value over
  without a future.

``INTERNALS`` lists every library internal these modules touch, with the module that touches it;
``tests/test_pinned_internals.py`` pins the installed source of each and fails naming the module to re-read when an
upgrade changes it (the README's upgrade recipe: switch off, upgrade, green, re-read, switch on)."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLSchema

from schema.common.money import Money
from schema.execution.executor import ExecutionContext
from schema.execution.fields import shortcut_fields
from schema.execution.plans import PlanCache, shared_value

# (library object, the attribute or method used, the module of ours that relies on it)
INTERNALS: tuple[tuple[str, str, str], ...] = (
    ("graphql.execution.executor.Executor", "execute_fields", "executor.py"),
    ("graphql.execution.executor.Executor", "execute_field", "executor.py"),
    ("graphql.execution.executor.Executor", "complete_value", "executor.py"),
    ("graphql.execution.executor.Executor", "complete_object_value", "executor.py"),
    ("graphql.execution.executor.Executor", "complete_iterable_value", "executor.py"),
    ("graphql.execution.executor.Executor", "complete_list_item_value", "executor.py"),
    ("graphql.execution.executor.Executor", "handle_field_error", "executor.py"),
    ("graphql.execution.executor.Executor", "collect_and_execute_subfields", "plans.py"),
    ("graphql.execution.executor.Executor", "build_resolve_info", "plans.py"),
    ("graphql.execution.executor", "gather_with_cancel", "executor.py"),
    ("graphql.execution.executor", "to_nodes", "executor.py"),
    ("graphql.execution.collect_fields", "collect_subfields", "plans.py"),
    ("strawberry.schema.schema.StrawberryGraphQLCoreExecutionContext", "__init__", "executor.py"),
    ("strawberry.types.field.StrawberryField", "base_resolver", "fields.py"),
    ("strawberry.types.field.StrawberryField", "is_basic_field", "fields.py"),
    ("strawberry.types.fields.resolver.StrawberryResolver", "wrapped_func", "fields.py"),
    ("strawberry.schema.schema_converter.GraphQLCoreConverter", "from_resolver", "fields.py"),
    ("strawberry.dataloader.DataLoader", "load", "loaders.py"),
    ("strawberry.dataloader.DataLoader", "cache_map", "loaders.py"),
)


def install(core: GraphQLSchema) -> dict[str, int]:
    """Gives a freshly built schema its fast paths; returns how many fields take each path (the bench prints it)."""
    ExecutionContext.plans = ExecutionContext.plans or PlanCache()
    shared_value(Money)
    return shortcut_fields(core)


def execution_context_class() -> type[Any]:
    return ExecutionContext
