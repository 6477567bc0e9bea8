from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.shared.money import Money


@dataclass
class Product:
    shop_id: int
    sku: str
    name: str
    price: Money
    fresh: bool
    created_at: datetime
    id: int | None = None
