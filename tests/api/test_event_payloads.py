"""SPEC E9: ``Event.payload`` carries every fact of ``data``, typed, in one union member per family of event types;
what it refers to is the object as the viewer may read it (G6: null where it may not)."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from graphql import GraphQLEnumType, GraphQLObjectType, GraphQLScalarType, GraphQLUnionType, build_schema

from domain.events.model import EventType
from schema import sdl
from schema.events.payloads import FAMILIES
from tests.api.coupons_world import place
from tests.api.test_events import test_each_change_appends_its_events_and_a_refusal_none

# a fact whose payload field is named otherwise, by event type
RENAMED = {("CLAIM_REJECTED", "reason"): "rejectReason", ("ORDER_CANCELLED", "reason"): "cancelReason",
           ("ORDER_REMARK_CHANGED", "cleared"): "remarkCleared"}


def payload_selection() -> str:
    """Every field of every member of EventPayload: scalars and enums as they are, Money by its amount, objects by
    their id. A field whose name another member gives another type (``status`` is a ClaimStatus in one, an
    OrderStatus in another) is aliased ``Member_field``, as GraphQL asks."""
    served = build_schema(sdl())
    union = served.type_map["EventPayload"]
    assert isinstance(union, GraphQLUnionType)
    parts, types = ["__typename"], {}
    for member in union.types:
        for name, field in member.fields.items():
            types.setdefault(name, set()).add(str(field.type))
    for member in union.types:
        fields = []
        for name, field in member.fields.items():
            kind = field.type.of_type if hasattr(field.type, "of_type") else field.type
            alias = f"{member.name}_{name}: {name}" if len(types[name]) > 1 else name
            if isinstance(kind, GraphQLScalarType | GraphQLEnumType):
                fields.append(alias)
            elif kind.name == "Money":
                fields.append(f"{alias} {{ amount }}")
            elif isinstance(kind, GraphQLObjectType | GraphQLUnionType):
                fields.append(f"{alias} {{ ... on Node {{ id }} }}")
            else:
                raise AssertionError(f"{member.name}.{name}: an unexpected kind {kind}")
        parts.append(f"... on {member.name} {{ {' '.join(fields)} }}")
    return " ".join(parts)


def events_query() -> str:
    return ("query($after: String) { events(first: 100, after: $after) { edges { node { id type data payload { "
            + payload_selection() + " } } } pageInfo { endCursor } } }")


async def every_event(api, token) -> list[dict]:
    found, after, query = [], None, events_query()
    while True:
        reply = await api.gql(query, {"after": after}, token=token)
        assert not reply.errors, reply.errors
        page = reply.data["events"]
        if not page["edges"]:
            return found
        for edge in page["edges"]:
            node = edge["node"]
            member = node["payload"]["__typename"]
            node["payload"] = {key.removeprefix(f"{member}_"): value for key, value in node["payload"].items()}
            found.append(node)
        after = page["pageInfo"]["endCursor"]


def same(fact, shown) -> bool:
    if isinstance(shown, dict) and "amount" in shown:
        return Decimal(shown["amount"]) == Decimal(fact)
    if isinstance(shown, dict):
        return shown.get("id") == fact
    if isinstance(fact, str) and isinstance(shown, str) and fact[:4].isdigit() and "T" in fact:
        return datetime.fromisoformat(fact) == datetime.fromisoformat(shown)
    return bool(fact == shown)


def missing_facts(event: dict) -> list[str]:
    """The facts of ``data`` that ``payload`` does not carry, or carries otherwise."""
    data, payload, wrong = json.loads(event["data"]), event["payload"], []
    for key, fact in data.items():
        if fact is None:
            continue
        name = RENAMED.get((event["type"], key), key)
        if name not in payload and name.endswith("Id") and name[:-2] in payload:
            name = name[:-2]
        if name not in payload or not same(fact, payload[name]):
            wrong.append(f"{event['type']}.{key}={fact!r} → {name}={payload.get(name)!r}")
    return wrong


def test_e9_every_event_type_has_a_family():
    served = build_schema(sdl())
    members = {member.name for member in served.type_map["EventPayload"].types}
    assert {family.__name__ for family in FAMILIES.values()} | {"LegacyEventPayload"} == members
    assert set(FAMILIES) == set(EventType)
    assert "data" in served.type_map["Event"].fields and served.type_map["Event"].fields["data"].deprecation_reason


async def test_e9_the_payload_carries_every_fact_of_data(api, world, claims, coupons, appeals):
    """The scenario of test_events passes through every mutation; every event it appends, read by the platform,
    has each fact of ``data`` in ``payload``: the same value, typed (Money, enums, DateTime, the object)."""
    await test_each_change_appends_its_events_and_a_refusal_none(api, world, claims, coupons, appeals)
    events = await every_event(api, world.platform)
    assert {e["type"] for e in events} >= {t.value for t in EventType} - {
        "PING", "WEBHOOK_ENDPOINT_DISABLED", "CLAIM_MERCHANT_RESPONSE_OVERDUE", "APPEAL_OVERDUE",
        "COUPON_INVALIDATED"}
    for event in events:
        assert event["payload"]["__typename"] == FAMILIES[EventType(event["type"])].__name__, event
        assert missing_facts(event) == [], event


async def test_e9_a_payload_shows_only_what_its_viewer_may_read(api, world, coupons):
    """G6 inside payloads: the streamer sees that a coupon of its template was locked for an order, but not the
    buyer's coupon or order; the buyer sees both."""
    shop = await world.shop()
    template = await coupons.created(coupons.streamer, issuerKind="STREAMER", faceValue="1.00")
    coupon = (await coupons.claim(template["id"]))["coupon"]["id"]
    order = (await place(api, world, shop, {"cherries": "1"}, [coupon], liveRoomStreamerId="star-1"))["order"]

    async def locked(token):
        events = [e for e in await every_event(api, token) if e["type"] == "COUPON_LOCKED"]
        assert len(events) == 1
        return events[0]["payload"]

    seen_by_buyer, seen_by_streamer = await locked(world.buyer), await locked(coupons.streamer)
    assert seen_by_buyer["order"] == {"id": order["id"]} and seen_by_buyer["coupon"] == {"id": coupon}
    assert seen_by_streamer["order"] is None and seen_by_streamer["coupon"] is None
    assert seen_by_streamer["status"] == "LOCKED" and seen_by_streamer["template"] == {"id": template["id"]}

