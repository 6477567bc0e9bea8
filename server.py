"""The Starlette app, ``server:app``: POST/GET /graphql (GraphiQL in a browser), GET /health.

This is the composition root: the only module that joins ``schema`` to ``persistence``."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

import orjson
from opentelemetry.sdk.trace import TracerProvider
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from domain.events.deadlines import SYSTEM, process_deadlines
from domain.exports.model import LEASE
from domain.exports.services import end_interrupted
from domain.shared.clock import Clock, FixedClock, SystemClock
from domain.shared.errors import DomainError
from domain.shared.throttle import Throttle, ThrottleRule
from persistence.db import Database, is_sqlite, is_unavailable
from persistence.events.feed import SqlEventFeed
from persistence.idempotency.store import SqlIdempotencyStore
from persistence.migrate import head, upgrade
from persistence.persisted.store import SqlPersistedQueries
from persistence.throttle.stores import MemoryThrottle, PostgresThrottle, RedisThrottle
from persistence.uow import SqlUnitOfWorkFactory
from persistence.uploads.repository import LocalBlobStore
from schema import served
from schema.common.errors import TopLevelCode
from schema.common.i18n import negotiate
from schema.context import Caller, Context, Execution, Policies
from schema.limits import Limits
from schema.webhooks.bodies import SchemaPayloadQueries
from settings import Settings
from web import logs, metrics, shutdown, tracing
from web.auth import Tokens
from web.authentication import Authentication, caller
from web.dev_tokens import PATH as DEV_TOKENS
from web.dev_tokens import dev_token_route
from web.export_jobs import ExportJobs, export_job_routes
from web.exports import ExportLimits, export_routes
from web.graphiql_page import graphiql_assets, graphiql_response
from web.graphql_http import GraphQLOverHTTP, record_request_error
from web.idempotency import Idempotency
from web.language import LanguageHeaders
from web.requests import RequestIds, request_id
from web.security import SecurityHeaders, cors
from web.subscriptions import SocketLimits, TransportWS
from web.trusted_documents import TrustedDocuments, is_trusted, load_manifest, operation_name
from web.uploads import upload_routes
from web.webhooks import DeliveryWorker, DnsResolver

log = logging.getLogger("aftersales")
SYSTEM_CLOCK = SystemClock()
# The cyclic collector's generation thresholds, from (700, 10, 10): a page of claims allocates ~20,000 containers
# and frees nearly all of them by reference counting (the request's cycles are broken by ``Loaders.release``), so
# collecting the youngest generation every 700 allocations mostly rescanned the page still being built: 3.7 % of
# the instructions of W1 N=50 (50.8 → 48.9 M), for a few more short-lived objects between collections.
GC_THRESHOLDS = (10_000, 20, 20)


class GraphQLApp(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TransportWS
    feed: SqlEventFeed | None = None
    throttle: Throttle | None = None  # H1: set by create_app
    export_jobs: ExportJobs | None = None  # H5: set by create_app
    trusted_texts: frozenset[str] | None = None  # TRUSTED_DOCUMENTS_ONLY: the manifest's texts (the socket's check)

    def __init__(self, settings: Settings, uow: SqlUnitOfWorkFactory):
        # A browser page may open the socket from this API's own site or from a CORS_ORIGINS origin (Strawberry
        # refuses every other Origin at the handshake, 403: cross-site WebSocket hijacking)
        super().__init__(served(settings.fast_paths), graphql_ide="graphiql" if settings.graphiql else None,
                         allow_queries_via_get=settings.graphql_get,
                         subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
                         allowed_origins=settings.cors_origins,
                         connection_init_wait_timeout=timedelta(seconds=settings.ws_init_timeout_seconds))
        self.socket_limits = SocketLimits(settings.ws_max_sockets, settings.ws_max_sockets_per_caller,
                                          settings.ws_max_subscriptions_per_caller)
        self.settings, self.uow = settings, uow
        self.tokens = Tokens(settings.secret_key, timedelta(hours=settings.max_token_hours))
        self.limits = Limits(settings.max_depth, settings.max_aliases, settings.max_cost)
        self.fast_paths = settings.fast_paths
        self.fast_executor = settings.fast_paths and settings.fast_executor
        self.compile_after = settings.compile_after if settings.fast_paths and settings.compiled_plans else None
        self.policies = Policies(settings.claim_policy, settings.appeal_policy, settings.coupon_policy,
                                 settings.webhook_policy, DnsResolver(),
                                 settings.link_signer)  # immutable: made once, not per request

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        """A safety net: an error that reached here without a code (a syntax error from the parser cache) gets one."""
        response = await super().process_result(request, result)
        errors: list[dict[str, Any]] = cast(list[dict[str, Any]], response.get("errors") or [])
        for error in errors:
            extensions = error.setdefault("extensions", {})
            if not extensions.get("code"):
                syntax = str(error.get("message", "")).startswith("Syntax Error")
                extensions["code"] = (TopLevelCode.GRAPHQL_PARSE_FAILED if syntax else TopLevelCode.BAD_REQUEST).value
        if errors and response.get("data") is None and all("path" not in e for e in errors):
            response.pop("data", None)  # a request error: nothing was executed, so there is no data entry
            record_request_error(request.scope, errors[0]["extensions"]["code"])
        return response

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        """Our own GraphiQL page, whose scripts are served from /graphiql/ rather than a CDN."""
        return graphiql_response(DEV_TOKENS if self.settings.app_env == "dev" else None)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def clock(self, request: Request | WebSocket) -> Clock:
        """G3: the system clock; with APP_ENV=test an ``X-Now`` header fixes "now" for this request."""
        header = request.headers.get("x-now")
        if not header or not self.settings.is_test:
            return SYSTEM_CLOCK
        try:
            return FixedClock(datetime.fromisoformat(header))
        except (ValueError, DomainError):
            raise HTTPException(400, "X-Now must be an ISO 8601 instant with an offset") from None

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        settings = self.settings
        actor, problem = caller(request, self.tokens)
        claim = getattr(request.state, "idempotency", None)
        execution = Execution(self.limits, settings.is_prod, settings.introspection, is_unavailable, self.fast_paths,
                              self.fast_executor, self.compile_after, is_trusted(request.scope), self.throttle)
        return Context(uow=self.uow.with_idempotency(claim), clock=self.clock(request),
                       caller=Caller(actor, problem, negotiate(request.headers.get("accept-language")),
                                     request_id(request.scope)),
                       policies=self.policies, execution=execution, request=request, response=response,
                       feed=self.feed, export_jobs=self.export_jobs)


def health_routes(database: Database, blobs: LocalBlobStore) -> list[Route]:
    """GET /health/live (the process answers) and /health/ready (= /health: the database, its migration, uploads)."""
    migrations_head = head()

    async def live(_request: Request) -> JSONResponse:
        """The process answers (a load balancer restarts it when this stops)."""
        return JSONResponse({"status": "ok"})

    async def ready(_request: Request) -> JSONResponse:
        """The database answers and is at this code's migration, and the upload store takes a file (a load
        balancer sends traffic only while this is 200)."""
        report = {"status": "ok", "database": "ok", "migrations": "ok", "uploads": "ok"}
        gone = database.file_problem()
        if gone is not None:
            log.warning("health check failed: database: %s", gone)
            report["database"] = gone
        try:
            at = await asyncio.wait_for(database.revision(), timeout=2)
            if at != migrations_head:
                report["migrations"] = f"at {at or 'none'}, expected {migrations_head}"
        except Exception as error:  # noqa: BLE001  (any failure means unhealthy)
            log.warning("health check failed: database: %s", error)
            report["database"], report["migrations"] = "unreachable", "unknown"
        try:
            await blobs.check_writable()
        except OSError as error:
            log.warning("health check failed: uploads: %s", error)
            report["uploads"] = "not writable"
        if any(report[part] != "ok" for part in ("database", "migrations", "uploads")):
            return JSONResponse({**report, "status": "unavailable"}, status_code=503)
        return JSONResponse(report)

    return [Route("/health", ready, methods=["GET"]), Route("/health/ready", ready, methods=["GET"]),
            Route("/health/live", live, methods=["GET"])]


def throttle_store(settings: Settings, database: Database) -> Throttle | None:
    """H1: where the callers' buckets live — Redis when REDIS_URL is set, else PostgreSQL's table, or this process
    on SQLite (one server); None with THROTTLE_MAX_COST=0."""
    rule = ThrottleRule(settings.throttle_max_cost, settings.throttle_restore_rate)
    if not rule.enabled:
        return None
    if settings.redis_url:
        return RedisThrottle(settings.redis_url, rule)
    if is_sqlite(database.url):
        return MemoryThrottle(rule)
    return PostgresThrottle(database.url, rule)


def background(settings: Settings, database: Database, uow: SqlUnitOfWorkFactory, feed: SqlEventFeed,
               throttle: Throttle | None = None, export_jobs: ExportJobs | None = None):
    """The app's lifespan: migrations, the deadlines' timer, the live feed, the webhook worker, a graceful stop."""

    async def fire_deadlines() -> None:
        """E7: every DEADLINE_INTERVAL_SECONDS, the deadline events due now (each fires once, ever, whichever of
        the server's processes gets there first). A failure is logged and tried again at the next interval."""
        while True:
            await asyncio.sleep(settings.deadline_interval_seconds)
            try:
                emitted = await process_deadlines(uow(), SYSTEM, SYSTEM_CLOCK)
                if emitted:
                    log.info("deadlines: %d events emitted", emitted)
            except Exception:  # noqa: BLE001  (the task outlives a database hiccup)
                log.exception("deadlines: failed; trying again in %d s", settings.deadline_interval_seconds)

    async def end_interrupted_exports() -> None:
        """H5: at start and then every half lease, the export jobs a stopped process left RUNNING end FAILED."""
        while True:
            try:
                ended = await end_interrupted(uow, SYSTEM_CLOCK.now())
                if ended:
                    log.warning("exports: %d interrupted job(s) ended FAILED", ended)
            except Exception:  # noqa: BLE001  (the sweep outlives a database hiccup)
                log.exception("exports: the sweep of interrupted jobs failed; trying again")
            await asyncio.sleep(LEASE.total_seconds() / 2)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette):
        if settings.migrate_on_start:
            await asyncio.to_thread(upgrade, database.url)
        gc.collect()
        gc.freeze()  # what start-up built stays out of every later collection: a shorter p99
        gc.set_threshold(*GC_THRESHOLDS)
        task = asyncio.create_task(fire_deadlines()) if settings.deadline_interval_seconds else None
        sweeping = asyncio.create_task(end_interrupted_exports())
        await feed.start()
        bodies = SchemaPayloadQueries(served(settings.fast_paths), Limits(settings.max_depth, settings.max_aliases,
                                                                          settings.max_cost),
                                      uow, SYSTEM_CLOCK, settings.fast_paths)  # E10, as the served requests run
        worker = DeliveryWorker(uow, settings.webhook_policy, SYSTEM_CLOCK, settings.webhook_poll_seconds,
                                queries=bodies)
        database.deliveries_committed.append(worker.wake.set)
        worker.start()
        restore_sigterm = shutdown.before_sigterm(TransportWS.close_all, grace=5)
        yield
        restore_sigterm()
        database.deliveries_committed.remove(worker.wake.set)
        await worker.stop()
        await feed.stop()
        sweeping.cancel()
        if export_jobs is not None:
            await export_jobs.stop()
        if isinstance(throttle, (RedisThrottle, PostgresThrottle)):
            await throttle.close()
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await database.dispose()
        metrics.process_exited()

    return lifespan


