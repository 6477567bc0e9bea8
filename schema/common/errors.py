"""userErrors for business failures; top-level errors with ``extensions.code`` for everything else."""

from __future__ import annotations

from enum import Enum

import strawberry
from graphql import GraphQLError

from domain.shared.errors import DomainError, ErrorCode as DomainErrorCode

ErrorCode = strawberry.enum(DomainErrorCode, name="ErrorCode")


class TopLevelCode(str, Enum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"


@strawberry.type
class UserError:
    code: ErrorCode
    message: str
    field: list[str] | None = strawberry.field(
        default=None, description='Path to the input field at fault, e.g. ["input", "text"].'
    )

    @staticmethod
    def of(error: DomainError) -> UserError:
        field = [str(part) for part in error.field] if error.field else None
        return UserError(code=error.code, message=error.message, field=field)


def bad_input(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": TopLevelCode.BAD_USER_INPUT.value})
