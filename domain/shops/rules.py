"""Bounds of the ledger (G1): every amount and balance fits a signed 64-bit column with room for any sum a report
takes over a million entries; past them an operation is a business error, never an overflow."""

from __future__ import annotations

MAX_ENTRY_FEN = 10**12  # ¥10,000,000,000.00 in one ledger entry
MAX_BALANCE_FEN = 10**14  # ¥1,000,000,000,000.00 in one bucket, either way


def entry_within_bounds(fen: int) -> bool:
    return -MAX_ENTRY_FEN <= fen <= MAX_ENTRY_FEN


def balance_within_bounds(fen: int) -> bool:
    return -MAX_BALANCE_FEN <= fen <= MAX_BALANCE_FEN
