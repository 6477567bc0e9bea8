"""F4: who may read which governance report."""

from __future__ import annotations

from datetime import datetime

from domain.reports.model import MAX_DAYS, GovernanceReport
from domain.shared.actor import Actor, Role
from domain.shared.errors import Forbidden, InvalidInput
from domain.shared.messages import msg
from domain.shared.uow import UnitOfWork
from domain.shops.services import requested_shop, require_shop


async def governance_report(uow: UnitOfWork, actor: Actor, now: datetime, shop_id: int | None, shop_given: bool,
                            start: datetime, end: datetime) -> GovernanceReport:
    """MERCHANT: its own shop (``shopId`` omitted or its own). PLATFORM: one shop, or the whole platform."""
    if actor.role not in (Role.MERCHANT, Role.PLATFORM):
        raise Forbidden("governance reports are the shop's MERCHANT's and the platform's")
    shop_id = requested_shop(actor, shop_id, shop_given, ("shopId",))
    if not start < end:
        raise InvalidInput("`from` must be before `to`", ("from",))
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput(msg("a report covers at most {max} days", max=MAX_DAYS), ("to",))
    async with uow:
        await require_shop(uow, shop_id, ("shopId",))
        return await uow.reports.governance(shop_id, start, end, now)
