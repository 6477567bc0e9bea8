"""GraphQL over HTTP — media types and status codes."""

from __future__ import annotations

GRAPHQL_RESPONSE = "application/graphql-response+json"


def auth(world, accept: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {world.platform}"}
    if accept:
        headers["Accept"] = accept
    return headers


async def test_answers_with_graphql_response_json_when_asked(api, world):
    reply = await api.client.post(
        "/graphql", json={"query": "{ viewer { userId } }"}, headers=auth(world, GRAPHQL_RESPONSE)
    )
    assert reply.status_code == 200 and reply.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert reply.json()["data"]["viewer"]["userId"] == "ops-1"
    legacy = await api.client.post("/graphql", json={"query": "{ viewer { userId } }"}, headers=auth(world))
    assert legacy.headers["content-type"].startswith("application/json")


async def test_validation_failure_is_400_without_data(api, world):
    """The draft: "Requests that fail to pass GraphQL validation SHOULD be denied execution with a status code of
    400" (the audit's variable-coercion check sends a document with an unused variable: a validation failure)."""
    reply = await api.client.post(
        "/graphql", json={"query": "{ viewer { nope } }"}, headers=auth(world, GRAPHQL_RESPONSE)
    )
    assert reply.status_code == 400 and "data" not in reply.json()
    unused = await api.client.post("/graphql", json={"query": "query CoerceFailure($id: ID!) { __typename }",
                                                     "variables": {"id": None}}, headers=auth(world, GRAPHQL_RESPONSE))
    assert unused.status_code == 400 and "data" not in unused.json()
    assert reply.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    legacy = await api.client.post("/graphql", json={"query": "{ viewer { nope } }"}, headers=auth(world))
    assert legacy.status_code == 200 and "data" not in legacy.json()


async def test_parse_failure_is_400_and_no_token_401(api, world):
    broken = await api.client.post("/graphql", json={"query": "{ viewer {"}, headers=auth(world, GRAPHQL_RESPONSE))
    assert broken.status_code == 400 and broken.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    anonymous = await api.client.post("/graphql", json={"query": "{ viewer { userId } }"},
                                      headers={"Accept": GRAPHQL_RESPONSE})
    assert anonymous.status_code == 401 and "data" not in anonymous.json()


async def test_a_mutation_over_get_is_405(api, world):
    reply = await api.client.get(
        "/graphql", params={"query": "mutation { clearStars { cleared } }"}, headers=auth(world)
    )
    assert reply.status_code == 405 and reply.headers["allow"] == "POST"
    query = await api.client.get("/graphql", params={"query": "{ viewer { userId } }"}, headers=auth(world))
    assert query.status_code == 200 and query.json()["data"]["viewer"]["userId"] == "ops-1"


async def test_unsupported_content_types_are_415(api, world):
    for content_type in ("text/plain", "application/xml", "application/x-www-form-urlencoded"):
        reply = await api.client.post("/graphql", content=b"{ viewer { userId } }",
                                      headers={**auth(world), "Content-Type": content_type})
        assert reply.status_code == 415, content_type
        assert reply.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


async def test_field_errors_keep_their_data(api, world):
    reply = await api.client.post(
        "/graphql",
        json={"query": 'mutation { registerShop(input: {name: "x"}) { shop { id } } }'},
        headers={"Authorization": f"Bearer {world.buyer}", "Accept": GRAPHQL_RESPONSE},
    )
    body = reply.json()
    assert "data" in body and body["errors"][0]["extensions"]["code"] == "FORBIDDEN" and reply.status_code == 200
