"""W11: campaigns — the platform creates them, merchants sign their shops up with a share of the cost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.coupons import rules
from domain.coupons.campaign import Campaign, SignUp
from domain.coupons.model import CouponTemplate, IssuerKind
from domain.events.model import Event, EventType
from domain.shared.actor import Actor, Role
from domain.shared.clock import Clock
from domain.shared.errors import DomainError, ErrorCode, InvalidInput, InvalidState, NotFound, stored
from domain.shared.ids import global_id
from domain.shared.listing import Page
from domain.shared.messages import msg
from domain.shared.text import bounded_text
from domain.shared.uow import UnitOfWork, in_transaction
from domain.shared.validation import Validation


@dataclass(frozen=True)
class CampaignRequest:
    name: str
    sign_up_from: datetime
    sign_up_until: datetime
    runs_from: datetime
    runs_until: datetime
    min_merchant_share: Decimal
    max_merchant_share: Decimal
    template_ids: list[int | None]


def _check_windows(request: CampaignRequest, now: datetime, check: Validation) -> None:
    f = ("input",)
    if not request.sign_up_from < request.sign_up_until:
        check.add(InvalidInput("the sign-up window needs signUpFrom before signUpUntil", (*f, "signUpUntil")))
    if not request.sign_up_until <= request.runs_from:
        check.add(InvalidInput("sign-up ends before the campaign runs (signUpUntil ≤ runsFrom)", (*f, "runsFrom")))
    if not request.runs_from < request.runs_until:
        check.add(InvalidInput("the running window needs runsFrom before runsUntil", (*f, "runsUntil")))
    elif request.runs_until <= now:
        check.add(InvalidInput("the running window has already ended", (*f, "runsUntil")))


async def create_campaign(uow: UnitOfWork, actor: Actor, clock: Clock, request: CampaignRequest) -> Campaign:
    """W11: a name, a sign-up window, a running window, the range of the merchant's share, and its PLATFORM
    templates — each of no other campaign (decided by a conditional UPDATE, so two campaigns never share one)."""
    actor.require(Role.PLATFORM)
    now = clock.now()
    given = Validation()
    name = given(bounded_text, request.name, field=("input", "name"), max_len=100, min_len=1)
    low = given(rules.share, request.min_merchant_share, ("input", "minMerchantShare"))
    high = given(rules.share, request.max_merchant_share, ("input", "maxMerchantShare"))
    if low is not None and high is not None and low > high:
        given.add(InvalidInput("minMerchantShare is at most maxMerchantShare", ("input", "maxMerchantShare")))
    _check_windows(request, now, given)
    if not 1 <= len(request.template_ids) <= rules.MAX_CAMPAIGN_TEMPLATES:
        given.add(InvalidInput(msg("a campaign has 1 to {max} templates", max=rules.MAX_CAMPAIGN_TEMPLATES),
                               ("input", "templateIds")))

    async def work(uow: UnitOfWork) -> Campaign:
        check = given.branch()
        ids = [i for i in request.template_ids if i is not None]
        found = await uow.coupons.templates(ids)
        for i, template_id in enumerate(request.template_ids):
            template = found.get(template_id) if template_id is not None else None
            field = ("input", "templateIds", i)
            if template is None:
                check.add(NotFound("no such coupon template", field))
            elif template.issuer_kind is not IssuerKind.PLATFORM:
                check.add(InvalidInput("a campaign's coupons are platform coupons (W11)", field))
            elif template.campaign_id is not None:
                check.add(InvalidInput("this template already belongs to a campaign", field))
        check.done()
        assert name is not None and low is not None and high is not None
        unique = list(dict.fromkeys(ids))
        campaign = Campaign(name, request.sign_up_from, request.sign_up_until, request.runs_from, request.runs_until,
                            low, high, now, actor.user_id, tuple(unique))
        await uow.campaigns.add(campaign)
        if await uow.coupons.set_campaign(unique, stored(campaign.id)) != len(unique):
            raise InvalidInput("a template was given to another campaign meanwhile", ("input", "templateIds"))
        await uow.events.record(_event(EventType.CAMPAIGN_CREATED, campaign, actor, now, None))
        return campaign

    return await in_transaction(uow, work)


def _event(type: EventType, campaign: Campaign, actor: Actor, now: datetime, sign_up: SignUp | None,
           shop_id: int | None = None) -> Event:
    """A campaign's creation concerns the platform; a sign-up's change, its shop too."""
    shop = sign_up.shop_id if sign_up is not None else shop_id
    return Event.of(type, "Campaign", campaign.id, actor, now, shop_id=shop,
                    campaignId=global_id("Campaign", campaign.id), name=campaign.name,
                    shopId=global_id("Shop", shop) if shop is not None else None,
                    merchantShare=str(sign_up.merchant_share) if sign_up is not None else None)


async def _campaign(uow: UnitOfWork, campaign_id: int | None) -> Campaign:
    """The campaign a merchant signs up for. Campaigns are the platform's announcements, not a tenant's data: one
    whose window is not open is found, and the sign-up refused with the reason (CAMPAIGN_SIGN_UP_CLOSED)."""
    campaign = (await uow.campaigns.get_many([campaign_id])).get(campaign_id) if campaign_id is not None else None
    if campaign is None:
        raise NotFound("no such campaign", ("input", "campaignId"))
    return campaign


CLOSED = ErrorCode.CAMPAIGN_SIGN_UP_CLOSED
FIELD = ("input", "campaignId")


async def join_campaign(uow: UnitOfWork, actor: Actor, clock: Clock, campaign_id: int | None,
                        merchant_share: Decimal) -> Campaign:
    """W11: the merchant signs its shop up in the sign-up window with a share in the campaign's range, or changes
    the share of its sign-up before the campaign starts. (campaign, shop) is unique: two joins at once are one
    sign-up and one change."""
    actor.require(Role.MERCHANT)
    now = clock.now()
    share = rules.share(merchant_share, ("input", "merchantShare"))

    async def work(uow: UnitOfWork) -> Campaign:
        campaign = await _campaign(uow, campaign_id)
        pk = stored(campaign.id)
        rules.in_range(share, campaign.min_merchant_share, campaign.max_merchant_share, ("input", "merchantShare"))
        existing = await uow.campaigns.sign_up(pk, actor.shop)
        if existing is None:
            if not campaign.open_for_sign_up(now):
                raise DomainError("sign-up is open only inside the campaign's sign-up window", FIELD, CLOSED)
            sign_up = SignUp(pk, actor.shop, share, now, now)
            await uow.campaigns.add_sign_up(sign_up)
            await uow.events.record(_event(EventType.CAMPAIGN_JOINED, campaign, actor, now, sign_up))
            return campaign
        if campaign.started(now):
            raise DomainError("a sign-up is fixed once the campaign has started", FIELD, CLOSED)
        if existing.merchant_share != share:
            existing.merchant_share, existing.changed_at = share, now
            await uow.campaigns.update_sign_up(existing)
            await uow.events.record(_event(EventType.CAMPAIGN_SHARE_CHANGED, campaign, actor, now, existing))
        return campaign

    return await in_transaction(uow, work)


async def leave_campaign(uow: UnitOfWork, actor: Actor, clock: Clock, campaign_id: int | None) -> Campaign:
    """W11: the merchant withdraws its shop's sign-up before the campaign starts."""
    actor.require(Role.MERCHANT)
    now = clock.now()

    async def work(uow: UnitOfWork) -> Campaign:
        campaign = await _campaign(uow, campaign_id)
        existing = await uow.campaigns.sign_up(stored(campaign.id), actor.shop)
        if existing is None:
            raise InvalidState("this shop has not signed up for the campaign", ("input", "campaignId"))
        if campaign.started(now):
            raise DomainError("a sign-up is fixed once the campaign has started", FIELD, CLOSED)
        await uow.campaigns.remove_sign_up(existing)
        await uow.events.record(_event(EventType.CAMPAIGN_LEFT, campaign, actor, now, None, actor.shop))
        return campaign

    return await in_transaction(uow, work)


