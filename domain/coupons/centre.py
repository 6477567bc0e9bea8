"""F3: the coupon centre (what a buyer may claim now, and what can apply to a product or a shop) and the issuers'
own lists. W2's scope is ``CouponTemplate.in_scope``, the function the checkout quote applies to each line."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime

from domain.catalog.model import Product
from domain.coupons.campaigns import with_campaigns
from domain.coupons.model import CouponTemplate, IssuerKind
from domain.coupons.ports import TemplateQuery
from domain.shared.actor import Actor, Role
from domain.shared.errors import Forbidden, stored
from domain.shared.listing import Page
from domain.shared.uow import UnitOfWork

BATCH = 200


@dataclass(frozen=True)
class CentreRequest:
    issuer_kinds: frozenset[IssuerKind] | None = None
    claimable: bool | None = None
    shop_id: int | None = None
    shop_given: bool = False
    product_id: int | None = None
    product_given: bool = False
    live_room_streamer_id: str | None = None  # F3: a live room's (streamer) coupons


def _sql_part(actor: Actor, request: CentreRequest, now: datetime) -> TemplateQuery:
    query = TemplateQuery(issuer_kinds=request.issuer_kinds, open_at=now if request.claimable else None)
    if actor.role in (Role.BUYER, Role.PLATFORM):
        return query  # the centre shows every issuer's; the platform governs them all
    if actor.role is Role.MERCHANT:
        return replace(query, issuer=(IssuerKind.MERCHANT, str(actor.shop)))
    if actor.role is Role.STREAMER:
        return replace(query, issuer=(IssuerKind.STREAMER, actor.user_id))
    raise Forbidden("coupon templates are listed for buyers (the coupon centre), their issuers and the platform")


async def template_page(uow: UnitOfWork, actor: Actor, now: datetime, request: CentreRequest,
                        page: Page) -> list[CouponTemplate]:
    """``page`` of the list (newest first), each template admitted by F3's rules, in the order read: SQL reads
    batches in the page's direction until it has ``page.limit`` admitted or none are left."""
    query = _sql_part(actor, request, now)
    admits = await _rules(uow, actor, request, now)
    found: list[CouponTemplate] = []
    batches = replace(page, limit=BATCH)
    while len(found) < page.limit:
        batch = await uow.coupons.template_page(query, batches)
        found.extend(await admits(batch))
        if len(batch) < BATCH:
            break
        last = (stored(batch[-1].id),)
        batches = replace(batches, before=last) if page.backward else replace(batches, after=last)
    return found[:page.limit]


async def count_templates(uow: UnitOfWork, actor: Actor, now: datetime, request: CentreRequest) -> int:
    return len(await template_page(uow, actor, now, request, Page(1_000_000_000)))


async def _rules(uow: UnitOfWork, actor: Actor, request: CentreRequest,
                 now: datetime) -> Callable[[list[CouponTemplate]], Awaitable[list[CouponTemplate]]]:
    product: Product | None = None
    if request.product_given:
        product = (await uow.products.get_many([request.product_id])).get(request.product_id) \
            if request.product_id is not None else None
    new_user = request.claimable is not None and actor.role is Role.BUYER \
        and not await uow.orders.has_orders(actor.user_id)

    async def admits(batch: list[CouponTemplate]) -> list[CouponTemplate]:
        if request.product_given and product is None or request.shop_given and request.shop_id is None:
            return []  # a product or shop that does not exist: nothing can apply to it
        shops = [s for s in (product.shop_id if product else None, request.shop_id) if s is not None]
        await with_campaigns(uow, batch, shops)  # W11: a campaign's coupons apply in signed-up shops only
        kept = [t for t in batch if product is None or t.in_scope(product.shop_id, product.id or 0)]
        if request.live_room_streamer_id is not None:  # F3: a live room shows its streamer's coupons, usable now
            kept = [t for t in kept if t.issuer_kind is IssuerKind.STREAMER
                    and t.issuer_id == request.live_room_streamer_id and _on_offer(t, now)]
        elif product is not None:  # F3/W2: a product page never shows streamer coupons, nor expired or sold-out ones
            kept = [t for t in kept if t.issuer_kind is not IssuerKind.STREAMER and _on_offer(t, now)]
        if request.shop_id is not None:
            kept = [t for t in kept if await _may_apply_in_shop(uow, t, request.shop_id)]
        if request.claimable is not None and actor.role is Role.BUYER:
            owned = await uow.coupons.owned_counts([t.id for t in kept if t.id is not None], actor.user_id)
            kept = [t for t in kept if _claimable(t, owned.get(t.id or 0, 0), new_user, now) is request.claimable]
        return kept

    return admits


def _on_offer(template: CouponTemplate, now: datetime) -> bool:
    """F3: in stock and valid now (its window started and not ended)."""
    return template.claimed_count < template.total_stock and template.valid_now(now)


def _claimable(template: CouponTemplate, owned: int, new_user: bool, now: datetime) -> bool:
    """F3: in stock, valid now (started, not ended), and nothing of what ``claimCoupon`` checks (W3, W8) would
    refuse it."""
    return _on_offer(template, now) and template.claim_refusal(now, owned, new_user) is None


async def _may_apply_in_shop(uow: UnitOfWork, template: CouponTemplate, shop_id: int) -> bool:
    """W2 for a whole shop: some of its goods can be in the template's scope (W11: a campaign's, if it signed up)."""
    if not template.applies_in_shop(shop_id):
        return False
    if template.issuer_kind is IssuerKind.MERCHANT:
        return template.shop_id == shop_id
    if template.issuer_kind is IssuerKind.STREAMER or not template.shop_ids and not template.product_ids:
        return True
    if shop_id in template.shop_ids:
        return True
    listed = await uow.products.get_many(sorted(template.product_ids))
    return any(p.shop_id == shop_id for p in listed.values())
