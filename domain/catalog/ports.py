from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.catalog.model import Product
from domain.shared.listing import Page


@dataclass(frozen=True)
class ProductQuery:
    """F1/F2: a catalogue list; ``search`` matches name or SKU, case-insensitively."""

    shop_id: int | None = None
    search: str | None = None
    fresh: bool | None = None
    nothing: bool = False


class ProductRepository(Protocol):
    async def add(self, product: Product) -> Product:
        """Raises ``AlreadyExists`` when the shop already has the SKU (a unique constraint decides)."""
        ...

    async def get_many(self, ids: list[int]) -> dict[int, Product]: ...

    async def page(self, query: ProductQuery, page: Page) -> list[Product]:
        """Newest first."""
        ...

    async def count(self, query: ProductQuery) -> int: ...
