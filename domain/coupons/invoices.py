"""W9, W13: what a shop must invoice for used coupons, and the invoices it records against it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from domain.coupons import rules
from domain.coupons.invoice import Invoice
from domain.coupons.model import IssuerKind
from domain.events.facts import money
from domain.events.model import Event, EventType
from domain.shared.actor import Actor, Role
from domain.shared.clock import Clock
from domain.shared.errors import AlreadyExists, DomainError, ErrorCode, InvalidInput, InvalidState, NotFound
from domain.shared.ids import global_id
from domain.shared.messages import msg
from domain.shared.money import Money
from domain.shared.text import bounded_text
from domain.shared.uow import UnitOfWork, in_transaction
from domain.shared.validation import Validation

Counterparty = tuple[IssuerKind, str | None]


@dataclass(frozen=True)
class InvoiceObligation:
    counterparty: IssuerKind
    counterparty_id: str | None
    amount: Money
    coupon_count: int
    invoiced: Money = Money(0)  # W13: invoices (not voided) for the months starting in the period asked

    @property
    def outstanding(self) -> Money:
        """Owed less invoiced; below zero when more was invoiced than is owed (a coupon returned after it was
        invoiced): the shop voids and issues again."""
        return self.amount - self.invoiced


async def _owed(uow: UnitOfWork, shop_id: int, start: datetime, end: datetime) -> dict[Counterparty, list[int]]:
    """W9: fen and coupon count per counterparty: the platform's part of platform coupons, each streamer's coupons,
    of coupons used (not returned) on the shop's orders in [start, end)."""
    totals: dict[Counterparty, list[int]] = defaultdict(lambda: [0, 0])
    for coupon in await uow.coupons.used_for_shop(shop_id, start, end):
        for share in coupon.shares:
            if share.bearer in (IssuerKind.PLATFORM, IssuerKind.STREAMER) and share.amount.fen:
                entry = totals[(share.bearer, share.bearer_id)]
                entry[0] += share.amount.fen
                entry[1] += 1
    return totals


async def invoice_obligations(uow: UnitOfWork, actor: Actor, shop_id: int | None, start: datetime,
                              end: datetime) -> list[InvoiceObligation]:
    """W9/W13: per shop and period, what the shop must invoice to the platform and to each streamer, what it has
    invoiced, and what is outstanding — a counterparty with invoices but nothing owed any more is listed too."""
    actor.require(Role.MERCHANT, Role.PLATFORM)
    if end <= start:
        raise InvalidInput("`to` must be after `from`")
    if shop_id is None or (actor.role is Role.MERCHANT and actor.shop_id != shop_id):
        return []
    async with uow:
        owed = await _owed(uow, shop_id, start, end)
        invoiced = await uow.invoices.invoiced(shop_id, start, end)
    keys = sorted(set(owed) | set(invoiced), key=lambda k: (k[0].value, k[1] or ""))
    return [InvoiceObligation(kind, who, Money(owed[(kind, who)][0] if (kind, who) in owed else 0),
                              owed[(kind, who)][1] if (kind, who) in owed else 0, Money(invoiced.get((kind, who), 0)))
            for kind, who in keys]


@dataclass(frozen=True)
class InvoiceRequest:
    shop_id: int | None
    counterparty: IssuerKind
    counterparty_id: str | None
    period_from: datetime
    period_to: datetime
    number: str
    amount: Money
    problems: list[DomainError] = field(default_factory=list)  # found while decoding (an amount that is not one)


def _event(type: EventType, invoice: Invoice, actor: Actor, now: datetime) -> Event:
    return Event.of(type, "Invoice", invoice.id, actor, now, shop_id=invoice.shop_id,
                    invoiceId=global_id("Invoice", invoice.id), counterparty=invoice.counterparty.value,
                    counterpartyId=invoice.counterparty_id, number=invoice.number, amount=money(invoice.amount),
                    periodFrom=invoice.period_from.isoformat(), voidReason=invoice.void_reason)


