"""C4 (revised): the standard refund is exact until its one half-up rounding, proven against a ``Fraction`` oracle.

The first implementation computed ``paid.times(damaged / quantity)``: the quotient q / Q was a ``Decimal`` rounded to
28 significant digits before the multiplication, so an exact half fen (29.88 × 5 / 24 = 6.225) became 6.2249…9 and
rounded down. ``old_standard_refund`` below is that code, kept as the counter-example."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.claims.rules import standard_refund
from domain.coupons.pricing import split
from domain.orders.model import OrderLine
from domain.shared.money import Money, half_up

CASES = 100_000


def oracle(paid_fen: int, damaged: Fraction, quantity: Fraction) -> int:
    """C4 as SPEC words it, in rationals: over 30 % damaged → P; otherwise P × q / Q, 四舍五入 to the fen."""
    if damaged / quantity > Fraction(3, 10):
        return paid_fen
    exact = Fraction(paid_fen) * damaged / quantity
    whole = exact.numerator // exact.denominator
    return whole + (1 if exact - whole >= Fraction(1, 2) else 0)


def old_standard_refund(paid: Money, damaged: Decimal, quantity: Decimal) -> Money:
    """The code C4 replaced: a 28-digit Decimal quotient, then the product rounded half-up."""
    if damaged / quantity > Decimal("0.30"):
        return paid
    return Money(int((Decimal(paid.fen) * (damaged / quantity)).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def generated_cases(seed: int = 20261202):
    """(P, q, Q): quantities in whole items or thousandths (goods by weight), P as a line's subtotal at a catalogue
    price minus its share of an order's coupon discount (W5's proportional split), or a plain amount."""
    rng = random.Random(seed)
    for _ in range(CASES):
        milli = rng.random() < 0.4
        quantity = Decimal(rng.randint(1, 99_999)).scaleb(-3) if milli else Decimal(rng.choice(
            [rng.randint(1, 30), rng.randint(1, 1000)]))
        if milli:
            damaged = Decimal(rng.randint(1, int(quantity * 1000))).scaleb(-3)
        else:
            damaged = Decimal(rng.randint(1, int(quantity)))
        shape = rng.random()
        if shape < 0.5:  # coupon-allocated: this line's subtotal minus its share of the order's discount
            unit = Money(rng.randint(1, 50_000))
            line = OrderLine(1, quantity, unit)
            others = [rng.randint(1, 100_000) for _ in range(rng.randint(0, 3))]
            weights = [line.subtotal.fen, *others]
            discount = rng.randint(0, max(0, sum(weights) - 1))
            paid = Money(line.subtotal.fen - split(discount, weights)[0])
        else:
            paid = Money(rng.randint(1, 10_000_000 if shape < 0.9 else 10**13))
        yield paid, damaged, quantity


def test_c4_the_seed_examples():
    """29.88 over 24 items with 5 damaged refunds 6.23 (6.225 exactly); 1.21 over 22 with 1 damaged, 0.06 (0.055)."""
    assert standard_refund(Money(2988), Decimal(5), Decimal(24)) == Money(623)
    assert standard_refund(Money(121), Decimal(1), Decimal(22)) == Money(6)
    assert old_standard_refund(Money(2988), Decimal(5), Decimal(24)) == Money(622)  # what the old code refunded
    assert old_standard_refund(Money(121), Decimal(1), Decimal(22)) == Money(5)
    assert standard_refund(Money(1000), Decimal(3), Decimal(10)) == Money(300)  # exactly 30 % is partial
    assert standard_refund(Money(1000), Decimal("3.001"), Decimal(10)) == Money(1000)  # above 30 %: all of P


@pytest.mark.slow  # 100,000 cases
def test_c4_agrees_with_the_fraction_oracle_on_100_000_generated_lines():
    """Every generated (P, q, Q) refunds what the oracle says; the old code is counted, to show the test bites."""
    old_wrong = 0
    for paid, damaged, quantity in generated_cases():
        expected = oracle(paid.fen, Fraction(damaged), Fraction(quantity))
        assert standard_refund(paid, damaged, quantity).fen == expected, (paid, damaged, quantity)
        old_wrong += old_standard_refund(paid, damaged, quantity).fen != expected
    assert old_wrong > 0  # the old code fails this very test: exact halves are rare among large amounts
    print(f"\nC4 oracle: {CASES} cases, the old Decimal-quotient code got {old_wrong} wrong")


def test_c4_a_sweep_of_small_amounts_finds_what_the_old_code_rounded_down():
    """The issue's sweep: P from ¥0.01 to ¥30.00, Q up to 24, every partial q. The new code matches the oracle
    everywhere; the old one refunded a fen too little on every exact half that its quotient had rounded down."""
    wrong = total = 0
    for paid_fen in range(1, 3001, 7):
        for quantity in range(1, 25):
            for damaged in range(1, quantity + 1):
                if damaged * 10 > quantity * 3:
                    break
                total += 1
                expected = oracle(paid_fen, Fraction(damaged), Fraction(quantity))
                assert standard_refund(Money(paid_fen), Decimal(damaged), Decimal(quantity)).fen == expected
                old = old_standard_refund(Money(paid_fen), Decimal(damaged), Decimal(quantity)).fen
                assert old in (expected, expected - 1)  # never more: always the half rounded down
                wrong += old != expected
    assert total > 10_000 and wrong > 0
    print(f"\nC4 sweep: {total} partial refunds of small amounts, the old code got {wrong} wrong ({wrong / total:.1%})")


@pytest.mark.slow  # 3,000 generated examples
@settings(max_examples=3000, derandomize=True, database=None)
@given(paid=st.integers(1, 10**12), quantity_milli=st.integers(1, 99_999_000), data=st.data())
def test_c4_property_with_shrinking(paid, quantity_milli, data):
    """The same property under hypothesis, which shrinks a failure to its smallest (P, q, Q)."""
    damaged_milli = data.draw(st.integers(1, quantity_milli))
    damaged, quantity = Decimal(damaged_milli).scaleb(-3), Decimal(quantity_milli).scaleb(-3)
    assert standard_refund(Money(paid), damaged, quantity).fen == oracle(paid, Fraction(damaged), Fraction(quantity))


@pytest.mark.parametrize("numerator, denominator, expected", [
    (5, 10, 1), (15, 10, 2), (14, 10, 1), (-5, 10, -1), (-15, 10, -2), (-14, 10, -1), (0, 3, 0), (2, 3, 1), (1, 3, 0),
])
def test_g1_half_up_is_away_from_zero_on_halves(numerator, denominator, expected):
    assert half_up(numerator, denominator) == expected


def half_up_oracle(exact: Fraction) -> int:
    """四舍五入 of a non-negative rational, by definition: the whole part, plus one when the rest is at least ½."""
    whole = exact.numerator // exact.denominator
    return whole + (1 if exact - whole >= Fraction(1, 2) else 0)


@settings(max_examples=2000, derandomize=True, database=None)
@given(goods=st.integers(1, 10**9), discount=st.integers(0, 10**9), shipping=st.integers(0, 100_000))
def test_c6_penalty_is_30_percent_of_the_order_half_up_between_5_and_100(goods, discount, shipping):
    """C6 against a Fraction oracle: round_half_up(30 % × O), floored at ¥5.00 and capped at ¥100.00, where O is
    the order's paid amount (goods after discounts plus shipping)."""
    from domain.claims.rules import standard_penalty

    paid = Money(max(1, goods - discount) + shipping)
    expected = min(10_000, max(500, half_up_oracle(Fraction(paid.fen) * Fraction(3, 10))))
    assert standard_penalty(paid).fen == expected


@settings(max_examples=2000, derandomize=True, database=None)
@given(amount=st.integers(0, 10**8), share_thousandths=st.integers(0, 1000))
def test_w1_a_platform_coupons_cost_is_split_exactly_by_its_share(amount, share_thousandths):
    """W1 against a Fraction oracle: the platform bears round_half_up(amount × share), the merchant the rest, and
    the two always add up to the discount."""
    from datetime import UTC, datetime

    from domain.coupons.model import CouponTemplate, IssuerKind
    from domain.coupons.pricing import cost_shares

    share = Decimal(share_thousandths).scaleb(-3)
    template = CouponTemplate(IssuerKind.PLATFORM, None, "t", Money(100), 1, 1, datetime(2026, 1, 1, tzinfo=UTC),
                              "ops", platform_share=share)
    shares = cost_shares(template, Money(amount), shop_id=7)
    platform = half_up_oracle(Fraction(amount) * Fraction(share))
    assert shares[0].amount.fen == platform and sum(s.amount.fen for s in shares) == amount
    assert all(s.amount.fen > 0 for s in shares[1:])
