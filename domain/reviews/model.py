from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class ReviewVisibility(str, Enum):
    PUBLIC = "PUBLIC"
    SELF_VISIBLE = "SELF_VISIBLE"


@dataclass
class Review:
    order_id: int
    shop_id: int
    buyer_id: str
    rating: int
    content: str
    created_at: datetime
    visibility: ReviewVisibility = ReviewVisibility.PUBLIC
    counts_toward_score: bool = True
    version: int = 0
    id: int | None = None
