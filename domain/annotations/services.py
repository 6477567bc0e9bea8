"""Annotation operations (SPEC N1–N6). Remarks belong to the shop; stars, contacts and shortcuts to the agent."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from domain.annotations.model import (
    DEFAULT_SHORTCUTS,
    MAX_STARS,
    Contact,
    CustomerRemark,
    Remark,
    Star,
    StarColor,
    normalise_binding,
    remark_text,
    shortcut_action,
)
from domain.annotations.model import (
    customer_id as checked_customer,
)
from domain.claims.model import Claim
from domain.events.facts import claim_event, order_event
from domain.events.model import Event, EventType
from domain.orders.model import Order
from domain.shared.actor import SHOP_ROLES, Actor, Role
from domain.shared.clock import Clock
from domain.shared.errors import DomainError, ErrorCode, InvalidInput, NotFound, stored
from domain.shared.listing import Page, window_of
from domain.shared.messages import msg
from domain.shared.uow import UnitOfWork, in_transaction
from domain.shops.services import require_own_shop

TEXT = ("input", "text")


async def set_customer_remark(uow: UnitOfWork, actor: Actor, clock: Clock, customer: str, text: str) -> CustomerRemark:
    """N1: the shop's one description of a customer; empty text clears it; every change goes to the history."""
    actor.require(*SHOP_ROLES)
    customer, value, now = checked_customer(customer), remark_text(text, TEXT), clock.now()

    async def work(uow: UnitOfWork) -> CustomerRemark:
        await require_own_shop(uow, actor)
        remark = await uow.annotations.customer_remark(actor.shop, customer, lock=True)
        if remark is None:
            remark = CustomerRemark(actor.shop, customer, value, now, actor.user_id)
        else:
            remark.text, remark.updated_at, remark.updated_by = value, now, actor.user_id
        await uow.annotations.save_customer_remark(remark)
        await uow.events.record(Event.of(EventType.CUSTOMER_REMARK_CHANGED, "CustomerProfile",
                                         f"{actor.shop}:{customer}", actor, now, shop_id=actor.shop,
                                         customerId=customer, cleared=not value))
        return remark

    return await in_transaction(uow, work)


async def set_order_remark(uow: UnitOfWork, actor: Actor, clock: Clock, order_id: int | None, text: str) -> Order:
    """N2: an order-level remark of the shop (never shown to the buyer); empty text clears it."""
    actor.require(*SHOP_ROLES)
    value, now = remark_text(text, TEXT), clock.now()

    async def work(uow: UnitOfWork) -> Order:
        order = await uow.orders.get(order_id, lock=True) if order_id is not None else None
        if order is None or order.shop_id != actor.shop_id:
            raise NotFound("no such order of your shop", ("input", "orderId"))
        order.remark = value or None
        await uow.orders.update(order)
        # N2: a shop's remark is the shop's — the buyer never sees the event either
        await uow.events.record(order_event(EventType.ORDER_REMARK_CHANGED, order, actor, now, buyer_sees=False,
                                            cleared=not value))
        return order

    return await in_transaction(uow, work)


async def add_after_sale_remark(uow: UnitOfWork, actor: Actor, clock: Clock, claim_id: int | None, text: str) -> Claim:
    """N2: after-sale remarks belong to a claim, are kept in order, and are seen by the shop only."""
    actor.require(*SHOP_ROLES)
    value, now = remark_text(text, TEXT), clock.now()
    if not value:
        raise InvalidInput("a remark needs some text", TEXT)

    async def work(uow: UnitOfWork) -> Claim:
        claim = await uow.claims.get(claim_id) if claim_id is not None else None
        if claim is None or claim.shop_id != actor.shop_id:
            raise NotFound("no such claim of your shop", ("input", "claimId"))
        await uow.annotations.add_after_sale_remark(stored(claim.id), Remark(value, actor.user_id, now))
        await uow.events.record(claim_event(EventType.CLAIM_REMARK_ADDED, claim, actor, now, buyer_sees=False))
        return claim

    return await in_transaction(uow, work)


@dataclass(frozen=True)
class Starred:
    star: Star
    evicted: Star | None


