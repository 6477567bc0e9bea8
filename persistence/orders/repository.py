from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import false, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.orders.model import Order, OrderLine, OrderStatus, PaymentMethod
from domain.orders.ports import OrderQuery
from domain.shared.errors import ConcurrentUpdate, stored
from domain.shared.listing import Page
from persistence.coupons.repository import applied, encode_shares
from persistence.coupons.tables import OrderCouponRow
from persistence.orders.tables import OrderLineRow, OrderRow
from persistence.shared import keyset
from persistence.shared.enums import member
from persistence.shared.hydrate import money
from persistence.shared.keys import ByKeys, Rows
from persistence.shared.tables import rows_affected, table

ORDERS, LINES, ORDER_COUPONS = table(OrderRow), table(OrderLineRow), table(OrderCouponRow)
_STATE_FIELDS = ("status", "paid_at", "signed_at", "cancelled_at", "remark", "penalty_claim_id", "first_claim_id")
_ORDERS_BY_ID = ByKeys(lambda match: select(ORDERS).where(match(ORDERS.c.id)))
_LINES_OF_ORDERS = ByKeys(lambda match: select(LINES).where(match(LINES.c.order_id)).order_by(LINES.c.id))
_COUPONS_OF_ORDERS = ByKeys(
    lambda match: select(ORDER_COUPONS).where(match(ORDER_COUPONS.c.order_id)).order_by(ORDER_COUPONS.c.id))
_ORDER_ROWS, _LINE_ROWS, _COUPON_ROWS = Rows(ORDERS), Rows(LINES), Rows(ORDER_COUPONS)
_SORTS = {"PLACED_AT": ORDERS.c.placed_at, "PAYABLE": ORDERS.c.payable_fen}
_LINES_BY_ID = ByKeys(lambda match: select(LINES).where(match(LINES.c.id)))


def _line(row) -> OrderLine:
    return OrderLine(
        product_id=row.product_id, quantity=Decimal(row.quantity_milli).scaleb(-3),
        unit_price=money(row.unit_price_fen), discount=money(row.discount_fen), id=row.id, order_id=row.order_id,
    )


def _order(row, lines: list[OrderLine]) -> Order:
    return Order(
        buyer_id=row.buyer_id, shop_id=row.shop_id, payment_method=member(PaymentMethod, row.payment_method),
        lines=lines,
        shipping_fee=money(row.shipping_fee_fen), placed_at=row.placed_at,
        live_room_streamer_id=row.live_room_streamer_id, status=member(OrderStatus, row.status), paid_at=row.paid_at,
        signed_at=row.signed_at, cancelled_at=row.cancelled_at, remark=row.remark, refunded=money(row.refunded_fen),
        penalty_claim_id=row.penalty_claim_id, first_claim_id=row.first_claim_id, version=row.version, id=row.id,
    )


def _state(order: Order) -> dict:
    values = {name: getattr(order, name) for name in _STATE_FIELDS}
    values["status"] = order.status.value
    values["refunded_fen"] = order.refunded.fen
    return values


class SqlOrderRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, order: Order) -> Order:
        row = OrderRow(
            buyer_id=order.buyer_id, shop_id=order.shop_id, payment_method=order.payment_method.value,
            shipping_fee_fen=order.shipping_fee.fen, live_room_streamer_id=order.live_room_streamer_id,
            placed_at=order.placed_at, payable_fen=order.payable.fen, version=order.version, **_state(order),
        )
        self.session.add(row)
        await self.session.flush()
        order.id = order_pk = stored(row.id)
        line_rows = [
            OrderLineRow(order_id=order_pk, product_id=line.product_id, quantity_milli=int(line.quantity * 1000),
                         unit_price_fen=line.unit_price.fen, discount_fen=line.discount.fen)
            for line in order.lines
        ]
        self.session.add_all(line_rows)
        await self.session.flush()
        for line, line_row in zip(order.lines, line_rows):
            line.id, line.order_id = line_row.id, row.id
        self.session.add_all([
            OrderCouponRow(order_id=order_pk, coupon_id=c.coupon_id, template_id=c.template_id, kind=c.kind.value,
                           amount_fen=c.amount.fen, shares=encode_shares(c.shares))
            for c in order.coupons
        ])
        await self.session.flush()
        return order

    async def get(self, order_id: int, *, lock: bool = False) -> Order | None:
        return (await self.get_many([order_id], lock=lock)).get(order_id)

    async def get_many(self, ids: list[int], *, lock: bool = False) -> dict[int, Order]:
        if not ids:
            return {}
        if lock:
            query = select(ORDERS).where(ORDERS.c.id.in_(set(ids))).with_for_update()
            rows = _ORDER_ROWS((await self.session.execute(query)).all())
        else:  # Core rows, a statement built once: no ORM hydration on the read path
            rows = _ORDER_ROWS(await _ORDERS_BY_ID.rows(self.session, set(ids)))
        lines: dict[int, list[OrderLine]] = defaultdict(list)
        coupons: dict[int, list] = defaultdict(list)
        if rows:
            ids = [r.id for r in rows]
            line_rows = _LINE_ROWS(await _LINES_OF_ORDERS.rows(self.session, ids))
            for line_row in line_rows:
                lines[line_row.order_id].append(_line(line_row))
            coupon_rows = _COUPON_ROWS(await _COUPONS_OF_ORDERS.rows(self.session, ids))
            for coupon_row in coupon_rows:
                coupons[coupon_row.order_id].append(applied(coupon_row))
        found = {r.id: _order(r, lines[r.id]) for r in rows}
        for order_id, order in found.items():
            order.coupons = coupons[order_id]
        return found

    def _filtered(self, query: Any, q: OrderQuery) -> Any:
        if q.nothing:
            return query.where(false())
        if q.statuses:
            query = query.where(ORDERS.c.status.in_(sorted(s.value for s in q.statuses)))
        if q.shop_id is not None:
            query = query.where(ORDERS.c.shop_id == q.shop_id)
        if q.buyer_id is not None:
            query = query.where(ORDERS.c.buyer_id == q.buyer_id)
        if q.placed_from is not None:
            query = query.where(ORDERS.c.placed_at >= q.placed_from)
        if q.placed_to is not None:
            query = query.where(ORDERS.c.placed_at < q.placed_to)
        return query

    async def page(self, q: OrderQuery, page: Page) -> list[Order]:
        columns = [*([_SORTS[page.sort]] if page.sort else []), ORDERS.c.id]
        query = keyset.window(self._filtered(select(ORDERS.c.id), q), columns, page.descending, page)
        ids = (await self.session.execute(query)).scalars().all()
        found = await self.get_many(list(ids))
        return [found[i] for i in ids if i in found]

    async def count(self, q: OrderQuery) -> int:
        return (await self.session.execute(self._filtered(select(func.count()).select_from(ORDERS), q))).scalar_one()

    async def has_orders(self, buyer_id: str) -> bool:
        found = await self.session.execute(select(col(OrderRow.id)).where(col(OrderRow.buyer_id) == buyer_id).limit(1))
        return found.first() is not None

    async def buyers_with_orders(self, buyer_ids: list[str]) -> set[str]:
        if not buyer_ids:
            return set()
        found = await self.session.execute(select(col(OrderRow.buyer_id)).distinct()
                                           .where(col(OrderRow.buyer_id).in_(set(buyer_ids))))
        return set(found.scalars())

    async def lines_by_ids(self, ids: list[int]) -> dict[int, OrderLine]:
        if not ids:
            return {}
        rows = _LINE_ROWS(await _LINES_BY_ID.rows(self.session, set(ids)))
        return {r.id: _line(r) for r in rows}

    async def update(self, order: Order) -> None:
        result = await self.session.execute(
            update(OrderRow)
            .where(col(OrderRow.id) == order.id, col(OrderRow.version) == order.version)
            .values(version=order.version + 1, **_state(order))
        )
        if rows_affected(result) != 1:
            raise ConcurrentUpdate("order")
        order.version += 1
