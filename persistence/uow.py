"""The unit of work: one session, one transaction, an explicit commit. Repositories never commit."""

from __future__ import annotations

from persistence.annotations.repository import SqlAnnotationRepository
from persistence.appeals.repository import SqlAppealRepository, SqlCalendarRepository
from persistence.catalog.repository import SqlProductRepository
from persistence.claims.repository import SqlClaimRepository
from persistence.coupons.repository import SqlCouponRepository
from persistence.db import Database
from persistence.orders.repository import SqlOrderRepository
from persistence.reviews.repository import SqlReviewRepository
from persistence.shared.audit import SqlAuditLog
from persistence.shops.repository import SqlAccountRepository, SqlShopRepository
from persistence.uploads.repository import SqlUploadRepository


class SqlUnitOfWork:
    def __init__(self, database: Database, write: bool = True):
        self._sessions = database.write_sessions if write else database.read_sessions
        self.session = None

    async def __aenter__(self) -> SqlUnitOfWork:
        if self.session is not None:
            raise RuntimeError("a unit of work is not entered twice at once")
        self.session = session = self._sessions()
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
        self.annotations = SqlAnnotationRepository(session)
        self.audit = SqlAuditLog(session)
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            await self.session.rollback()  # nothing left after a commit; everything when it raised
        finally:
            await self.session.close()
            self.session = None  # may be entered again (a retried transaction)

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()


class SqlUnitOfWorkFactory:
    def __init__(self, database: Database):
        self.database = database

    def __call__(self, *, write: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.database, write)
