"""W6/W8: the wallet filters by effective status in SQL; that SQL and ``Coupon.effective_status`` must agree for
every kind of coupon: each stored status × a lock fresh, stale or absent × new-user or not × window open or ended."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from domain.coupons.model import Coupon, CouponStatus, CouponTemplate, IssuerKind
from domain.shared.listing import Page
from domain.shared.money import Money
from persistence.uow import SqlUnitOfWorkFactory

NOW = datetime(2026, 11, 10, 4, tzinfo=UTC)
TIMEOUT = timedelta(minutes=15)


async def test_the_wallets_sql_status_is_the_domains_effective_status(app):
    uow = SqlUnitOfWorkFactory(app.state.database)
    grid = list(itertools.product(CouponStatus, (None, NOW - timedelta(minutes=5), NOW - timedelta(minutes=30)),
                                  (False, True), (NOW + timedelta(days=1), NOW - timedelta(seconds=1), NOW)))
    async with uow() as writing:
        template = await writing.coupons.add_template(CouponTemplate(
            IssuerKind.PLATFORM, None, "grid", Money(100), len(grid), len(grid), NOW - timedelta(days=5), "ops",
            valid_days_after_claim=30))
        coupons = []
        for seq, (status, locked_at, new_user, until) in enumerate(grid, start=1):
            coupon = await writing.coupons.add(Coupon(template.id, "grid-owner", seq, NOW - timedelta(days=2),
                                                      NOW - timedelta(days=2), until, new_user_only=new_user))
            coupon.status, coupon.locked_at = status, locked_at
            await writing.coupons.update(coupon)
            coupons.append(coupon)
        await writing.commit()
    async with uow(write=False) as reading:
        for wanted in CouponStatus:
            page = await reading.coupons.wallet_page("grid-owner", frozenset({wanted}), NOW, TIMEOUT, Page(1000))
            count = await reading.coupons.wallet_count("grid-owner", frozenset({wanted}), NOW, TIMEOUT)
            expected = sorted((c.id for c in coupons if c.effective_status(NOW, TIMEOUT) is wanted), reverse=True)
            assert [c.id for c in page] == expected, wanted
            assert count == len(expected)
        everything = await reading.coupons.wallet_page("grid-owner", None, NOW, TIMEOUT, Page(1000))
        assert len(everything) == len(grid)
