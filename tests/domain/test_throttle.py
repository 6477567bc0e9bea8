"""H1's bucket arithmetic (``domain.shared.throttle.spend``) against an exact oracle in ``Fraction``s, and the
property the throttle exists for: over any run of requests a caller is granted at most the bucket plus what it
restored in the time the run took. The stores' own tests (tests/api/test_throttle.py) hold them to the same."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from domain.shared.throttle import Bucket, ThrottleRule, ThrottleStatus, spend

requests = st.lists(st.tuples(st.integers(0, 5_000), st.integers(1, 400)), max_size=60)  # (ms after the last, cost)
rules = st.builds(ThrottleRule, st.integers(1, 2_000), st.integers(1, 500))


def oracle(bucket: Bucket | None, cost: int, now: float, rule: ThrottleRule) -> tuple[bool, Fraction]:
    """The same step in exact arithmetic, from the same (float) bucket and time."""
    if bucket is None:
        held = Fraction(rule.maximum)
    else:
        gap = max(Fraction(0), Fraction(now) - Fraction(bucket.at))
        held = min(Fraction(rule.maximum), Fraction(bucket.available) + gap * rule.restore_rate)
    return held >= cost, held - cost if held >= cost else held


@given(requests, rules)
def test_h1_spend_is_the_exact_bucket_and_never_grants_more_than_it_restores(steps, rule):
    bucket: Bucket | None = None
    now, granted_points = 1_796_000_000.0, 0
    start = now
    for gap_ms, cost in steps:
        now += gap_ms / 1000
        granted, held = oracle(bucket, cost, now, rule)
        bucket, status = spend(bucket, cost, now, rule)
        if abs(held + (cost if granted else 0) - cost) > Fraction(1, 1_000_000):  # not a tie within float error
            assert status.granted is granted
        assert abs(Fraction(status.available) - held) < Fraction(1, 1_000_000) or status.granted is not granted
        granted_points += cost if status.granted else 0
        assert granted_points <= rule.maximum + (now - start) * rule.restore_rate + 1e-6


def test_h1_a_clock_behind_restores_nothing_and_a_refusal_says_when_to_retry():
    rule = ThrottleRule(100, 10)
    bucket, first = spend(None, 100, 1_000.0, rule)
    assert first.granted and first.available == 0
    bucket, behind = spend(bucket, 1, 990.0, rule)  # another process's clock, ten seconds behind
    assert not behind.granted and bucket.at == 1_000.0
    assert behind.retry_after == 1
    assert ThrottleStatus(False, 55, 3.0, rule).retry_after == 6  # (55 - 3) / 10 s, rounded up
    assert spend(None, 101, 0.0, rule)[1].granted is False  # more than the bucket holds: never