def create_app(settings: Settings | None = None, tracer_provider: TracerProvider | None = None) -> Starlette:
    """``tracer_provider``: where traces go (a test's in-memory exporter); by default the OTEL_* variables say."""
    settings = settings or Settings.from_env()
    logs.configure(settings.log_format)
    database = Database(settings.database_url, fast_reads=settings.fast_paths)
    if is_sqlite(database.url) and database.engine.url.database not in (None, "", ":memory:"):
        Path(database.engine.url.database).parent.mkdir(parents=True, exist_ok=True)

    uow = SqlUnitOfWorkFactory(database)
    graphql = GraphQLApp(settings, uow)
    graphql.throttle = throttle = throttle_store(settings, database)
    graphql.export_jobs = export_jobs = ExportJobs(uow, settings.upload_dir / "exports", SYSTEM_CLOCK)
    graphql.feed = feed = SqlEventFeed(database, settings.subscriber_queue)
    blobs = LocalBlobStore(settings.upload_dir)
    idempotent = Idempotency(graphql, SqlIdempotencyStore(database), graphql.tokens, graphql.clock,
                             timedelta(hours=settings.idempotency_ttl_hours))
    documents = load_manifest(settings.trusted_documents_manifest)
    graphql.trusted_texts = frozenset(documents.values()) if settings.trusted_documents_only else None
    if settings.trusted_documents_only and not documents:
        raise ValueError(f"TRUSTED_DOCUMENTS_ONLY=true but {settings.trusted_documents_manifest} holds no documents")
    operations = frozenset(name for name in (operation_name(text) for text in documents.values()) if name)

    def record(facts: dict) -> None:
        if facts["path"] == "/graphql":
            metrics.observe(metrics.operation_label(facts["operation"], operations), str(facts["outcome"]),
                            facts["duration_ms"] / 1000, facts["cost"])

    async def refresh_gauges() -> None:
        pool = database.engine.sync_engine.pool
        metrics.POOL_IN_USE.set(getattr(pool, "checkedout", lambda: 0)())
        metrics.POOL_WAITING.set(metrics.pool_waiting(pool))
        metrics.SUBSCRIBERS.set(len(feed.subscribers))
        async with uow(write=False) as reader:
            metrics.WEBHOOK_QUEUE.set(await reader.webhooks.pending_count())

    observers = (logs.access, record) if settings.metrics else (logs.access,)
    tracer_provider = tracer_provider or tracing.provider_from_environment()
    tracing_middleware = tracing.traced(tracer_provider, database.engine, graphql.schema) if tracer_provider else []
    endpoint = TrustedDocuments(GraphQLOverHTTP(idempotent, settings.max_body_bytes), documents,
                                settings.trusted_documents_only,
                                SqlPersistedQueries(database, settings.apq_max_documents, settings.apq_per_caller))
    app = Starlette(
        routes=[
            Route("/graphql", endpoint, methods=["GET", "POST"], max_body_size=settings.max_body_bytes),
            WebSocketRoute("/graphql", graphql),
            *health_routes(database, blobs),
            *([graphiql_assets()] if settings.graphiql else []),
            *([metrics.metrics_route(settings.metrics_token, refresh_gauges)] if settings.metrics else []),
            *upload_routes(graphql.tokens, uow, blobs, graphql.clock, settings.upload_policy,
                           graphql.policies.links, throttle),
            *export_routes(graphql.tokens, uow, graphql.clock, ExportLimits(
                settings.export_max_concurrent, settings.export_max_per_caller, settings.export_send_timeout_seconds),
                throttle),
            *export_job_routes(graphql.tokens, uow, export_jobs, graphql.policies.links, graphql.clock),
            *([dev_token_route(settings.secret_key, uow)] if settings.app_env == "dev" and settings.graphiql else []),
        ],
        lifespan=background(settings, database, uow, feed, throttle, export_jobs),
        middleware=[*tracing_middleware, Middleware(RequestIds, observers=observers),
                    Middleware(SecurityHeaders, hsts=settings.is_prod), Middleware(LanguageHeaders),
                    *cors(settings.cors_origins), Middleware(Authentication, tokens=graphql.tokens)],
    )
    app.state.settings, app.state.database, app.state.graphql = settings, database, graphql
    return app


app = create_app()