def _viewer_scope(actor: Actor, now: datetime) -> tuple[datetime | None, int | None]:
    """W11: the platform sees every campaign; a merchant those open for sign-up or signed up by its shop."""
    actor.require(Role.PLATFORM, Role.MERCHANT)
    return (None, None) if actor.role is Role.PLATFORM else (now, actor.shop)


async def campaign_page(uow: UnitOfWork, actor: Actor, now: datetime, page: Page) -> list[Campaign]:
    open_at, shop_id = _viewer_scope(actor, now)
    return await uow.campaigns.page(open_at, shop_id, page)


async def count_campaigns(uow: UnitOfWork, actor: Actor, now: datetime) -> int:
    open_at, shop_id = _viewer_scope(actor, now)
    return await uow.campaigns.count(open_at, shop_id)


def visible(campaign: Campaign, actor: Actor, now: datetime, signed_up: bool) -> bool:
    """``node(id:)``'s rule for a campaign: the list's."""
    if actor.role is Role.PLATFORM:
        return True
    return actor.role is Role.MERCHANT and (campaign.open_for_sign_up(now) or signed_up)


async def with_campaigns(uow: UnitOfWork, templates: list[CouponTemplate], shop_ids: list[int]) -> None:
    """W11: give each campaign template its campaign's terms, with the shares of ``shop_ids`` that signed up —
    what pricing, scope and the cost split read. Two statements, however many templates."""
    campaign_ids = list({t.campaign_id for t in templates if t.campaign_id is not None})
    if not campaign_ids or not shop_ids:  # no shop at hand: no campaign's coupon can apply, nothing to read
        return
    campaigns = await uow.campaigns.get_many(campaign_ids)
    shares = await uow.campaigns.shares(campaign_ids, shop_ids)
    for template in templates:
        if template.campaign_id is not None and template.campaign_id in campaigns:
            template.campaign = campaigns[template.campaign_id].terms(shares.get(template.campaign_id, {}))
