"""The shop account: append-only entries, balances as their sum, C7's collection order."""

from datetime import UTC, datetime

import pytest

from domain.shared.actor import Actor, Role
from domain.shared.errors import InvalidInput
from domain.shared.money import Money
from domain.shops.model import LedgerBucket as B
from domain.shops.model import LedgerEntryKind as K
from domain.shops.model import ShopAccount

AT = datetime(2026, 11, 2, tzinfo=UTC)
PLATFORM = Actor("ops", Role.PLATFORM)
SERVICE = Actor("svc", Role.SERVICE)


def account(deposit: int, payables: int) -> ShopAccount:
    return ShopAccount(1, Money(deposit), Money(payables))


def test_credit_posts_one_entry_and_moves_the_balance():
    acc = account(0, 0)
    acc.credit(B.DEPOSIT, Money(500), SERVICE, AT)
    assert acc.deposit == Money(500) and [e.kind for e in acc.pending] == [K.DEPOSIT_CREDIT]
    with pytest.raises(InvalidInput):
        acc.credit(B.PAYABLES, Money(0), SERVICE, AT)


@pytest.mark.parametrize("deposit, payables, amount, taken", [
    (10_000, 10_000, 3_000, [(B.DEPOSIT, -3_000)]),                          # deposit covers it
    (1_000, 10_000, 3_000, [(B.DEPOSIT, -1_000), (B.PAYABLES, -2_000)]),     # then payables
    (1_000, 500, 3_000, [(B.DEPOSIT, -1_000), (B.PAYABLES, -500), (B.DEPOSIT, -1_500)]),  # arrears on the deposit
    (-200, 0, 300, [(B.DEPOSIT, -300)]),                                     # already in arrears
])
def test_c7_collects_deposit_first_then_payables_then_arrears(deposit, payables, amount, taken):
    acc = account(deposit, payables)
    entries = acc.collect(Money(amount), K.CLAIM_REFUND, (B.DEPOSIT, B.PAYABLES), PLATFORM, AT, claim_id=7)
    assert [(e.bucket, e.amount.fen) for e in entries] == taken
    assert all(e.claim_id == 7 and e.kind is K.CLAIM_REFUND for e in entries)
    assert acc.deposit.fen + acc.payables.fen == deposit + payables - amount


def test_c7_voluntary_refund_takes_payables_first():
    acc = account(5_000, 1_000)
    entries = acc.collect(Money(2_500), K.CLAIM_REFUND, (B.PAYABLES, B.DEPOSIT), Actor("m", Role.MERCHANT, 1), AT)
    assert [(e.bucket, e.amount.fen) for e in entries] == [(B.PAYABLES, -1_000), (B.DEPOSIT, -1_500)]


def test_reversal_compensates_without_touching_the_original():
    acc = account(1_000, 0)
    [entry] = acc.collect(Money(400), K.CLAIM_PENALTY, (B.DEPOSIT, B.PAYABLES), PLATFORM, AT, 3)
    from dataclasses import replace

    stored = replace(entry, id=11)
    reversal = acc.reverse(stored, PLATFORM, AT)
    assert (reversal.kind, reversal.amount, reversal.reverses_id, reversal.claim_id) == (K.REVERSAL, Money(400), 11, 3)
    assert acc.deposit == Money(1_000) and stored.amount == Money(-400)
