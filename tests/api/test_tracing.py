"""Production II, operable: traces. With a tracer provider (here an in-memory exporter; in production the OTEL_*
variables), one request is one trace: the HTTP server span, the GraphQL operation under it, and one span per SQL
statement the request ran — none carrying the document's text."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from schema import schema
from server import create_app
from web import tracing


@pytest.fixture
async def traced(settings):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = create_app(replace(settings), tracer_provider=provider)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            yield client, exporter
    finally:
        schema.extensions = tracing.untraced(schema)
        await app.state.database.dispose()


async def test_one_trace_per_request_with_a_span_per_sql_statement(traced, world):
    client, exporter = traced
    shop = await world.shop()
    exporter.clear()
    secret = "a remark that must not reach a trace"
    reply = await client.post("/graphql", headers={"Authorization": f"Bearer {shop.agent}"}, json={
        "query": "mutation Remark($t: String!) { setCustomerRemark(input: {customerId: \"b-1\", text: $t}) "
                 "{ userErrors { code } } }", "variables": {"t": secret}})
    assert reply.json()["data"]["setCustomerRemark"]["userErrors"] == []
    spans = exporter.get_finished_spans()
    assert len({span.context.trace_id for span in spans}) == 1
    by_id = {span.context.span_id: span for span in spans}
    root = [span for span in spans if span.parent is None]
    assert len(root) == 1 and root[0].name.startswith("POST /graphql")
    operation = next(span for span in spans if span.name == "GraphQL Query: Remark")
    sql = [span for span in spans if span.attributes.get("db.system") or span.attributes.get("db.system.name")]
    assert len(sql) >= 2  # the remark's read and its write, at least
    for span in [operation, *sql]:
        ancestor = span
        while ancestor.parent is not None:
            ancestor = by_id[ancestor.parent.span_id]
        assert ancestor is root[0], span.name
    assert all(secret not in str(dict(span.attributes or {})) for span in spans)
    assert all("setCustomerRemark" not in str(dict(span.attributes or {})) for span in spans)
    exporter.clear()
    await client.post("/graphql", json={"query": "{ __typename }"})
    assert len({span.context.trace_id for span in exporter.get_finished_spans()}) == 1


def test_tracing_is_off_unless_the_otel_variables_ask(monkeypatch):
    for name in ("OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                 "OTEL_SDK_DISABLED"):
        monkeypatch.delenv(name, raising=False)
    assert tracing.provider_from_environment() is None
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    assert isinstance(tracing.provider_from_environment(), TracerProvider)
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    assert tracing.provider_from_environment() is None


async def test_a_get_requests_document_stays_out_of_its_span(traced):
    client, exporter = traced
    exporter.clear()
    await client.get("/graphql", params={"query": "query Secretive { __typename }"})
    text = " ".join(str(dict(span.attributes or {})) for span in exporter.get_finished_spans())
    assert "Secretive" not in text and "__typename" not in text
