"""Production II, operable: /metrics scraped — requests and latency by operation and outcome, query cost, the pool,
the webhook queue and subscribers; behind a bearer token when one is set; off in prod unless asked for; and summed
over several processes in Prometheus's multi-process mode."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from server import create_app
from tests.server_process import served

MANIFEST = json.loads((Path(__file__).resolve().parents[2] / "operations" / "manifest.json").read_text())
MY_CLAIMS = next(op for op in MANIFEST["operations"] if op["name"] == "MyClaims")


def sample(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line) if labels else re.fullmatch(rf"{name} (\S+)", line)
        if match and (not labels or ",".join(sorted(match.group(1).split(","))) == wanted):
            return float(match.group(match.lastindex))
    return 0.0


async def test_a_scrape_counts_requests_by_operation_and_outcome_with_latency_and_cost(api, world):
    before = (await api.client.get("/metrics")).text
    for _ in range(3):
        await api.client.post("/graphql", json={"documentId": f"sha256:{MY_CLAIMS['id']}"},
                              headers={"Authorization": f"Bearer {world.buyer}"})
    await api.client.post("/graphql", json={"query": "query Invented123 { nope }"})
    scrape = await api.client.get("/metrics")
    assert scrape.status_code == 200 and scrape.headers["content-type"].startswith("text/plain")
    text = scrape.text
    grew = sample(text, "graphql_requests_total", operation="MyClaims", outcome="ok") - sample(
        before, "graphql_requests_total", operation="MyClaims", outcome="ok")
    assert grew == 3
    assert sample(text, "graphql_request_duration_seconds_count", operation="MyClaims", outcome="ok") >= 3
    assert sample(text, "graphql_query_cost_count", operation="MyClaims") >= 3
    assert sample(text, "graphql_requests_total", operation="other", outcome="GRAPHQL_VALIDATION_FAILED") >= 1
    assert 'operation="Invented123"' not in text  # invented names never become series
    for gauge in ("db_pool_connections_in_use", "db_pool_waiting", "webhook_deliveries_pending",
                  "event_subscribers"):
        assert re.search(rf"^{gauge} \S+$", text, re.M), gauge


async def test_with_a_token_a_scrape_must_send_it_and_prod_has_no_metrics_unless_asked(settings):
    token = "m" * 8 + "etrics-token-0123456789abcdef"
    guarded = create_app(replace(settings, metrics_token=token))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=guarded), base_url="http://test") as client:
        assert (await client.get("/metrics")).status_code == 401
        assert (await client.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 401
        assert (await client.get("/metrics", headers={"Authorization": f"Bearer {token}"})).status_code == 200
    await guarded.state.database.dispose()
    off = create_app(replace(settings, metrics=False))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=off), base_url="http://test") as client:
        assert (await client.get("/metrics")).status_code == 404
    await off.state.database.dispose()


def test_prod_refuses_metrics_without_a_token(monkeypatch):
    import secrets

    from settings import Settings

    monkeypatch.setenv("APP_ENV", "prod")
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    monkeypatch.delenv("METRICS_TOKEN", raising=False)
    assert Settings.from_env().metrics is False
    monkeypatch.setenv("METRICS", "true")
    with pytest.raises(ValueError, match="METRICS_TOKEN"):
        Settings.from_env()


async def test_two_processes_are_summed_in_multiprocess_mode(settings, api, world, tmp_path):
    shared = tmp_path / "prometheus"
    shared.mkdir()  # the launcher's job: an empty folder before any worker starts
    env = {"PROMETHEUS_MULTIPROC_DIR": str(shared)}
    async with served(settings, **env) as (_a, first), served(settings, **env) as (_b, second):
        for client in (first, second, second):
            await client.post("/graphql", json={"documentId": f"sha256:{MY_CLAIMS['id']}"},
                              headers={"Authorization": f"Bearer {world.buyer}"})
        from_first, from_second = (await first.get("/metrics")).text, (await second.get("/metrics")).text
    for text in (from_first, from_second):
        assert sample(text, "graphql_requests_total", operation="MyClaims", outcome="ok") == 3
    del api
