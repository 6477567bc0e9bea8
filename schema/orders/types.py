from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from operator import attrgetter
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain.orders import model
from domain.orders.model import can_see_shop_remarks, can_view_order
from domain.shared.errors import present
from schema.catalog.types import Product, product_of
from schema.common.ids import encode_id
from schema.common.money import Money
from schema.common.node import Node, register_node
from schema.context import Info
from schema.shops.types import Shop, shop_of

if TYPE_CHECKING:
    from schema.coupons.types import AppliedCoupon

# Domain enums served under these names: strawberry.enum() registers each, the alias keeps it a type.
OrderStatus = model.OrderStatus
strawberry.enum(model.OrderStatus, name="OrderStatus")
PaymentMethod = model.PaymentMethod
strawberry.enum(model.PaymentMethod, name="PaymentMethod")


def quantity_out(value: Decimal) -> Decimal:
    """2.000 → 2, 1.500 → 1.5 (exact, never in exponent form). Remembered per value (a page prints a few
    distinct quantities a hundred times): equal decimals normalise to the same digits, zero aside (its sign), so
    zero is worked out every time."""
    found = _QUANTITIES.get(value) if value else None
    if found is None:
        normalised = value.normalize()
        found = normalised.quantize(Decimal(1)) if normalised == normalised.to_integral() else normalised
        if value:
            if len(_QUANTITIES) >= 4096:
                _QUANTITIES.clear()
            _QUANTITIES[value] = found
    return found


_QUANTITIES: dict[Decimal, Decimal] = {}


def _amount(owner: str, name: str, description: str | None = None):
    """A Money field computed from the domain object when a query asks for it: a list that selects one amount
    does not pay for the others (``Order.payable`` alone sums every line)."""
    read = attrgetter(f"{owner}.{name}")

    def amount(self) -> Money:
        return Money.of(read(self))

    return strawberry.field(resolver=amount, description=description)


@strawberry.type
class OrderLine(Node):
    id: strawberry.ID
    quantity: Decimal
    unit_price: Money = _amount("line", "unit_price")
    subtotal: Money = _amount("line", "subtotal", "Unit price × quantity, half-up to the fen.")
    discount: Money = _amount("line", "discount", "This line's share of the order's discounts.")
    paid_amount: Money = _amount(
        "line", "paid_amount", "Line subtotal minus its share of the order's discounts (C4's P)."
    )
    line: strawberry.Private[model.OrderLine]

    @strawberry.field
    def product(self, info: Info) -> Product:
        return info.context.loaders.then(info.context.loaders.product_by_id, self.line.product_id, product_of)

    @staticmethod
    def of(line: model.OrderLine) -> OrderLine:
        return OrderLine(
            id=encode_id("OrderLine", line.id), quantity=quantity_out(line.quantity), line=line)


@strawberry.type
class Order(Node):
    id: strawberry.ID
    buyer_id: str
    status: OrderStatus
    payment_method: PaymentMethod
    goods_total: Money = _amount("order", "goods_total")
    shipping_fee: Money = _amount("order", "shipping_fee")
    discount_total: Money = _amount("order", "discount_total")
    payable: Money = _amount("order", "payable", "Goods after discounts plus shipping.")
    refunded: Money = _amount("order", "refunded", "W7/C7: money returned to the buyer so far (cancellation and "
                                                   "claim refunds).")
    penalty_basis: Money = _amount("order", "penalty_basis", "C6: the penalty basis, the order's paid amount (goods "
                                                             "after discounts plus shipping).")
    live_room_streamer_id: str | None
    placed_at: datetime
    paid_at: datetime | None
    signed_at: datetime | None
    cancelled_at: datetime | None
    lines: list[OrderLine]
    order: strawberry.Private[model.Order]

    @strawberry.field
    def shop(self, info: Info) -> Shop:
        return info.context.loaders.then(info.context.loaders.shop_by_id, self.order.shop_id, shop_of)

    @strawberry.field(description="W5: the coupons applied, what each took and who bears it.")
    def coupons(self) -> list[Annotated[AppliedCoupon, strawberry.lazy("schema.coupons.types")]]:
        from schema.coupons.types import AppliedCoupon

        return [AppliedCoupon.of(applied) for applied in self.order.coupons]

    @strawberry.field(description="N2: shop-visible only.")
    def remark(self, info: Info) -> str | None:
        return self.order.remark if can_see_shop_remarks(info.context.actor, self.order.shop_id) else None

    @staticmethod
    def of(order: model.Order) -> Order:
        return Order(
            id=encode_id("Order", order.id), buyer_id=order.buyer_id, status=order.status,
            payment_method=order.payment_method, live_room_streamer_id=order.live_room_streamer_id,
            placed_at=order.placed_at, paid_at=order.paid_at, signed_at=order.signed_at,
            cancelled_at=order.cancelled_at, lines=[OrderLine.of(line) for line in order.lines], order=order,
        )


async def load_order(info: Info, pk: int) -> Order | None:
    order = await info.context.loaders.order_by_id.load(pk)
    return Order.of(order) if order and can_view_order(info.context.actor, order) else None


async def load_order_line(info: Info, pk: int) -> OrderLine | None:
    line = await info.context.loaders.order_line_by_id.load(pk)
    visible = line is not None and await load_order(info, present(line.order_id, "the line's order")) is not None
    return OrderLine.of(line) if line and visible else None


def order_of(order: model.Order | None) -> Order:
    """An order a row refers to (a foreign key guarantees it)."""
    return Order.of(present(order, "a referenced order"))


def order_line_of(line: model.OrderLine | None) -> OrderLine:
    return OrderLine.of(present(line, "a referenced order line"))


register_node("Order", load_order)
register_node("OrderLine", load_order_line)
