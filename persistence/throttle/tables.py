"""H1: one row per caller's bucket (PostgreSQL's store; SQLite keeps its buckets in the process)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class ThrottleBucketRow(SQLModel, table=True):
    __tablename__ = "throttle_buckets"

    key: str = Field(primary_key=True, max_length=300)  # the caller: role, user and shop
    available: float  # points held at ``at``
    at: float  # seconds since the epoch
    granted: bool  # whether the last request was granted (read back by the statement that spent)
