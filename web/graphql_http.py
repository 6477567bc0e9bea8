"""GraphQL over HTTP (the current draft): ``application/graphql-response+json`` when the client accepts it, with
4xx statuses for request errors (400 unparsable, invalid, or with variables that do not coerce; 401
unauthenticated), 405 for a mutation over GET, 415 for an unsupported body type. ``application/json`` keeps the
legacy 200 for well-formed requests. The draft's reference audit (npm graphql-http) runs against it in CI."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from graphql import OperationType
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.shared.messages import msg
from schema.common.errors import TopLevelCode, request_error_status
from schema.extensions import PARSED
from schema.throttling import THROTTLED_AFTER
from web import documents
from web.asgi import MAX_JSON_DEPTH, header, json_body, json_too_deep, problem, replaying

GRAPHQL_RESPONSE = "application/graphql-response+json"  # the draft's media type
ACCEPTED_BODIES = ("application/json",)


def _is_json(message: Message) -> bool:
    """A GraphQL result, not the GraphiQL page."""
    return any(
        k.lower() == b"content-type" and v.startswith(b"application/json") for k, v in message.get("headers", [])
    )


def decided_operation_name(scope: Scope) -> str | None:
    """The name of the operation this request runs, from its document (a request by id names none itself)."""
    return scope.get("state", {}).get(_OPERATION_NAME)


def decided_operation(scope: Scope) -> OperationType | str | None:
    """What ``GraphQLOverHTTP`` decided this request runs (every wrapper inside it asks here, never again)."""
    return scope.get("state", {}).get(_OPERATION)


def record_request_error(scope: Scope, code: str) -> None:
    """The endpoint answered a request error (nothing ran): its code sets the status and is the request's outcome."""
    scope.setdefault("state", {})[_REQUEST_ERROR] = code


def request_error(scope: Scope) -> str | None:
    return scope.get("state", {}).get(_REQUEST_ERROR)


_OPERATION = "operation"
_OPERATION_NAME = "operation_name"
_REQUEST_ERROR = "graphql_request_error"


class GraphQLOverHTTP:
    def __init__(self, app: ASGIApp, max_bytes: int = 1_000_000):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        method = scope["method"]
        state = scope.setdefault("state", {})
        query: object = None
        name: object = None
        payload: Any = None
        if method == "POST":
            body_type = header(scope, b"content-type").split(";")[0].strip().lower()
            if body_type not in ACCEPTED_BODIES:
                response = problem(
                    TopLevelCode.UNSUPPORTED_MEDIA_TYPE, msg("send {wanted}, not {sent}",
                        wanted=ACCEPTED_BODIES[0], sent=body_type or "nothing")
                )
                return await response(scope, receive, send)
            body, payload = await json_body(scope, receive)
            receive = replaying(body)
            if json_too_deep(scope):
                response = problem(TopLevelCode.BAD_REQUEST, msg("the JSON body nests deeper than {max} levels",
                    max=MAX_JSON_DEPTH))
                return await response(scope, receive, send)
            if isinstance(payload, dict):
                query, name = payload.get("query"), payload.get("operationName")
        elif method == "GET":
            params = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            query, name = (params.get("query") or [""])[0], (params.get("operationName") or [None])[0]
            payload = params
        if not documents.storable(payload):
            response = problem(documents.TEXT_REFUSAL.code, documents.TEXT_REFUSAL.message)
            return await response(scope, receive, send)
        variables = payload.get("variables") if isinstance(payload, dict) else None
        document = await documents.parsed_off_loop(query, self.max_bytes)
        if document is not None:
            state[PARSED] = (query, document)  # the schema's parse step takes it from here
        refusal = documents.screen(query, name if isinstance(name, str) else None, variables,
                                   max_bytes=self.max_bytes, document=document)
        if refusal is not None:
            response = problem(refusal.code, refusal.message)
            return await response(scope, receive, send)
        if isinstance(query, str) and query and (name is None or isinstance(name, str)):
            operation, state[_OPERATION_NAME] = documents.operation_of(query, name, document)
            state[_OPERATION] = operation
            if method == "GET" and operation is OperationType.MUTATION:
                response = problem(TopLevelCode.METHOD_NOT_ALLOWED, "mutations are sent with POST", {"Allow": "POST"})
                return await response(scope, receive, send)
        wants_graphql_response = GRAPHQL_RESPONSE in header(scope, b"accept")

        async def reply(message: Message) -> None:
            if message["type"] == "http.response.start" and message.get("status") == 200 and _is_json(message):
                outcome = request_error(scope)
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in (b"content-type",
                                                                                            b"content-length")]
                if THROTTLED_AFTER in state:  # H1: 429 under either media type, with when to retry
                    message = {**message, "status": TopLevelCode.THROTTLED.status}
                    headers.append((b"retry-after", str(state[THROTTLED_AFTER]).encode()))
                content_type = b"application/json"
                if wants_graphql_response:
                    content_type = b"application/graphql-response+json; charset=utf-8"
                    if outcome:
                        message = {**message, "status": request_error_status(outcome)}
                length = [(k, v) for k, v in message.get("headers", []) if k.lower() == b"content-length"]
                message = {**message, "headers": [*headers, *length, (b"content-type", content_type)]}
            await send(message)

        await self.app(scope, receive, reply)
