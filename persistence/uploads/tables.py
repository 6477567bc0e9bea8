from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from persistence.shared.types import UTCDateTime


class UploadRow(SQLModel, table=True):
    __tablename__ = "uploads"

    id: str = Field(primary_key=True, max_length=40)
    owner_id: str = Field(max_length=128, index=True)
    owner_role: str = Field(max_length=16)
    sha256: str = Field(max_length=64, index=True)
    content_type: str = Field(max_length=40)
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    editing_software: str | None = Field(default=None, max_length=200)
    captured_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
