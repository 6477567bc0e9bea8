from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain.shared.actor import Role as DomainRole
from domain.shared.errors import present, stored
from domain.shops import model
from domain.shops.model import can_see_account
from schema.common.ids import encode_id
from schema.common.money import Money
from schema.common.node import Node, register_node
from schema.common.pagination import Connection, connection, window
from schema.context import Info

if TYPE_CHECKING:
    from schema.appeals.types import AppealRestriction, ExperienceScore
    from schema.claims.types import Claim
    from schema.violations.types import ViolationCount

# Domain enums served under these names: strawberry.enum() registers each, the alias keeps it a type.
Role = DomainRole
strawberry.enum(DomainRole, name="Role")
LedgerEntryKind = model.LedgerEntryKind
strawberry.enum(model.LedgerEntryKind, name="LedgerEntryKind")
LedgerBucket = model.LedgerBucket
strawberry.enum(model.LedgerBucket, name="LedgerBucket")


@strawberry.type
class LedgerEntry(Node):
    id: strawberry.ID
    kind: LedgerEntryKind
    bucket: LedgerBucket
    amount: Money = strawberry.field(description="Signed: negative takes money out of the shop.")
    created_at: datetime
    actor_role: Role = strawberry.field(description="G5: who made the movement.")
    actor_id: str
    entry: strawberry.Private[model.LedgerEntry]

    @strawberry.field(description="For REVERSAL: the entry it reverses.")
    async def reverses(self, info: Info) -> LedgerEntry | None:
        if self.entry.reverses_id is None:
            return None
        reversed_entry = await info.context.loaders.ledger_entry_by_id.load(self.entry.reverses_id)
        return LedgerEntry.of(present(reversed_entry, "the reversed entry"))

    @strawberry.field(description="The claim this movement belongs to, if the viewer may see it.")
    async def claim(self, info: Info) -> Annotated[Claim, strawberry.lazy("schema.claims.types")] | None:
        if self.entry.claim_id is None:
            return None
        from schema.claims.types import load_claim

        return await load_claim(info, self.entry.claim_id)

    @staticmethod
    def of(entry: model.LedgerEntry) -> LedgerEntry:
        return LedgerEntry(
            id=encode_id("LedgerEntry", entry.id), kind=entry.kind, bucket=entry.bucket,
            amount=Money.of(entry.amount), created_at=entry.created_at, actor_role=entry.actor_role,
            actor_id=entry.actor_id, entry=entry,
        )


@strawberry.type
class ShopAccount:
    deposit: Money = strawberry.field(description="May be negative: arrears after a collection (C7).")
    payables: Money
    shop_id: strawberry.Private[int]

    @strawberry.field(description="The append-only ledger, oldest first; balances equal the sum of entries.")
    async def entries(self, info: Info, first: int | None = None, after: str | None = None, last: int | None = None,
                      before: str | None = None) -> Connection[LedgerEntry]:
        page = window(first, after, last, before)
        rows = await info.context.loaders.read(lambda uow: uow.accounts.entries_page(self.shop_id, page))
        return connection(rows, page, LedgerEntry.of, lambda e: (e.id,))

    @staticmethod
    def of(account: model.ShopAccount) -> ShopAccount:
        return ShopAccount(deposit=Money.of(account.deposit), payables=Money.of(account.payables),
                           shop_id=account.shop_id)


@strawberry.type
class Shop(Node):
    id: strawberry.ID
    name: str
    created_at: datetime
    pk: strawberry.Private[int]

    @strawberry.field(description="MERCHANT of the shop and PLATFORM only; null for others.")
    async def account(self, info: Info) -> ShopAccount | None:
        if not can_see_account(info.context.actor, self.pk):
            return None
        account = await info.context.loaders.account_by_shop.load(self.pk)
        return ShopAccount.of(account) if account else None

    @strawberry.field(description="V2: in-force violations by kind (public: every viewer sees the counts).")
    async def violations(
        self, info: Info
    ) -> list[Annotated[ViolationCount, strawberry.lazy("schema.violations.types")]]:
        from schema.violations.types import counts_of

        return counts_of(await info.context.loaders.violation_counts_by_shop.load(self.pk))

    @strawberry.field
    async def experience_score(self, info: Info) -> Annotated[ExperienceScore, strawberry.lazy("schema.appeals.types")]:
        from schema.appeals.types import shop_experience_score

        return await shop_experience_score(info, self.pk)

    @strawberry.field(description="A7: the shop's MERCHANT and the PLATFORM only; null when never restricted.")
    async def appeal_restriction(
        self, info: Info
    ) -> Annotated[AppealRestriction, strawberry.lazy("schema.appeals.types")] | None:
        from schema.appeals.types import AppealRestriction

        if not can_see_account(info.context.actor, self.pk):
            return None
        restriction = await info.context.loaders.appeal_restriction_by_shop.load(self.pk)
        return AppealRestriction.of(restriction) if restriction else None

    @staticmethod
    def of(shop: model.Shop) -> Shop:
        pk = stored(shop.id)
        return Shop(id=encode_id("Shop", pk), name=shop.name, created_at=shop.created_at, pk=pk)


def shop_or_none(shop: model.Shop | None) -> Shop | None:
    return Shop.of(shop) if shop else None


def shop_of(shop: model.Shop | None) -> Shop:
    """A shop a row refers to (a foreign key guarantees it)."""
    return Shop.of(present(shop, "a referenced shop"))


async def load_shop(info: Info, pk: int) -> Shop | None:
    return shop_or_none(await info.context.loaders.shop_by_id.load(pk))


async def load_ledger_entry(info: Info, pk: int) -> LedgerEntry | None:
    entry = await info.context.loaders.ledger_entry_by_id.load(pk)
    return LedgerEntry.of(entry) if entry and can_see_account(info.context.actor, entry.shop_id) else None


register_node("Shop", load_shop)
register_node("LedgerEntry", load_ledger_entry)
