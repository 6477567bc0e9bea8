from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, bindparam, func, insert, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.coupons.model import (
    AppliedCoupon,
    CostShare,
    Coupon,
    CouponOrigin,
    CouponStatus,
    CouponTemplate,
    IssuerKind,
)
from domain.coupons.ports import TemplateQuery
from domain.shared.errors import ConcurrentUpdate
from domain.shared.listing import Page
from domain.shared.money import Money
from persistence.coupons.tables import CouponRow, CouponTemplateRow, OrderCouponRow
from persistence.orders.tables import OrderRow
from persistence.shared import keyset
from persistence.shared.enums import member
from persistence.shared.errors import unique_violation_as
from persistence.shared.keys import ByKeys, Rows
from persistence.shared.tables import rows_affected, table

TEMPLATES = table(CouponTemplateRow)
COUPONS = table(CouponRow)
_TEMPLATES_BY_ID = ByKeys(lambda match: select(TEMPLATES).where(match(TEMPLATES.c.id)))
_TEMPLATE_ROWS, _COUPON_ROWS = Rows(TEMPLATES), Rows(COUPONS)
_WALLET = select(COUPONS).where(COUPONS.c.owner_id == bindparam("owner_id")).order_by(COUPONS.c.id.desc())
_COUPONS_BY_ID = ByKeys(lambda match: select(COUPONS).where(match(COUPONS.c.id)))


def _effective_in(statuses: frozenset[CouponStatus] | None, now: datetime,
                  payment_timeout: timedelta) -> ColumnElement[bool]:
    """``Coupon.effective_status`` in SQL (W6, W8): a lock past the payment timeout reads as released (a new-user
    coupon's as INVALIDATED); an available coupon past its window reads as EXPIRED."""
    if not statuses:
        return true()
    c = COUPONS.c
    released = ((c.status == CouponStatus.LOCKED.value) & c.locked_at.is_not(None)
                & (c.locked_at < now - payment_timeout))
    available = (c.status == CouponStatus.AVAILABLE.value) | (released & c.new_user_only.is_(False))
    effective = {
        CouponStatus.AVAILABLE: available & (c.valid_until >= now),
        CouponStatus.EXPIRED: (available & (c.valid_until < now)) | (c.status == CouponStatus.EXPIRED.value),
        CouponStatus.LOCKED: (c.status == CouponStatus.LOCKED.value) & ~released,
        CouponStatus.USED: c.status == CouponStatus.USED.value,
        CouponStatus.INVALIDATED: (c.status == CouponStatus.INVALIDATED.value) | (released & c.new_user_only.is_(True)),
    }
    return or_(*(effective[s] for s in sorted(statuses, key=lambda s: s.value)))


def _ids(text: str) -> frozenset[int]:
    return frozenset(int(v) for v in text.split(",") if v)


def _template(r) -> CouponTemplate:
    return CouponTemplate(
        issuer_kind=member(IssuerKind, r.issuer_kind), issuer_id=r.issuer_id, name=r.name,
        face_value=Money(r.face_value_fen),
        total_stock=r.total_stock, per_user_limit=r.per_user_limit, created_at=r.created_at, created_by=r.created_by,
        threshold=Money(r.threshold_fen) if r.threshold_fen is not None else None, valid_from=r.valid_from,
        valid_until=r.valid_until, valid_days_after_claim=r.valid_days_after_claim, new_user_only=r.new_user_only,
        shop_ids=_ids(r.shop_ids), product_ids=_ids(r.product_ids), platform_share=Decimal(r.platform_share),
        claimed_count=r.claimed_count, id=r.id, campaign_id=r.campaign_id,
    )


def _coupon(r) -> Coupon:
    return Coupon(r.template_id, r.owner_id, r.seq, r.claimed_at, r.valid_from, r.valid_until,
                  member(CouponStatus, r.status), r.order_id, r.locked_at, r.used_at, r.version, r.id, r.new_user_only,
                  member(CouponOrigin, r.origin))


def encode_shares(shares) -> str:
    return ";".join(f"{s.bearer.value}:{s.bearer_id or ''}:{s.amount.fen}" for s in shares)


def decode_shares(text: str) -> tuple[CostShare, ...]:
    shares = []
    for part in filter(None, text.split(";")):
        kind, bearer, fen = part.split(":")
        shares.append(CostShare(IssuerKind(kind), bearer or None, Money(int(fen))))
    return tuple(shares)


def applied(row: OrderCouponRow) -> AppliedCoupon:
    return AppliedCoupon(row.coupon_id, row.template_id, member(IssuerKind, row.kind), Money(row.amount_fen),
                         decode_shares(row.shares))


class SqlCouponRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add_template(self, t: CouponTemplate) -> CouponTemplate:
        row = CouponTemplateRow(
            issuer_kind=t.issuer_kind.value, issuer_id=t.issuer_id, name=t.name, face_value_fen=t.face_value.fen,
            threshold_fen=t.threshold.fen if t.threshold else None, valid_from=t.valid_from, valid_until=t.valid_until,
            valid_days_after_claim=t.valid_days_after_claim, total_stock=t.total_stock, claimed_count=t.claimed_count,
            per_user_limit=t.per_user_limit, new_user_only=t.new_user_only,
            shop_ids=",".join(map(str, sorted(t.shop_ids))), product_ids=",".join(map(str, sorted(t.product_ids))),
            platform_share=str(t.platform_share), created_at=t.created_at, created_by=t.created_by,
            campaign_id=t.campaign_id,
        )
        self.session.add(row)
        await self.session.flush()
        t.id = row.id
        return t

    async def templates(self, ids: list[int]) -> dict[int, CouponTemplate]:
        if not ids:
            return {}
        # Core rows, not ORM instances: a 1,000-coupon checkout reads 1,000 templates (hydration dominated it)
        rows = _TEMPLATE_ROWS(await _TEMPLATES_BY_ID.rows(self.session, set(ids)))
        return {r.id: _template(r) for r in rows}

    async def take_stock(self, template_id: int) -> bool:
        result = await self.session.execute(
            update(CouponTemplateRow)
            .where(
                col(CouponTemplateRow.id) == template_id,
                col(CouponTemplateRow.claimed_count) < col(CouponTemplateRow.total_stock),
            )
            .values(claimed_count=col(CouponTemplateRow.claimed_count) + 1)
        )
        return rows_affected(result) == 1

    async def add(self, coupon: Coupon) -> Coupon:
        row = CouponRow(template_id=coupon.template_id, owner_id=coupon.owner_id, seq=coupon.seq,
                        claimed_at=coupon.claimed_at, valid_from=coupon.valid_from, valid_until=coupon.valid_until,
                        status=coupon.status.value, new_user_only=coupon.new_user_only, origin=coupon.origin.value,
                        version=coupon.version)
        async with unique_violation_as(ConcurrentUpdate("coupon wallet")):
            self.session.add(row)
            await self.session.flush()
        coupon.id = row.id
        return coupon

    async def lock_template(self, template_id: int) -> CouponTemplate | None:
        rows = await self.session.execute(select(TEMPLATES).where(TEMPLATES.c.id == template_id).with_for_update())
        found = _TEMPLATE_ROWS(rows)
        return _template(found[0]) if found else None

    async def take_stock_many(self, template_id: int, count: int) -> bool:
        t = TEMPLATES.c
        result = await self.session.execute(
            update(TEMPLATES).where(t.id == template_id, t.claimed_count + count <= t.total_stock)
            .values(claimed_count=t.claimed_count + count))
        return rows_affected(result) == 1

    async def add_many(self, coupons: list[Coupon]) -> None:
        values = [dict(template_id=c.template_id, owner_id=c.owner_id, seq=c.seq, claimed_at=c.claimed_at,
                       valid_from=c.valid_from, valid_until=c.valid_until, status=c.status.value, order_id=None,
                       locked_at=None, used_at=None, new_user_only=c.new_user_only, origin=c.origin.value,
                       version=c.version) for c in coupons]
        async with unique_violation_as(ConcurrentUpdate("coupon wallet")):
            await self.session.execute(insert(COUPONS), values)  # one executemany, batched on both databases
        # their ids by their unique key: an ordered RETURNING would run one INSERT a row on SQLite (no sentinel)
        keys = {(c.template_id, c.owner_id, c.seq): c for c in coupons}
        for template_id in {c.template_id for c in coupons}:
            rows = await self.session.execute(
                select(COUPONS.c.id, COUPONS.c.owner_id, COUPONS.c.seq).where(
                    COUPONS.c.template_id == template_id,
                    COUPONS.c.owner_id.in_({c.owner_id for c in coupons if c.template_id == template_id})))
            for pk, owner, seq in rows.all():
                if (template_id, owner, seq) in keys:
                    keys[(template_id, owner, seq)].id = pk

    async def owned_by(self, template_id: int, owner_ids: list[str]) -> dict[str, int]:
        if not owner_ids:
            return {}
        rows = await self.session.execute(
            select(COUPONS.c.owner_id, func.count()).where(COUPONS.c.template_id == template_id,
                                                           COUPONS.c.owner_id.in_(set(owner_ids)))
            .group_by(COUPONS.c.owner_id))
        return {owner: count for owner, count in rows.all()}

    async def set_campaign(self, template_ids: list[int], campaign_id: int) -> int:
        if not template_ids:
            return 0
        t = TEMPLATES.c
        result = await self.session.execute(update(TEMPLATES).where(
            t.id.in_(set(template_ids)), t.campaign_id.is_(None), t.issuer_kind == IssuerKind.PLATFORM.value)
            .values(campaign_id=campaign_id))
        return rows_affected(result)

    async def count_owned(self, template_id: int, owner_id: str) -> int:
        return (await self.session.execute(select(func.count()).select_from(CouponRow).where(
            col(CouponRow.template_id) == template_id, col(CouponRow.owner_id) == owner_id))).scalar_one()

    async def owned_counts(self, template_ids: list[int], owner_id: str) -> dict[int, int]:
        if not template_ids:
            return {}
        rows = await self.session.execute(
            select(COUPONS.c.template_id, func.count()).where(COUPONS.c.owner_id == owner_id,
                                                             COUPONS.c.template_id.in_(set(template_ids)))
            .group_by(COUPONS.c.template_id))
        return {template_id: count for template_id, count in rows.all()}

    async def template_page(self, q: TemplateQuery, page: Page) -> list[CouponTemplate]:
        query = select(TEMPLATES)
        if q.issuer_kinds:
            query = query.where(TEMPLATES.c.issuer_kind.in_(sorted(k.value for k in q.issuer_kinds)))
        if q.issuer is not None:
            kind, issuer_id = q.issuer
            query = query.where(TEMPLATES.c.issuer_kind == kind.value,
                                TEMPLATES.c.issuer_id.is_(None) if issuer_id is None
                                else TEMPLATES.c.issuer_id == issuer_id)
        if q.open_at is not None:
            query = query.where(TEMPLATES.c.claimed_count < TEMPLATES.c.total_stock,
                                TEMPLATES.c.valid_until.is_(None) | (TEMPLATES.c.valid_until >= q.open_at))
        rows = await self.session.execute(keyset.window(query, [TEMPLATES.c.id], True, page))
        return [_template(r) for r in _TEMPLATE_ROWS(rows)]

    async def get_many(self, ids: list[int]) -> dict[int, Coupon]:
        if not ids:
            return {}
        rows = _COUPON_ROWS(await _COUPONS_BY_ID.rows(self.session, set(ids)))
        return {r.id: _coupon(r) for r in rows}

    async def wallet(self, owner_id: str) -> list[Coupon]:
        rows = await self.session.execute(_WALLET, {"owner_id": owner_id})
        return [_coupon(r) for r in _COUPON_ROWS(rows)]

    async def wallet_page(self, owner_id: str, statuses: frozenset[CouponStatus] | None, now: datetime,
                          payment_timeout: timedelta, page: Page) -> list[Coupon]:
        query = select(COUPONS).where(COUPONS.c.owner_id == owner_id, _effective_in(statuses, now, payment_timeout))
        rows = await self.session.execute(keyset.window(query, [COUPONS.c.id], True, page))
        return [_coupon(r) for r in _COUPON_ROWS(rows)]

    async def wallet_count(self, owner_id: str, statuses: frozenset[CouponStatus] | None, now: datetime,
                           payment_timeout: timedelta) -> int:
        return (await self.session.execute(select(func.count()).select_from(COUPONS).where(
            COUPONS.c.owner_id == owner_id, _effective_in(statuses, now, payment_timeout)))).scalar_one()

    async def for_order(self, order_id: int) -> list[Coupon]:
        rows = await self.session.execute(
            select(CouponRow).where(col(CouponRow.order_id) == order_id).order_by(col(CouponRow.id)).with_for_update())
        return [_coupon(r) for r in rows.scalars()]

    async def update(self, c: Coupon) -> None:
        result = await self.session.execute(
            update(CouponRow).where(col(CouponRow.id) == c.id, col(CouponRow.version) == c.version)
            .values(status=c.status.value, order_id=c.order_id, locked_at=c.locked_at, used_at=c.used_at,
                    version=c.version + 1))
        if rows_affected(result) != 1:
            raise ConcurrentUpdate("coupon")
        c.version += 1

    async def used_for_shop(self, shop_id: int, start: datetime, end: datetime) -> list[AppliedCoupon]:
        rows = await self.session.execute(
            select(OrderCouponRow)
            .join(
                CouponRow,
                (col(CouponRow.id) == col(OrderCouponRow.coupon_id))
                & (col(CouponRow.order_id) == col(OrderCouponRow.order_id)),
            )
            .join(OrderRow, col(OrderRow.id) == col(OrderCouponRow.order_id))
            .where(
                col(OrderRow.shop_id) == shop_id,
                col(CouponRow.status) == CouponStatus.USED.value,
                col(CouponRow.used_at) >= start,
                col(CouponRow.used_at) < end,
            )
            .order_by(col(OrderCouponRow.id))
        )
        return [applied(r) for r in rows.scalars()]
