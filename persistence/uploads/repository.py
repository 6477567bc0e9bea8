from __future__ import annotations

import asyncio
import os
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.shared.actor import Role
from domain.uploads.model import FileFacts, Upload
from persistence.uploads.tables import UploadRow


class SqlUploadRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, upload: Upload) -> None:
        facts = upload.facts
        self.session.add(UploadRow(
            id=upload.id, owner_id=upload.owner_id, owner_role=upload.owner_role.value, sha256=facts.sha256,
            content_type=facts.content_type, size=facts.size, editing_software=facts.editing_software,
            captured_at=facts.captured_at, created_at=upload.created_at,
        ))
        await self.session.flush()

    async def get_many(self, ids: list[str]) -> dict[str, Upload]:
        if not ids:
            return {}
        rows = await self.session.execute(select(UploadRow).where(col(UploadRow.id).in_(set(ids))))
        return {
            r.id: Upload(r.id, r.owner_id, Role(r.owner_role),
                         FileFacts(r.content_type, r.size, r.sha256, r.editing_software, r.captured_at), r.created_at)
            for r in rows.scalars()
        }

    async def usage_since(self, owner_id: str, owner_role: Role, since: datetime) -> tuple[int, int]:
        row = (await self.session.execute(
            select(func.count(), func.coalesce(func.sum(UploadRow.size), 0))
            .where(col(UploadRow.owner_id) == owner_id, col(UploadRow.owner_role) == owner_role.value,
                   col(UploadRow.created_at) >= since))).one()
        return int(row[0]), int(row[1])


class LocalBlobStore:
    """Content-addressed files under a folder: ``ab/abcdef…``. Written to a temporary name, then renamed, so a
    crash never leaves half a file under a real name."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256

    def _put(self, sha256: str, content: bytes) -> None:
        path = self._path(sha256)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _writable(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=self.root, prefix=".health-"):
            pass

    async def check_writable(self) -> None:
        """Raises ``OSError`` when a file cannot be written under the root (for /health)."""
        await asyncio.to_thread(self._writable)

    async def put(self, sha256: str, content: bytes) -> None:
        await asyncio.to_thread(self._put, sha256, content)

    async def get(self, sha256: str) -> bytes | None:
        path = self._path(sha256)
        return await asyncio.to_thread(path.read_bytes) if path.exists() else None
