"""Traces (OpenTelemetry), switched on by the standard variables: ``OTEL_TRACES_EXPORTER`` (``otlp``, the default
when ``OTEL_EXPORTER_OTLP_ENDPOINT`` or ``…_TRACES_ENDPOINT`` is set; ``console``; ``none``), the endpoint,
``OTEL_SERVICE_NAME`` and ``OTEL_RESOURCE_ATTRIBUTES``; ``OTEL_SDK_DISABLED=true`` turns them off.

A request's trace: the ASGI server span (``OpenTelemetryMiddleware``), the GraphQL operation with its parsing and
validation (Strawberry's ``OpenTelemetryExtension``, without its per-field spans, which would wrap every resolver,
and without the query text, which clients may fill with data) and one span per SQL statement (the SQLAlchemy
instrumentation's ``EngineTracer`` on this app's engine; ``SQLAlchemyInstrumentor`` declares ``sqlalchemy<2.1`` and
instruments once per process, so the tracer is attached to the engine directly)."""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

from opentelemetry import trace
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.trace import SpanKind
from starlette.middleware import Middleware
from strawberry.extensions import SchemaExtension
from strawberry.extensions.tracing import OpenTelemetryExtension
from strawberry.extensions.tracing.opentelemetry import LifecycleStep


def provider_from_environment() -> TracerProvider | None:
    if os.environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return None
    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    exporter_name = os.environ.get("OTEL_TRACES_EXPORTER") or ("otlp" if endpoint else "none")
    if exporter_name == "none":
        return None
    exporter: SpanExporter
    if exporter_name == "console":
        exporter = ConsoleSpanExporter()
    elif exporter_name == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()  # endpoint, headers and timeout from the OTEL_EXPORTER_OTLP_* variables
    else:
        raise ValueError(f"OTEL_TRACES_EXPORTER must be otlp, console or none, got {exporter_name!r}")
    provider = TracerProvider(resource=Resource.create())
    provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


class OperationSpans(OpenTelemetryExtension):
    """Strawberry's extension with the operation, parsing and validation spans only (no ``query`` attribute)."""

    resolve = SchemaExtension.resolve  # type: ignore[assignment]

    def on_operation(self) -> Generator[None, None, None]:
        name = self.execution_context.operation_name
        span = self._tracer.start_span(f"GraphQL Query: {name}" if name else "GraphQL Query", kind=SpanKind.SERVER)
        span.set_attribute("component", "graphql")
        self._span_holder[LifecycleStep.OPERATION] = span
        yield
        if not name and self.execution_context.operation_name:
            span.update_name(f"GraphQL Query: {self.execution_context.operation_name}")
        span.end()


def traced(provider: TracerProvider, engine: Any, schema: Any) -> list[Middleware]:
    """Attaches the SQL tracer to ``engine`` (SQLAlchemy's async engine) and the operation spans to the schema
    (one process serves one app: the schema is the process's); returns the ASGI middleware that opens each
    request's trace (outermost, so every other span is its child)."""
    EngineTracer(trace.get_tracer("sqlalchemy", tracer_provider=provider), engine.sync_engine,
                 NoOpMeterProvider().get_meter("sqlalchemy").create_up_down_counter("db.client.connections.usage"))
    schema.extensions = (*untraced(schema), _Spans(provider))
    return [Middleware(OpenTelemetryMiddleware, tracer_provider=provider, server_request_hook=_without_query)]


def _without_query(span: Any, scope: dict) -> None:
    """A GET's query string holds the document and its variables: the span keeps the path only."""
    if span is not None and span.is_recording() and scope.get("query_string"):
        span.set_attribute("http.target", scope.get("path", ""))
        span.set_attribute("url.query", "")
        span.set_attribute("http.url", scope.get("path", ""))


class _Spans:
    """The extension factory the schema calls per request."""

    def __init__(self, provider: TracerProvider):
        self.provider = provider

    def __call__(self) -> OperationSpans:
        return OperationSpans(tracer_provider=self.provider)


def untraced(schema: Any) -> tuple:
    """The schema's extensions without the operation spans (a test that traced puts them back this way)."""
    return tuple(e for e in schema.extensions if not isinstance(e, _Spans))
