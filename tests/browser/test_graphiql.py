"""GraphiQL works on a closed network. A real headless Chromium (Debian's ``chromium`` package) loads
``/graphql`` from a real server, finds the documented example and the headers placeholder, runs a query with a
token and finds its result on the page. Every request the page makes is checked: any that leaves the server is
aborted and fails the test, so a CDN reference cannot slip back in."""

from __future__ import annotations

import contextlib
import os
import shutil

import httpx
import pytest

from domain.shared.actor import Role
from tests.server_process import free_port, start, wait_healthy
from web.auth import mint_token

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

MISSING = "Chromium is not installed (Debian: apt-get install chromium; .ci/run does it)"
REQUIRED = os.environ.get("REQUIRE_BROWSER") == "1"  # .ci/run sets it: there a missing browser fails the test
pytestmark = [pytest.mark.skipif(not os.path.exists(CHROMIUM) and not REQUIRED, reason=MISSING), pytest.mark.slow]

# The editors are CodeMirror 5 instances; the wrapper element keeps a reference to its editor.
SET_HEADERS = """token => {
  const editors = [...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')].map(e => e.CodeMirror);
  const headers = editors.find(cm => cm.getValue().includes('Authorization'));
  headers.setValue(JSON.stringify({Authorization: 'Bearer ' + token}));
}"""
EDITOR_TEXT = "selector => document.querySelector(selector).CodeMirror.getValue()"


@pytest.fixture
async def server(settings):
    port = free_port()
    process = start(settings, port, GRAPHIQL="true")
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=5) as client:
            await wait_healthy(client, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


async def test_graphiql_runs_a_query_with_the_network_closed(server, settings):
    from playwright.async_api import async_playwright

    assert os.path.exists(CHROMIUM), MISSING
    token = mint_token(settings.secret_key, sub="buyer-in-graphiql", role=Role.BUYER)
    outside: list[str] = []

    async def only_our_server(route):
        if route.request.url.startswith(server + "/"):
            await route.continue_()
        else:
            outside.append(route.request.url)
            await route.abort()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = await browser.new_page()
            await page.route("**/*", only_our_server)
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(str(error)))
            await page.goto(server + "/graphql")
            await page.wait_for_selector(".graphiql-container .graphiql-execute-button", timeout=20_000)

            query = await page.evaluate(EDITOR_TEXT, ".graphiql-query-editor .CodeMirror")
            assert "query Explore" in query and "# Welcome to the after-sales API." in query
            # The schema arrived: the docs can be built without a token (introspection only).
            await page.wait_for_function("() => !document.querySelector('.graphiql-spinner')", timeout=20_000)

            await page.evaluate(SET_HEADERS, token)
            await page.click(".graphiql-execute-button")
            await page.wait_for_function(
                "() => document.querySelector('.result-window').innerText.includes('buyer-in-graphiql')",
                timeout=20_000)
            result = await page.inner_text(".result-window")
        finally:
            await browser.close()

    assert '"role": "BUYER"' in result and '"claims"' in result
    assert "errors" not in result
    assert outside == [], f"the page asked for resources outside the server: {outside}"
    assert problems == [], f"the page raised: {problems}"



SET_QUERY = "text => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(text)"


@contextlib.asynccontextmanager
async def graphiql(base: str):
    """Headless Chromium on the server's GraphiQL page: the page, and the errors it raises."""
    from playwright.async_api import async_playwright

    assert os.path.exists(CHROMIUM), MISSING
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = await browser.new_page()
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(str(error)))
            await page.goto(base + "/graphql")
            yield page, problems
        finally:
            await browser.close()
CREDIT = """mutation($shop: ID!, $amount: Decimal!) { creditShopAccount(input: {shopId: $shop, bucket: DEPOSIT,
  amount: $amount}) { userErrors { code } } }"""


async def test_graphiql_watches_events_live_over_its_websocket(server, settings):
    """E4 in the browser: a subscription typed into GraphiQL shows an event committed afterwards."""
    platform = mint_token(settings.secret_key, sub="ops-in-graphiql", role=Role.PLATFORM)
    service = mint_token(settings.secret_key, sub="svc", role=Role.SERVICE)
    async with httpx.AsyncClient(base_url=server, timeout=10,
                                 headers={"Authorization": f"Bearer {platform}"}) as client:
        shop = (await client.post("/graphql", json={"query": 'mutation { registerShop(input: {name: "Live"}) '
                                                             '{ shop { id } } }'})).json()
        shop_id = shop["data"]["registerShop"]["shop"]["id"]

        async def credit(amount: str) -> None:
            reply = await client.post("/graphql", json={"query": CREDIT, "variables": {"shop": shop_id,
                                                                                       "amount": amount}},
                                      headers={"Authorization": f"Bearer {service}"})
            assert reply.json()["data"]["creditShopAccount"]["userErrors"] == []

        await credit("1.00")
        first = (await client.post("/graphql", json={"query": "{ events(first: 1) { edges { cursor } } }"})).json()
        cursor = first["data"]["events"]["edges"][0]["cursor"]
        async with graphiql(server) as (page, problems):
            await page.wait_for_selector(".graphiql-container .graphiql-execute-button", timeout=20_000)
            await page.evaluate(SET_HEADERS, platform)
            await page.evaluate(SET_QUERY, f'subscription {{ events(after: "{cursor}") {{ type data }} }}')
            await page.click(".graphiql-execute-button")
            await credit("42.00")  # committed after the page subscribed (or replayed from the cursor if not yet)
            await page.wait_for_function(
                "() => document.querySelector('.result-window').innerText.includes('42.00')", timeout=20_000)
            result = await page.inner_text(".result-window")
    assert "LEDGER_ENTRY_CREATED" in result and "errors" not in result
    assert problems == [], f"the page raised: {problems}"


async def test_in_dev_graphiql_switches_role_from_a_picker_and_elsewhere_has_none(settings):
    """APP_ENV=dev: the picker fills the Authorization header from /dev/tokens; in test (and prod) neither exists."""
    port = free_port()
    process = start(settings, port, GRAPHIQL="true", APP_ENV="dev")
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            await wait_healthy(client, process)
            platform = mint_token(settings.secret_key, sub="ops", role=Role.PLATFORM)
            await client.post("/graphql", json={"query": 'mutation { registerShop(input: {name: "Dev"}) '
                                                         '{ shop { id } } }'},
                              headers={"Authorization": f"Bearer {platform}"})
            identities = (await client.get("/dev/tokens")).json()
        assert {i["role"] for i in identities} == {"BUYER", "MERCHANT", "AGENT", "PLATFORM", "STREAMER", "SERVICE"}
        async with graphiql(base) as (page, problems):
            await page.wait_for_selector("select.role-picker option:nth-child(3)", state="attached", timeout=20_000)
            await page.select_option("select.role-picker", label="merchant (merchant-demo)")
            await page.evaluate(SET_QUERY, "{ viewer { userId role } }")
            await page.click(".graphiql-execute-button")
            await page.wait_for_function(
                "() => document.querySelector('.result-window').innerText.includes('merchant-demo')", timeout=20_000)
            result = await page.inner_text(".result-window")
        assert '"MERCHANT"' in result and problems == []
    finally:
        process.terminate()
        process.wait(timeout=10)


async def test_the_dev_token_route_exists_in_dev_only(server):
    async with httpx.AsyncClient(base_url=server, timeout=10) as client:  # APP_ENV=test
        assert (await client.get("/dev/tokens")).status_code == 404
        page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert "devTokens" not in page.text
