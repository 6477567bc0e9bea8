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
from domain.events.ports import EventFeed
from domain.shared.actor import Actor
from domain.shared.clock import Clock
from domain.shared.errors import Unauthenticated
from domain.shared.uow import UnitOfWorkFactory
from domain.webhooks.ports import AddressResolver, LiteralAddresses
from domain.webhooks.services import WebhookPolicy
from schema.execution.loaders import FastLoaders
from schema.limits import Limits
from schema.loaders import Loaders


@dataclass
class Context:
    uow: UnitOfWorkFactory
    clock: Clock
    claim_policy: ClaimPolicy = field(default_factory=ClaimPolicy)
    appeal_policy: AppealPolicy = field(default_factory=AppealPolicy)
    coupon_policy: CouponPolicy = field(default_factory=CouponPolicy)
    actor_or_none: Actor | None = None
    auth_problem: str | None = None
    request: Any = None
    response: Any = None
    production: bool = False
    introspection: bool = True
    limits: Limits = field(default_factory=Limits)
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    is_unavailable: Callable[[BaseException], bool] = lambda _error: False
    fast_paths: bool = True  # FAST_PATHS: the loaders' extras (schema/execution/loaders.py); off, stock DataLoaders
    fast_executor: bool = True  # FAST_EXECUTOR: schema/execution/executor.py's shortcuts (off: graphql-core's walk)
    compile_after: int | None = None  # COMPILE_AFTER: compile a document's plan on its n-th run (None: never)
    trusted_document: bool = False  # the request's document is in operations/ (compiled on its first run)
    webhook_policy: WebhookPolicy = field(default_factory=WebhookPolicy)
    resolver: AddressResolver = field(default_factory=LiteralAddresses)  # the server's: DNS (web/webhooks.py)
    locale: str = "en"  # F6: the language of messages (Accept-Language)
    feed: EventFeed | None = None  # E4's live events (the server's; None where nothing subscribes)
    connection_params: dict[str, Any] | None = None  # a WebSocket's connection_init payload
    fell_behind: str | None = None  # a subscription ended by FellBehind: the cursor to resume from
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.renew_loaders()

    def renew_loaders(self) -> None:
        self.loaders = FastLoaders(self.uow) if self.fast_paths else Loaders(self.uow)

    @property
    def actor(self) -> Actor:
        """The authenticated actor; the authentication gate guarantees one outside introspection."""
        return self.require_authenticated()

    def require_authenticated(self) -> Actor:
        """For fields any authenticated caller may read: UNAUTHENTICATED for anyone else."""
        if self.actor_or_none is None:
            raise Unauthenticated(self.auth_problem or "authentication required")
        return self.actor_or_none


Info = StrawberryInfo[Context, None]
