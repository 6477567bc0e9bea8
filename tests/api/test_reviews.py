"""Reviews reported by the order service."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.world import REVIEW


def review(order_id, rating=5, content="好吃", **extra):
    return {"input": {"orderId": order_id, "rating": rating, "content": content, **extra}}


async def test_a_delivered_order_gets_one_review(api, world):
    shop = await world.shop()
    order = await world.order(shop, signed_at=api.now)
    data = (await api.gql(REVIEW, review(order["id"]), token=world.service)).payload("recordReview")
    assert data["userErrors"] == []
    assert data["review"]["visibility"] == "PUBLIC" and data["review"]["countsTowardScore"] is True
    assert data["review"]["order"]["id"] == order["id"]
    again = (await api.gql(REVIEW, review(order["id"], 1), token=world.service)).payload("recordReview")
    assert again["userErrors"][0]["code"] == "ALREADY_EXISTS"


async def test_an_undelivered_order_cannot_be_reviewed(api, world):
    shop = await world.shop()
    order = await world.order(shop)
    data = (await api.gql(REVIEW, review(order["id"]), token=world.service)).payload("recordReview")
    assert data["userErrors"][0]["code"] == "INVALID_STATE"


@pytest.mark.parametrize("rating", [0, 6, -1])
async def test_rating_is_one_to_five(api, world, rating):
    shop = await world.shop()
    order = await world.order(shop, signed_at=api.now)
    data = (await api.gql(REVIEW, review(order["id"], rating), token=world.service)).payload("recordReview")
    assert data["userErrors"][0]["field"] == ["input", "rating"]


async def test_review_time_must_follow_the_sign_off(api, world):
    shop = await world.shop()
    order = await world.order(shop, signed_at=api.now)
    early = (api.now - timedelta(minutes=1)).isoformat()
    data = (await api.gql(REVIEW, review(order["id"], createdAt=early), token=world.service)).payload("recordReview")
    assert data["userErrors"][0]["field"] == ["input", "createdAt"]


async def test_only_the_service_records_reviews(api, world):
    shop = await world.shop()
    order = await world.order(shop, signed_at=api.now)
    assert (await api.gql(REVIEW, review(order["id"]), token=world.buyer)).codes == ["FORBIDDEN"]
