"""GraphiQL served from the application itself: the page loads ``/graphiql/graphiql.js`` and
``graphiql.css``, built from the pinned ``graphiql`` npm package in ``web/graphiql/`` (``make graphiql``), so it
works on a closed network. The page carries its settings: the endpoint (over HTTP, and over WebSocket for
subscriptions), a default tab with a documented example query (``web/graphiql/example.graphql``) and a headers
placeholder for the token."""

from __future__ import annotations

from pathlib import Path

import orjson
from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

HERE = Path(__file__).resolve().parent
ASSETS = HERE / "static" / "graphiql"
EXAMPLE = (HERE / "graphiql" / "example.graphql").read_text(encoding="utf-8")
HEADERS_PLACEHOLDER = '{\n  "Authorization": "Bearer <paste a token printed by make run>"\n}'

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>After-sales API · GraphiQL</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/graphiql/graphiql.css">
  <style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script id="graphiql-config" type="application/json">{config}</script>
  <script src="/graphiql/graphiql.js"></script>
</body>
</html>
"""


def graphiql_html(endpoint: str = "/graphql", dev_tokens: str | None = None) -> str:
    """``subscriptionEndpoint``: the same path, over WebSocket (the page turns it into ws:// or wss://);
    ``devTokens`` (APP_ENV=dev only): where the role picker fetches the demo identities' tokens."""
    settings = {"endpoint": endpoint, "subscriptionEndpoint": endpoint, "exampleQuery": EXAMPLE,
                "headers": HEADERS_PLACEHOLDER}
    if dev_tokens:
        settings["devTokens"] = dev_tokens
    config = orjson.dumps(settings).decode()
    return PAGE.format(config=config.replace("</", "<\\/"))  # nothing in the JSON can close the script element


def graphiql_response(dev_tokens: str | None = None) -> HTMLResponse:
    return HTMLResponse(graphiql_html(dev_tokens=dev_tokens))


def graphiql_assets() -> Mount:
    return Mount("/graphiql", app=StaticFiles(directory=ASSETS), name="graphiql")
