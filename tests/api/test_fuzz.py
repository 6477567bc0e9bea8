"""Fuzzing with hypothesis-graphql — valid documents generated from the served schema for every root
field, and broken ones — against the app in-process, derandomised and bounded. Zero 5xx, zero unexpected errors,
and every client fault carries ``extensions.code``."""

from __future__ import annotations

import os

import hypothesis_graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from domain.shared.actor import Role
from schema import sdl

pytestmark = pytest.mark.slow  # generated queries: `pytest -m "not slow"` leaves them out

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
SCHEMA = sdl()
SCALARS = {  # valid and invalid values alike: the scalars must refuse the bad ones cleanly
    "Decimal": st.one_of(st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
                         st.text(max_size=12)).map(nodes.String),
    "DateTime": st.one_of(st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
                          st.datetimes().map(lambda d: d.isoformat()), st.text(max_size=20)).map(nodes.String),
    "Date": st.one_of(st.dates().map(str), st.text(max_size=12)).map(nodes.String),
}
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))


def check(reply) -> None:
    assert reply.status < 500, reply.body
    for error in reply.errors:
        code = (error.get("extensions") or {}).get("code")
        assert code, error
        assert code not in ("INTERNAL_SERVER_ERROR",), error


def fuzz_token(api, role: Role) -> str:
    return api.token(role, "fuzz", shop="U2hvcDox" if role in (Role.MERCHANT, Role.AGENT) else None)


@FUZZ
@given(data=st.data())
async def test_generated_queries(api, world, data):
    query = data.draw(hypothesis_graphql.queries(SCHEMA, custom_scalars=SCALARS))
    role = data.draw(st.sampled_from(list(Role)))
    reply = await api.gql(query, token=fuzz_token(api, role))
    check(reply)


@FUZZ
@given(data=st.data())
async def test_generated_mutations(api, world, data):
    mutation = data.draw(hypothesis_graphql.mutations(SCHEMA, custom_scalars=SCALARS))
    role = data.draw(st.sampled_from(list(Role)))
    reply = await api.gql(mutation, token=fuzz_token(api, role))
    check(reply)


@FUZZ
@given(
    document=st.text(max_size=300),
    variables=st.dictionaries(
        st.text(max_size=10),
        st.one_of(st.none(), st.integers(), st.text(max_size=20), st.floats(allow_nan=False, allow_infinity=False)),
    ),
)
async def test_broken_documents(api, world, document, variables):
    reply = await api.gql(document, variables, token=world.platform)
    check(reply)