async def star_customer(uow: UnitOfWork, actor: Actor, clock: Clock, customer: str, color: StarColor) -> Starred:
    """N3: starring again changes only the colour; the 101st star evicts the earliest, atomically: every new star of
    an agent goes through a conditional update of the agent's counter row, so concurrent stars queue or retry.
    N4: starring makes the customer a contact of the agent if they were not one, so unstarring never loses them."""
    actor.require(Role.AGENT)
    customer, now = checked_customer(customer), clock.now()

    async def work(uow: UnitOfWork) -> Starred:
        if customer not in await uow.annotations.contact_times(actor.user_id, [customer]):
            await uow.annotations.record_contact(actor.user_id, customer, now, actor.user_id)
        existing = (await uow.annotations.star_of(actor.user_id, [customer])).get(customer)
        if existing is not None:
            existing.color = color
            await uow.annotations.recolour_star(existing)
            await uow.events.record(_star_event(existing, "RECOLOURED", actor, now))
            return Starred(existing, None)
        await uow.annotations.claim_star_slot(actor.user_id)
        stars = await uow.annotations.stars(actor.user_id)
        evicted = None
        if len(stars) >= MAX_STARS:
            evicted = await uow.annotations.remove_star(actor.user_id, stars[-1].customer_id)
        star = await uow.annotations.add_star(Star(actor.user_id, customer, color, now))
        if evicted is not None:
            await uow.events.record(_star_event(evicted, "EVICTED", actor, now))
        await uow.events.record(_star_event(star, "STARRED", actor, now))
        return Starred(star, evicted)

    return await in_transaction(uow, work)


async def unstar_customer(uow: UnitOfWork, actor: Actor, clock: Clock, customer: str) -> Star:
    """N4: remove one star; the customer stays in the recent contacts."""
    actor.require(Role.AGENT)
    customer = checked_customer(customer)

    async def work(uow: UnitOfWork) -> Star:
        removed = await uow.annotations.remove_star(actor.user_id, customer)
        if removed is None:
            raise NotFound("that customer is not starred", ("input", "customerId"))
        await uow.events.record(_star_event(removed, "UNSTARRED", actor, clock.now()))
        return removed

    return await in_transaction(uow, work)


async def clear_stars(uow: UnitOfWork, actor: Actor, clock: Clock) -> int:
    """N4: every star of the agent, in one call."""
    actor.require(Role.AGENT)

    async def work(uow: UnitOfWork) -> int:
        await uow.annotations.claim_star_slot(actor.user_id)
        cleared = await uow.annotations.clear_stars(actor.user_id)
        if cleared:
            await uow.events.record(Event.of(EventType.STAR_CHANGED, "Agent", actor.user_id, actor, clock.now(),
                                             shop_id=actor.shop, agentId=actor.user_id, change="CLEARED",
                                             count=cleared))
        return cleared

    return await in_transaction(uow, work)


async def record_contact(uow: UnitOfWork, actor: Actor, clock: Clock, customer: str, agent_id: str | None,
                         at: datetime | None) -> Contact:
    """N5: the chat service (with the agent's id) or the agent records a contact."""
    actor.require(Role.AGENT, Role.SERVICE)
    now = clock.now()
    customer = checked_customer(customer)
    if actor.role is Role.SERVICE:
        if not agent_id:
            raise InvalidInput("the chat service names the agent", ("input", "agentId"))
        agent = checked_customer(agent_id, ("input", "agentId"))
    else:
        if agent_id not in (None, actor.user_id):
            raise InvalidInput("an agent records their own contacts", ("input", "agentId"))
        agent = actor.user_id
    moment = at or now
    if moment > now:
        raise InvalidInput("that moment is in the future", ("input", "at"))

    async def work(uow: UnitOfWork) -> Contact:
        latest = await uow.annotations.record_contact(agent, customer, moment, actor.user_id)
        star = (await uow.annotations.star_of(agent, [customer])).get(customer)
        return Contact(customer, latest, star)

    return await in_transaction(uow, work)


