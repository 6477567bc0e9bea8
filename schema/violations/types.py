"""V1–V3: violations recorded against a shop, and the counts a shop's page shows."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain.violations import model, rules
from schema.claims.types import Claim, load_claim
from schema.common.ids import encode_id
from schema.common.node import Node, register_node
from schema.context import Info
from schema.shops.types import Shop, shop_of

if TYPE_CHECKING:
    from schema.appeals.types import Appeal

ViolationKind = model.ViolationKind
strawberry.enum(model.ViolationKind, name="ViolationKind", description="V1: 違背服務承諾 or 舉證異常.")
ViolationStatus = model.ViolationStatus
strawberry.enum(model.ViolationStatus, name="ViolationStatus")


@strawberry.type(description="V1: a violation recorded against a shop; in force at once (V2), listed with its reason "
                             "to the platform and the shop's staff.")
class Violation(Node):
    id: strawberry.ID
    kind: ViolationKind
    status: ViolationStatus
    reason: str
    recorded_at: datetime
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    violation: strawberry.Private[model.Violation]

    @strawberry.field
    def shop(self, info: Info) -> Shop:
        return info.context.loaders.then(info.context.loaders.shop_by_id, self.violation.shop_id, shop_of)

    @strawberry.field(description="The claim it arose from, if any.")
    async def claim(self, info: Info) -> Claim | None:
        return await load_claim(info, self.violation.claim_id) if self.violation.claim_id else None

    @strawberry.field(description="The appeal it arose from, if any (EVIDENCE_ANOMALY).")
    async def appeal(self, info: Info) -> Annotated[Appeal, strawberry.lazy("schema.appeals.types")] | None:
        from schema.appeals.types import load_appeal

        return await load_appeal(info, self.violation.appeal_id) if self.violation.appeal_id else None

    @strawberry.field(description="A3/V3: the last instant a VIOLATION appeal may be filed (the end of the 7th "
                                  "natural day after the recording, Asia/Shanghai); null when none is possible.")
    def appeal_deadline(self) -> datetime | None:
        return rules.appeal_deadline(self.violation)

    @staticmethod
    def of(violation: model.Violation) -> Violation:
        return Violation(id=encode_id("Violation", violation.id), kind=violation.kind, status=violation.status,
                         reason=violation.reason, recorded_at=violation.recorded_at,
                         withdrawn_at=violation.withdrawn_at, withdrawal_reason=violation.withdrawal_reason,
                         violation=violation)


@strawberry.type(description="V2: what a shop's page shows: in-force violations by kind.")
class ViolationCount:
    kind: ViolationKind
    in_force: int


def counts_of(counts: dict[model.ViolationKind, int] | None) -> list[ViolationCount]:
    counts = counts or {}
    return [ViolationCount(kind=kind, in_force=counts.get(kind, 0)) for kind in model.ViolationKind]


async def load_violation(info: Info, pk: int) -> Violation | None:
    violation = await info.context.loaders.violation_by_id.load(pk)
    return Violation.of(violation) if violation and model.can_view_violation(info.context.actor, violation) else None


register_node("Violation", load_violation)
