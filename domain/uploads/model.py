"""Uploaded files, content-addressed. Evidence refers to uploads; only the uploader may attach one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.shared.actor import Role

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ACCEPTED_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf")
MAX_PIXELS = 40_000_000  # an image's width × height: a 40 MP photo decodes to at most 160 MB of RGBA
QUOTA_PERIOD = timedelta(hours=1)


@dataclass(frozen=True)
class UploadPolicy:
    """How much one uploader may store per QUOTA_PERIOD (settings UPLOAD_QUOTA_FILES, UPLOAD_QUOTA_MB)."""

    files_per_hour: int = 60
    bytes_per_hour: int = 200 * 1024 * 1024

    def refuses(self, files: int, stored_bytes: int, size: int) -> bool:
        """Whether one more file of ``size`` bytes goes past the quota, given the past hour's files and bytes."""
        return files + 1 > self.files_per_hour or stored_bytes + size > self.bytes_per_hour


@dataclass(frozen=True)
class FileFacts:
    """What the upload adapter recognised in the content itself (never the declared type)."""

    content_type: str
    size: int
    sha256: str
    editing_software: str | None = None
    captured_at: datetime | None = None


@dataclass
class Upload:
    id: str
    owner_id: str
    owner_role: Role
    facts: FileFacts
    created_at: datetime
