"""An Idempotency-Key travelling with one mutation request: the unit of work records it in the same transaction
as the effect, so a key is taken exactly when something was committed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class IdempotencyClaim:
    scope_key: str       # role:user:key — keys are per caller
    request_hash: str    # SHA-256 of the operation, its variables and name
    expires_at: datetime
    recorded: bool = False  # the key row was written with the effect
    taken: bool = False     # another request holds the key: this one's effect was rolled back


class IdempotencyTaken(Exception):
    """Raised at commit when another request recorded the same key first; the transaction is rolled back."""
