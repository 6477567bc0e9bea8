"""Text length as a person counts it: Unicode code points after NFC (N1 decision)."""

from __future__ import annotations

import re
import unicodedata

from domain.shared.errors import DomainError, ErrorCode, InvalidInput
from domain.shared.messages import msg

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL (PostgreSQL refuses it) and unpaired surrogates (not UTF-8)


def is_clean_text(text: str) -> bool:
    """Whether ``text`` can be stored and sent as UTF-8 text by either database."""
    return UNSTORABLE.search(text) is None


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def bounded_text(text: str, *, field: tuple[str | int, ...], max_len: int, min_len: int = 0, strip: bool = True) -> str:
    """NFC-normalise, optionally strip, and enforce ``min_len``..``max_len`` code points."""
    value = normalise(text)
    if strip:
        value = value.strip()
    if len(value) > max_len:
        raise DomainError(msg("at most {max} characters, got {count}",
            max=max_len, count=len(value)), field, ErrorCode.TEXT_TOO_LONG)
    if len(value) < min_len:
        raise InvalidInput(msg("at least {min} character(s) needed",
            min=min_len) if min_len > 1 else "must not be empty", field)
    return value
