"""Trusted documents. Every operation in operations/ validates against the served schema; the committed
manifest is current; a document runs by its SHA-256 id (``documentId`` and Apollo's ``persistedQuery``); an unknown
id is PERSISTED_QUERY_NOT_FOUND; TRUSTED_DOCUMENTS_ONLY refuses anything else."""

from __future__ import annotations

from dataclasses import replace

import httpx
import orjson
import pytest
from graphql import parse, validate

from schema import schema
from settings import ROOT
from web.trusted_documents import build_manifest, load_manifest, sha256

OPERATIONS = ROOT / "operations"
MANIFEST = OPERATIONS / "manifest.json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
ABSENT = "0" * 64


def manifest() -> dict[str, dict]:
    return {entry["name"]: entry for entry in orjson.loads(MANIFEST.read_bytes())["operations"]}


def test_every_operation_validates_against_the_served_schema():
    sources = sorted(OPERATIONS.glob("*.graphql"))
    assert len(sources) >= 5
    document = parse("\n".join(path.read_text() for path in sources))  # names must be unique across files
    assert validate(schema._schema, document) == []


def test_the_committed_manifest_is_current_and_every_id_is_its_bodys_sha256():
    assert orjson.loads(MANIFEST.read_bytes()) == build_manifest(OPERATIONS), "run `make operations`"
    documents = load_manifest(MANIFEST)
    assert len(documents) == len(manifest()) >= 30
    for entry in manifest().values():
        assert validate(schema._schema, parse(entry["body"])) == [], entry["name"]


def test_a_tampered_manifest_is_refused(tmp_path):
    data = orjson.loads(MANIFEST.read_bytes())
    data["operations"][0]["body"] += " "
    (tmp_path / "m.json").write_bytes(orjson.dumps(data))
    with pytest.raises(ValueError, match="not the SHA-256"):
        load_manifest(tmp_path / "m.json")


async def post(api, body: dict, token: str | None, accept: str | None = None) -> httpx.Response:
    headers = ({"Authorization": f"Bearer {token}"} if token else {}) | ({"Accept": accept} if accept else {})
    return await api.client.post("/graphql", json=body, headers=headers)


async def test_a_document_runs_by_document_id_and_by_apollo_hash_like_its_text(api, world):
    shop = await world.shop()
    entry = manifest()["Shortcuts"]
    by_text = await post(api, {"query": entry["body"]}, shop.agent)
    by_id = await post(api, {"documentId": f"sha256:{entry['id']}"}, shop.agent)
    bare = await post(api, {"documentId": entry["id"]}, shop.agent)
    apollo = await post(api, {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": entry["id"]}}},
                        shop.agent)
    over_get = await api.client.get("/graphql", headers={"Authorization": f"Bearer {shop.agent}"}, params={
        "extensions": orjson.dumps({"persistedQuery": {"version": 1, "sha256Hash": entry["id"]}}).decode()})
    assert by_text.json()["data"]["shortcuts"]  # the defaults are there
    for reply in (by_id, bare, apollo, over_get):
        assert reply.status_code == 200 and reply.json() == by_text.json()


async def test_variables_and_mutations_by_id(api, world):
    shop = await world.shop()
    entry = manifest()["SetShortcut"]
    reply = await post(api, {"documentId": f"sha256:{entry['id']}", "variables": {"action": "star", "keys": "Ctrl+S"}},
                       shop.agent)
    assert reply.json()["data"]["setShortcut"] == {"shortcut": {"action": "star", "keys": "Ctrl+S"}, "userErrors": []}
    over_get = await api.client.get("/graphql", headers={"Authorization": f"Bearer {shop.agent}"},
                                    params={"documentId": entry["id"], "variables": '{"action":"A","keys":"x"}'})
    assert over_get.status_code == 405  # still a mutation over GET, however it was named


async def test_an_unknown_id_is_persisted_query_not_found_and_nothing_runs(api, world):
    legacy = await post(api, {"documentId": f"sha256:{ABSENT}"}, world.buyer)
    strict = await post(api, {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": ABSENT}}}, world.buyer,
                        GRAPHQL_RESPONSE)
    for reply, status in ((legacy, 200), (strict, 400)):
        body = reply.json()
        assert reply.status_code == status and "data" not in body
        assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert strict.headers["content-type"].startswith(GRAPHQL_RESPONSE)


async def test_apollos_retry_with_the_text_runs_and_a_mismatched_text_is_refused(api, world):
    query = "query Mine { viewer { userId } }"
    retry = await post(
        api,
        {"query": query, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(query)}}},
        world.buyer,
    )
    assert retry.json()["data"] == {"viewer": {"userId": "buyer-1"}}
    entry = manifest()["Shortcuts"]
    mismatch = await post(api, {"query": query, "documentId": entry["id"]}, world.buyer)
    assert mismatch.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST" and "data" not in mismatch.json()


