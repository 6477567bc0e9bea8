"""SPEC H4 in a real browser: headless Chromium shows an evidence image by the `url` the API gave, with no
Authorization header (an `<img src>` cannot send one), and shows nothing for the same link altered."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from tests.api.claims_world import Claims
from tests.api.client import Api
from tests.api.world import World
from tests.browser.test_graphiql import CHROMIUM, FLAGS, MISSING, REQUIRED
from tests.server_process import served

pytestmark = [pytest.mark.skipif(not os.path.exists(CHROMIUM) and not REQUIRED, reason=MISSING), pytest.mark.slow]

LOADED = "id => { const img = document.getElementById(id); return img.complete && img.naturalWidth; }"


async def test_h4_a_page_shows_an_evidence_image_by_its_url(settings):
    from playwright.async_api import async_playwright

    async with served(settings) as (port, client):
        api = Api(client, settings.secret_key)  # the real clock: the link is valid now, in the browser
        world = World(api)
        claims = Claims(world)
        shop = await world.shop()
        order = await world.order(shop, {"cherries": "10"})
        assert not (await world.deliver(order["id"], datetime.now(UTC)))["userErrors"]  # after the payment
        claim = (await claims.submit(order["lines"][0]["id"]))["claim"]
        url = (await claims.read(claim["id"], token=world.buyer))["evidence"][0]["url"]
        base = f"http://127.0.0.1:{port}"
        altered = url.replace("role=BUYER", "role=PLATFORM")
        assert altered != url and (await client.get(altered)).status_code == 403
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            try:
                page = await browser.new_page()
                await page.set_content(f'<img id="good" src="{base}{url}"><img id="bad" src="{base}{altered}">')
                await page.wait_for_function("() => [...document.images].every(i => i.complete)", timeout=20_000)
                shown, refused = await page.evaluate(LOADED, "good"), await page.evaluate(LOADED, "bad")
            finally:
                await browser.close()
    assert shown > 0 and refused == 0
