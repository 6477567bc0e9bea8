from __future__ import annotations

from decimal import Decimal
from enum import Enum

import strawberry

from domain.shared.money import Money as DomainMoney


@strawberry.enum
class CurrencyCode(Enum):
    CNY = "CNY"


@strawberry.type
class Money:
    amount: Decimal
    currency: CurrencyCode

    @staticmethod
    def of(value: DomainMoney) -> Money:
        """One shared, never-changed object per amount: a page prints hundreds of amounts and few distinct ones,
        and building each (its ``Decimal`` and the object) cost more than printing it."""
        money = _BY_FEN.get(value.fen)
        if money is None:
            if len(_BY_FEN) >= _KEPT:
                _BY_FEN.clear()
            money = _BY_FEN[value.fen] = Money(amount=value.yuan, currency=CurrencyCode.CNY)
        return money


_KEPT = 4096  # distinct amounts kept; past that the table starts again
_BY_FEN: dict[int, Money] = {}
