"""userErrors for business failures; top-level errors with ``extensions.code`` for everything else."""

from __future__ import annotations

from enum import Enum

import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from domain.shared.errors import DomainError
from domain.shared.errors import ErrorCode as DomainErrorCode
from schema.common.i18n import translate

# Domain enums served under these names: strawberry.enum() registers each, the alias keeps it a type.
ErrorCode = DomainErrorCode
strawberry.enum(DomainErrorCode, name="ErrorCode")


class TopLevelCode(str, Enum):
    """Every top-level error code — ``errors[].extensions.code`` of a GraphQL response, the ``code`` of the upload
    routes' problems — with the HTTP status it is answered with wherever the server chooses the status: a request
    error under ``Accept: application/graphql-response+json``, and the plain HTTP routes. (Field errors of an
    executed operation, FORBIDDEN or INTERNAL_SERVER_ERROR among them, come with the data, under 200.)"""

    status: int

    def __new__(cls, value: str, status: int) -> TopLevelCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.status = status
        return member

    # GraphQL requests that did not run
    GRAPHQL_PARSE_FAILED = ("GRAPHQL_PARSE_FAILED", 400)
    GRAPHQL_VALIDATION_FAILED = ("GRAPHQL_VALIDATION_FAILED", 400)
    BAD_USER_INPUT = ("BAD_USER_INPUT", 400)
    BAD_REQUEST = ("BAD_REQUEST", 400)
    UNAUTHENTICATED = ("UNAUTHENTICATED", 401)
    QUERY_TOO_DEEP = ("QUERY_TOO_DEEP", 400)
    TOO_MANY_ALIASES = ("TOO_MANY_ALIASES", 400)
    QUERY_TOO_COSTLY = ("QUERY_TOO_COSTLY", 400)
    INTROSPECTION_DISABLED = ("INTROSPECTION_DISABLED", 400)
    PERSISTED_QUERY_NOT_FOUND = ("PERSISTED_QUERY_NOT_FOUND", 400)
    PERSISTED_QUERY_ONLY = ("PERSISTED_QUERY_ONLY", 400)
    METHOD_NOT_ALLOWED = ("METHOD_NOT_ALLOWED", 405)
    UNSUPPORTED_MEDIA_TYPE = ("UNSUPPORTED_MEDIA_TYPE", 415)
    IDEMPOTENCY_CONFLICT = ("IDEMPOTENCY_CONFLICT", 409)
    IDEMPOTENCY_IN_PROGRESS = ("IDEMPOTENCY_IN_PROGRESS", 409)
    # errors of an executed operation
    FORBIDDEN = ("FORBIDDEN", 403)
    INTERNAL_SERVER_ERROR = ("INTERNAL_SERVER_ERROR", 500)
    SERVICE_UNAVAILABLE = ("SERVICE_UNAVAILABLE", 503)
    # the upload routes
    NOT_FOUND = ("NOT_FOUND", 404)
    PAYLOAD_TOO_LARGE = ("PAYLOAD_TOO_LARGE", 413)
    UNSUPPORTED_CONTENT = ("UNSUPPORTED_CONTENT", 400)
    IMAGE_TOO_LARGE = ("IMAGE_TOO_LARGE", 400)
    TOO_MANY_REQUESTS = ("TOO_MANY_REQUESTS", 429)
    THROTTLED = ("THROTTLED", 429)  # H1: the caller's cost bucket cannot pay for this request (with Retry-After)


def request_error_status(code: str | None) -> int:
    """The status of a GraphQL request error under ``application/graphql-response+json``."""
    known = _BY_VALUE.get(code or "")
    return known.status if known is not None else 400


_BY_VALUE = {code.value: code for code in TopLevelCode}


@strawberry.type
class UserError:
    code: ErrorCode
    field: list[str] | None = strawberry.field(
        default=None, description='Path to the input field at fault, e.g. ["input", "text"].'
    )
    text: strawberry.Private[str] = ""

    @strawberry.field(description="F6: in the request's language (Accept-Language: zh-CN or English); `code` is the "
                                  "same in every language.")
    def message(self, info: Info) -> str:
        return translate(self.text, info.context.caller.locale)

    @staticmethod
    def of(error: DomainError) -> UserError:
        field = [str(part) for part in error.field] if error.field else None
        return UserError(code=error.code, field=field, text=error.message)


def bad_input(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": TopLevelCode.BAD_USER_INPUT.value})
