from __future__ import annotations

import strawberry

from domain.shared.actor import Actor
from schema.common.node import Node, resolve_node
from schema.context import Info
from schema.shops.types import Role, Shop, load_shop


@strawberry.type
class Viewer:
    user_id: str
    role: Role
    actor: strawberry.Private[Actor]

    @strawberry.field(description="The shop a MERCHANT or AGENT acts for.")
    async def shop(self, info: Info) -> Shop | None:
        return await load_shop(info, self.actor.shop_id) if self.actor.shop_id else None


@strawberry.type
class CoreQueries:
    @strawberry.field(description="Any entity the viewer may see, else null.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        info.context.require_authenticated()
        return await resolve_node(info, id)

    @strawberry.field(description="Who the token says you are.")
    def viewer(self, info: Info) -> Viewer:
        actor = info.context.actor
        return Viewer(user_id=actor.user_id, role=actor.role, actor=actor)