async def record_invoice(uow: UnitOfWork, actor: Actor, clock: Clock, request: InvoiceRequest) -> Invoice:
    """W13: an invoice the shop issued to the platform or a streamer for one month. Refused when its amount is above
    what is outstanding for that counterparty and month (one conditional UPDATE of the month's invoiced total, so
    two invoices at once cannot both pass) or when the shop has used its number (a unique constraint)."""
    actor.require(Role.MERCHANT)
    if request.shop_id is None or request.shop_id != actor.shop_id:
        raise NotFound("no such shop", ("input", "shopId"))  # another tenant's shop is not found (G6)
    check = Validation()
    for problem in request.problems:
        check.add(problem)
    f = ("input",)
    number = check(bounded_text, request.number, field=(*f, "number"), max_len=rules.MAX_INVOICE_NUMBER, min_len=1)
    check(rules.month_of, request.period_from, request.period_to, (*f, "periodTo"))
    if request.amount.fen <= 0 and not request.problems:
        check.add(InvalidInput("an invoice's amount is above ¥0.00", (*f, "amount")))
    counterparty_id = (request.counterparty_id or "").strip() or None
    if request.counterparty is IssuerKind.MERCHANT:
        check.add(InvalidInput("a shop invoices the platform or a streamer (W9)", (*f, "counterparty")))
    elif request.counterparty is IssuerKind.PLATFORM and counterparty_id is not None:
        check.add(InvalidInput("the platform has no counterpartyId", (*f, "counterpartyId")))
    elif request.counterparty is IssuerKind.STREAMER and counterparty_id is None:
        check.add(InvalidInput("a streamer's invoice names the streamer (counterpartyId)", (*f, "counterpartyId")))
    check.done()
    assert number is not None
    now = clock.now()
    invoice = Invoice(actor.shop, request.counterparty, counterparty_id, request.period_from, request.period_to,
                      number, request.amount, now, actor.user_id)

    async def work(uow: UnitOfWork) -> Invoice:
        owed = (await _owed(uow, invoice.shop_id, invoice.period_from, invoice.period_to)).get(
            (invoice.counterparty, invoice.counterparty_id), [0, 0])[0]
        if not await uow.invoices.charge(invoice.account, invoice.amount.fen, owed):
            invoiced = (await uow.invoices.invoiced(invoice.shop_id, invoice.period_from, invoice.period_to)).get(
                (invoice.counterparty, invoice.counterparty_id), 0)
            raise DomainError(msg("the amount is above what is outstanding for this counterparty and month "
                                  "({outstanding})", outstanding=Money(owed - invoiced)),
                              ("input", "amount"), ErrorCode.INVOICE_ABOVE_OUTSTANDING)
        invoice.id = None
        try:
            await uow.invoices.add(invoice)
        except AlreadyExists:
            raise DomainError("this shop has already used that invoice number", ("input", "number"),
                              ErrorCode.INVOICE_NUMBER_TAKEN) from None
        await uow.events.record(_event(EventType.INVOICE_RECORDED, invoice, actor, now))
        return invoice

    return await in_transaction(uow, work)


async def void_invoice(uow: UnitOfWork, actor: Actor, clock: Clock, invoice_id: int | None, reason: str) -> Invoice:
    """W13: invoices are never edited; a wrong one is voided, with a reason, and its amount is outstanding again.
    Voiding twice is refused (the UPDATE is conditional on it not being voided)."""
    actor.require(Role.MERCHANT)
    text = bounded_text(reason, field=("input", "reason"), max_len=rules.MAX_VOID_REASON, min_len=1)
    now = clock.now()

    async def work(uow: UnitOfWork) -> Invoice:
        invoice = (await uow.invoices.get_many([invoice_id])).get(invoice_id) if invoice_id is not None else None
        if invoice is None or invoice.shop_id != actor.shop_id:
            raise NotFound("no such invoice", ("input", "invoiceId"))
        invoice.voided_at, invoice.voided_by, invoice.void_reason = now, actor.user_id, text
        if not await uow.invoices.void(invoice):
            raise InvalidState("this invoice is already voided", ("input", "invoiceId"))
        await uow.events.record(_event(EventType.INVOICE_VOIDED, invoice, actor, now))
        return invoice

    return await in_transaction(uow, work)


def visible(invoice: Invoice, actor: Actor) -> bool:
    """An invoice is read by its shop's merchant and by the platform."""
    return actor.role is Role.PLATFORM or (actor.role is Role.MERCHANT and actor.shop_id == invoice.shop_id)