@pytest.fixture
async def trusted_only(settings):
    from server import create_app

    application = create_app(replace(settings, trusted_documents_only=True))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://test") as client:
        yield client
    await application.state.database.dispose()


async def test_trusted_documents_only_refuses_any_other_document(trusted_only, world):
    headers = {"Authorization": f"Bearer {world.buyer}"}
    arbitrary = await trusted_only.post("/graphql", json={"query": "{ viewer { userId } }"}, headers=headers)
    assert arbitrary.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_ONLY"
    assert "data" not in arbitrary.json()
    apollo_retry = await trusted_only.post("/graphql", headers=headers, json={
        "query": "{ viewer { userId } }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": ABSENT}}})
    assert apollo_retry.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    entry = manifest()["MyClaims"]
    by_id = await trusted_only.post("/graphql", json={"documentId": f"sha256:{entry['id']}"}, headers=headers)
    by_value = await trusted_only.post("/graphql", json={"query": entry["body"]}, headers=headers)
    assert by_id.json()["data"] == by_value.json()["data"] == {"claims": {"totalCount": 0, "edges": [], "pageInfo": {
        "hasNextPage": False, "endCursor": None}}}


async def test_the_screens_queries_run_by_id_for_their_roles(api, world, claims, appeals):
    """Every query in the folder, by id, for the role whose screen it serves: no errors."""
    shop = await world.shop()
    claim = await claims.escalated(shop)
    order = (await claims.read(claim["id"]))["order"]["id"]
    appeal = (await appeals.file(shop, "REVIEW", await appeals.review(shop), ground="EXTORTION"))["appeal"]["id"]
    cart = {"shopId": shop.id, "shippingFee": "6.00", "paymentMethod": "ONLINE",
            "lines": [{"productId": shop.products["cherries"]["id"], "quantity": "1"}]}
    buyer, merchant, agent, platform = world.buyer, shop.merchant, shop.agent, world.platform
    runs = {
        "MyClaims": (buyer, {}),
        "ClaimTracking": (buyer, {"id": claim["id"]}),
        "OrderForClaim": (buyer, {"id": order}),
        "MerchantClaimInbox": (merchant, {"status": ["ESCALATED"]}),
        "MerchantClaim": (merchant, {"id": claim["id"]}),
        "MerchantAppeals": (merchant, {}),
        "AppealDetail": (merchant, {"id": appeal}),
        "ArbitrationQueue": (platform, {}),
        "ArbitrationCase": (platform, {"id": claim["id"]}),
        "AppealQueue": (platform, {"overdue": False}),
        "MyWallet": (buyer, {}),
        "CheckoutQuote": (buyer, {"input": cart}),
        "CustomerProfile": (agent, {"customerId": "buyer-1"}),
        "StarredCustomers": (agent, {}),
        "RecentContacts": (agent, {}),
        "Shortcuts": (agent, {}),
        "MerchantInboxByDeadline": (merchant, {}),
        "OrderList": (buyer, {"sortBy": {"field": "PLACED_AT"}}),
        "AppealableReviews": (merchant, {}),
        "ProductSearch": (buyer, {"search": "cherr"}),
        "ShopDirectory": (platform, {}),
        "CouponCentre": (buyer, {"productId": shop.products["cherries"]["id"]}),
        "GovernanceReport": (merchant, {"from": "2026-11-01T00:00:00Z", "to": "2026-11-08T00:00:00Z"}),
        "ClaimSettlement": (buyer, {"id": claim["id"]}),
        "ShopViolations": (merchant, {}),
        "ShopStanding": (buyer, {"id": shop.id}),
        "EventFeed": (merchant, {}),
        "WebhookAttempts": (merchant, {}),
        "Campaigns": (merchant, {}),
        "InvoiceBook": (merchant, {"shopId": shop.id, "from": "2026-10-31T16:00:00Z", "to": "2026-11-30T16:00:00Z"}),
    }
    entries = manifest()
    assert {name for name, entry in entries.items() if entry["type"] == "query"} == set(runs)
    for name, (token, variables) in runs.items():
        reply = await post(api, {"documentId": f"sha256:{entries[name]['id']}", "variables": variables}, token)
        assert reply.status_code == 200 and "errors" not in reply.json(), (name, reply.json())
    inbox = await post(api, {"documentId": entries["ArbitrationQueue"]["id"]}, platform)
    assert [e["node"]["id"] for e in inbox.json()["data"]["claims"]["edges"]] == [claim["id"]]
    queue = await post(api, {"documentId": entries["AppealQueue"]["id"]}, platform)
    assert [e["node"]["id"] for e in queue.json()["data"]["appeals"]["edges"]] == [appeal]


# ---------------------------------------------------------------- Production II (9): automatic persisted queries


