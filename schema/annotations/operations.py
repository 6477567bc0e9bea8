from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from domain.annotations import services
from domain.annotations.model import DEFAULT_SHORTCUTS
from domain.annotations.model import customer_id as checked_customer
from domain.shared.actor import Role
from domain.shared.listing import Page, window_of
from domain.shared.messages import msg
from schema.annotations.types import (
    Contact,
    CustomerProfile,
    CustomerRemark,
    Remark,
    Shortcut,
    Star,
    StarColor,
)
from schema.claims.operations import ClaimPayload
from schema.claims.types import Claim
from schema.common.errors import UserError, bad_input
from schema.common.ids import decode_cursor, decode_id
from schema.common.mutations import attempt
from schema.common.pagination import (
    Connection,
    CountedConnection,
    connection,
    counted_connection,
    page_size_of,
    typed_key,
    window,
)
from schema.context import Info
from schema.orders.types import Order


@strawberry.input
class SetCustomerRemarkInput:
    customer_id: str
    text: str


@strawberry.type
class CustomerRemarkPayload:
    profile: CustomerProfile | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class SetOrderRemarkInput:
    order_id: strawberry.ID
    text: str


@strawberry.type
class OrderPayload:
    order: Order | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class AddAfterSaleRemarkInput:
    claim_id: strawberry.ID
    text: str


@strawberry.input
class StarCustomerInput:
    customer_id: str
    color: StarColor | None = StarColor.RED


@strawberry.input
class UnstarCustomerInput:
    customer_id: str


