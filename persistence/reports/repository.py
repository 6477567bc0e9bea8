"""F4 in SQL: every figure is a COUNT, SUM or GROUP BY the database computes; the median is the middle row(s) of an
ORDER BY … LIMIT/OFFSET, which both databases run the same way; ``perDay`` groups by the Asia/Shanghai date (a fixed
UTC+8 since 1991: ``date(t, '+8 hours')`` on SQLite, ``date_bin`` from a Shanghai midnight on PostgreSQL)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Float, cast, func, literal, literal_column, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from domain.appeals.model import AppealStatus
from domain.claims.model import RulingOutcome
from domain.coupons.model import CouponStatus
from domain.reports.model import Day, GovernanceReport
from domain.shared.clock import SHANGHAI
from domain.shared.money import Money
from domain.shops.model import LedgerEntryKind
from persistence.appeals.tables import AppealRow
from persistence.claims.tables import ClaimRow
from persistence.coupons.tables import CouponRow, OrderCouponRow
from persistence.orders.tables import OrderRow
from persistence.shared.tables import table
from persistence.shops.tables import LedgerEntryRow
from persistence.violations.tables import ViolationRow

ORDERS, CLAIMS, LEDGER, APPEALS = table(OrderRow), table(ClaimRow), table(LedgerEntryRow), table(AppealRow)
# a reversal counts against what it reverses: refunds and penalties are net of reversals in the period they happened
REVERSED = LEDGER.alias("reversed")
SHANGHAI_ORIGIN = literal(datetime(2000, 1, 1, tzinfo=SHANGHAI))
PAID_KINDS = (LedgerEntryKind.CLAIM_REFUND.value, LedgerEntryKind.CLAIM_PENALTY.value)
COUPONS, ORDER_COUPONS = table(CouponRow), table(OrderCouponRow)
VIOLATIONS = table(ViolationRow)


class SqlReportRepository:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.postgresql = session.get_bind().dialect.name == "postgresql"

    def _shanghai_date(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        if self.postgresql:  # the instant of the Shanghai midnight that starts its day: cheaper than timezone()
            return func.date_bin(literal_column("INTERVAL '1 day'"), column, SHANGHAI_ORIGIN)
        return func.date(column, "+8 hours")

    def _hours(self, later: ColumnElement[Any], earlier: ColumnElement[Any]) -> ColumnElement[Any]:
        if self.postgresql:
            return func.extract("epoch", later - earlier) / 3600.0
        return (func.julianday(later) - func.julianday(earlier)) * 24.0

    async def governance(self, shop_id: int | None, start: datetime, end: datetime,
                         now: datetime) -> GovernanceReport:
        def of_shop(column: ColumnElement[Any]) -> list[ColumnElement[bool]]:
            return [column == shop_id] if shop_id is not None else []

        submitted = [CLAIMS.c.submitted_at >= start, CLAIMS.c.submitted_at < end, *of_shop(CLAIMS.c.shop_id)]
        by_status: Counter[str] = Counter()
        per_day: Counter[date] = Counter()
        escalated = rulings = buyer_wins = 0
        claim_day = self._shanghai_date(CLAIMS.c.submitted_at).label("day")
        for day, status, count, was_escalated, ruled, won in (await self.session.execute(  # one pass over claims
                select(claim_day, CLAIMS.c.status, func.count(), func.count(CLAIMS.c.escalated_at),
                       func.count(CLAIMS.c.ruling_outcome),
                       func.count().filter(CLAIMS.c.ruling_outcome == RulingOutcome.BUYER_WINS.value))
                .where(*submitted).group_by(claim_day, CLAIMS.c.status))).all():
            by_status[status] += count
            per_day[_day(day)] += count
            escalated, rulings, buyer_wins = escalated + was_escalated, rulings + ruled, buyer_wins + won
        median = await self._median_response_hours(submitted)
        paid = [LEDGER.c.created_at >= start, LEDGER.c.created_at < end, *of_shop(LEDGER.c.shop_id)]
        days = await self._days(start, end, per_day, paid)  # the period's money is the sum of its days
        filed = [APPEALS.c.submitted_at >= start, APPEALS.c.submitted_at < end, *of_shop(APPEALS.c.shop_id)]
        late = (APPEALS.c.decided_at > APPEALS.c.due_at) | (APPEALS.c.decided_at.is_(None) & (APPEALS.c.due_at < now))
        coupons_used = (select(func.count().label("n"), func.coalesce(func.sum(ORDER_COUPONS.c.amount_fen), 0)
                               .label("fen"))
                        .select_from(ORDER_COUPONS.join(COUPONS, COUPONS.c.id == ORDER_COUPONS.c.coupon_id)
                                     .join(ORDERS, ORDERS.c.id == ORDER_COUPONS.c.order_id))
                        .where(COUPONS.c.status == CouponStatus.USED.value,
                               COUPONS.c.order_id == ORDER_COUPONS.c.order_id,
                               COUPONS.c.used_at >= start, COUPONS.c.used_at < end, *of_shop(ORDERS.c.shop_id))
                        .subquery())
        # the remaining counts in one round trip: each a scalar subquery over its own index
        delivered_in_period = [ORDERS.c.signed_at >= start, ORDERS.c.signed_at < end, *of_shop(ORDERS.c.shop_id)]
        first_claims = CLAIMS.alias("first_claims")
        delivered, counted, appeals_filed, approved, overdue, used, discount = (await self.session.execute(select(
            select(func.count()).select_from(ORDERS).where(*delivered_in_period).scalar_subquery(),
            select(func.count()).select_from(ORDERS.join(first_claims, first_claims.c.id == ORDERS.c.first_claim_id))
            .where(*delivered_in_period, first_claims.c.counts_toward_return_rate.is_(True)).scalar_subquery(),
            select(func.count()).select_from(APPEALS).where(*filed).scalar_subquery(),
            select(func.count()).select_from(APPEALS).where(*filed, APPEALS.c.status == AppealStatus.APPROVED.value)
            .scalar_subquery(),
            select(func.count()).select_from(APPEALS).where(
                APPEALS.c.due_at >= start, APPEALS.c.due_at < end, *of_shop(APPEALS.c.shop_id), late)
            .scalar_subquery(),
            select(coupons_used.c.n).scalar_subquery(), select(coupons_used.c.fen).scalar_subquery()))).one()
        return GovernanceReport(
            start=start, end=end, shop_id=shop_id, orders_delivered=delivered,
            claims_submitted=sum(by_status.values()), claims_by_status=dict(by_status), claims_escalated=escalated,
            rulings=rulings, buyer_wins=buyer_wins, median_response_hours=median,
            refunds_paid=Money(sum(d.refunds_paid.fen for d in days)),
            penalties_paid=Money(sum(d.penalties_paid.fen for d in days)),
            appeals_filed=appeals_filed, appeals_approved=approved, appeals_overdue=overdue,
            coupons_used=used, coupon_discount=Money(int(discount)),
            days=days, orders_counted=counted, violations_recorded=await self._violations(start, end, shop_id))

    async def _violations(self, start: datetime, end: datetime, shop_id: int | None) -> dict[str, int]:
        """F4: violations recorded in the period, by kind (ix_violations_shop_recorded / ix_violations_recorded)."""
        query = select(VIOLATIONS.c.kind, func.count()).where(VIOLATIONS.c.recorded_at >= start,
                                                              VIOLATIONS.c.recorded_at < end)
        if shop_id is not None:
            query = query.where(VIOLATIONS.c.shop_id == shop_id)
        return dict((await self.session.execute(query.group_by(VIOLATIONS.c.kind))).all())

    async def _median_response_hours(self, submitted: list[ColumnElement[bool]]) -> float | None:
        """From submission to the merchant's first answer (accepted or rejected), over the claims that got one."""
        hours = cast(self._hours(CLAIMS.c.answered_at, CLAIMS.c.submitted_at), Float).label("hours")
        # the middle one or two of the ordered hours, found in one statement by their rank among the count
        ranked = select(hours, func.row_number().over(order_by=hours).label("rank"), func.count().over().label("n")) \
            .where(*submitted, CLAIMS.c.answered_at.is_not(None)).subquery()
        values = list((await self.session.execute(select(ranked.c.hours).where(
            ranked.c.rank.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2])))).scalars().all())
        return round(sum(values) / len(values), 4) if values else None

    async def _days(self, start: datetime, end: datetime, claims: Counter[date],
                    paid: list[ColumnElement[bool]]) -> list[Day]:
        ledger_day = self._shanghai_date(LEDGER.c.created_at).label("day")
        money: dict[date, dict[str, int]] = {}
        paid_entries = (select(ledger_day, LEDGER.c.kind, func.sum(LEDGER.c.amount_fen))
                        .where(*paid, LEDGER.c.kind.in_(PAID_KINDS)).group_by(ledger_day, LEDGER.c.kind))
        reversals = (select(ledger_day, REVERSED.c.kind, func.sum(LEDGER.c.amount_fen))
                     .select_from(LEDGER.join(REVERSED, REVERSED.c.id == LEDGER.c.reverses_id))
                     .where(*paid, LEDGER.c.kind == LedgerEntryKind.REVERSAL.value, REVERSED.c.kind.in_(PAID_KINDS))
                     .group_by(ledger_day, REVERSED.c.kind))
        for d, kind, total in (await self.session.execute(union_all(paid_entries, reversals))).all():
            day = money.setdefault(_day(d), {})
            day[kind] = day.get(kind, 0) - int(total)
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
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).date()
    return value if isinstance(value, date) else date.fromisoformat(str(value))



