"""SPEC E9: docs/events.md's event reference is written from the served schema (`make docs`); it is never stale."""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema

from schema import schema
from schema.events.reference import BEGIN, END, reference, rewritten

EVENTS_MD = Path(__file__).resolve().parent.parent / "docs" / "events.md"


def test_e9_the_event_reference_is_what_the_schema_says_now():
    document = EVENTS_MD.read_text(encoding="utf-8")
    assert rewritten(document, schema.core) == document, "docs/events.md is stale: run `make docs`"


def test_e9_the_reference_names_every_event_type_and_payload_field():
    text = reference(schema.core)
    served = build_schema(schema.as_str())
    assert all(f"| `{name}` |" in text for name in served.type_map["EventType"].values)
    for member in served.type_map["EventPayload"].types:
        assert f"### {member.name}" in text and all(f"| `{f}` |" in text for f in member.fields)


def test_e9_a_changed_description_makes_the_file_stale():
    document = EVENTS_MD.read_text(encoding="utf-8")
    edited = document.replace("A buyer placed an order.", "A buyer placed an order, said otherwise.")
    assert edited != document and rewritten(edited, schema.core) == document
    assert document.index(BEGIN) < document.index(END)