@strawberry.type
class StarPayload:
    star: Star | None = None
    evicted: Star | None = strawberry.field(
        default=None, description="N3: the star removed to stay within 100, if any."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ClearStarsPayload:
    cleared: int = 0
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RecordContactInput:
    customer_id: str
    agent_id: str | None = None
    at: datetime | None = None


@strawberry.type
class RecordContactPayload:
    contact: Contact | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class SetShortcutInput:
    action: str
    keys: str


@strawberry.type
class ShortcutPayload:
    shortcut: Shortcut | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


async def _profile(info: Info, customer: str) -> CustomerProfile:
    actor = info.context.actor
    key = (actor.shop_id, customer)

    async def read(uow):
        remark = (await uow.annotations.customer_remarks([key])).get(key)
        history = (await uow.annotations.remark_history([key]))[key]
        star = (await uow.annotations.star_of(actor.user_id, [customer])).get(customer) if actor.role is Role.AGENT \
            else None
        return remark, history, star

    remark, history, star = await info.context.loaders.read(read)
    history_out = [Remark.of(r) for r in history]
    remark_out = None
    if remark is not None and remark.text:
        remark_out = CustomerRemark(text=remark.text, updated_at=remark.updated_at, updated_by=remark.updated_by,
                                    history=history_out)
    return CustomerProfile(customer_id=customer, remark=remark_out, star=Star.of_any(star), remark_history=history_out)


def _customer(value: str) -> str:
    try:
        return checked_customer(value)
    except Exception as error:  # noqa: BLE001  (a query has no userErrors: a bad argument is a top-level error)
        raise bad_input(error.args[0] if error.args else str(error)) from None  # a msg keeps its template


def _contact_key(cursor: str | None, name: str) -> tuple[Any, ...] | None:
    """A recent contact's cursor: ["S", starred at, star id] or ["C", last contact, customer id]."""
    if cursor is None:
        return None
    raw = decode_cursor(cursor)
    key = typed_key(raw, (str, datetime, int if raw and raw[0] == "S" else str), name)
    if key[0] not in ("S", "C"):
        raise bad_input(msg("that `{name}` cursor is not one this list gave out", name=name))
    return tuple(key)


@strawberry.type
class AnnotationQueries:
    @strawberry.field(description="N1/N3: the viewer's shop's view of a customer (MERCHANT or AGENT).")
    async def customer_profile(self, info: Info, customer_id: str) -> CustomerProfile:
        services.require_shop_staff(info.context.actor)
        return await _profile(info, _customer(customer_id))

    @strawberry.field(description="N3: the viewing agent's starred customers, newest star first.")
    async def starred_customers(
        self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
        before: str | None = None,
    ) -> CountedConnection[Star]:
        actor = info.context.actor
        services.require_agent(actor)
        page = window(first, after, last, before, (datetime, int))
        stars = await info.context.loaders.read(lambda uow: uow.annotations.stars(actor.user_id))
        rows = window_of(stars, lambda s: (s.starred_at, s.id), True, page)
        return counted_connection(rows, page, Star.of, lambda s: (s.starred_at.isoformat(), s.id), len(stars))

    @strawberry.field(description="N5: starred customers first (newest star first), then the others by last contact.")
    async def recent_contacts(
        self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
        before: str | None = None,
    ) -> Connection[Contact]:
        actor = info.context.actor
        services.require_agent(actor)
        page = Page(page_size_of(first, last) + 1, after=_contact_key(after, "after"),
                    before=_contact_key(before, "before"), backward=last is not None)
        rows = await services.recent_contacts(info.context.uow(write=False), actor.user_id, page)
        return connection(rows, page, lambda row: Contact.of(row[0]), lambda row: tuple(row[1]))

    @strawberry.field(description="N6: the agent's bindings, defaults included.")
    async def shortcuts(self, info: Info) -> list[Shortcut]:
        actor = info.context.actor
        services.require_agent(actor)
        custom = await info.context.loaders.read(lambda uow: uow.annotations.shortcuts(actor.user_id))
        return [Shortcut(action=a, keys=k) for a, k in {**DEFAULT_SHORTCUTS, **custom}.items()]


@strawberry.type
class AnnotationMutations:
    @strawberry.mutation(description="MERCHANT or AGENT of the shop (N1).")
    async def set_customer_remark(self, info: Info, input: SetCustomerRemarkInput) -> CustomerRemarkPayload:
        ctx = info.context

        async def run():
            remark = await services.set_customer_remark(ctx.uow(), ctx.actor, ctx.clock, input.customer_id, input.text)
            return await _profile(info, remark.customer_id)

        return await attempt(CustomerRemarkPayload, run, lambda profile: {"profile": profile})

    @strawberry.mutation(description="MERCHANT or AGENT of the shop (N2).")
    async def set_order_remark(self, info: Info, input: SetOrderRemarkInput) -> OrderPayload:
        ctx = info.context
        return await attempt(OrderPayload, lambda: services.set_order_remark(
            ctx.uow(), ctx.actor, ctx.clock, decode_id(input.order_id, "Order"), input.text),
            lambda order: {"order": Order.of(order)})

    @strawberry.mutation(description="MERCHANT or AGENT of the shop (N2).")
    async def add_after_sale_remark(self, info: Info, input: AddAfterSaleRemarkInput) -> ClaimPayload:
        ctx = info.context
        return await attempt(ClaimPayload, lambda: services.add_after_sale_remark(
            ctx.uow(), ctx.actor, ctx.clock, decode_id(input.claim_id, "Claim"), input.text),
            lambda claim: {"claim": Claim.of(claim)})

    @strawberry.mutation(description="AGENT (N3).")
    async def star_customer(self, info: Info, input: StarCustomerInput) -> StarPayload:
        ctx = info.context
        color = input.color or StarColor.RED
        return await attempt(StarPayload, lambda: services.star_customer(
            ctx.uow(), ctx.actor, ctx.clock, input.customer_id, color),
            lambda done: {"star": Star.of(done.star), "evicted": Star.of_any(done.evicted)})

    @strawberry.mutation(description="AGENT (N4).")
    async def unstar_customer(self, info: Info, input: UnstarCustomerInput) -> StarPayload:
        ctx = info.context
        return await attempt(StarPayload, lambda: services.unstar_customer(
            ctx.uow(), ctx.actor, ctx.clock, input.customer_id), lambda star: {"star": Star.of_any(star)})

    @strawberry.mutation(description="AGENT (N4).")
    async def clear_stars(self, info: Info) -> ClearStarsPayload:
        ctx = info.context
        return await attempt(ClearStarsPayload, lambda: services.clear_stars(ctx.uow(), ctx.actor, ctx.clock),
                             lambda count: {"cleared": count})

    @strawberry.mutation(description="AGENT, or SERVICE with agentId (N5).")
    async def record_contact(self, info: Info, input: RecordContactInput) -> RecordContactPayload:
        ctx = info.context
        return await attempt(RecordContactPayload, lambda: services.record_contact(
            ctx.uow(), ctx.actor, ctx.clock, input.customer_id, input.agent_id, input.at),
            lambda c: {"contact": Contact(customer_id=c.customer_id, star=Star.of_any(c.star),
                                          last_contact_at=c.last_contact_at)})

    @strawberry.mutation(description="AGENT (N6).")
    async def set_shortcut(self, info: Info, input: SetShortcutInput) -> ShortcutPayload:
        ctx = info.context
        return await attempt(ShortcutPayload, lambda: services.set_shortcut(
            ctx.uow(), ctx.actor, ctx.clock, input.action, input.keys),
            lambda done: {"shortcut": Shortcut(action=done[0], keys=done[1])})
