"""Products."""

from __future__ import annotations

import pytest

from domain.shared.actor import Role
from tests.api.world import PRODUCT


def product(sku="apple", price="3.50", fresh=True, name="Apple"):
    return {"input": {"sku": sku, "name": name, "price": price, "fresh": fresh}}


async def test_merchant_registers_a_product_in_their_shop(api, world):
    shop = await world.shop(products={})
    data = (await api.gql(PRODUCT, product(), token=shop.merchant)).payload("registerProduct")
    assert data["userErrors"] == []
    assert data["product"]["price"] == {"amount": "3.50", "currency": "CNY"}
    assert data["product"]["shop"]["id"] == shop.id and data["product"]["fresh"] is True


async def test_a_sku_is_unique_per_shop(api, world):
    shop = await world.shop(products={})
    other = await world.shop("Other", products={})
    await api.gql(PRODUCT, product(), token=shop.merchant)
    again = (await api.gql(PRODUCT, product(name="Again"), token=shop.merchant)).payload("registerProduct")
    assert again["userErrors"][0]["code"] == "ALREADY_EXISTS" and again["product"] is None
    elsewhere = (await api.gql(PRODUCT, product(), token=other.merchant)).payload("registerProduct")
    assert elsewhere["userErrors"] == []


@pytest.mark.parametrize("price", ["0", "-1.00", "0.001", "1000000.01"])
async def test_bad_prices_are_refused(api, world, price):
    shop = await world.shop(products={})
    data = (await api.gql(PRODUCT, product(price=price), token=shop.merchant)).payload("registerProduct")
    assert data["userErrors"][0]["field"] == ["input", "price"]


@pytest.mark.parametrize("role", [Role.BUYER, Role.PLATFORM, Role.AGENT])
async def test_only_merchants_register_products(api, world, role):
    shop = await world.shop(products={})
    token = api.token(role, shop=shop.id if role is Role.AGENT else None)
    assert (await api.gql(PRODUCT, product(), token=token)).codes == ["FORBIDDEN"]
