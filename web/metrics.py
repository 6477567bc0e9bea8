"""``/metrics`` in Prometheus's text format (prometheus-client): GraphQL requests and their latency by operation
and outcome, the cost the limits measured, the database pool (in use, waiting), the webhook queue's depth and the
live subscribers. On in dev and test, off in prod unless ``METRICS=true``; never public by accident: with
``METRICS_TOKEN`` set (required in prod) a scrape must send ``Authorization: Bearer <METRICS_TOKEN>``, and an
operator may also keep the path off the public load balancer.

Several worker processes: the launcher sets ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder before any worker
starts (it must be set before prometheus_client is imported); every process then writes its samples there and a
scrape of any worker sums them (``MultiProcessCollector``); a worker that exits is marked dead at shutdown.

Operation names are labels only when they name an operation of the trusted manifest: a client cannot grow the
series without bound by inventing names."""

from __future__ import annotations

import hmac
import os
from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from schema.common.errors import TopLevelCode
from web.asgi import file_problem

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
COST_BUCKETS = (1, 10, 50, 100, 500, 1_000, 5_000, 10_000, 50_000)

REQUESTS = Counter("graphql_requests_total", "GraphQL requests by operation and outcome", ["operation", "outcome"])
LATENCY = Histogram("graphql_request_duration_seconds", "GraphQL request latency by operation and outcome",
                    ["operation", "outcome"], buckets=LATENCY_BUCKETS)
COST = Histogram("graphql_query_cost", "The cost the limits measured for each GraphQL request", ["operation"],
                 buckets=COST_BUCKETS)
POOL_IN_USE = Gauge("db_pool_connections_in_use", "Database connections checked out", multiprocess_mode="livesum")
POOL_WAITING = Gauge("db_pool_waiting", "Tasks waiting for a database connection", multiprocess_mode="livesum")
WEBHOOK_QUEUE = Gauge("webhook_deliveries_pending", "Webhook deliveries not yet delivered or given up",
                      multiprocess_mode="max")
SUBSCRIBERS = Gauge("event_subscribers", "Live event subscriptions", multiprocess_mode="livesum")


def operation_label(name: object, known: frozenset[str]) -> str:
    return name if isinstance(name, str) and name in known else "other"


def observe(operation: str, outcome: str, seconds: float, cost: int | None) -> None:
    REQUESTS.labels(operation, outcome).inc()
    LATENCY.labels(operation, outcome).observe(seconds)
    if cost is not None:
        COST.labels(operation).observe(cost)


def pool_waiting(pool: Any) -> int:
    """Tasks queued for a connection of SQLAlchemy's asyncio queue pool (read from its queue's waiters; 0 where a
    pool keeps no such queue)."""
    queue = getattr(getattr(pool, "_pool", None), "_queue", None)
    return len(getattr(queue, "_getters", ()) or ())


def metrics_route(token: str | None, refresh: Callable[[], Awaitable[None]]) -> Route:
    async def metrics(request: Request) -> Response:
        if token is not None:
            sent = request.headers.get("authorization", "")
            if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
                return file_problem(TopLevelCode.UNAUTHENTICATED, "send 'Authorization: Bearer <METRICS_TOKEN>'")
        await refresh()
        if MULTIPROCESS:
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return Route("/metrics", metrics, methods=["GET"])


def process_exited() -> None:
    """At a worker's shutdown: its live gauges stop counting in the sums."""
    if MULTIPROCESS:
        multiprocess.mark_process_dead(os.getpid())