def apq(query: str | None, digest: str) -> dict:
    body = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}
    return {**body, "query": query} if query is not None else body


async def test_apollos_retry_registers_the_text_so_later_hash_only_requests_run(api, world):
    """Before: every hash-only request of a document outside the manifest was PERSISTED_QUERY_NOT_FOUND for ever."""
    query = "query Me { viewer { userId role } }"
    digest = sha256(query)
    first = await post(api, apq(None, digest), world.buyer)
    assert first.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert (await post(api, apq(query, digest), world.buyer)).json()["data"]["viewer"]["userId"] == "buyer-1"
    again = await post(api, apq(None, digest), world.platform)
    assert again.json()["data"]["viewer"] == {"userId": "ops-1", "role": "PLATFORM"}
    by_get = await api.client.get("/graphql", params={"extensions": orjson.dumps(apq(None, digest)["extensions"])
                                                      .decode()}, headers={"Authorization": f"Bearer {world.buyer}"})
    assert by_get.json()["data"]["viewer"]["userId"] == "buyer-1"


async def test_only_a_text_that_ran_under_its_own_hash_is_registered(api, world):
    wrong = "query Other { viewer { userId } }"
    mismatch = await post(api, apq(wrong, sha256("query Me { viewer { role } }")), world.buyer)
    assert mismatch.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    invalid = "query Bad { viewer { nope } }"
    assert (await post(api, apq(invalid, sha256(invalid)), world.buyer)).json()["errors"][0]["extensions"][
        "code"] == "GRAPHQL_VALIDATION_FAILED"
    deep = ("query Deep { claims { edges { node { order { shop { account { entries { edges { node { claim { id } } } } "
            "} } } } } } }")
    assert (await post(api, apq(deep, sha256(deep)), world.platform)).json()["errors"][0]["extensions"][
        "code"] == "QUERY_TOO_DEEP"
    for text in (invalid, deep, "query Me { viewer { role } }"):
        later = await post(api, apq(None, sha256(text)), world.platform)
        assert later.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND", text


async def test_the_store_is_bounded_the_oldest_going_first(settings, world):
    from datetime import UTC, datetime, timedelta

    from persistence.db import Database
    from persistence.persisted.store import SqlPersistedQueries

    database = Database(settings.database_url)
    store = SqlPersistedQueries(database, limit=3)
    for n in range(5):
        await store.register(f"{n:064x}", f"query Q{n} {{ viewer {{ userId }} }}",
                             datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=n), "BUYER:buyer-1")
    fresh = SqlPersistedQueries(database, limit=3)  # another process: nothing in memory
    assert [await fresh.find(f"{n:064x}") is not None for n in range(5)] == [False, False, True, True, True]
    await database.dispose()
    del world


async def test_trusted_documents_only_never_reads_registered_documents(api, trusted_only, world):
    query = "query Me { viewer { userId } }"
    await post(api, apq(query, sha256(query)), world.buyer)  # registered by a server that accepts any document
    refused = await trusted_only.post("/graphql", json=apq(None, sha256(query)),
                                      headers={"Authorization": f"Bearer {world.buyer}"})
    assert refused.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_only_authenticated_callers_register_small_documents_under_a_quota(api, world, settings):
    """Penetration test III, finding 5: anonymous APQ documents were stored (+525 MB for 100 large ones). Now an
    anonymous or larger-than-32-KB text runs but is not kept, and a caller registers at most APQ_PER_CALLER a day."""
    from datetime import UTC, datetime

    from persistence.db import Database
    from persistence.persisted.store import SqlPersistedQueries

    def apq(query: str) -> dict:
        return {"query": query, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(query)}}}

    def by_hash(query: str) -> dict:
        return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(query)}}}

    anonymous = "query Anonymous { __typename }"
    big = "query Big { __typename }\n# " + "x" * 40_000
    small = "query Small { __typename }"
    await post(api, apq(anonymous), None)  # whatever it answers without a token, nothing is kept
    assert (await post(api, apq(big), world.buyer)).json()["data"] == {"__typename": "Query"}
    assert (await post(api, apq(small), world.buyer)).json()["data"] == {"__typename": "Query"}
    codes = [(await post(api, by_hash(q), world.buyer)).json().get("errors", [{}])[0].get("extensions", {}).get("code")
             for q in (anonymous, big, small)]
    assert codes == ["PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_FOUND", None]
    database = Database(settings.database_url)
    store = SqlPersistedQueries(database, limit=100, per_caller=2)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(4):
        await store.register(f"{n:064x}", f"query Q{n} {{ __typename }}", now, "BUYER:flooder")
    fresh = SqlPersistedQueries(database, limit=100)
    assert [await fresh.find(f"{n:064x}") is not None for n in range(4)] == [True, True, False, False]
    await database.dispose()
