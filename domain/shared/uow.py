"""The storage port. ``persistence`` implements it; services receive it and commit explicitly."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from domain.annotations.ports import AnnotationRepository
    from domain.appeals.ports import AppealRepository, CalendarRepository, ScoreRepository
    from domain.catalog.ports import ProductRepository
    from domain.claims.ports import ClaimRepository
    from domain.coupons.ports import CampaignRepository, CouponRepository, InvoiceRepository
    from domain.events.ports import DeadlineRepository, EventLog
    from domain.exports.ports import ExportJobRepository
    from domain.orders.ports import OrderRepository
    from domain.reports.ports import ReportRepository
    from domain.reviews.ports import ReviewRepository
    from domain.shops.ports import AccountRepository, ShopRepository
    from domain.uploads.ports import UploadRepository
    from domain.violations.ports import ViolationRepository
    from domain.webhooks.ports import WebhookRepository


T = TypeVar("T")


class UnitOfWork(Protocol):
    """One transaction. ``async with uow:`` rolls back whatever was not committed."""

    shops: ShopRepository
    accounts: AccountRepository
    products: ProductRepository
    orders: OrderRepository
    reviews: ReviewRepository
    uploads: UploadRepository
    claims: ClaimRepository
    appeals: AppealRepository
    calendar: CalendarRepository
    coupons: CouponRepository
    campaigns: CampaignRepository
    invoices: InvoiceRepository
    annotations: AnnotationRepository
    events: EventLog
    deadlines: DeadlineRepository
    webhooks: WebhookRepository
    reports: ReportRepository
    scores: ScoreRepository
    violations: ViolationRepository
    exports: ExportJobRepository

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(self, *exc: object) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, write: bool = True, transaction: bool = True) -> UnitOfWork:
        """``write=False``: a read. ``transaction=False`` (reads only): no transaction around it, each statement on
        its own (a page and its batches, whose statements read at their own snapshots anyway)."""
        ...


async def in_transaction(uow: UnitOfWork, work: Callable[[UnitOfWork], Awaitable[T]], attempts: int = 5) -> T:
    """Run ``work(uow)`` and commit. When a conditional update lost a race, run it again on fresh state: the
    rules are checked anew, so the retry either succeeds (commutative changes such as credits) or fails with
    the proper business error (e.g. the order is no longer awaiting payment). The database, not this loop,
    guarantees that only one of the racers changes anything."""
    from domain.shared.errors import ConcurrentUpdate

    for attempt in range(attempts):
        try:
            async with uow:
                result = await work(uow)
                await uow.commit()
                return result
        except ConcurrentUpdate:
            if attempt == attempts - 1:
                raise
    raise ValueError("attempts must be at least 1")
