"""H5: export jobs. ``running_key`` is the requester's key while the job runs and NULL after: its unique index lets
one job run per requester at a time on either database (NULLs are distinct)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, String, Text
from sqlmodel import Field, SQLModel

from persistence.shared.types import UTCDateTime


class ExportJobRow(SQLModel, table=True):
    __tablename__ = "export_jobs"
    __table_args__ = (Index("ix_export_jobs_requester", "requester_key", "id"), {"sqlite_autoincrement": True})

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    requester_key: str = Field(max_length=300)
    requester_role: str = Field(max_length=20)
    requester_id: str = Field(max_length=200)
    requester_shop: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    running_key: str | None = Field(default=None, sa_column=Column(String(300), nullable=True, unique=True))
    language: str = Field(max_length=10)
    status: str = Field(max_length=20)
    row_count: int = 0
    file_size: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    heartbeat_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    completed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
