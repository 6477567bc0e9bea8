"""What the uploads need from outside: a store for the bytes, and a repository for the uploads."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.shared.actor import Role
from domain.uploads.model import Upload


class BlobStore(Protocol):
    """Where file bytes live, addressed by SHA-256 (a local folder here; an S3-compatible store can replace it)."""

    async def put(self, sha256: str, content: bytes) -> None: ...

    async def get(self, sha256: str) -> bytes | None: ...


class UploadRepository(Protocol):
    async def add(self, upload: Upload) -> None: ...

    async def get_many(self, ids: list[str]) -> dict[str, Upload]: ...

    async def usage_since(self, owner_id: str, owner_role: Role, since: datetime) -> tuple[int, int]:
        """The uploader's files and bytes stored since ``since``."""
        ...
