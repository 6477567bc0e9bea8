"""W11–W12 as rules and services on the in-memory unit of work."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.coupons import campaigns, issuance, rules
from domain.coupons.model import IssuerKind
from domain.coupons.services import TemplateRequest, create_template
from domain.shared.actor import Actor, Role
from domain.shared.errors import DomainError, ErrorCode, InvalidInput
from domain.shared.money import Money
from tests.domain.service_world import PLATFORM, T0

# ---------------------------------------------------------------- the split (W11), against a Fraction oracle


@given(fen=st.integers(min_value=0, max_value=100_000_000_000),  # up to ¥10⁹
       share=st.integers(min_value=0, max_value=10_000).map(lambda n: Decimal(n).scaleb(-4)))
def test_w11_the_split_is_exact_to_the_fen_for_any_share_of_4_decimals(fen, share):
    merchant, platform = rules.campaign_split(Money(fen), share)
    exact = Fraction(fen) * (1 - Fraction(share))  # the platform's part before its one rounding
    assert platform.fen == math.floor(exact + Fraction(1, 2))  # half-up, once (G1)
    assert merchant.fen + platform.fen == fen
    assert 0 <= merchant.fen <= fen and 0 <= platform.fen <= fen
    assert abs(Fraction(merchant.fen) - Fraction(fen) * Fraction(share)) <= Fraction(1, 2)


def test_w11_a_tie_rounds_the_platforms_part_up():
    assert rules.campaign_split(Money(1), Decimal("0.5")) == (Money(0), Money(1))
    assert rules.campaign_split(Money(3), Decimal("0.5")) == (Money(1), Money(2))


@pytest.mark.parametrize("value", ["-0.1", "1.0001", "0.12345", "NaN", "Infinity"])
def test_w11_a_share_is_0_to_1_with_at_most_4_decimals(value):
    with pytest.raises(InvalidInput):
        rules.share(Decimal(value), ("input", "merchantShare"))


def test_w11_shares_are_kept_as_given_without_trailing_zeros():
    assert str(rules.share(Decimal("0.5000"), ("f",))) == "0.5" and rules.share(Decimal("0.0"), ("f",)) == 0


@pytest.mark.parametrize("start, end", [("2026-10-31T16:00:00+00:00", "2026-11-30T16:00:00+00:00"),
                                        ("2026-12-01T00:00:00+08:00", "2027-01-01T00:00:00+08:00")])
def test_w13_an_invoice_covers_one_shanghai_month(start, end):
    rules.month_of(datetime.fromisoformat(start), datetime.fromisoformat(end), ("f",))


@pytest.mark.parametrize("start, end", [("2026-11-01T00:00:00+00:00", "2026-12-01T00:00:00+00:00"),
                                        ("2026-10-31T16:00:00+00:00", "2026-12-31T16:00:00+00:00"),
                                        ("2026-11-02T00:00:00+08:00", "2026-12-01T00:00:00+08:00")])
def test_w13_anything_else_is_refused(start, end):
    with pytest.raises(InvalidInput):
        rules.month_of(datetime.fromisoformat(start), datetime.fromisoformat(end), ("f",))


# ---------------------------------------------------------------- the services, on the fakes


async def a_campaign(world, **overrides):
    template = await create_template(world.uow, PLATFORM, world.clock, TemplateRequest(
        IssuerKind.PLATFORM, "满50减10", Money(1000), 100, valid_days_after_claim=30))
    request = campaigns.CampaignRequest("秋季", T0 - timedelta(hours=1), T0 + timedelta(days=1),
                                        T0 + timedelta(days=2), T0 + timedelta(days=9), Decimal("0.3"),
                                        Decimal("0.9"), [template.id])
    for name, value in overrides.items():
        object.__setattr__(request, name, value)
    return await campaigns.create_campaign(world.uow, PLATFORM, world.clock, request), template


async def test_w11_sign_up_change_and_withdrawal_follow_the_windows(world):
    campaign, _ = await a_campaign(world)
    await campaigns.join_campaign(world.uow, world.merchant, world.clock, campaign.id, Decimal("0.4"))
    await campaigns.join_campaign(world.uow, world.merchant, world.clock, campaign.id, Decimal("0.5"))
    async with world.uow:
        assert (await world.uow.campaigns.sign_up(campaign.id, world.shop_id)).merchant_share == Decimal("0.5")
    with pytest.raises(InvalidInput):
        await campaigns.join_campaign(world.uow, world.merchant, world.clock, campaign.id, Decimal("0.95"))
    world.clock.advance(days=2)
    with pytest.raises(DomainError) as refused:
        await campaigns.leave_campaign(world.uow, world.merchant, world.clock, campaign.id)
    assert refused.value.code is ErrorCode.CAMPAIGN_SIGN_UP_CLOSED
    async with world.uow:  # nothing changed
        assert (await world.uow.campaigns.sign_up(campaign.id, world.shop_id)).merchant_share == Decimal("0.5")


async def test_w11_the_campaign_terms_carry_only_signed_up_shops(world):
    campaign, template = await a_campaign(world)
    await campaigns.join_campaign(world.uow, world.merchant, world.clock, campaign.id, Decimal("0.3"))
    async with world.uow:
        found = list((await world.uow.coupons.templates([template.id])).values())
        await campaigns.with_campaigns(world.uow, found, [world.shop_id, 999])
    terms = found[0].campaign
    assert terms is not None and dict(terms.shares) == {world.shop_id: Decimal("0.3")}
    assert found[0].in_scope(world.shop_id, 1) and not found[0].in_scope(999, 1)


async def test_w12_issuance_follows_claims_rules_in_the_order_given(world):
    template = await create_template(world.uow, PLATFORM, world.clock, TemplateRequest(
        IssuerKind.PLATFORM, "定向券", Money(500), 2, per_user_limit=1, valid_days_after_claim=7))
    results = await issuance.issue_coupons(world.uow, PLATFORM, world.clock, template.id, ["a", "b", "c"])
    assert [(r.buyer_id, r.refusal) for r in results] == [("a", None), ("b", None),
                                                          ("c", ErrorCode.COUPON_OUT_OF_STOCK)]
    with pytest.raises(DomainError) as refused:
        await issuance.issue_coupons(world.uow, Actor("star-9", Role.STREAMER), world.clock, template.id, ["d"])
    assert refused.value.code is ErrorCode.NOT_FOUND
