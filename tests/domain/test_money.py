"""G1: integer fen, half-up to the fen, never floats."""

from decimal import Decimal

import pytest

from domain.shared.errors import InvalidInput
from domain.shared.money import Money, round_half_up_fen


@pytest.mark.parametrize("yuan, fen", [("0.005", 1), ("0.004", 0), ("49.995", 5000), ("1.0049", 100), ("-0.005", -1)])
def test_half_up_to_the_fen(yuan, fen):
    assert round_half_up_fen(Decimal(yuan)) == fen


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
