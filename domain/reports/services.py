"""F4: who may read which governance report."""

from __future__ import annotations

from datetime import datetime

from domain.reports.model import MAX_DAYS, GovernanceReport
from domain.shared.actor import Actor, Role
from domain.shared.errors import Forbidden, InvalidInput, NotFound
from domain.shared.messages import msg
from domain.shared.uow import UnitOfWork


async def governance_report(uow: UnitOfWork, actor: Actor, now: datetime, shop_id: int | None, shop_given: bool,
                            start: datetime, end: datetime) -> GovernanceReport:
    """MERCHANT: its own shop (``shopId`` omitted or its own). PLATFORM: one shop, or the whole platform."""
    if actor.role is Role.MERCHANT:
        if shop_given and shop_id != actor.shop:
            raise NotFound("no such shop", ("shopId",))
        shop_id = actor.shop
    elif actor.role is Role.PLATFORM:
        if shop_given and shop_id is None:
            raise NotFound("no such shop", ("shopId",))
    else:
        raise Forbidden("governance reports are the shop's MERCHANT's and the platform's")
    if not start < end:
        raise InvalidInput("`from` must be before `to`", ("from",))
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput(msg("a report covers at most {max} days", max=MAX_DAYS), ("to",))
    async with uow:
        if shop_id is not None and shop_id not in await uow.shops.get_many([shop_id]):
            raise NotFound("no such shop", ("shopId",))
        return await uow.reports.governance(shop_id, start, end, now)
