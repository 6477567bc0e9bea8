"""GraphQL over HTTP (the current draft): ``application/graphql-response+json`` when the client accepts it, with
4xx statuses for request errors (400 unparsable, 422 invalid, 401 unauthenticated), 405 for a mutation over GET,
415 for an unsupported body type. ``application/json`` keeps the legacy 200 for well-formed requests."""

from __future__ import annotations

from urllib.parse import parse_qs

from graphql import OperationType, parse
from graphql.error import GraphQLSyntaxError
from graphql.utilities import get_operation_ast
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.shared.messages import msg
from schema.common.errors import TopLevelCode, request_error_status
from web.asgi import header, problem

GRAPHQL_RESPONSE = "application/graphql-response+json"  # the draft's media type
ACCEPTED_BODIES = ("application/json",)


def _is_json(message: Message) -> bool:
    """A GraphQL result, not the GraphiQL page."""
    return any(
        k.lower() == b"content-type" and v.startswith(b"application/json") for k, v in message.get("headers", [])
    )


def is_mutation(query: str, operation_name: str | None) -> bool:
    try:
        operation = get_operation_ast(parse(query, max_tokens=10_000), operation_name)
    except GraphQLSyntaxError:
        return False
    return operation is not None and operation.operation is OperationType.MUTATION


class GraphQLOverHTTP:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        method = scope["method"]
        if method == "POST":
            body_type = header(scope, b"content-type").split(";")[0].strip().lower()
            if body_type not in ACCEPTED_BODIES:
                response = problem(
                    TopLevelCode.UNSUPPORTED_MEDIA_TYPE, msg("send {wanted}, not {sent}",
                        wanted=ACCEPTED_BODIES[0], sent=body_type or "nothing")
                )
                return await response(scope, receive, send)
        elif method == "GET":
            params = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            query = (params.get("query") or [""])[0]
            if query and is_mutation(query, (params.get("operationName") or [None])[0]):
                response = problem(TopLevelCode.METHOD_NOT_ALLOWED, "mutations are sent with POST", {"Allow": "POST"})
                return await response(scope, receive, send)
        wants_graphql_response = GRAPHQL_RESPONSE in header(scope, b"accept")
        state = scope.setdefault("state", {})

        async def reply(message: Message) -> None:
            if message["type"] == "http.response.start" and message.get("status") == 200 and _is_json(message):
                outcome = state.get("graphql_request_error")
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in (b"content-type",
                                                                                            b"content-length")]
                content_type = b"application/json"
                if wants_graphql_response:
                    content_type = b"application/graphql-response+json; charset=utf-8"
                    if outcome:
                        message = {**message, "status": request_error_status(outcome)}
                length = [(k, v) for k, v in message.get("headers", []) if k.lower() == b"content-length"]
                message = {**message, "headers": [*headers, *length, (b"content-type", content_type)]}
            await send(message)

        await self.app(scope, receive, reply)
