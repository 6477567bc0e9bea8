"""Typed failures. A ``DomainError`` becomes a ``userError`` with a stable code; ``Forbidden`` a top-level error."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

from domain.shared.messages import msg


class ErrorCode(str, Enum):
    """Stable codes of the contract's ``ErrorCode`` (names are binding)."""

    NOT_FOUND = "NOT_FOUND"
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_STATE = "INVALID_STATE"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT"
    TEXT_TOO_LONG = "TEXT_TOO_LONG"
    CLAIM_NOT_COVERED = "CLAIM_NOT_COVERED"
    CLAIM_WINDOW_CLOSED = "CLAIM_WINDOW_CLOSED"
    NOT_DELIVERED = "NOT_DELIVERED"
    EVIDENCE_INCOMPLETE = "EVIDENCE_INCOMPLETE"
    CLAIM_ALREADY_OPEN = "CLAIM_ALREADY_OPEN"
    PENALTY_BELOW_MINIMUM = "PENALTY_BELOW_MINIMUM"
    PENALTY_ALREADY_CHARGED = "PENALTY_ALREADY_CHARGED"
    APPEAL_ALREADY_FILED = "APPEAL_ALREADY_FILED"
    APPEAL_WINDOW_CLOSED = "APPEAL_WINDOW_CLOSED"
    APPEALS_CLOSED = "APPEALS_CLOSED"
    APPEAL_LIMIT_REACHED = "APPEAL_LIMIT_REACHED"
    COUPON_OUT_OF_STOCK = "COUPON_OUT_OF_STOCK"
    COUPON_CLAIM_LIMIT_REACHED = "COUPON_CLAIM_LIMIT_REACHED"
    COUPON_NOT_APPLICABLE = "COUPON_NOT_APPLICABLE"
    COUPON_STACKING_CONFLICT = "COUPON_STACKING_CONFLICT"
    SHORTCUT_CONFLICT = "SHORTCUT_CONFLICT"
    SUBSCRIBER_TOO_SLOW = "SUBSCRIBER_TOO_SLOW"
    UNSAFE_URL = "UNSAFE_URL"
    COMPENSATION_BELOW_MINIMUM = "COMPENSATION_BELOW_MINIMUM"
    REVIEW_NOT_APPEALABLE = "REVIEW_NOT_APPEALABLE"
    APPEAL_NOT_APPLICABLE = "APPEAL_NOT_APPLICABLE"
    EXPORT_ALREADY_RUNNING = "EXPORT_ALREADY_RUNNING"
    CAMPAIGN_SIGN_UP_CLOSED = "CAMPAIGN_SIGN_UP_CLOSED"
    INVOICE_ABOVE_OUTSTANDING = "INVOICE_ABOVE_OUTSTANDING"
    INVOICE_NUMBER_TAKEN = "INVOICE_NUMBER_TAKEN"


Field = tuple[str | int, ...]


class DomainError(Exception):
    """A business or validation failure the caller can act on; nothing was changed."""

    code: ErrorCode = ErrorCode.INVALID_INPUT

    def __init__(self, message: str, field: Field | None = None, code: ErrorCode | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class InvalidInput(DomainError):
    code = ErrorCode.INVALID_INPUT


class NotFound(DomainError):
    """Unknown, or another tenant's (G6: foreign objects read as not found, never as forbidden)."""

    code = ErrorCode.NOT_FOUND


class InvalidState(DomainError):
    code = ErrorCode.INVALID_STATE


class AlreadyExists(DomainError):
    code = ErrorCode.ALREADY_EXISTS


class ConcurrentUpdate(InvalidState):
    """Another request changed the same object first (a conditional UPDATE matched no row)."""

    def __init__(self, what: str):
        super().__init__(msg("the {what} was changed by another request at the same time; reload and retry",
                             what=what))


class Forbidden(Exception):
    """The actor's role may not perform this operation at all (a top-level FORBIDDEN error)."""


class Unauthenticated(Exception):
    """No valid identity (a top-level UNAUTHENTICATED error)."""


T = TypeVar("T")


def stored(entity_id: int | None) -> int:
    """The id of an entity a repository has stored. None here is a defect in the calling code, not the caller's
    input: ids of input are checked where they are decoded, and an unknown one reads as NOT_FOUND."""
    if entity_id is None:
        raise RuntimeError("the entity has not been stored yet")
    return entity_id


def present(value: T | None, what: str) -> T:
    """A value the database guarantees (a foreign key, a row written in the same transaction); its absence is a
    broken database, never the caller's fault."""
    if value is None:
        raise RuntimeError(f"{what} is missing: the database lost a row it guarantees")
    return value
