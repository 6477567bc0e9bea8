from __future__ import annotations

from typing import Protocol

from domain.catalog.model import Product


class ProductRepository(Protocol):
    async def add(self, product: Product) -> Product:
        """Raises ``AlreadyExists`` when the shop already has the SKU (a unique constraint decides)."""
        ...

    async def get_many(self, ids: list[int]) -> dict[int, Product]: ...
