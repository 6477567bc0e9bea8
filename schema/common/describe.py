"""D1: every type, field, argument, input field and enum value of the served schema is described. Most descriptions
sit on the code that defines the element (``strawberry.field(description=…)``); what the code cannot carry sits in
each area's ``docs.toml``: the values of enums defined in ``domain/`` (which knows nothing of GraphQL), and elements
whose code has no room for prose. The shapes every list and mutation shares (connections, edges, ``userErrors``,
``first``/``after``) are described once, below. ``apply`` writes both onto graphql-core's schema, which
introspection and the printed SDL read; what it could not place is returned (tests/test_descriptions.py)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
)

Described = GraphQLNamedType | GraphQLField | GraphQLArgument | GraphQLInputField | GraphQLEnumValue
FOLDER = Path(__file__).resolve().parent.parent  # schema/: one docs.toml per area
BUILT_IN = frozenset({"String", "Int", "Float", "Boolean", "ID"})

SHARED_FIELDS = {  # by field name, on any type that has the field and no description of its own
    "userErrors": "Why it was refused, empty when it succeeded: each with a code, the input field it concerns and a "
                  "message in the caller's language (F6). A refusal changes nothing.",
    "pageInfo": "Whether more items follow, and the cursor to ask for them with `after`.",
    "totalCount": "How many items match, over every page.",
}
EDGE_FIELDS = {
    "node": "The item.",
    "cursor": "Pass it as `after` to read the items that follow this one.",
}
CONNECTION_FIELDS = {"edges": "This page's items, oldest or first in the list's order, each with its cursor."}
SHARED_ARGS = {
    "first": "How many items to return: 20 when omitted, at most 100.",
    "after": "A cursor from an earlier page (an edge's `cursor` or `pageInfo.endCursor`): the items after it.",
    "last": "H3: how many items to return from the end (of the list, or before `before`): at most 100; not with "
            "`first`.",
    "before": "H3: a cursor from an earlier page (an edge's `cursor` or `pageInfo.startCursor`): the items before "
              "it.",
    "input": "What the mutation needs; its fields are described on the input type.",
    "filter": "Narrows the list. It never widens what the caller may see.",
}


def catalogue() -> dict[str, dict[str, str]]:
    """Every area's ``docs.toml``, by type name: ``_`` for the type, a field, ``field(arg)`` or an enum value. A
    type may be described in several areas (``Query``, ``Mutation``: each area its own fields), an element once."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(FOLDER.glob("*/docs.toml")):
        for type_name, entries in tomllib.loads(path.read_text(encoding="utf-8")).items():
            known = merged.setdefault(type_name, {})
            if twice := known.keys() & entries.keys():
                raise ValueError(f"{path}: {type_name}.{sorted(twice)[0]} is described in two docs.toml")
            known.update(entries)
    return merged


def apply(core: GraphQLSchema, entries: dict[str, dict[str, str]]) -> list[str]:
    """Describes what lacks a description, from ``entries`` and the shared shapes; the entries it could not place
    (no such element, or one the code already describes: one source per description)."""
    problems: list[str] = []
    for type_name, described in entries.items():
        named = core.type_map.get(type_name)
        if named is None:
            problems.append(f"{type_name}: no such type")
            continue
        for key, text in described.items():
            problems += _place(named, key, text.strip())
    for named in core.type_map.values():
        if not named.name.startswith("__") and named.name not in BUILT_IN:
            _shared(named)
    return problems


def _place(named: GraphQLNamedType, key: str, text: str) -> list[str]:
    where = f"{named.name}.{key}"
    element: Described | None
    if key == "_":
        element = named
    elif isinstance(named, GraphQLEnumType):
        element = named.values.get(key)
    elif isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
        field_name, _, arg = key.partition("(")
        field = named.fields.get(field_name)
        element = field
        if arg:
            element = field.args.get(arg.rstrip(")")) if isinstance(field, GraphQLField) else None
    else:
        element = None
    if element is None:
        return [f"{where}: no such element"]
    if (element.description or "").strip():
        return [f"{where}: described in the code already"]
    element.description = text
    return []


def _shared(named: GraphQLNamedType) -> None:
    name = named.name
    if not named.description:
        if name.endswith("Connection"):
            named.description = f"A page of {name.removesuffix('Connection')} items (a Relay cursor connection)."
        elif name.endswith("Edge"):
            named.description = f"One {name.removesuffix('Edge')} of a page, with its cursor."
    if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        return
    own = EDGE_FIELDS if name.endswith("Edge") else CONNECTION_FIELDS if name.endswith("Connection") else {}
    for field_name, field in named.fields.items():
        text = own.get(field_name) or SHARED_FIELDS.get(field_name)
        if text and not field.description:
            field.description = text
        for arg_name, arg in field.args.items():
            if not arg.description and arg_name in SHARED_ARGS:
                arg.description = SHARED_ARGS[arg_name]
