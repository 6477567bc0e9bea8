"""Production II, operable as a service: what browsers on other origins and load balancers see — CORS preflights
from an allowed and a refused origin, the security headers of every answer, uploads served as sandboxed
attachments, liveness and readiness (database, migrations at head, upload store)."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from server import create_app
from tests.api.files import PDF

ALLOWED = "https://admin.example.com"


@pytest.fixture
async def client(settings):
    app = create_app(replace(settings, cors_origins=(ALLOWED,), app_env="prod"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http
    await app.state.database.dispose()


@pytest.mark.parametrize("path", ["/graphql", "/uploads"])
async def test_a_preflight_from_an_allowed_origin_is_answered_and_another_is_refused(client, path):
    ask = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"}
    allowed = await client.options(path, headers={"Origin": ALLOWED, **ask})
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == ALLOWED
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in allowed.headers
    refused = await client.options(path, headers={"Origin": "https://evil.example.net", **ask})
    assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers


async def test_a_cross_origin_answer_names_its_origin_and_exposes_the_request_id(client, world):
    reply = await client.post("/graphql", json={"query": "{ viewer { userId } }"},
                              headers={"Origin": ALLOWED, "Authorization": f"Bearer {world.buyer}"})
    assert reply.headers["access-control-allow-origin"] == ALLOWED
    assert "x-request-id" in reply.headers["access-control-expose-headers"].lower()
    other = await client.post("/graphql", json={"query": "{ __typename }"}, headers={"Origin": "https://x.example"})
    assert "access-control-allow-origin" not in other.headers


async def test_without_cors_origins_no_origin_is_admitted(api):
    reply = await api.client.options("/graphql", headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in reply.headers


async def test_every_answer_carries_the_security_headers_and_hsts_only_in_prod(api, client):
    for reply in (await api.client.post("/graphql", json={"query": "{ __typename }"}),
                  await client.post("/graphql", json={"query": "{ __typename }"}),
                  await client.get("/health/live")):
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert reply.headers["cache-control"] == "no-store"
        assert reply.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
        assert reply.headers["x-frame-options"] == "DENY" and "server" not in reply.headers
    assert "strict-transport-security" not in (await api.client.get("/health/live")).headers
    assert (await client.get("/health/live")).headers["strict-transport-security"].startswith("max-age=")


async def test_the_graphiql_page_runs_only_its_own_script(api):
    page = await api.client.get("/graphql", headers={"Accept": "text/html"})
    policy = page.headers["content-security-policy"]
    assert page.status_code == 200 and "script-src 'self';" in policy and "connect-src 'self' ws: wss:" in policy
    assert "'unsafe-eval'" not in policy and "frame-ancestors 'none'" in policy


async def test_an_upload_is_served_as_a_sandboxed_attachment(api, claims):
    stored = (await claims.upload(PDF, content_type="application/pdf")).json()
    reply = await api.client.get(stored["url"], headers={"Authorization": f"Bearer {claims.world.buyer}"})
    assert reply.status_code == 200
    assert reply.headers["content-disposition"] == f'attachment; filename="{stored["uploadId"]}.pdf"'
    assert reply.headers["content-security-policy"] == "sandbox; default-src 'none'"


async def test_liveness_and_readiness(api):
    assert (await api.client.get("/health/live")).json() == {"status": "ok"}
    ready = await api.client.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["migrations"] == "ok"


async def test_not_ready_while_the_database_is_behind_this_codes_migrations(settings, scratch_url):
    from persistence.migrate import upgrade
    from tests.database import drop_everything

    drop_everything(scratch_url)
    upgrade(scratch_url, "0014")
    app = create_app(replace(settings, database_url=scratch_url))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        ready = await http.get("/health/ready")
        assert ready.status_code == 503 and ready.json()["migrations"].startswith("at 0014, expected ")
        assert (await http.get("/health/live")).status_code == 200
    await app.state.database.dispose()


async def test_each_request_writes_one_json_access_line_without_secrets(api, world):
    """LOG_FORMAT=json: request id, user, role, shop, operation, duration and outcome; no token, no variables, no
    document text."""
    import io
    import json
    import logging

    from web.logs import ACCESS, JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    ACCESS.addHandler(handler)
    level = ACCESS.level
    ACCESS.setLevel(logging.INFO)
    try:
        secret_text = "a remark nobody should read in a log"
        shop = await world.shop()
        reply = await api.client.post("/graphql", headers={"Authorization": f"Bearer {shop.agent}"}, json={
            "query": "mutation Remark($c: String!, $t: String!) { setCustomerRemark(input: {customerId: $c, "
                     "text: $t}) { userErrors { code } } }", "operationName": "Remark",
            "variables": {"c": "b-1", "t": secret_text}})
        refused = await api.client.post("/graphql", json={"query": "{ nope }"},
                                        headers={"Accept": "application/graphql-response+json"})
    finally:
        ACCESS.removeHandler(handler)
        ACCESS.setLevel(level)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    remark = next(line for line in lines if line["request_id"] == reply.headers["x-request-id"])
    assert {k: remark[k] for k in ("level", "logger", "method", "path", "status", "outcome", "operation",
                                   "operation_type", "user", "role", "shop")} == {
        "level": "INFO", "logger": "aftersales.access", "method": "POST", "path": "/graphql", "status": 200,
        "outcome": "ok", "operation": "Remark", "operation_type": "mutation", "user": "agent-1", "role": "AGENT",
        "shop": 1}
    assert remark["duration_ms"] >= 0
    invalid = next(line for line in lines if line["request_id"] == refused.headers["x-request-id"])
    assert (invalid["status"], invalid["outcome"], invalid["user"]) == (400, "GRAPHQL_VALIDATION_FAILED", None)
    text = stream.getvalue()
    assert secret_text not in text and shop.agent not in text and "setCustomerRemark" not in text


def test_json_logging_turns_every_logger_into_json_lines():
    import io
    import json
    import logging

    from web import logs

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    try:
        logs.configure("json", stream)
        logging.getLogger("uvicorn.error").warning("started %s", "server")
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("aftersales").exception("failed")
    finally:
        root.handlers, root.level = saved
        logging.getLogger("uvicorn.error").propagate = True
    first, second = (json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{"))
    assert (first["logger"], first["message"], first["level"]) == ("uvicorn.error", "started server", "WARNING")
    assert second["message"] == "failed" and "ValueError: boom" in second["exception"]


async def test_a_database_error_never_carries_its_parameters_into_a_log(app):
    """The values bound to a failing statement (a customer's text, an id) stay out of its message."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError) as raised:
        async with app.state.database.engine.connect() as conn:
            await conn.execute(text("SELECT * FROM no_such_table WHERE x = :secret"), {"secret": "a buyer's phone"})
    assert "a buyer's phone" not in str(raised.value)
