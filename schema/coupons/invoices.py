"""W13: invoices recorded against W9's obligations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from domain.coupons import invoice as model
from domain.coupons import invoices as services
from domain.shared.errors import DomainError
from domain.shared.money import Money as DomainMoney
from schema.common.errors import UserError
from schema.common.ids import decode_id, encode_id
from schema.common.money import Money
from schema.common.mutations import attempt
from schema.common.node import Node, register_node
from schema.context import Info
from schema.coupons.types import CouponIssuerKind, issuer_gid


@strawberry.type(description="W13: an invoice a shop issued to the platform or a streamer for one month. Never "
                             "edited: a wrong one is voided and issued again.")
class Invoice(Node):
    id: strawberry.ID
    counterparty: CouponIssuerKind = strawberry.field(description="PLATFORM or STREAMER.")
    counterparty_id: str | None = strawberry.field(description="The streamer's user ID; null for the platform.")
    period_from: datetime = strawberry.field(description="The 1st of the month, 00:00 Asia/Shanghai.")
    period_to: datetime = strawberry.field(description="The 1st of the next month, 00:00 Asia/Shanghai.")
    number: str
    amount: Money
    recorded_at: datetime
    voided_at: datetime | None
    void_reason: str | None

    @staticmethod
    def of(i: model.Invoice) -> Invoice:
        return Invoice(id=encode_id("Invoice", i.id), counterparty=i.counterparty,
                       counterparty_id=issuer_gid(i.counterparty, i.counterparty_id), period_from=i.period_from,
                       period_to=i.period_to, number=i.number, amount=Money.of(i.amount), recorded_at=i.recorded_at,
                       voided_at=i.voided_at, void_reason=i.void_reason)


async def load_invoice(info: Info, pk: int) -> Invoice | None:
    found = await info.context.loaders.invoice_by_id.load(pk)
    return Invoice.of(found) if found and services.visible(found, info.context.actor) else None


register_node("Invoice", load_invoice)


@strawberry.input
class RecordInvoiceInput:
    shop_id: strawberry.ID
    counterparty: CouponIssuerKind = strawberry.field(description="PLATFORM or STREAMER.")
    counterparty_id: str | None = strawberry.field(default=None, description="The streamer's user ID; none for the "
                                                                             "platform.")
    period_from: datetime = strawberry.field(description="W13: one calendar month of Asia/Shanghai: the 1st, 00:00.")
    period_to: datetime = strawberry.field(description="The 1st of the next month, 00:00.")
    number: str = strawberry.field(description="The invoice's number, once per shop (voided ones included).")
    amount: Decimal = strawberry.field(description="Yuan; at most what is outstanding for the counterparty and "
                                                   "month.")

    def to_request(self) -> services.InvoiceRequest:
        problems: list[DomainError] = []
        try:
            amount = DomainMoney.of(self.amount, ("input", "amount"))
        except DomainError as error:
            problems.append(error)
            amount = DomainMoney(0)
        return services.InvoiceRequest(decode_id(self.shop_id, "Shop"), self.counterparty, self.counterparty_id,
                                       self.period_from, self.period_to, self.number, amount, problems)


@strawberry.input
class VoidInvoiceInput:
    invoice_id: strawberry.ID
    reason: str = strawberry.field(description="1 to 200 characters.")


@strawberry.type
class InvoicePayload:
    invoice: Invoice | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _invoice(i: model.Invoice) -> dict:
    return {"invoice": Invoice.of(i)}


@strawberry.type
class InvoiceMutations:
    @strawberry.mutation(description="W13: MERCHANT of the shop.")
    async def record_invoice(self, info: Info, input: RecordInvoiceInput) -> InvoicePayload:
        ctx = info.context
        return await attempt(InvoicePayload, lambda: services.record_invoice(
            ctx.uow(), ctx.actor, ctx.clock, input.to_request()), _invoice)

    @strawberry.mutation(description="W13: MERCHANT of the shop.")
    async def void_invoice(self, info: Info, input: VoidInvoiceInput) -> InvoicePayload:
        ctx = info.context
        return await attempt(InvoicePayload, lambda: services.void_invoice(
            ctx.uow(), ctx.actor, ctx.clock, decode_id(input.invoice_id, "Invoice"), input.reason), _invoice)
