"""G1: integer fen, half-up to the fen, never floats."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.shared.errors import InvalidInput
from domain.shared.money import Money


def g1_half_up_fen(yuan: Decimal) -> int:
    """G1 as SPEC words it: 四舍五入精确到分 — an amount in yuan, half-up to the fen (0.005 yuan → 1 fen)."""
    return int((yuan * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize("yuan, fen", [("0.005", 1), ("0.004", 0), ("49.995", 5000), ("1.0049", 100), ("-0.005", -1)])
def test_half_up_to_the_fen(yuan, fen):
    assert g1_half_up_fen(Decimal(yuan)) == fen
    assert Money(1).times(Decimal(yuan) * 100) == Money(fen)  # one fen times the amount in fen


def test_exact_parsing():
    assert Money.of("12.30") == Money(1230)
    assert Money.of("12.3").yuan == Decimal("12.30")
    assert str(Money(2000).yuan) == "20.00"
    with pytest.raises(InvalidInput):
        Money.of("1.001")
    with pytest.raises(InvalidInput):
        Money.of("NaN")


def test_times_rounds_half_up():
    assert Money.of("33.33").times(Decimal("1.5")) == Money(5000)
    assert Money.of("0.01").times(Decimal("0.5")) == Money(1)
    assert Money.of("0.01").times(Decimal("0.49")) == Money(0)
    assert Money(2988).times(Decimal("2.000")) == Money(5976)  # a whole factor: nothing to round
    assert Money(-5).times(Decimal("3")) == Money(-15)


@settings(max_examples=2000, derandomize=True, database=None)
@given(fen=st.integers(-10**12, 10**12), factor=st.one_of(
    st.decimals(min_value=-1000, max_value=1000, places=6, allow_nan=False, allow_infinity=False),
    st.tuples(st.integers(1, 10**6), st.integers(1, 10**6)).map(lambda q: Fraction(q[0], q[1])),
    st.tuples(st.integers(1, 10**6), st.integers(1, 10**6)).map(lambda q: Decimal(q[0]) / Decimal(q[1]))))
def test_times_and_yuan_agree_with_the_definitions(fen, factor):
    """G1: yuan is fen / 100 to the cent; times is the exact product fen × factor (a ``Fraction`` for ratios such as
    1/3, a ``Decimal`` for the exact value it holds), rounded once, half-up to the fen."""
    money = Money(fen)
    assert money.yuan == (Decimal(fen) / 100).quantize(Decimal("0.01")) and money.yuan.as_tuple().exponent == -2
    exact = Fraction(fen) * Fraction(factor)
    if exact.denominator == 1 or abs(exact - round(exact)) != Fraction(1, 2):
        expected = round(exact)  # not a half: the nearest whole fen
    else:
        expected = int(exact + (Fraction(1, 2) if exact > 0 else Fraction(-1, 2)))  # a half: away from zero
    assert money.times(factor) == Money(expected)
    if isinstance(factor, Decimal) and len(factor.as_tuple().digits) <= 15:  # 28 digits hold the product exactly:
        # there G1's wording in Decimal arithmetic is an exact oracle too
        assert money.times(factor) == Money(g1_half_up_fen(money.yuan * factor))
