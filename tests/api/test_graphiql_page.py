"""The GraphiQL page and its assets come from the application, never from a CDN (the browser test in
tests/browser/ runs it for real when Chromium is installed)."""

from __future__ import annotations

from web.graphiql_page import EXAMPLE


async def test_a_browser_get_of_graphql_is_the_graphiql_page_with_local_assets(api):
    page = await api.client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'src="/graphiql/graphiql.js"' in page.text and 'href="/graphiql/graphiql.css"' in page.text
    assert "https://" not in page.text and "http://" not in page.text  # nothing is fetched from elsewhere
    assert "Bearer <paste a token printed by make run>" in page.text
    assert "query Explore" in page.text

    script = await api.client.get("/graphiql/graphiql.js")
    style = await api.client.get("/graphiql/graphiql.css")
    assert script.status_code == 200 and script.headers["content-type"].startswith(("text/javascript",
                                                                                    "application/javascript"))
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")
    assert b"https://unpkg.com" not in script.content and b"https://fonts." not in style.content


async def test_the_default_example_runs_for_every_role_without_errors(api, world):
    shop = await world.shop()
    for token in (world.buyer, shop.merchant, shop.agent, world.platform):
        reply = await api.gql(EXAMPLE, token=token)
        assert reply.errors == [] and reply.data["viewer"]["userId"]
