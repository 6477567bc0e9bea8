"""G1: money is CNY held as integer fen; every rounding is half-up to the fen."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain.shared.errors import InvalidInput

CENT = Decimal("0.01")


def round_half_up_fen(yuan: Decimal) -> int:
    """G1: 四舍五入精确到分 — 0.005 yuan → 1 fen."""
    return int((yuan * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


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
            raise InvalidInput(f"{yuan!r} is not an amount", field) from None
        if not value.is_finite():
            raise InvalidInput("an amount must be a finite number", field)
        if value != value.quantize(CENT):
            raise InvalidInput(f"{value} has more than two decimal places (G1: fen)", field)
        return Money(int(value * 100))

    @property
    def yuan(self) -> Decimal:
        return (Decimal(self.fen) / 100).quantize(CENT)

    def __add__(self, other: Money) -> Money:
        return Money(self.fen + other.fen)

    def __sub__(self, other: Money) -> Money:
        return Money(self.fen - other.fen)

    def __neg__(self) -> Money:
        return Money(-self.fen)

    def times(self, factor: Decimal) -> Money:
        """Multiply by an exact factor, half-up to the fen (G1)."""
        return Money(round_half_up_fen(self.yuan * factor))

    def __str__(self) -> str:
        return f"¥{self.yuan}"
