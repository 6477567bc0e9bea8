"""Orders as reported by the order service: the catalogue sets the prices, the order moves through
AWAITING_PAYMENT → PAID → DELIVERED, or to CANCELLED."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import TYPE_CHECKING

from domain.calendar.model import natural_days_end
from domain.shared.actor import Actor, Role
from domain.shared.errors import Field, InvalidInput, InvalidState
from domain.shared.messages import msg, term
from domain.shared.money import Money

if TYPE_CHECKING:
    from domain.coupons.model import AppliedCoupon

QUANTITY_PLACES = Decimal("0.001")
MAX_QUANTITY = Decimal(99_999)


class OrderStatus(str, Enum):
    AWAITING_PAYMENT = "AWAITING_PAYMENT"
    PAID = "PAID"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"


class PaymentMethod(str, Enum):
    ONLINE = "ONLINE"
    CASH_ON_DELIVERY = "CASH_ON_DELIVERY"


def parse_quantity(value: Decimal | str, field: Field) -> Decimal:
    """A line quantity: positive, at most three decimal places (goods sold by weight), at most 99,999."""
    try:
        quantity = Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput(msg("{value} is not a quantity", value=repr(value)), field) from None
    if not quantity.is_finite() or quantity <= 0 or quantity > MAX_QUANTITY:
        raise InvalidInput(msg("a quantity is above 0 and at most {max}", max=MAX_QUANTITY), field)
    if quantity != quantity.quantize(QUANTITY_PLACES):
        raise InvalidInput("a quantity has at most three decimal places", field)
    return quantity.quantize(QUANTITY_PLACES)


@dataclass
class OrderLine:
    product_id: int
    quantity: Decimal
    unit_price: Money
    discount: Money = field(default_factory=Money.zero)
    id: int | None = None
    order_id: int | None = None

    @property
    def subtotal(self) -> Money:
        return self.unit_price.times(self.quantity)

    @property
    def paid_amount(self) -> Money:
        """C4's P: the line subtotal minus its share of the order's discounts."""
        return self.subtotal - self.discount


@dataclass
class Order:
    buyer_id: str
    shop_id: int
    payment_method: PaymentMethod
    lines: list[OrderLine]
    shipping_fee: Money
    placed_at: datetime
    live_room_streamer_id: str | None = None
    status: OrderStatus = OrderStatus.AWAITING_PAYMENT
    paid_at: datetime | None = None
    signed_at: datetime | None = None
    cancelled_at: datetime | None = None
    remark: str | None = None
    coupons: list[AppliedCoupon] = field(default_factory=list)  # as priced at placement (W5)
    refunded: Money = field(default_factory=Money.zero)  # W7/C7: cancellation and claim refunds so far
    penalty_claim_id: int | None = None  # C6: the claim whose ruling in force charged this order's penalty
    first_claim_id: int | None = None  # A5: the first after-sale, the earliest claim on any line not withdrawn
    version: int = 0
    id: int | None = None

    @property
    def goods_total(self) -> Money:
        return Money(sum(line.subtotal.fen for line in self.lines))

    @property
    def discount_total(self) -> Money:
        return Money(sum(line.discount.fen for line in self.lines))

    @property
    def payable(self) -> Money:
        return self.goods_total - self.discount_total + self.shipping_fee

    @property
    def goods_paid(self) -> Money:
        """Goods after discounts: what a full refund returns (W7: everything but shipping)."""
        return self.goods_total - self.discount_total

    @property
    def penalty_basis(self) -> Money:
        """C6's O: the order's actually paid amount, goods after discounts plus shipping [decision]."""
        return self.payable

    @property
    def refundable(self) -> Money:
        """What may still be refunded for the goods: a claim never pays back money the buyer already got back (a
        cancellation after delivery refunds the goods in full)."""
        return max(Money.zero(), self.goods_paid - self.refunded)

    @property
    def fully_refunded(self) -> bool:
        """W7: every line's paid amount refunded."""
        return self.refunded >= self.goods_paid

    def after_sale_in_period(self, filed_at: datetime, after_sale_days: int) -> bool:
        """W7: an after-sale filed at ``filed_at`` is inside the after-sale period: at or before the end of the
        ``after_sale_days``-th natural day after the sign-off (counted as A3 counts). What counts is when the
        after-sale was filed, not when it is paid."""
        return self.signed_at is not None and filed_at <= natural_days_end(self.signed_at, after_sale_days)

    def record_after_sale_refund(self, amount: Money, filed_at: datetime, after_sale_days: int) -> bool:
        """W7: add a claim refund for an after-sale filed at ``filed_at``. True when this refund is the one that
        makes the order fully refunded and its after-sale was filed within the after-sale period: then the
        order's coupons come back, however late the merchant or the platform pays. A partial refund, or one whose
        after-sale was filed late, returns nothing, and an order becomes fully refunded once, so nothing comes back
        twice."""
        was_full = self.fully_refunded
        self.refunded = self.refunded + amount
        in_period = self.after_sale_in_period(filed_at, after_sale_days)
        return amount.fen > 0 and not was_full and self.fully_refunded and in_period

    def penalty_charged_by_another(self, claim_id: int | None) -> int | None:
        """C6: the claim other than ``claim_id`` whose ruling in force charged the order's penalty, if any."""
        return self.penalty_claim_id if self.penalty_claim_id not in (None, claim_id) else None

    def charge_penalty(self, claim_id: int) -> int | None:
        """C6: the order pays its penalty at most once. Records ``claim_id`` as the claim that charges it and
        returns None, or returns the claim whose ruling in force already charged it."""
        charged_on = self.penalty_charged_by_another(claim_id)
        if charged_on is None:
            self.penalty_claim_id = claim_id
        return charged_on

    def release_penalty(self, claim_id: int) -> None:
        """A5: the ruling that charged the penalty was withdrawn; a later ruling may charge it again."""
        if self.penalty_claim_id == claim_id:
            self.penalty_claim_id = None

    def _moment(self, at: datetime, now: datetime, not_before: datetime, field: Field) -> datetime:
        if at > now:
            raise InvalidInput("that moment is in the future", field)
        if at < not_before:
            raise InvalidInput("that moment is before the order's previous step", field)
        return at

    def payment_due_at(self, timeout: timedelta) -> datetime:
        return self.placed_at + timeout

    def record_payment(self, succeeded: bool, at: datetime, now: datetime, timeout: timedelta) -> str:
        """A payment outcome. Cash-on-delivery orders are paid at delivery, so they get none.
        A failed payment cancels the order (decision: the buyer places a new one; W6 returns its coupons).
        A success reported after the payment timeout is refused: the order's coupons were already released (W6)."""
        if self.payment_method is PaymentMethod.CASH_ON_DELIVERY:
            raise InvalidState("a cash-on-delivery order is paid at delivery", ("input", "orderId"))
        if self.status is not OrderStatus.AWAITING_PAYMENT:
            raise InvalidState(msg("the order is {status}, not awaiting payment",
                status=term(self.status)), ("input", "orderId"))
        at = self._moment(at, now, self.placed_at, ("input", "at"))
        if succeeded and at > self.payment_due_at(timeout):
            raise InvalidState(msg("the payment window closed at {at}", at=self.payment_due_at(timeout).isoformat()),
                               ("input", "at"))
        if succeeded:
            self.status, self.paid_at = OrderStatus.PAID, at
            return "PAID"
        self.status, self.cancelled_at = OrderStatus.CANCELLED, at
        return "PAYMENT_FAILED"

    def record_delivery(self, signed_at: datetime, now: datetime) -> None:
        """C2's sign-off. A paid online order, or a cash-on-delivery order (paid on signing)."""
        cod = self.payment_method is PaymentMethod.CASH_ON_DELIVERY
        expected = OrderStatus.AWAITING_PAYMENT if cod else OrderStatus.PAID
        if self.status is not expected:
            raise InvalidState(msg("the order is {status}; it cannot be signed for",
                status=term(self.status)), ("input", "orderId"))
        self._moment(signed_at, now, self.paid_at or self.placed_at, ("input", "signedAt"))
        self.status, self.signed_at = OrderStatus.DELIVERED, signed_at
        if cod:
            self.paid_at = signed_at

    def cancel(self, actor: Actor, at: datetime, after_sale_days: int) -> bool:
        """W7: a full cancellation. The buyer may cancel before shipping (not yet delivered);
        the order service may cancel at any point, e.g. a full refund after delivery. True when the order's coupons
        come back: always before delivery; after delivery the cancellation is an after-sale filed now, so only
        within the after-sale period."""
        if self.status is OrderStatus.CANCELLED:
            raise InvalidState("the order is already cancelled", ("input", "orderId"))
        if actor.role is Role.BUYER and self.status is OrderStatus.DELIVERED:
            raise InvalidState("a delivered order cannot be cancelled by the buyer; file an after-sale claim",
                               ("input", "orderId"))
        if self.paid_at is not None:  # W7: a paid order gets everything back but shipping
            self.refunded = max(self.refunded, self.goods_paid)
        delivered = self.status is OrderStatus.DELIVERED
        self.status, self.cancelled_at = OrderStatus.CANCELLED, at
        return not delivered or self.after_sale_in_period(at, after_sale_days)


def can_view_order(actor: Actor, order: Order) -> bool:
    """G6: the buyer, the shop's merchants and agents, the platform and the reporting services."""
    if actor.role in (Role.PLATFORM, Role.SERVICE):
        return True
    if actor.role is Role.BUYER:
        return order.buyer_id == actor.user_id
    return actor.acts_for_shop(order.shop_id)


def can_see_shop_remarks(actor: Actor, shop_id: int) -> bool:
    """N1/N2: remarks are visible to the shop's merchants and agents, to nobody else."""
    return actor.acts_for_shop(shop_id)