async def set_shortcut(uow: UnitOfWork, actor: Actor, clock: Clock, action: str, keys: str) -> tuple[str, str]:
    """N6: a binding is one or more modifiers plus one key; two actions of one agent never share a binding."""
    actor.require(Role.AGENT)
    action, binding = shortcut_action(action), normalise_binding(keys)

    async def work(uow: UnitOfWork) -> tuple[str, str]:
        bindings = {**DEFAULT_SHORTCUTS, **await uow.annotations.shortcuts(actor.user_id)}
        holder = next((a for a, k in bindings.items() if k == binding and a != action), None)
        if holder is not None:
            raise DomainError(msg("{binding} is already bound to {holder}",
                binding=binding, holder=holder), ("input", "keys"), ErrorCode.SHORTCUT_CONFLICT)
        bindings[action] = binding
        await uow.annotations.save_shortcuts(actor.user_id, bindings, action)
        await uow.events.record(Event.of(EventType.SHORTCUT_CHANGED, "Agent", actor.user_id, actor, clock.now(),
                                         shop_id=actor.shop, agentId=actor.user_id, action=action, keys=binding))
        return action, binding

    return await in_transaction(uow, work)


# ---------------------------------------------------------------- reads


def require_shop_staff(actor: Actor) -> None:
    """N1: a shop's merchants and agents; nobody else (buyers included) sees annotations."""
    actor.require(*SHOP_ROLES)


def require_agent(actor: Actor) -> None:
    actor.require(Role.AGENT)


async def recent_contacts(uow: UnitOfWork, agent_id: str, page: Page) -> list[tuple[Contact, list[str | int]]]:
    """N5: starred customers first (newest star first), then the others by last contact, newest first: ``page`` of
    that list, in the order read (H3: a backward page reads the contacts from the end, then the stars). Each row
    comes with its key: ["S", starred-at ISO, star id] or ["C", last-contact ISO, customer id]; the page's keys
    are such keys as read back (["S", starred at, star id] or ["C", last contact, customer id])."""
    async with uow:
        stars = await uow.annotations.stars(agent_id)
        starred = {s.customer_id for s in stars}
        rows: list[tuple[Contact, list[str | int]]] = []
        for segment in ("C", "S") if page.backward else ("S", "C"):
            part = _segment(page, segment, page.limit - len(rows))
            if part is None:
                continue
            if segment == "S":
                chosen = window_of(stars, lambda s: (s.starred_at, stored(s.id)), True, part)
                times = await uow.annotations.contact_times(agent_id, [s.customer_id for s in chosen])
                rows += [(Contact(s.customer_id, times.get(s.customer_id), s),
                          ["S", s.starred_at.isoformat(), stored(s.id)]) for s in chosen]
            else:
                found = await uow.annotations.contacts(agent_id, starred, part)
                rows += [(Contact(customer, at, None), ["C", at.isoformat(), customer]) for customer, at in found]
    return rows


_SEGMENTS = {"S": 0, "C": 1}  # stars come before the other contacts


def _segment(page: Page, segment: str, limit: int) -> Page | None:
    """The part of ``page`` inside one segment of the list, its keys without their tag; None when the page holds
    none of it (or it already has its rows)."""
    if limit <= 0:
        return None
    index, bounds = _SEGMENTS[segment], dict[str, tuple[Any, ...]]()
    for name, key, beyond in (("after", page.after, 1), ("before", page.before, -1)):
        if key is None:
            continue
        if (_SEGMENTS[key[0]] - index) * beyond > 0:  # the bound lies past the whole segment
            return None
        if key[0] == segment:
            bounds[name] = tuple(key[1:])
    return replace(page, limit=limit, after=bounds.get("after"), before=bounds.get("before"))


def _star_event(star: Star, change: str, actor: Actor, at: datetime) -> Event:
    """N3/N4: an agent's star, seen by the agent's shop (E3)."""
    return Event.of(EventType.STAR_CHANGED, "Agent", star.agent_id, actor, at, shop_id=actor.shop,
                    agentId=star.agent_id, customerId=star.customer_id, change=change,
                    color=star.color.value if change in ("STARRED", "RECOLOURED") else None)
