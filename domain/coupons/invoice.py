"""W13: the invoices a shop issues against its W9 obligations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.coupons.model import IssuerKind
from domain.shared.money import Money


@dataclass(frozen=True)
class InvoiceAccount:
    """What one shop owes one counterparty for one period: the key of the running total its invoices charge."""

    shop_id: int
    counterparty: IssuerKind
    counterparty_id: str | None
    period_from: datetime
    period_to: datetime


@dataclass
class Invoice:
    shop_id: int
    counterparty: IssuerKind
    counterparty_id: str | None
    period_from: datetime
    period_to: datetime
    number: str
    amount: Money
    recorded_at: datetime
    recorded_by: str
    voided_at: datetime | None = None
    voided_by: str | None = None
    void_reason: str | None = None
    id: int | None = None

    @property
    def account(self) -> InvoiceAccount:
        return InvoiceAccount(self.shop_id, self.counterparty, self.counterparty_id, self.period_from, self.period_to)
