"""H1: a caller's cost bucket, as Shopify's (a leaky bucket of points). A bucket holds at most ``maximum`` points
and gains ``restore_rate`` a second up to that; a request costing ``cost`` points runs only if the bucket holds
that many, which it then spends; a refused request spends nothing and is told when the bucket will hold enough.
The stores (``persistence/throttle/``) keep one bucket per caller and apply ``spend`` atomically: in a process, in
one PostgreSQL statement, or in one Redis script — the same arithmetic each time, tested against this one."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

UPLOAD_POINTS = 10  # an upload: a mutation's worth of work
EXPORT_POINTS = 50  # a CSV export: its rows are read in batches, at most a few at once per process (F5)


@dataclass(frozen=True)
class ThrottleRule:
    maximum: int = 2_000  # THROTTLE_MAX_COST
    restore_rate: int = 100  # THROTTLE_RESTORE_RATE, points a second

    @property
    def enabled(self) -> bool:
        return self.maximum > 0 and self.restore_rate > 0


@dataclass(frozen=True)
class Bucket:
    available: float  # points
    at: float  # seconds since the epoch when ``available`` was true


@dataclass(frozen=True)
class ThrottleStatus:
    """What a request was told: whether it may run, and the bucket after it (Shopify's ``throttleStatus``)."""

    granted: bool
    cost: int
    available: float
    rule: ThrottleRule

    @property
    def retry_after(self) -> int:
        """Whole seconds until the bucket holds ``cost`` (0 when granted), for ``Retry-After``."""
        if self.granted:
            return 0
        return max(1, math.ceil((self.cost - self.available) / self.rule.restore_rate))


def refilled(bucket: Bucket | None, now: float, rule: ThrottleRule) -> float:
    """The points a bucket holds at ``now``: full when new, never more than the maximum, and never less than it
    held (a process whose clock is behind another's restores nothing rather than taking points away)."""
    if bucket is None:
        return float(rule.maximum)
    return min(float(rule.maximum), bucket.available + max(0.0, now - bucket.at) * rule.restore_rate)


def spend(bucket: Bucket | None, cost: int, now: float, rule: ThrottleRule) -> tuple[Bucket, ThrottleStatus]:
    """H1: the bucket after a request of ``cost`` at ``now``, and what the request is told."""
    held = refilled(bucket, now, rule)
    granted = held >= cost
    after = held - cost if granted else held
    at = max(now, bucket.at) if bucket is not None else now
    return Bucket(after, at), ThrottleStatus(granted, cost, after, rule)


class Throttle(Protocol):
    """A store of buckets, one per caller key, each ``spend`` atomic across every process that shares it."""

    rule: ThrottleRule

    async def spend(self, key: str, cost: int, now: float) -> ThrottleStatus: ...
