"""G1: money is CNY held as integer fen; every rounding is half-up to the fen."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain.shared.errors import InvalidInput

CENT = Decimal("0.01")
WHOLE = Decimal(1)


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
        """Exact: the fen moved two places (1230 → 12.30, 100 → 1.00), with no division or rounding."""
        return Decimal(self.fen).scaleb(-2)

    def __add__(self, other: Money) -> Money:
        return Money(self.fen + other.fen)

    def __sub__(self, other: Money) -> Money:
        return Money(self.fen - other.fen)

    def __neg__(self) -> Money:
        return Money(-self.fen)

    def times(self, factor: Decimal) -> Money:
        """Multiply by an exact factor, half-up to the fen (G1: 四舍五入精确到分 — 0.005 yuan → 1 fen): fen × factor
        rounded to a whole fen, which is yuan × factor rounded to the cent without the detour through yuan."""
        return Money(int((Decimal(self.fen) * factor).quantize(WHOLE, rounding=ROUND_HALF_UP)))

    def __str__(self) -> str:
        return f"¥{self.yuan}"
