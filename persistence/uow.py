"""The unit of work: one session, one transaction, an explicit commit. Repositories never commit."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.shared.errors import DomainError, ErrorCode
from domain.shared.idempotency import IdempotencyClaim, IdempotencyTaken
from domain.shared.uow import UnitOfWork
from persistence.annotations.repository import SqlAnnotationRepository
from persistence.appeals.repository import SqlAppealRepository, SqlCalendarRepository
from persistence.appeals.scores import SqlScoreRepository
from persistence.catalog.repository import SqlProductRepository
from persistence.claims.repository import SqlClaimRepository
from persistence.coupons.campaigns import SqlCampaignRepository, SqlInvoiceRepository
from persistence.coupons.repository import SqlCouponRepository
from persistence.db import Database
from persistence.events.deadlines import SqlDeadlineRepository
from persistence.events.repository import SqlEventLog
from persistence.exports.repository import SqlExportJobRepository
from persistence.idempotency.store import IdempotencyRow
from persistence.orders.repository import SqlOrderRepository
from persistence.reports.repository import SqlReportRepository
from persistence.reviews.repository import SqlReviewRepository
from persistence.shared.errors import unique_violation_as
from persistence.shops.repository import SqlAccountRepository, SqlShopRepository
from persistence.uploads.repository import SqlUploadRepository
from persistence.violations.repository import SqlViolationRepository
from persistence.webhooks.repository import SqlWebhookRepository


class SqlUnitOfWork(UnitOfWork):
    """The ``UnitOfWork`` port on one SQLAlchemy session. It subclasses the port, so its repositories are typed as
    the ports the services see."""

    def __init__(self, database: Database, write: bool = True, idempotency: IdempotencyClaim | None = None,
                 transaction: bool = True):
        if write and not transaction:
            raise ValueError("a writing unit of work is one transaction")
        self._database = database
        self._sessions = (database.write_sessions if write else
                          database.read_sessions if transaction else database.statement_sessions)
        self._session: AsyncSession | None = None
        self.idempotency = idempotency

    @property
    def session(self) -> AsyncSession:
        """The transaction's session, while the unit of work is entered."""
        if self._session is None:
            raise RuntimeError("the unit of work is used outside `async with`")
        return self._session

    async def __aenter__(self) -> SqlUnitOfWork:
        if self._session is not None:
            raise RuntimeError("a unit of work is not entered twice at once")
        self._session = session = self._sessions()
        self.shops = SqlShopRepository(session)
        self.accounts = SqlAccountRepository(session)
        self.products = SqlProductRepository(session)
        self.orders = SqlOrderRepository(session)
        self.reviews = SqlReviewRepository(session)
        self.uploads = SqlUploadRepository(session)
        self.claims = SqlClaimRepository(session)
        self.appeals = SqlAppealRepository(session)
        self.calendar = SqlCalendarRepository(session)
        self.coupons = SqlCouponRepository(session)
        self.campaigns = SqlCampaignRepository(session)
        self.invoices = SqlInvoiceRepository(session)
        self.annotations = SqlAnnotationRepository(session)
        self.events = self._events = SqlEventLog(session)
        self.deadlines = SqlDeadlineRepository(session)
        self.webhooks = SqlWebhookRepository(session)
        self.reports = SqlReportRepository(session)
        self.scores = SqlScoreRepository(session)
        self.violations = SqlViolationRepository(session)
        self.exports = SqlExportJobRepository(session)
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            await self.session.rollback()  # nothing left after a commit; everything when it raised
        finally:
            await self.session.close()
            self._session = None  # may be entered again (a retried transaction)

    async def commit(self) -> None:
        # E1: in this transaction, just before it commits (ids in commit order)
        wrote, deliveries = await self._events.flush()
        claim = self.idempotency
        if claim is not None and not claim.recorded:
            try:
                async with unique_violation_as(IdempotencyTaken()):
                    self.session.add(IdempotencyRow(scope_key=claim.scope_key, request_hash=claim.request_hash,
                                                    status="PENDING", created_at=datetime.now(UTC),
                                                    expires_at=claim.expires_at))
                    await self.session.flush()
            except IdempotencyTaken:
                claim.taken = True
                raise DomainError("another request with this Idempotency-Key was processed first",
                                  None, ErrorCode.IDEMPOTENCY_CONFLICT) from None
        await self.session.commit()
        if claim is not None:
            claim.recorded = True
        if wrote:
            for wake in self._database.events_committed:  # this process's live feed (E4)
                wake()
        if deliveries or self.webhooks.made_due:
            for wake in self._database.deliveries_committed:  # this process's webhook worker (E5)
                wake()

    async def rollback(self) -> None:
        await self.session.rollback()


class SqlUnitOfWorkFactory:
    def __init__(self, database: Database, idempotency: IdempotencyClaim | None = None):
        self.database = database
        self.idempotency = idempotency

    def __call__(self, *, write: bool = True, transaction: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.database, write, self.idempotency if write else None, transaction)

    def with_idempotency(self, claim: IdempotencyClaim | None) -> SqlUnitOfWorkFactory:
        return SqlUnitOfWorkFactory(self.database, claim) if claim is not None else self
