from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.annotations.model import CustomerRemark, Remark, Star
from domain.shared.listing import Page


class AnnotationRepository(Protocol):
    async def customer_remark(self, shop_id: int, customer_id: str, *, lock: bool = False) -> CustomerRemark | None: ...

    async def save_customer_remark(self, remark: CustomerRemark) -> None:
        """Insert (unique per shop and customer) or update conditional on ``version``; a lost race raises
        ``ConcurrentUpdate``. Appends the change to the history."""
        ...

    async def customer_remarks(self, keys: list[tuple[int, str]]) -> dict[tuple[int, str], CustomerRemark]: ...

    async def remark_history(self, keys: list[tuple[int, str]]) -> dict[tuple[int, str], list[Remark]]: ...

    async def add_after_sale_remark(self, claim_id: int, remark: Remark) -> None: ...

    async def after_sale_remarks(self, claim_ids: list[int]) -> dict[int, list[Remark]]: ...

    async def stars(self, agent_id: str) -> list[Star]:
        """Newest-starred first."""
        ...

    async def star_of(self, agent_id: str, customer_ids: list[str]) -> dict[str, Star]: ...

    async def claim_star_slot(self, agent_id: str) -> None:
        """Serialise an agent's starring: bump the agent's counter row conditionally (N3's cap under concurrency);
        raises ``ConcurrentUpdate`` when another transaction starred for the agent first."""
        ...

    async def add_star(self, star: Star) -> Star: ...

    async def recolour_star(self, star: Star) -> None: ...

    async def remove_star(self, agent_id: str, customer_id: str) -> Star | None: ...

    async def clear_stars(self, agent_id: str) -> int: ...

    async def record_contact(self, agent_id: str, customer_id: str, at: datetime, recorded_by: str) -> datetime:
        """Keep the latest contact time per (agent, customer); returns it."""
        ...

    async def contacts(self, agent_id: str, exclude: set[str], page: Page) -> list[tuple[str, datetime]]:
        """``page`` of the contacts by last contact, newest first (keys: last contact, customer id), skipping
        ``exclude``, in the order read."""
        ...

    async def contact_times(self, agent_id: str, customer_ids: list[str]) -> dict[str, datetime]: ...

    async def shortcuts(self, agent_id: str) -> dict[str, str]: ...

    async def save_shortcuts(self, agent_id: str, bindings: dict[str, str], changed: str) -> None:
        """Write the agent's bindings; (agent, keys) is unique, so two actions never share one under concurrency."""
        ...
