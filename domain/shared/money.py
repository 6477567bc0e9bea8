"""G1: money is CNY held as integer fen; every rounding is half-up to the fen."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from domain.shared.errors import InvalidInput
from domain.shared.messages import msg

CENT = Decimal("0.01")


def half_up(numerator: int, denominator: int) -> int:
    """G1's one rounding: the exact quotient ``numerator / denominator`` to the nearest whole number, halves away
    from zero (四舍五入: 0.5 → 1, −0.5 → −1). Integer arithmetic only, so nothing is rounded before this."""
    if denominator <= 0:
        raise ValueError("the denominator is positive")
    whole = (2 * abs(numerator) + denominator) // (2 * denominator)
    return whole if numerator >= 0 else -whole


@dataclass(frozen=True, order=True)
class Money:
    fen: int

    @staticmethod
    def zero() -> Money:
        return Money(0)

    @staticmethod
    def of(yuan: Decimal | str | int, field: tuple[str, ...] | None = None) -> Money:
        """Exact conversion of an amount given in yuan; more than two decimal places is an error, not a rounding."""
        try:
            value = Decimal(yuan)
        except (InvalidOperation, ValueError, TypeError):
            raise InvalidInput(msg("{value} is not an amount", value=repr(yuan)), field) from None
        if not value.is_finite():
            raise InvalidInput("an amount must be a finite number", field)
        if value != value.quantize(CENT):
            raise InvalidInput(msg("{value} has more than two decimal places (G1: fen)", value=value), field)
        return Money(int(value * 100))

    @property
    def yuan(self) -> Decimal:
        """Exact: the fen moved two places (1230 → 12.30, 100 → 1.00), with no division or rounding."""
        return Decimal(self.fen).scaleb(-2)

    def __add__(self, other: Money) -> Money:
        return Money(self.fen + other.fen)

    def __sub__(self, other: Money) -> Money:
        return Money(self.fen - other.fen)

    def __neg__(self) -> Money:
        return Money(-self.fen)

    def times(self, factor: Fraction | Decimal | int) -> Money:
        """Multiply by an exact factor, half-up to the fen (G1: 四舍五入精确到分 — 0.005 yuan → 1 fen).

        The factor is taken as the exact rational it denotes (a ``Decimal`` by its integer ratio, so 0.3 is 3/10,
        never a binary or 28-digit approximation), and fen × factor is rounded once. Ratios such as C4's q / Q
        are passed as a ``Fraction``: 2988 fen × 5/24 = 622.5 → 623, where a ``Decimal`` quotient would already
        have been rounded to 0.2083…33 and the product fallen to 622.4999… → 622."""
        if isinstance(factor, int):
            return Money(self.fen * factor)
        numerator, denominator = factor.as_integer_ratio()
        if denominator == 1:  # a whole factor (2.000 kg): nothing to round
            return Money(self.fen * numerator)
        return Money(half_up(self.fen * numerator, denominator))

    def share(self, part: Fraction | Decimal | int, whole: Fraction | Decimal | int) -> Money:
        """``self × part / whole``, exact until the one half-up rounding (C4's P × q / Q)."""
        return self.times(Fraction(part) / Fraction(whole))

    def __str__(self) -> str:
        return f"¥{self.yuan}"
