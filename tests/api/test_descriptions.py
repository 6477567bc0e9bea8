"""SPEC D1: every type, field, argument, input field and enum value the server introspects has a description that
says more than the element's name; each area's docs.toml places every entry it holds (schema/common/describe.py)."""

from __future__ import annotations

import re

from graphql import get_introspection_query

from schema import schema, stock_schema
from schema.common import describe


def words(text: str) -> str:
    """``payloadQuery``, ``PAYLOAD_QUERY`` and "Payload query." all read ``payloadquery``."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def undescribed(introspected: dict) -> list[str]:
    found: list[str] = []

    def check(where: str, name: str, description: str | None) -> None:
        if not (description or "").strip():
            found.append(f"{where}: no description")
        elif words(description or "") == words(name):
            found.append(f"{where}: its description is only its name")

    for kind in introspected["__schema"]["types"]:
        name = kind["name"]
        if name.startswith("__") or name in describe.BUILT_IN:
            continue
        check(name, name, kind["description"])
        for field in kind.get("fields") or []:
            check(f"{name}.{field['name']}", field["name"], field["description"])
            for arg in field["args"]:
                check(f"{name}.{field['name']}({arg['name']})", arg["name"], arg["description"])
        for field in kind.get("inputFields") or []:
            check(f"{name}.{field['name']}", field["name"], field["description"])
        for value in kind.get("enumValues") or []:
            check(f"{name}.{value['name']}", value["name"], value["description"])
    return found


async def test_d1_every_element_is_described_in_introspection(api, world):
    query = get_introspection_query(descriptions=True, input_value_deprecation=True)
    reply = await api.gql(query, token=world.platform)
    assert not reply.errors, reply.errors
    assert undescribed(reply.data) == []


def test_d1_every_docs_toml_entry_found_its_element_in_both_builds():
    assert schema.misplaced_descriptions == [] and stock_schema().misplaced_descriptions == []
    assert schema.as_str() == stock_schema().as_str()


def test_d1_the_check_finds_a_missing_and_a_name_only_description():
    fake = {"__schema": {"types": [
        {"name": "Thing", "description": "A thing.", "fields": [
            {"name": "payloadQuery", "description": "Payload query.", "args": []},
            {"name": "other", "description": None, "args": [{"name": "first", "description": "How many."}]}],
         "inputFields": None, "enumValues": None},
        {"name": "Kind", "description": "Kinds.", "fields": None, "inputFields": None,
         "enumValues": [{"name": "RED_ONE", "description": "red one"}]}]}}
    assert undescribed(fake) == ["Thing.payloadQuery: its description is only its name", "Thing.other: no description",
                                 "Kind.RED_ONE: its description is only its name"]


def test_d1_an_entry_that_places_nothing_is_reported():
    from graphql import build_schema

    core = build_schema('"Q." type Query { "A." a: Int }')
    assert describe.apply(core, {"Query": {"a": "again", "b": "nothing"}, "Nope": {"_": "x"}}) == [
        "Query.a: described in the code already", "Query.b: no such element", "Nope: no such type"]
