"""The typed per-request context: who acts, what time it is, storage, loaders."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from domain.appeals.services import AppealPolicy
from domain.claims.services import ClaimPolicy
from domain.coupons.services import CouponPolicy
from domain.events.model import Event
from domain.events.ports import EventFeed
from domain.exports.ports import ExportRunner
from domain.shared.actor import Actor
from domain.shared.clock import Clock
from domain.shared.errors import Unauthenticated
from domain.shared.links import LinkSigner
from domain.shared.throttle import Throttle, ThrottleStatus
from domain.shared.uow import UnitOfWorkFactory
from domain.webhooks.ports import AddressResolver, LiteralAddresses
from domain.webhooks.services import WebhookPolicy
from schema.execution.loaders import FastLoaders
from schema.limits import Limits, Measure
from schema.loaders import Loaders


@dataclass
class Caller:
    """Who asks: the authenticated actor (None before authentication, or when it failed: ``problem`` says why), in
    which language (F6: Accept-Language), under which request id."""

    actor: Actor | None = None
    problem: str | None = None
    locale: str = "en"
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass(frozen=True)
class Policies:
    """The settings the domain's rules are given (made once per server, shared by every request)."""

    claim: ClaimPolicy = field(default_factory=ClaimPolicy)
    appeal: AppealPolicy = field(default_factory=AppealPolicy)
    coupon: CouponPolicy = field(default_factory=CouponPolicy)
    webhook: WebhookPolicy = field(default_factory=WebhookPolicy)
    resolver: AddressResolver = field(default_factory=LiteralAddresses)  # the server's: DNS (web/webhooks.py)
    links: LinkSigner = field(default_factory=lambda: LinkSigner(b"links of a context built without a server"))


@dataclass(frozen=True)
class Execution:
    """How a document is run: its limits, the production posture, and the fast paths (``schema/execution/``)."""

    limits: Limits = field(default_factory=Limits)
    production: bool = False
    introspection: bool = True
    is_unavailable: Callable[[BaseException], bool] = lambda _error: False
    fast_paths: bool = True  # FAST_PATHS: the loaders' extras (schema/execution/loaders.py); off, stock DataLoaders
    fast_executor: bool = True  # FAST_EXECUTOR: schema/execution/executor.py's shortcuts (off: graphql-core's walk)
    compile_after: int | None = None  # COMPILE_AFTER: compile a document's plan on its n-th run (None: never)
    trusted_document: bool = False  # the request's document is in operations/ (compiled on its first run)
    throttle: Throttle | None = None  # H1: the callers' cost buckets (None: THROTTLE_MAX_COST=0)


@dataclass
class Context:
    """The typed per-request context: storage and time, who asks, the rules' settings, how the document runs, its
    transport (an HTTP request, or a socket with its ``connection_params`` and live feed), and its loaders."""

    uow: UnitOfWorkFactory
    clock: Clock
    caller: Caller = field(default_factory=Caller)
    policies: Policies = field(default_factory=Policies)
    execution: Execution = field(default_factory=Execution)
    request: Any = None
    response: Any = None
    feed: EventFeed | None = None  # E4's live events (the server's; None where nothing subscribes)
    export_jobs: ExportRunner | None = None  # H5: the server's export jobs (None where none run)
    connection_params: dict[str, Any] | None = None  # a WebSocket's connection_init payload
    fell_behind: str | None = None  # a subscription ended by FellBehind: the cursor to resume from
    webhook_event: Event | None = None  # E10: the event a payloadQuery renders (``Subscription.event``)
    cost: Measure | None = None  # the document's measure (``QueryLimits``), which H1's throttle charges
    throttle_status: ThrottleStatus | None = None  # H1: what the bucket said to this request
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.renew_loaders()

    def renew_loaders(self) -> None:
        self.loaders = FastLoaders(self.uow) if self.execution.fast_paths else Loaders(self.uow)

    @property
    def actor(self) -> Actor:
        """The authenticated actor; the authentication gate guarantees one outside introspection."""
        return self.require_authenticated()

    def require_authenticated(self) -> Actor:
        """For fields any authenticated caller may read: UNAUTHENTICATED for anyone else."""
        if self.caller.actor is None:
            problem = self.caller.problem
            raise Unauthenticated(problem) if problem else Unauthenticated("authentication required")
        return self.caller.actor


Info = StrawberryInfo[Context, None]
