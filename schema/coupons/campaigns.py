"""W11: campaigns, their sign-ups, and the mutations of both."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from domain.coupons import campaign as model
from domain.coupons import campaigns as services
from domain.shared.actor import Role
from domain.shared.errors import stored
from schema.common.errors import UserError
from schema.common.ids import decode_id, encode_id
from schema.common.mutations import attempt
from schema.common.node import Node, register_node
from schema.common.pagination import CountedConnection, newest_first, window
from schema.context import Info
from schema.coupons.types import CouponTemplate, template_of
from schema.shops.types import Shop, shop_of

CampaignStatus = model.CampaignStatus
strawberry.enum(model.CampaignStatus, name="CampaignStatus", description="W11: where a campaign stands now.")


@strawberry.type(description="W11: a shop's sign-up for a campaign: the share of each coupon's cost its merchant "
                             "bears in that shop (the platform bears the rest).")
class CampaignSignUp:
    merchant_share: Decimal = strawberry.field(description="0..1, at most 4 decimals, in the campaign's range.")
    joined_at: datetime
    changed_at: datetime = strawberry.field(description="When the share was last set (the sign-up, or a change).")
    shop_id: strawberry.Private[int]

    @strawberry.field
    def shop(self, info: Info) -> Shop:
        return info.context.loaders.then(info.context.loaders.shop_by_id, self.shop_id, shop_of)

    @staticmethod
    def of(s: model.SignUp) -> CampaignSignUp:
        return CampaignSignUp(merchant_share=s.merchant_share, joined_at=s.joined_at, changed_at=s.changed_at,
                              shop_id=s.shop_id)


@strawberry.type(description="W11: a platform campaign. Its coupons apply only in signed-up shops, while it runs, "
                             "and each used coupon's cost is split by that shop's share.")
class Campaign(Node):
    id: strawberry.ID
    name: str
    sign_up_from: datetime
    sign_up_until: datetime
    runs_from: datetime
    runs_until: datetime
    min_merchant_share: Decimal = strawberry.field(description="W11: the merchant's share of a coupon's cost a "
                                                               "sign-up may choose.")
    max_merchant_share: Decimal
    created_at: datetime
    campaign: strawberry.Private[model.Campaign]

    @strawberry.field(description="As of now: SIGN_UP until it runs, RUNNING, then ENDED.")
    def status(self, info: Info) -> CampaignStatus:
        return self.campaign.status(info.context.clock.now())

    @strawberry.field(description="Its PLATFORM coupon templates.")
    async def templates(self, info: Info) -> list[CouponTemplate]:
        found = await info.context.loaders.coupon_template_by_id.load_many(list(self.campaign.template_ids))
        return [template_of(t) for t in found]

    @strawberry.field(description="MERCHANT: its own shop's sign-up; PLATFORM: every sign-up.")
    async def sign_ups(self, info: Info) -> list[CampaignSignUp]:
        actor, loaders, pk = info.context.actor, info.context.loaders, stored(self.campaign.id)
        if actor.role is Role.PLATFORM:
            return [CampaignSignUp.of(s) for s in await loaders.sign_ups_by_campaign.load(pk) or []]
        if actor.role is Role.MERCHANT:
            own = await loaders.sign_up_by_campaign_and_shop.load((pk, actor.shop))
            return [CampaignSignUp.of(own)] if own else []
        return []

    @staticmethod
    def of(c: model.Campaign) -> Campaign:
        return Campaign(id=encode_id("Campaign", c.id), name=c.name, sign_up_from=c.sign_up_from,
                        sign_up_until=c.sign_up_until, runs_from=c.runs_from, runs_until=c.runs_until,
                        min_merchant_share=c.min_merchant_share, max_merchant_share=c.max_merchant_share,
                        created_at=c.created_at, campaign=c)


async def load_campaign(info: Info, pk: int) -> Campaign | None:
    ctx = info.context
    found = await ctx.loaders.campaign_by_id.load(pk)
    if found is None or ctx.actor.role not in (Role.PLATFORM, Role.MERCHANT):
        return None
    signed_up = ctx.actor.role is Role.MERCHANT and \
        await ctx.loaders.sign_up_by_campaign_and_shop.load((pk, ctx.actor.shop)) is not None
    return Campaign.of(found) if services.visible(found, ctx.actor, ctx.clock.now(), signed_up) else None


register_node("Campaign", load_campaign)


@strawberry.input(description="W11: the platform's campaign.")
class CreateCampaignInput:
    name: str
    sign_up_from: datetime
    sign_up_until: datetime = strawberry.field(description="At or before runsFrom.")
    runs_from: datetime
    runs_until: datetime
    min_merchant_share: Decimal = strawberry.field(description="0..1, at most 4 decimals.")
    max_merchant_share: Decimal
    template_ids: list[strawberry.ID] = strawberry.field(description="PLATFORM templates that become the "
                                                                     "campaign's (1 to 100, each of no other).")

    def to_request(self) -> services.CampaignRequest:
        return services.CampaignRequest(self.name, self.sign_up_from, self.sign_up_until, self.runs_from,
                                        self.runs_until, self.min_merchant_share, self.max_merchant_share,
                                        [decode_id(i, "CouponTemplate") for i in self.template_ids])


@strawberry.input
class JoinCampaignInput:
    campaign_id: strawberry.ID
    merchant_share: Decimal = strawberry.field(description="The share of each coupon's cost the shop bears, in the "
                                                           "campaign's range.")


@strawberry.input
class LeaveCampaignInput:
    campaign_id: strawberry.ID


@strawberry.type
class CampaignPayload:
    campaign: Campaign | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CampaignQueries:
    @strawberry.field(description="W11: PLATFORM every campaign; MERCHANT those open for sign-up or joined. Newest "
                                  "first.")
    async def campaigns(self, info: Info, first: int | None = None, after: str | None = None,
                        last: int | None = None, before: str | None = None) -> CountedConnection[Campaign]:
        ctx = info.context
        actor, now = ctx.actor, ctx.clock.now()
        return await newest_first(ctx.loaders.read, window(first, after, last, before),
                                  lambda uow, page: services.campaign_page(uow, actor, now, page), Campaign.of,
                                  lambda uow: services.count_campaigns(uow, actor, now))


def _campaign(c: model.Campaign) -> dict:
    return {"campaign": Campaign.of(c)}


@strawberry.type
class CampaignMutations:
    @strawberry.mutation(description="W11: PLATFORM.")
    async def create_campaign(self, info: Info, input: CreateCampaignInput) -> CampaignPayload:
        ctx = info.context
        return await attempt(CampaignPayload, lambda: services.create_campaign(
            ctx.uow(), ctx.actor, ctx.clock, input.to_request()), _campaign)

    @strawberry.mutation(description="W11: MERCHANT, during sign-up; again to change the share before the start.")
    async def join_campaign(self, info: Info, input: JoinCampaignInput) -> CampaignPayload:
        ctx = info.context
        return await attempt(CampaignPayload, lambda: services.join_campaign(
            ctx.uow(), ctx.actor, ctx.clock, decode_id(input.campaign_id, "Campaign"), input.merchant_share),
            _campaign)

    @strawberry.mutation(description="W11: MERCHANT, before the start.")
    async def leave_campaign(self, info: Info, input: LeaveCampaignInput) -> CampaignPayload:
        ctx = info.context
        return await attempt(CampaignPayload, lambda: services.leave_campaign(
            ctx.uow(), ctx.actor, ctx.clock, decode_id(input.campaign_id, "Campaign")), _campaign)
