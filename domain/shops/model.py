"""Shops and their account: an append-only ledger over two buckets, deposit (保證金) and payables (貨款)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from domain.shared.actor import Actor, Role
from domain.shared.errors import InvalidInput
from domain.shared.messages import msg
from domain.shared.money import Money
from domain.shops import rules


@dataclass
class Shop:
    name: str
    created_at: datetime
    id: int | None = None


class LedgerBucket(str, Enum):
    DEPOSIT = "DEPOSIT"
    PAYABLES = "PAYABLES"


class LedgerEntryKind(str, Enum):
    DEPOSIT_CREDIT = "DEPOSIT_CREDIT"
    PAYABLES_CREDIT = "PAYABLES_CREDIT"
    CLAIM_REFUND = "CLAIM_REFUND"
    CLAIM_PENALTY = "CLAIM_PENALTY"
    REVERSAL = "REVERSAL"


CREDIT_KIND = {
    LedgerBucket.DEPOSIT: LedgerEntryKind.DEPOSIT_CREDIT,
    LedgerBucket.PAYABLES: LedgerEntryKind.PAYABLES_CREDIT,
}


@dataclass(frozen=True)
class LedgerEntry:
    """G5: a money movement; signed (negative takes money out of the shop); never updated or deleted."""

    shop_id: int
    kind: LedgerEntryKind
    bucket: LedgerBucket
    amount: Money
    created_at: datetime
    actor_role: Role
    actor_id: str
    claim_id: int | None = None
    reverses_id: int | None = None
    id: int | None = None


@dataclass
class ShopAccount:
    """Balances equal the sum of the entries; new entries wait in ``pending`` until the repository saves them."""

    shop_id: int
    deposit: Money
    payables: Money
    version: int = 0
    pending: list[LedgerEntry] = field(default_factory=list)

    def balance(self, bucket: LedgerBucket) -> Money:
        return self.deposit if bucket is LedgerBucket.DEPOSIT else self.payables

    def post(self, entry: LedgerEntry) -> LedgerEntry:
        if entry.shop_id != self.shop_id:
            raise ValueError("entry of another shop")
        if not rules.entry_within_bounds(entry.amount.fen):
            raise InvalidInput(msg("one ledger entry is at most {max}", max=str(Money(rules.MAX_ENTRY_FEN))),
                               ("input", "amount"))
        if not rules.balance_within_bounds(self.balance(entry.bucket).fen + entry.amount.fen):
            raise InvalidInput(msg("the {bucket} balance would pass {max}", bucket=entry.bucket.value,
                max=str(Money(rules.MAX_BALANCE_FEN))), ("input", "amount"))
        if entry.bucket is LedgerBucket.DEPOSIT:
            self.deposit = self.deposit + entry.amount
        else:
            self.payables = self.payables + entry.amount
        self.pending.append(entry)
        return entry

    def credit(self, bucket: LedgerBucket, amount: Money, actor: Actor, at: datetime) -> LedgerEntry:
        """A deposit top-up or settled payables reported by another service."""
        if amount.fen <= 0:
            raise InvalidInput("a credit must be a positive amount", ("input", "amount"))
        return self.post(LedgerEntry(self.shop_id, CREDIT_KIND[bucket], bucket, amount, at, actor.role, actor.user_id))

    def collect(
        self,
        amount: Money,
        kind: LedgerEntryKind,
        order: tuple[LedgerBucket, LedgerBucket],
        actor: Actor,
        at: datetime,
        claim_id: int | None = None,
    ) -> list[LedgerEntry]:
        """C7: take ``amount`` from the first bucket while it has money, then the second; what is still missing
        is charged to the deposit and leaves it negative (arrears, a SPEC decision)."""
        if amount.fen < 0:
            raise ValueError("collect a non-negative amount")
        entries: list[LedgerEntry] = []
        remaining = amount.fen
        for bucket in order:
            take = min(remaining, max(self.balance(bucket).fen, 0))
            if take:
                entries.append(self._take(bucket, take, kind, actor, at, claim_id))
                remaining -= take
        if remaining:
            entries.append(self._take(LedgerBucket.DEPOSIT, remaining, kind, actor, at, claim_id))
        return entries

    def _take(self, bucket: LedgerBucket, fen: int, kind: LedgerEntryKind, actor: Actor, at: datetime,
              claim_id: int | None) -> LedgerEntry:
        return self.post(LedgerEntry(self.shop_id, kind, bucket, Money(-fen), at, actor.role, actor.user_id, claim_id))

    def reverse(self, entry: LedgerEntry, actor: Actor, at: datetime) -> LedgerEntry:
        """A compensating entry (A5); the original stays as it was."""
        if entry.id is None or entry.kind is LedgerEntryKind.REVERSAL:
            raise ValueError("only a stored, non-reversal entry can be reversed")
        return self.post(
            LedgerEntry(
                self.shop_id, LedgerEntryKind.REVERSAL, entry.bucket, -entry.amount, at,
                actor.role, actor.user_id, entry.claim_id, entry.id,
            )
        )


def can_see_account(actor: Actor, shop_id: int) -> bool:
    """Contract: the shop's MERCHANT and the PLATFORM only."""
    return actor.role is Role.PLATFORM or (actor.role is Role.MERCHANT and actor.shop_id == shop_id)
