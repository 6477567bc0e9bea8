"""H7: an answer whose text depends on the request's language says which language it is in (``Content-Language``)
and that it varies with ``Accept-Language`` (``Vary``), so a cache never serves a Chinese answer to an English
reader. Which language is F6's negotiation (``schema.common.i18n.negotiate``): the same one the messages use."""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schema.common.i18n import ENGLISH, negotiate
from web.asgi import header

# the paths whose answers carry translated text: GraphQL (messages), uploads and exports (their errors)
TRANSLATED = ("/graphql", "/uploads", "/exports/")
TAGS = {ENGLISH: b"en", "zh_CN": b"zh-CN"}  # BCP 47, as Content-Language takes it
LANGS = {"en": "en", "zh-cn": "zh-CN", "zh": "zh-CN"}  # H6: an export's ``lang`` (any case), as users are told


class LanguageHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(TRANSLATED):
            return await self.app(scope, receive, send)
        scope = _chosen_language(scope)
        tag = TAGS.get(negotiate(header(scope, b"accept-language") or None), b"en")

        async def with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                html = any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)
                if not html:  # GraphiQL's page is the same in every language
                    message = {**message, "headers": _vary(headers) + [(b"content-language", tag)]}
            await send(message)

        await self.app(scope, receive, with_language)


def _chosen_language(scope: Scope) -> Scope:
    """H6: an export's ``?lang=zh-CN`` stands for ``Accept-Language`` (a link opens in Chinese without a header), so
    its rows, its refusals and ``Content-Language`` agree; any other ``lang`` is left for the export to refuse."""
    if not scope["path"].startswith("/exports/"):
        return scope
    given = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang")
    if not given or given[-1].lower() not in LANGS:
        return scope
    headers = [(k, v) for k, v in scope.get("headers") or [] if k != b"accept-language"]
    return {**scope, "headers": [*headers, (b"accept-language", LANGS[given[-1].lower()].encode())]}


def _vary(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``Accept-Language`` added to a ``Vary`` already there (CORS adds ``Origin``), or a new one."""
    kept = [(k, v) for k, v in headers if k.lower() not in (b"vary", b"content-language")]
    varies = [v.decode("latin-1") for k, v in headers if k.lower() == b"vary"]
    names = [n.strip() for v in varies for n in v.split(",") if n.strip()]
    if not any(n.lower() == "accept-language" for n in names):
        names.append("Accept-Language")
    return [*kept, (b"vary", ", ".join(names).encode("latin-1"))]
