"""Opaque global IDs: base64url of ``Type:pk``. A malformed ID, or one of another type, decodes to ``None``
(which the domain reads as not found)."""

from __future__ import annotations

import base64
import binascii
import functools
import json

import strawberry

from domain.shared.ids import global_id

MAX_KEY = 2**63 - 1  # ids are BIGINT on both databases: a larger one cannot exist


@functools.lru_cache(maxsize=65_536)  # a page encodes the same shops and products many times over
def encode_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(global_id(type_name, pk))


def split_id(global_id: str) -> tuple[str, int] | None:
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
        type_name, _, pk = raw.partition(":")
        value = int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not type_name or not 0 < value <= MAX_KEY or str(value) != pk:
        return None
    return type_name, value


def decode_id(global_id: str | None, type_name: str) -> int | None:
    parts = split_id(global_id) if global_id else None
    return parts[1] if parts and parts[0] == type_name else None


def encode_cursor(*values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list | None:
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, list) else None
