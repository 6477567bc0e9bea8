"""Query limits, the production posture, and a database that is down."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace
from datetime import timedelta

import httpx
import jwt
import pytest

from domain.shared.actor import Role
from settings import Settings
from web.auth import mint_token

DEEP = "{ claims { edges { node { order { shop { account { entries { edges { node { %s } } } } } } } } } }"


async def test_depth_is_limited(api, world):
    ten = await api.gql(DEEP % "id", token=world.platform)  # id is the 10th level
    assert ten.errors == [] and ten.body["extensions"]["cost"]["depth"] == 10
    reply = await api.gql(DEEP % "claim { id }", token=world.platform)
    assert reply.codes == ["QUERY_TOO_DEEP"] and reply.data is None


async def test_aliases_are_counted_through_fragments(api, world):
    fields = " ".join(f"a{i}: userId" for i in range(16))
    ok = await api.gql(f"query {{ viewer {{ ...F }} }} fragment F on Viewer {{ {fields} }}", token=world.platform)
    assert ok.errors == []
    twice = await api.gql(f"query {{ viewer {{ ...F }} again: viewer {{ ...F }} }} fragment F on Viewer {{ {fields} }}",
                          token=world.platform)
    assert twice.codes == ["TOO_MANY_ALIASES"]


async def test_cost_is_estimated_before_execution_and_reported(api, world):
    cheap = await api.gql("{ viewer { userId } }", token=world.platform)
    assert cheap.body["extensions"]["cost"]["requested"] == 2
    costly = """query($n: Int) { claims(first: $n) { edges { node { evidence { id } events { type }
      ledgerEntries { claim { evidence { id sha256 url } events { type at actorId } } } } } } }"""
    assert (await api.gql(costly, {"n": 5}, token=world.platform)).errors == []
    reply = await api.gql(costly, {"n": None}, token=world.platform)  # a variable is priced at its worst case
    assert reply.codes == ["QUERY_TOO_COSTLY"] and reply.data is None
    assert reply.body["extensions"]["cost"]["requested"] > reply.body["extensions"]["cost"]["limit"]


async def test_tokens_and_body_size_are_limited(api, world):
    many = "{ viewer { " + " ".join(["userId"] * 6000) + " } }"
    reply = await api.gql(many, token=world.platform)
    assert reply.data is None and reply.codes and reply.codes[0]
    huge = await api.client.post(
        "/graphql",
        content=b'{"query": "' + b" " * 1_100_000 + b'{ viewer { userId } }"}',
        headers={"Authorization": f"Bearer {world.platform}", "Content-Type": "application/json"},
    )
    assert huge.status_code == 413


async def test_rejections_do_not_copy_the_document_into_the_log(api, world, caplog):
    marker = "hostile_marker_7c1f"
    caplog.set_level(logging.DEBUG)
    reply = await api.gql(DEEP % f"{marker}: claim {{ id }}", token=world.platform)
    assert reply.codes == ["QUERY_TOO_DEEP"]
    assert marker not in caplog.text


# ---------------------------------------------------------------- production posture


@pytest.fixture
async def prod(settings):
    from server import create_app

    app = create_app(replace(settings, app_env="prod", graphiql=False, introspection=False, graphql_get=False))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://prod") as client:
        yield client
    await app.state.database.dispose()


def bearer(api, role=Role.PLATFORM, **kw):
    return {"Authorization": f"Bearer {api.token(role, **kw)}"}


async def test_prod_refuses_introspection_graphiql_and_get(api, prod):
    reply = (await prod.post("/graphql", json={"query": "{ __schema { types { name } } }"}, headers=bearer(api))).json()
    assert reply["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED" and reply.get("data") is None
    page = await prod.get("/graphql", headers={"Accept": "text/html"})
    assert "graphiql" not in page.text.lower()
    get = await prod.get("/graphql", params={"query": "{ viewer { userId } }"}, headers=bearer(api))
    assert get.status_code in (400, 405) or "errors" in get.json()
    assert "viewer" not in get.text or get.json().get("data") is None


async def test_prod_drops_suggestions(api, prod):
    reply = (await prod.post("/graphql", json={"query": "{ viewr { userId } }"}, headers=bearer(api))).json()
    assert "Did you mean" not in reply["errors"][0]["message"]
    assert reply["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_prod_masks_unexpected_errors_with_a_request_id(api, prod, monkeypatch, caplog):
    from domain.shops import services

    async def broken(*_args, **_kw):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "register_shop", broken)
    caplog.set_level(logging.ERROR)
    response = await prod.post(
        "/graphql", json={"query": 'mutation { registerShop(input: {name: "x"}) { shop { id } } }'}, headers=bearer(api)
    )
    error = response.json()["errors"][0]
    assert error["message"] == "Internal server error" and "secret" not in response.text
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error["extensions"]["requestId"] == response.headers["X-Request-Id"]
    assert error["extensions"]["requestId"] in caplog.text and "secret internals" in caplog.text


async def test_prod_lets_typed_errors_through(api, prod):
    forbidden = (
        await prod.post(
            "/graphql",
            json={"query": 'mutation { registerShop(input: {name: "x"}) { shop { id } } }'},
            headers=bearer(api, Role.BUYER),
        )
    ).json()
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    user_error = (
        await prod.post(
            "/graphql",
            json={"query": 'mutation { registerShop(input: {name: ""}) { userErrors { code } } }'},
            headers=bearer(api),
        )
    ).json()
    assert user_error["data"]["registerShop"]["userErrors"] == [{"code": "INVALID_INPUT"}]


def test_prod_needs_a_secret(monkeypatch):
    from settings import Settings

    monkeypatch.setenv("APP_ENV", "prod")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ValueError):
        Settings.from_env()


# ---------------------------------------------------------------- the database is down


class Proxy:
    """A loopback TCP forwarder to the PostgreSQL server that a test can stop and start."""

    def __init__(self, target_port: int):
        self.target_port, self.server, self.port, self.links = target_port, None, None, set()

    async def _pipe(self, reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _handle(self, reader, writer):
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        tasks = {
            asyncio.ensure_future(self._pipe(reader, up_writer)),
            asyncio.ensure_future(self._pipe(up_reader, writer)),
        }
        self.links |= tasks | {writer, up_writer}

    async def start(self):
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port or 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self):
        self.server.close()
        await self.server.wait_closed()
        for link in list(self.links):
            if isinstance(link, asyncio.Future):
                link.cancel()
            else:
                link.close()
        self.links.clear()


def _postgres_available() -> bool:
    import socket

    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", 5432)) == 0


@pytest.mark.skipif(not _postgres_available(), reason="needs the PostgreSQL server on 127.0.0.1:5432")
async def test_database_down_is_a_clean_retryable_error_and_recovers(api, settings):
    from persistence.migrate import upgrade
    from server import create_app

    proxy = Proxy(5432)
    await proxy.start()
    url = f"postgresql+psycopg://postgres@127.0.0.1:{proxy.port}/test"
    await asyncio.to_thread(upgrade, url)
    app = create_app(replace(settings, database_url=url))
    headers = {"Authorization": f"Bearer {api.token(Role.PLATFORM)}"}
    query = {"query": "{ claims { totalCount } }"}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://down") as client:
            assert (await client.post("/graphql", json=query, headers=headers)).json()["data"] is not None
            await proxy.stop()
            started = time.monotonic()
            health = await client.get("/health")
            reply = (await client.post("/graphql", json=query, headers=headers)).json()
            elapsed = time.monotonic() - started
            assert health.status_code == 503
            assert reply["errors"][0]["extensions"] == {"code": "SERVICE_UNAVAILABLE", "retryable": True}
            assert elapsed < 4.5  # two calls, each within 2 s
            await proxy.start()
            assert (await client.get("/health")).status_code == 200
            assert (await client.post("/graphql", json=query, headers=headers)).json().get("errors") is None
    finally:
        await app.state.database.dispose()
        if proxy.server is not None and proxy.server.is_serving():
            await proxy.stop()


# ---------------------------------------------------------------- Production II (2): the signing key and lifetimes


@pytest.mark.parametrize("key", [None, "DEV", " " * 32, "a" * 64, "correct horse battery staple, surely enough"])
def test_prod_refuses_the_development_key_and_any_weak_key(monkeypatch, key):
    from settings import DEV_SECRET

    monkeypatch.setenv("APP_ENV", "prod")
    if key is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", DEV_SECRET if key == "DEV" else key)
    with pytest.raises(ValueError, match="SECRET_KEY"):
        Settings.from_env()


def test_prod_starts_with_a_generated_key_and_dev_warns_loudly_without_one(monkeypatch, caplog):
    import secrets

    monkeypatch.setenv("APP_ENV", "prod")
    for key in (secrets.token_hex(32), secrets.token_urlsafe(32)):
        monkeypatch.setenv("SECRET_KEY", key)
        assert Settings.from_env().secret_key == key
    monkeypatch.setenv("APP_ENV", "dev")
    monkeypatch.delenv("SECRET_KEY")
    with caplog.at_level("WARNING"):
        Settings.from_env()
    assert "public development key" in caplog.text


def test_a_token_living_longer_than_the_maximum_is_refused(settings):
    from web import auth

    forever = jwt.encode({"sub": "ops", "role": "PLATFORM", "iat": int(time.time()), "exp": 10**30},
                         settings.secret_key, algorithm="HS256")
    actor, problem = auth.authenticate(f"Bearer {forever}", settings.secret_key)
    assert actor is None and "longer than 24 hours" in problem
    no_iat = jwt.encode({"sub": "ops", "role": "PLATFORM", "exp": int(time.time()) + 25 * 3600},
                        settings.secret_key, algorithm="HS256")
    assert auth.authenticate(f"Bearer {no_iat}", settings.secret_key)[0] is None
    day = auth.mint_token(settings.secret_key, sub="ops", role=Role.PLATFORM, ttl=timedelta(hours=24))
    assert auth.authenticate(f"Bearer {day}", settings.secret_key)[0] is not None
    week = auth.mint_token(settings.secret_key, sub="ops", role=Role.PLATFORM, ttl=timedelta(days=7))
    assert auth.Tokens(settings.secret_key, timedelta(days=7)).authenticate(f"Bearer {week}")[0] is not None


async def test_a_merchant_token_whose_shop_is_a_number_is_unauthenticated_not_a_crash(api):
    """Production II (5): an integer ``shop`` claim answered a plain-text 500."""
    token = jwt.encode({"sub": "m", "role": "MERCHANT", "shop": 1, "exp": int(time.time()) + 60},
                       api.secret, algorithm="HS256")
    reply = await api.gql("{ claims { totalCount } }", token=token)
    assert reply.codes == ["UNAUTHENTICATED"] and "shop" in reply.body["errors"][0]["message"]


# ---------------------------------------------------------------- Production II (5): failures answer JSON with an id


async def test_a_body_nested_a_thousand_levels_is_a_json_400_with_a_request_id(api):
    """No token needed: it made the endpoint's own JSON parser recurse out and log a stack trace per request."""
    body = b'{"query": "{ __typename }", "variables": {"v": ' + b"[" * 1000 + b"]" * 1000 + b"}}"
    reply = await api.client.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert reply.status_code == 400 and reply.headers["content-type"].startswith("application/json")
    error = reply.json()["errors"][0]
    assert error["extensions"] == {"code": "BAD_REQUEST", "requestId": reply.headers["x-request-id"]}
    shallow = b'{"query": "{ __typename }", "variables": {"v": ' + b"[" * 60 + b"]" * 60 + b"}}"
    assert (await api.client.post("/graphql", content=shallow,
                                  headers={"Content-Type": "application/json"})).status_code == 200


async def test_an_unwritable_upload_store_is_a_json_500_with_its_request_id_and_health_says_so(settings, world,
                                                                                            tmp_path):
    from dataclasses import replace

    from server import create_app
    from tests.api.files import PDF

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app = create_app(replace(settings, upload_dir=blocker / "uploads"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        token = mint_token(settings.secret_key, sub="b", role=Role.BUYER)
        reply = await client.post("/uploads", files={"file": ("f.pdf", PDF, "application/pdf")},
                                  headers={"Authorization": f"Bearer {token}", "X-Request-Id": "trace-0123456789"})
        assert reply.status_code == 500 and reply.headers["x-request-id"] == "trace-0123456789"
        assert reply.json()["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR",
                                                           "requestId": "trace-0123456789"}
        health = await client.get("/health")
        assert health.status_code == 503 and health.json()["uploads"] == "not writable"
    await app.state.database.dispose()
    del world


async def test_health_checks_the_upload_store_too(api):
    reply = await api.client.get("/health")
    assert reply.status_code == 200 and reply.json() == {"status": "ok", "database": "ok", "migrations": "ok",
                                                         "uploads": "ok"}
