"""Who acts (G6). A merchant or an agent acts for exactly one shop."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.shared.errors import Forbidden
from domain.shared.messages import msg, term


class Role(str, Enum):
    BUYER = "BUYER"
    MERCHANT = "MERCHANT"
    AGENT = "AGENT"
    PLATFORM = "PLATFORM"
    STREAMER = "STREAMER"
    SERVICE = "SERVICE"


SHOP_ROLES = frozenset({Role.MERCHANT, Role.AGENT})


@dataclass(frozen=True)
class Actor:
    user_id: str
    role: Role
    shop_id: int | None = None

    def __post_init__(self) -> None:
        if (self.role in SHOP_ROLES) != (self.shop_id is not None):
            raise ValueError("MERCHANT and AGENT act for exactly one shop; other roles for none")

    def require(self, *roles: Role) -> None:
        """G6: raise ``Forbidden`` unless the actor has one of ``roles``."""
        if self.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise Forbidden(msg("this operation needs the role {allowed}; you act as {role}",
                allowed=allowed, role=term(self.role)))

    @property
    def caller_key(self) -> str:
        """Who is calling, for per-caller quotas and caps: the role and the user."""
        return f"{self.role.value}:{self.user_id}"

    @property
    def scoped_key(self) -> str:
        """The user, the role and the shop: whose cost bucket a request spends (H1) and whose export jobs are
        (H5) — a merchant of two shops has one of each for each shop."""
        return f"{self.caller_key}:{self.shop_id if self.shop_id is not None else ''}"

    @property
    def shop(self) -> int:
        """The shop a MERCHANT or AGENT acts for (checked at construction); Forbidden for the other roles."""
        if self.shop_id is None:
            raise Forbidden("only a shop's MERCHANT or AGENT acts for a shop")
        return self.shop_id

    def acts_for_shop(self, shop_id: int | None) -> bool:
        return self.role in SHOP_ROLES and self.shop_id == shop_id
