"""D3: the change policy. ``schema.released.graphql`` is the last released schema; from it to ``schema.graphql``
nothing breaks unless it was deprecated in the release (graphql-core's ``find_breaking_changes``), and every addition
or new deprecation is named in CHANGELOG.md's *Unreleased* section, so integrators read every change there."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
)
from graphql.utilities import BreakingChangeType, find_breaking_changes

ROOT = Path(__file__).resolve().parent.parent
REMOVALS = {BreakingChangeType.FIELD_REMOVED, BreakingChangeType.VALUE_REMOVED_FROM_ENUM}


def released() -> GraphQLSchema:
    return build_schema((ROOT / "schema.released.graphql").read_text(encoding="utf-8"))


def current() -> GraphQLSchema:
    return build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))


def deprecated_in(schema: GraphQLSchema) -> set[str]:
    """``Type.field`` and ``Enum.VALUE`` of everything the schema marks ``@deprecated``."""
    marked = set()
    for name, kind in schema.type_map.items():
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            marked |= {f"{name}.{f}" for f, field in kind.fields.items() if field.deprecation_reason}
        elif isinstance(kind, GraphQLEnumType):
            marked |= {f"{name}.{v}" for v, value in kind.values.items() if value.deprecation_reason}
    return marked


def elements(schema: GraphQLSchema) -> set[str]:
    """Every type, ``Type.field``, ``Input.field`` and ``Enum.VALUE`` of our own (introspection's left out)."""
    found = set()
    for name, kind in schema.type_map.items():
        if name.startswith("__"):
            continue
        found.add(name)
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            found |= {f"{name}.{f}" for f in kind.fields}
        elif isinstance(kind, GraphQLEnumType):
            found |= {f"{name}.{v}" for v in kind.values}
    return found


def breaking(before: GraphQLSchema, after: GraphQLSchema) -> list[str]:
    """Breaking changes, less the removals of what ``before`` had deprecated."""
    allowed = deprecated_in(before)
    found = []
    for change in find_breaking_changes(before, after):
        removed = re.search(r"(\w+\.\w+) was removed", change.description)  # 'Field T.f', 'Enum value E.V'
        if change.type in REMOVALS and removed and removed.group(1) in allowed:
            continue
        found.append(change.description)
    return found


def unreleased_section() -> str:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    match = re.search(r"^## \[Unreleased\]\n(.*?)(?=^## \[)", text, re.S | re.M)
    assert match, "CHANGELOG.md has no '## [Unreleased]' section above the last release"
    return match.group(1)


def test_nothing_breaks_from_the_released_schema_unless_it_was_deprecated_there():
    assert breaking(released(), current()) == []


def test_every_addition_and_new_deprecation_is_in_the_changelog():
    """Named as `Type`, `Type.field` or `Enum.VALUE` (a new type's own fields need not be listed one by one)."""
    before, after = released(), current()
    new = elements(after) - elements(before)
    new_types = {n for n in new if "." not in n}
    to_name = {n for n in new if "." not in n or n.split(".")[0] not in new_types}
    to_name |= deprecated_in(after) - deprecated_in(before)
    section = unreleased_section()
    missing = sorted(n for n in to_name if f"`{n}`" not in section)
    assert not missing, f"name these in CHANGELOG.md under [Unreleased]: {', '.join(missing)}"


def test_the_policy_catches_a_removal_and_lets_a_deprecated_one_go():
    """The check itself: a field removed without a deprecation breaks; one deprecated in the release may go."""
    before = build_schema(
        "type Query { a: Int  b: Int @deprecated(reason: \"use a\") }  enum E { X Y  Z @deprecated(reason: \"X\") }")
    assert breaking(before, build_schema("type Query { a: Int }  enum E { X Y }")) == []
    assert breaking(before, build_schema("type Query { b: Int }  enum E { X Y }")) == ["Field Query.a was removed."]
    assert breaking(before, build_schema("type Query { a: Int b: Int }  enum E { X Z }")) == [
        "Enum value E.Y was removed."]
    assert breaking(before, build_schema("type Query { a: String b: Int }  enum E { X Y }")) == [
        "Field Query.a changed type from Int to String."]
