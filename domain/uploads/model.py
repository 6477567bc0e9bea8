"""Uploaded files, content-addressed. Evidence refers to uploads; only the uploader may attach one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.shared.actor import Role

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ACCEPTED_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf")


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
