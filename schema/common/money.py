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
        return Money(amount=value.yuan, currency=CurrencyCode.CNY)
