"""F4 in SQL: every figure is a COUNT, SUM or GROUP BY the database computes; the median is the middle row(s) of an
ORDER BY … LIMIT/OFFSET, which both databases run the same way; ``perDay`` groups by the Asia/Shanghai date (a fixed
UTC+8 since 1991: ``date(t, '+8 hours')`` on SQLite, ``timezone('Asia/Shanghai', t)::date`` on PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, Float, String, and_, case, cast, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from domain.appeals.model import AppealStatus
from domain.claims.model import RulingOutcome
from domain.coupons.model import CouponStatus
from domain.events.model import EventType
from domain.reports.model import Day, GovernanceReport
from domain.shared.clock import SHANGHAI
from domain.shared.money import Money
from domain.shops.model import LedgerEntryKind
from persistence.appeals.tables import AppealRow
from persistence.claims.tables import ClaimRow
from persistence.coupons.tables import CouponRow, OrderCouponRow
from persistence.events.tables import EventRow
from persistence.orders.tables import OrderRow
from persistence.shared.tables import table
from persistence.shops.tables import LedgerEntryRow

ORDERS, CLAIMS, LEDGER, APPEALS = table(OrderRow), table(ClaimRow), table(LedgerEntryRow), table(AppealRow)
REVERSED = LEDGER.alias("reversed")
# a reversal counts against what it reverses: refunds and penalties are net of reversals in the period they happened
KIND = case((LEDGER.c.kind == LedgerEntryKind.REVERSAL.value, REVERSED.c.kind), else_=LEDGER.c.kind)
PAID_KINDS = (LedgerEntryKind.CLAIM_REFUND.value, LedgerEntryKind.CLAIM_PENALTY.value)
LEDGER_WITH_REVERSED = LEDGER.outerjoin(REVERSED, REVERSED.c.id == LEDGER.c.reverses_id)
EVENTS, COUPONS, ORDER_COUPONS = table(EventRow), table(CouponRow), table(OrderCouponRow)
ANSWERS = (EventType.CLAIM_ACCEPTED.value, EventType.CLAIM_REJECTED.value)


class SqlReportRepository:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.postgresql = session.get_bind().dialect.name == "postgresql"

    def _shanghai_date(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        if self.postgresql:
            return cast(func.timezone("Asia/Shanghai", column), Date)
        return func.date(column, "+8 hours")

    def _hours(self, later: ColumnElement[Any], earlier: ColumnElement[Any]) -> ColumnElement[Any]:
        if self.postgresql:
            return func.extract("epoch", later - earlier) / 3600.0
        return (func.julianday(later) - func.julianday(earlier)) * 24.0

    async def _scalar(self, statement: Any) -> Any:
        return (await self.session.execute(statement)).scalar_one()

    async def governance(self, shop_id: int | None, start: datetime, end: datetime,
                         now: datetime) -> GovernanceReport:
        def of_shop(column: ColumnElement[Any]) -> list[ColumnElement[bool]]:
            return [column == shop_id] if shop_id is not None else []

        submitted = [CLAIMS.c.submitted_at >= start, CLAIMS.c.submitted_at < end, *of_shop(CLAIMS.c.shop_id)]
        delivered = await self._scalar(select(func.count()).select_from(ORDERS).where(
            ORDERS.c.signed_at >= start, ORDERS.c.signed_at < end, *of_shop(ORDERS.c.shop_id)))
        claim_events = and_(EVENTS.c.subject_type == "Claim",
                            EVENTS.c.subject_key == cast(CLAIMS.c.id, String))
        escalated = exists().where(claim_events, EVENTS.c.type == EventType.CLAIM_ESCALATED.value)
        by_status: dict[str, int] = {}
        escalated_count = rulings = buyer_wins = 0
        for status, count, was_escalated, ruled, won in (await self.session.execute(  # one pass over the claims
                select(CLAIMS.c.status, func.count(), func.count().filter(escalated),
                       func.count().filter(CLAIMS.c.ruling_outcome.is_not(None)),
                       func.count().filter(CLAIMS.c.ruling_outcome == RulingOutcome.BUYER_WINS.value))
                .where(*submitted).group_by(CLAIMS.c.status))).all():
            by_status[status] = count
            escalated_count, rulings, buyer_wins = escalated_count + was_escalated, rulings + ruled, buyer_wins + won
        median = await self._median_response_hours(submitted, claim_events)
        paid = [LEDGER.c.created_at >= start, LEDGER.c.created_at < end, *of_shop(LEDGER.c.shop_id)]
        days = await self._days(start, end, submitted, paid)  # the period's money is the sum of its days
        filed = [APPEALS.c.submitted_at >= start, APPEALS.c.submitted_at < end, *of_shop(APPEALS.c.shop_id)]
        appeals_filed = await self._scalar(select(func.count()).select_from(APPEALS).where(*filed))
        approved = await self._scalar(select(func.count()).select_from(APPEALS).where(
            *filed, APPEALS.c.status == AppealStatus.APPROVED.value))
        overdue = await self._scalar(select(func.count()).select_from(APPEALS).where(
            APPEALS.c.due_at >= start, APPEALS.c.due_at < end, *of_shop(APPEALS.c.shop_id),
            (APPEALS.c.decided_at > APPEALS.c.due_at) | (APPEALS.c.decided_at.is_(None) & (APPEALS.c.due_at < now))))
        used, discount = (await self.session.execute(
            select(func.count(), func.coalesce(func.sum(ORDER_COUPONS.c.amount_fen), 0))
            .select_from(ORDER_COUPONS.join(COUPONS, COUPONS.c.id == ORDER_COUPONS.c.coupon_id)
                         .join(ORDERS, ORDERS.c.id == ORDER_COUPONS.c.order_id))
            .where(COUPONS.c.status == CouponStatus.USED.value, COUPONS.c.order_id == ORDER_COUPONS.c.order_id,
                   COUPONS.c.used_at >= start, COUPONS.c.used_at < end, *of_shop(ORDERS.c.shop_id)))).one()
        return GovernanceReport(
            start=start, end=end, shop_id=shop_id, orders_delivered=delivered,
            claims_submitted=sum(by_status.values()), claims_by_status=by_status, claims_escalated=escalated_count,
            rulings=rulings, buyer_wins=buyer_wins, median_response_hours=median,
            refunds_paid=Money(sum(d.refunds_paid.fen for d in days)),
            penalties_paid=Money(sum(d.penalties_paid.fen for d in days)),
            appeals_filed=appeals_filed, appeals_approved=approved, appeals_overdue=overdue,
            coupons_used=used, coupon_discount=Money(int(discount)),
            days=days)

    async def _median_response_hours(self, submitted: list[ColumnElement[bool]],
                                     claim_events: ColumnElement[bool]) -> float | None:
        """From submission to the merchant's first answer (accepted or rejected), over the claims that got one."""
        answered = (select(func.min(EVENTS.c.occurred_at)).where(claim_events, EVENTS.c.type.in_(ANSWERS))
                    .correlate(CLAIMS).scalar_subquery())
        hours = cast(self._hours(answered, CLAIMS.c.submitted_at), Float).label("hours")
        rows = select(hours).where(*submitted, answered.is_not(None))
        count = await self._scalar(select(func.count()).select_from(rows.subquery()))
        if not count:
            return None
        middle = rows.order_by(hours).offset((count - 1) // 2).limit(2 - count % 2)
        values = list((await self.session.execute(middle)).scalars().all())
        return round(sum(values) / len(values), 4)

    async def _days(self, start: datetime, end: datetime, submitted: list[ColumnElement[bool]],
                    paid: list[ColumnElement[bool]]) -> list[Day]:
        claim_day = self._shanghai_date(CLAIMS.c.submitted_at).label("day")
        claims = {_day(d): n for d, n in (await self.session.execute(
            select(claim_day, func.count()).where(*submitted).group_by(claim_day))).all()}
        ledger_day = self._shanghai_date(LEDGER.c.created_at).label("day")
        money: dict[date, dict[str, int]] = {}
        for d, kind, total in (await self.session.execute(
                select(ledger_day, KIND, func.sum(LEDGER.c.amount_fen)).select_from(LEDGER_WITH_REVERSED)
                .where(*paid, KIND.in_(PAID_KINDS)).group_by(ledger_day, KIND))).all():
            money.setdefault(_day(d), {})[kind] = -int(total)
        first, last = start.astimezone(SHANGHAI).date(), (end - timedelta(microseconds=1)).astimezone(SHANGHAI).date()
        days = []
        while first <= last:
            paid_that_day = money.get(first, {})
            days.append(Day(first, claims.get(first, 0),
                            Money(paid_that_day.get(LedgerEntryKind.CLAIM_REFUND.value, 0)),
                            Money(paid_that_day.get(LedgerEntryKind.CLAIM_PENALTY.value, 0))))
            first += timedelta(days=1)
        return days


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))



