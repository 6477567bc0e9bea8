"""W4, W5, W10 on the domain: eligibility, application, the best stack."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.coupons.model import Coupon, CouponStatus, CouponTemplate
from domain.coupons.model import IssuerKind as K
from domain.coupons.pricing import Candidate, Draft, DraftLine, _frontier, apply, assess, best_stack, split
from domain.coupons.pricing import Ineligibility as I
from domain.orders.model import PaymentMethod
from domain.shared.money import Money

NOW = datetime(2026, 11, 2, 2, tzinfo=UTC)
TIMEOUT = timedelta(minutes=15)
SHOP = 7
_ids = iter(range(1, 10_000))


def template(kind=K.PLATFORM, face=1000, threshold=None, products=(), shops=(), issuer=None, share="1",
             new_user=False) -> CouponTemplate:
    issuer = issuer if issuer is not None else {K.MERCHANT: str(SHOP), K.STREAMER: "star", K.PLATFORM: None}[kind]
    return CouponTemplate(kind, issuer, "t", Money(face), 100, 1, NOW, "x", Money(threshold) if threshold else None,
                          NOW - timedelta(days=1), NOW + timedelta(days=10), None, new_user, frozenset(shops),
                          frozenset(products), Decimal(share), 0, next(_ids))


def coupon(t: CouponTemplate, until_days=10, status=CouponStatus.AVAILABLE, owner="b", **kw) -> Coupon:
    return Coupon(t.id, owner, 1, NOW - timedelta(days=1), NOW - timedelta(days=1),
                  NOW + timedelta(days=until_days), status, id=next(_ids), **kw)


def draft(*subtotals, method=PaymentMethod.ONLINE, room=None, first=False) -> Draft:
    return Draft("b", tuple(DraftLine(SHOP, i + 1, Money(s)) for i, s in enumerate(subtotals)), method, room, first)


def candidate(t, d, c=None) -> Candidate:
    c = c or coupon(t)
    reasons, lines = assess(c, t, d, NOW, TIMEOUT)
    assert reasons == [], reasons
    return Candidate(c, t, lines)


@pytest.mark.parametrize("amount, weights, shares", [
    (100, [100, 100, 100], [33, 33, 34]), (1, [500, 500], [1, 0]), (1000, [3000, 1000], [750, 250]),
    (7, [1, 1, 10], [1, 1, 5]), (3, [1, 1, 1], [1, 1, 1]), (0, [5, 5], [0, 0]),
])
def test_split_is_proportional_exact_and_within_each_part(amount, weights, shares):
    assert split(amount, weights) == shares
    assert sum(split(amount, weights)) == amount


def test_w5_order_merchant_streamer_platform_and_the_one_fen_floor():
    d = draft(1500)
    m, s, p = template(K.MERCHANT, 1000), template(K.STREAMER, 400), template(K.PLATFORM, 1000)
    stack = apply(draft(1500, room="star"), [candidate(p, d), candidate(s, draft(1500, room="star")),
                                             candidate(m, d)], SHOP)
    assert [(a.kind, a.amount.fen) for a in stack.applied] == [(K.MERCHANT, 1000), (K.STREAMER, 400), (K.PLATFORM, 99)]
    assert stack.line_discounts == [1499]  # ¥15.00 − ¥14.99 = ¥0.01 left for the goods


def test_w5_a_coupon_takes_at_most_what_is_left_of_its_own_goods():
    d = draft(500, 10_000)
    m = template(K.MERCHANT, 2000, products={1})  # scoped to the ¥5 line
    stack = apply(d, [candidate(m, d)], SHOP)
    assert stack.applied[0].amount == Money(500) and stack.line_discounts == [500, 0]


@pytest.mark.parametrize("share, platform, shop", [("1", 1000, None), ("0", 0, 1000), ("0.5", 500, 500),
                                                   ("0.333", 333, 667)])
def test_w1_cost_shares_of_a_platform_coupon(share, platform, shop):
    d = draft(5000)
    applied = apply(d, [candidate(template(share=share), d)], SHOP).applied[0]
    shares = {s.bearer: s.amount.fen for s in applied.shares}
    assert shares.get(K.PLATFORM, 0) == platform and shares.get(K.MERCHANT) == shop


def test_w4_every_reason_that_applies():
    t = template(K.STREAMER, threshold=100_000, products={99}, new_user=False)
    d = draft(1000, method=PaymentMethod.CASH_ON_DELIVERY, room="someone-else")
    reasons, _ = assess(coupon(t, until_days=-1), t, d, NOW, TIMEOUT)
    assert reasons == [I.EXPIRED, I.CASH_ON_DELIVERY, I.WRONG_LIVE_ROOM, I.OUT_OF_SCOPE]
    t2 = template(threshold=1001, new_user=True)
    reasons, _ = assess(coupon(t2, status=CouponStatus.USED), t2, draft(1000), NOW, TIMEOUT)
    assert reasons == [I.NOT_AVAILABLE, I.NEW_USER_ONLY, I.THRESHOLD_NOT_MET]


def test_w4_the_threshold_counts_eligible_goods_at_list_price_only():
    t = template(K.MERCHANT, threshold=3000, products={1})
    assert assess(coupon(t), t, draft(2999, 50_000), NOW, TIMEOUT)[0] == [I.THRESHOLD_NOT_MET]
    assert assess(coupon(t), t, draft(3000, 1), NOW, TIMEOUT)[0] == []


def test_w6_a_lapsed_lock_reads_available():
    t = template()
    locked = coupon(t, status=CouponStatus.LOCKED, locked_at=NOW - timedelta(minutes=16), order_id=1)
    assert locked.effective_status(NOW, TIMEOUT) is CouponStatus.AVAILABLE
    locked.locked_at = NOW - timedelta(minutes=15)
    assert locked.effective_status(NOW, TIMEOUT) is CouponStatus.LOCKED


def test_w10_best_stack_is_exact_when_scopes_interact():
    # Applying the bigger merchant coupon to A would shrink what the streamer coupon (also on A) can take.
    d = draft(5000, 5000, room="star")
    m_on_a, m_on_b = template(K.MERCHANT, 1000, products={1}), template(K.MERCHANT, 900, products={2})
    s_on_a = template(K.STREAMER, 10_000, products={1})
    stack, chosen = best_stack(d, [candidate(m_on_a, d), candidate(m_on_b, d), candidate(s_on_a, d)], SHOP)
    assert stack.total == Money(5900) and {c.template.id for c in chosen} == {m_on_b.id, s_on_a.id}


def test_w10_ties_go_to_the_soonest_expiry():
    d = draft(1000)
    big, small = template(face=5000), template(face=2000)  # both capped at ¥9.99
    late, soon = coupon(big, until_days=9), coupon(small, until_days=2)
    stack, chosen = best_stack(d, [candidate(big, d, late), candidate(small, d, soon)], SHOP)
    assert stack.total == Money(999) and [c.coupon.id for c in chosen] == [soon.id]


def test_w10_no_coupon_is_spent_for_nothing():
    d = draft(100)
    m, p = template(K.MERCHANT, 5000), template(K.PLATFORM, 50)
    stack, chosen = best_stack(d, [candidate(m, d), candidate(p, d)], SHOP)
    assert stack.total == Money(99) and [c.template.issuer_kind for c in chosen] == [K.MERCHANT]


def test_w10_a_large_wallet_stays_bounded():
    d = draft(100_000, 50_000, 20_000, room="star")
    candidates = []
    for i in range(1000):
        kind = (K.MERCHANT, K.STREAMER, K.PLATFORM)[i % 3]
        t = template(kind, face=100 + i, products={1 + i % 3} if i % 2 else ())
        candidates.append(candidate(t, d, coupon(t, until_days=1 + i % 30)))
    stack, chosen = best_stack(d, candidates, SHOP)
    assert len(chosen) == 3 and stack.total.fen > 0


def _brute_force(d: Draft, candidates: list[Candidate]):
    """The reference: price every combination of at most one coupon per kind, with the documented preference."""
    import itertools

    kinds = [
        [None, *[c for c in candidates if c.template.issuer_kind is k]] for k in (K.MERCHANT, K.STREAMER, K.PLATFORM)
    ]
    best = None
    for combo in itertools.product(*kinds):
        chosen = [c for c in combo if c is not None]
        stack = apply(d, chosen, SHOP)
        if any(a.amount.fen == 0 for a in stack.applied):
            continue
        key = (-stack.total.fen, len(chosen), sorted(c.coupon.valid_until for c in chosen),
               sorted(c.coupon.id for c in chosen))
        if best is None or key < best[0]:
            best = (key, chosen)
    return best[0][0], sorted(c.coupon.id for c in best[1])


@pytest.mark.parametrize("seed", range(300))
def test_w10_best_stack_equals_the_brute_force_reference(seed):
    import random

    rng = random.Random(seed)
    d = draft(*[rng.choice([99, 500, 1000, 2500, 8000]) for _ in range(rng.randint(1, 3))], room="star")
    candidates = []
    for _ in range(rng.randint(0, 14)):
        kind = rng.choice([K.MERCHANT, K.STREAMER, K.PLATFORM])
        lines = rng.sample(range(1, len(d.lines) + 1), rng.randint(0, len(d.lines)))
        t = template(kind, face=rng.choice([50, 300, 1000, 1000, 2500, 9000]), products=set(lines))
        c = coupon(t, until_days=rng.randint(1, 5))
        candidates.append(Candidate(c, t, assess(c, t, d, NOW, TIMEOUT)[1]))
    stack, chosen = best_stack(d, candidates, SHOP)
    total, _ = _brute_force(d, candidates)
    assert -stack.total.fen == total  # the largest total over every combination, exactly
    frontier = [c for k in (K.MERCHANT, K.STREAMER, K.PLATFORM)
                for c in _frontier([c for c in candidates if c.template.issuer_kind is k])]
    assert (-stack.total.fen, sorted(c.coupon.id for c in chosen)) == _brute_force(d, frontier)
