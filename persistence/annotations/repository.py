from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.annotations.model import CustomerRemark, Remark, Star, StarColor
from domain.shared.errors import ConcurrentUpdate, DomainError, ErrorCode
from domain.shared.listing import Page
from persistence.annotations.tables import (
    AfterSaleRemarkRow,
    ContactRow,
    CustomerRemarkRow,
    RemarkHistoryRow,
    ShortcutRow,
    StarCounterRow,
    StarRow,
)
from persistence.shared import keyset
from persistence.shared.enums import member
from persistence.shared.errors import unique_violation_as
from persistence.shared.tables import rows_affected


def _star(r: StarRow) -> Star:
    return Star(r.agent_id, r.customer_id, member(StarColor, r.color), r.starred_at, r.id)


class SqlAnnotationRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    # ------------------------------------------------------------ remarks

    async def customer_remark(self, shop_id: int, customer_id: str, *, lock: bool = False) -> CustomerRemark | None:
        query = select(CustomerRemarkRow).where(col(CustomerRemarkRow.shop_id) == shop_id,
                                                col(CustomerRemarkRow.customer_id) == customer_id)
        row = (await self.session.execute(query.with_for_update() if lock else query)).scalars().first()
        return CustomerRemark(row.shop_id, row.customer_id, row.text, row.updated_at, row.updated_by,
                              row.version) if row else None

    async def customer_remarks(self, keys: list[tuple[int, str]]) -> dict[tuple[int, str], CustomerRemark]:
        if not keys:
            return {}
        rows = await self.session.execute(
            select(CustomerRemarkRow).where(
                or_(
                    *[
                        and_(col(CustomerRemarkRow.shop_id) == s, col(CustomerRemarkRow.customer_id) == c)
                        for s, c in set(keys)
                    ]
                )
            )
        )
        return {(r.shop_id, r.customer_id): CustomerRemark(r.shop_id, r.customer_id, r.text, r.updated_at,
                                                           r.updated_by, r.version) for r in rows.scalars()}

    async def save_customer_remark(self, remark: CustomerRemark) -> None:
        values: dict[str, Any] = dict(text=remark.text, updated_at=remark.updated_at, updated_by=remark.updated_by)
        if remark.version == 0:
            async with unique_violation_as(ConcurrentUpdate("customer remark")):
                self.session.add(CustomerRemarkRow(shop_id=remark.shop_id, customer_id=remark.customer_id, version=1,
                                                   **values))
                await self.session.flush()
            remark.version = 1
        else:
            result = await self.session.execute(
                update(CustomerRemarkRow)
                .where(
                    col(CustomerRemarkRow.shop_id) == remark.shop_id,
                    col(CustomerRemarkRow.customer_id) == remark.customer_id,
                    col(CustomerRemarkRow.version) == remark.version,
                )
                .values(version=remark.version + 1, **values)
            )
            if rows_affected(result) != 1:
                raise ConcurrentUpdate("customer remark")
            remark.version += 1
        self.session.add(RemarkHistoryRow(shop_id=remark.shop_id, customer_id=remark.customer_id, text=remark.text,
                                          author_id=remark.updated_by, at=remark.updated_at))
        await self.session.flush()

    async def remark_history(self, keys: list[tuple[int, str]]) -> dict[tuple[int, str], list[Remark]]:
        found: dict[tuple[int, str], list[Remark]] = defaultdict(list)
        if keys:
            rows = await self.session.execute(
                select(RemarkHistoryRow)
                .where(
                    or_(
                        *[
                            and_(col(RemarkHistoryRow.shop_id) == s, col(RemarkHistoryRow.customer_id) == c)
                            for s, c in set(keys)
                        ]
                    )
                )
                .order_by(col(RemarkHistoryRow.id).desc())
            )
            for r in rows.scalars():
                found[(r.shop_id, r.customer_id)].append(Remark(r.text, r.author_id, r.at))
        return {key: found.get(key, []) for key in keys}

    async def add_after_sale_remark(self, claim_id: int, remark: Remark) -> None:
        self.session.add(AfterSaleRemarkRow(claim_id=claim_id, text=remark.text, author_id=remark.author_id,
                                            at=remark.at))
        await self.session.flush()

    async def after_sale_remarks(self, claim_ids: list[int]) -> dict[int, list[Remark]]:
        found: dict[int, list[Remark]] = {claim_id: [] for claim_id in claim_ids}
        if claim_ids:
            rows = await self.session.execute(select(AfterSaleRemarkRow).where(
                col(AfterSaleRemarkRow.claim_id).in_(set(claim_ids))).order_by(col(AfterSaleRemarkRow.id)))
            for r in rows.scalars():
                found[r.claim_id].append(Remark(r.text, r.author_id, r.at))
        return found

    # ------------------------------------------------------------ stars

    async def stars(self, agent_id: str) -> list[Star]:
        rows = await self.session.execute(select(StarRow).where(col(StarRow.agent_id) == agent_id)
                                          .order_by(col(StarRow.starred_at).desc(), col(StarRow.id).desc()))
        return [_star(r) for r in rows.scalars()]

    async def star_of(self, agent_id: str, customer_ids: list[str]) -> dict[str, Star]:
        if not customer_ids:
            return {}
        rows = await self.session.execute(select(StarRow).where(col(StarRow.agent_id) == agent_id,
                                                                col(StarRow.customer_id).in_(set(customer_ids))))
        return {r.customer_id: _star(r) for r in rows.scalars()}

    async def claim_star_slot(self, agent_id: str) -> None:
        row = (await self.session.execute(select(StarCounterRow).where(col(StarCounterRow.agent_id) == agent_id)
                                          .with_for_update())).scalars().first()
        if row is None:
            async with unique_violation_as(ConcurrentUpdate("agent's stars")):
                self.session.add(StarCounterRow(agent_id=agent_id, version=1))
                await self.session.flush()
            return
        result = await self.session.execute(
            update(StarCounterRow)
            .where(col(StarCounterRow.agent_id) == agent_id, col(StarCounterRow.version) == row.version)
            .values(version=row.version + 1)
        )
        if rows_affected(result) != 1:
            raise ConcurrentUpdate("agent's stars")

    async def add_star(self, star: Star) -> Star:
        row = StarRow(agent_id=star.agent_id, customer_id=star.customer_id, color=star.color.value,
                      starred_at=star.starred_at)
        async with unique_violation_as(ConcurrentUpdate("agent's stars")):
            self.session.add(row)
            await self.session.flush()
        star.id = row.id
        return star

    async def recolour_star(self, star: Star) -> None:
        await self.session.execute(update(StarRow).where(col(StarRow.id) == star.id).values(color=star.color.value))

    async def remove_star(self, agent_id: str, customer_id: str) -> Star | None:
        row = (await self.session.execute(select(StarRow).where(
            col(StarRow.agent_id) == agent_id, col(StarRow.customer_id) == customer_id))).scalars().first()
        if row is None:
            return None
        star = _star(row)
        result = await self.session.execute(delete(StarRow).where(col(StarRow.id) == row.id))
        if rows_affected(result) != 1:
            raise ConcurrentUpdate("agent's stars")
        return star

    async def clear_stars(self, agent_id: str) -> int:
        return rows_affected(await self.session.execute(delete(StarRow).where(col(StarRow.agent_id) == agent_id)))

    # ------------------------------------------------------------ contacts

    async def record_contact(self, agent_id: str, customer_id: str, at: datetime, recorded_by: str) -> datetime:
        row = (
            (
                await self.session.execute(
                    select(ContactRow)
                    .where(col(ContactRow.agent_id) == agent_id, col(ContactRow.customer_id) == customer_id)
                    .with_for_update()
                )
            )
            .scalars()
            .first()
        )
        if row is None:
            async with unique_violation_as(ConcurrentUpdate("contact")):
                self.session.add(ContactRow(agent_id=agent_id, customer_id=customer_id, last_contact_at=at,
                                            recorded_by=recorded_by))
                await self.session.flush()
            return at
        await self.session.execute(
            update(ContactRow)
            .where(col(ContactRow.id) == row.id, col(ContactRow.last_contact_at) < at)
            .values(last_contact_at=at, recorded_by=recorded_by)
        )
        return max(at, row.last_contact_at)

    async def contacts(self, agent_id: str, exclude: set[str], page: Page) -> list[tuple[str, datetime]]:
        query = select(col(ContactRow.customer_id), col(ContactRow.last_contact_at)).where(
            col(ContactRow.agent_id) == agent_id
        )
        if exclude:
            query = query.where(col(ContactRow.customer_id).not_in(exclude))
        columns = [col(ContactRow.last_contact_at), col(ContactRow.customer_id)]
        rows = await self.session.execute(keyset.window(query, columns, True, page))
        return [(customer, at) for customer, at in rows]

    async def contact_times(self, agent_id: str, customer_ids: list[str]) -> dict[str, datetime]:
        if not customer_ids:
            return {}
        rows = await self.session.execute(select(col(ContactRow.customer_id), col(ContactRow.last_contact_at)).where(
            col(ContactRow.agent_id) == agent_id, col(ContactRow.customer_id).in_(set(customer_ids))))
        return {customer_id: at for customer_id, at in rows}

    # ------------------------------------------------------------ shortcuts

    async def shortcuts(self, agent_id: str) -> dict[str, str]:
        rows = await self.session.execute(select(col(ShortcutRow.action), col(ShortcutRow.keys)).where(
            col(ShortcutRow.agent_id) == agent_id))
        return {action: keys for action, keys in rows}

    async def save_shortcuts(self, agent_id: str, bindings: dict[str, str], changed: str) -> None:
        conflict = DomainError(f"{bindings[changed]} is already bound to another action", ("input", "keys"),
                               ErrorCode.SHORTCUT_CONFLICT)
        async with unique_violation_as(conflict):
            existing = await self.shortcuts(agent_id)
            if not existing:  # the first change writes every binding, so the unique keys cover the defaults too
                self.session.add_all([ShortcutRow(agent_id=agent_id, action=a, keys=k) for a, k in bindings.items()])
            elif changed in existing:
                await self.session.execute(
                    update(ShortcutRow)
                    .where(col(ShortcutRow.agent_id) == agent_id, col(ShortcutRow.action) == changed)
                    .values(keys=bindings[changed])
                )
            else:
                self.session.add(ShortcutRow(agent_id=agent_id, action=changed, keys=bindings[changed]))
            await self.session.flush()
