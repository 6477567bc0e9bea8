from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry

from domain.appeals.rules import claim_appeal_deadline
from domain.claims import model, rules
from domain.claims.evidence_checks import EvidenceWarningCode as DomainWarningCode
from domain.claims.evidence_checks import editing_warnings, evidence_warnings
from domain.claims.model import can_view_claim
from domain.events.model import EventType, HistoryEntry, shown_actor_id
from domain.orders.model import Order as DomainOrder
from domain.shared.actor import Role as DomainRole
from domain.shared.errors import present, stored
from domain.shared.money import Money as DomainMoney
from domain.shops.model import can_see_account
from schema.appeals.kinds import AppealKind
from schema.common.ids import encode_id
from schema.common.money import Money
from schema.common.node import Node, register_node
from schema.context import Info
from schema.orders.types import Order, OrderLine, order_line_of, order_of, quantity_out
from schema.shops.types import LedgerEntry, Role, Shop, shop_of

if TYPE_CHECKING:
    from schema.annotations.types import Remark

# Domain enums served under these names: strawberry.enum() registers each, the alias keeps it a type.
ClaimReason = model.ClaimReason
strawberry.enum(model.ClaimReason, name="ClaimReason")
ClaimStatus = model.ClaimStatus
strawberry.enum(model.ClaimStatus, name="ClaimStatus")
EvidenceKind = model.EvidenceKind
strawberry.enum(model.EvidenceKind, name="EvidenceKind")
RulingOutcome = model.RulingOutcome
strawberry.enum(model.RulingOutcome, name="RulingOutcome")
MerchantWinsReason = model.MerchantWinsReason
strawberry.enum(model.MerchantWinsReason, name="MerchantWinsReason")
ForceMajeureCause = model.ForceMajeureCause
strawberry.enum(
    model.ForceMajeureCause, name="ForceMajeureCause",
    description="C6: what caused a FORCE_MAJEURE ruling (the seed's list, and OTHER).",
)
EvidenceWarningCode = DomainWarningCode
strawberry.enum(DomainWarningCode, name="EvidenceWarningCode")


@strawberry.type(description="A hint for the platform reviewer (C3); never an automatic refusal.")
class EvidenceWarning:
    code: EvidenceWarningCode
    message: str


@strawberry.type
class Evidence(Node):
    id: strawberry.ID
    kind: EvidenceKind
    sha256: str = strawberry.field(description="SHA-256 of the file, hex.")
    uploaded_at: datetime
    invalidated: bool
    invalid_reason: str | None
    submitted_by: Role = strawberry.field(
        description="Who submitted it: BUYER (claim or escalation), MERCHANT (C9 response or appeal).")
    item: strawberry.Private[model.Evidence]
    claim_id: strawberry.Private[int | None]
    shop_id: strawberry.Private[int | None]

    @strawberry.field(description="H4: a link to the file, signed for the viewer and valid for LINK_TTL_SECONDS "
                                  "(15 minutes by default): usable as `<img src>` or `<a href>` without an "
                                  "Authorization header. Ask again for a fresh one; an expired or altered link is "
                                  "403.")
    def url(self, info: Info) -> str:
        ctx = info.context
        return ctx.policies.links.sign(f"/uploads/{self.item.upload_id}", ctx.actor, ctx.clock.now())

    @strawberry.field(description="Recognised from the content at upload, e.g. image/jpeg.")
    async def content_type(self, info: Info) -> str:
        upload = await info.context.loaders.upload_by_id.load(self.item.upload_id)
        return present(upload, "the evidence's upload").facts.content_type

    @strawberry.field(description="Platform and the shop's staff only; empty for others.")
    async def warnings(self, info: Info) -> list[EvidenceWarning]:
        actor = info.context.actor
        loaders = info.context.loaders
        if not (actor.role is DomainRole.PLATFORM or actor.acts_for_shop(self.shop_id)):
            return []
        upload = present(await loaders.upload_by_id.load(self.item.upload_id), "the evidence's upload")
        if self.claim_id is None or self.item.submitted_by is not DomainRole.BUYER:
            # an appeal's or the shop's C9 evidence: only what the file itself says (the timing checks compare a
            # buyer's photo with the order and the claim, which says nothing of a shop's own records)
            found = editing_warnings(upload.facts)
        else:
            claim = present(await loaders.claim_by_id.load(self.claim_id), "the evidence's claim")
            order = present(await loaders.order_by_id.load(claim.order_id), "the claim's order")
            others = await loaders.claim_ids_by_sha256.load(self.item.sha256) or set()
            found = evidence_warnings(upload.facts, claim.submitted_at, order.placed_at, len(others - {claim.id}))
        return [EvidenceWarning(code=w.code, message=w.message) for w in found]

    @staticmethod
    def of(item: model.Evidence, shop_id: int, type_name: str = "Evidence") -> Evidence:
        return Evidence(
            id=encode_id(type_name, item.id),
            claim_id=item.claim_id,
            shop_id=shop_id,
            kind=item.kind,
            sha256=item.sha256,
            uploaded_at=item.uploaded_at,
            invalidated=item.invalidated,
            invalid_reason=item.invalid_reason,
            submitted_by=item.submitted_by,
            item=item,
        )


@strawberry.type
class Ruling:
    outcome: RulingOutcome
    merchant_wins_reason: MerchantWinsReason | None
    refund: Money
    penalty: Money
    decided_at: datetime
    withdrawn_at: datetime | None = strawberry.field(
        description="Set when an approved appeal withdrew the ruling (A5)."
    )
    force_majeure_cause: ForceMajeureCause | None = strawberry.field(
        description="C6: the cause of a FORCE_MAJEURE ruling; null for the other outcomes.")
    note: str | None = strawberry.field(description="C6: the platform's reasoning, shown to the buyer and the shop.")
    charged_on: strawberry.Private[int | None]

    @strawberry.field(description="C6: set when this order's penalty was already charged by the ruling of another "
                                  "claim (then penalty is 0).")
    async def penalty_charged_on_claim(self, info: Info) -> Claim | None:
        return await load_claim(info, self.charged_on) if self.charged_on is not None else None

    @staticmethod
    def of(ruling: model.Ruling) -> Ruling:
        return Ruling(outcome=ruling.outcome, merchant_wins_reason=ruling.merchant_wins_reason,
                      refund=Money.of(ruling.refund), penalty=Money.of(ruling.penalty), decided_at=ruling.decided_at,
                      withdrawn_at=ruling.withdrawn_at, force_majeure_cause=ruling.force_majeure_cause,
                      note=ruling.note, charged_on=ruling.penalty_charged_on_claim_id)


@strawberry.type
class ClaimEvent:
    type: str
    at: datetime
    actor_role: Role
    recorded_actor_id: strawberry.Private[str]

    @strawberry.field(description="Who did it: for a buyer, another party's role only (staff are not named).")
    def actor_id(self, info: Info) -> str:
        return shown_actor_id(info.context.actor, self.actor_role, self.recorded_actor_id)

    @staticmethod
    def all_of(events: list[HistoryEntry] | None) -> list[ClaimEvent]:
        """The claim's events (E1), named as this list always named them: CLAIM_SUBMITTED reads SUBMITTED."""
        return [ClaimEvent(type=_CLAIM_EVENT_NAMES[e.type], at=e.occurred_at, actor_role=e.actor_role,
                           recorded_actor_id=e.actor_id) for e in events or []]


_CLAIM_EVENT_NAMES = {kind: kind.value.removeprefix("CLAIM_") for kind in EventType}


PayoutStatus = model.PayoutStatus
strawberry.enum(model.PayoutStatus, name="PayoutStatus")


@strawberry.type(description="C5: what a claim pays the buyer (賠付給消費者).")
class Payout:
    refund: Money
    compensation: Money = strawberry.field(description="The order's standard penalty for late performance or a "
                                                       "BUYER_WINS ruling, or the agreed amount.")
    total: Money
    status: PayoutStatus = strawberry.field(description="PENDING until the payment service confirms it.")
    paid_at: datetime | None

    @staticmethod
    def of(payout: model.Payout) -> Payout:
        return Payout(refund=Money.of(payout.refund), compensation=Money.of(payout.compensation),
                      total=Money.of(payout.total), status=payout.status, paid_at=payout.paid_at)


@strawberry.type(description="C5: the merchant's offer to settle a failed guarantee claim (雙方另有約定).")
class CompensationProposal:
    amount: Money
    note: str | None
    proposed_at: datetime
    accepted_at: datetime | None

    @staticmethod
    def of(proposal: model.CompensationProposal) -> CompensationProposal:
        return CompensationProposal(amount=Money.of(proposal.amount), note=proposal.note,
                                    proposed_at=proposal.proposed_at, accepted_at=proposal.accepted_at)


@strawberry.type
class Claim(Node):
    id: strawberry.ID
    buyer_id: str
    reason: ClaimReason
    covered_by_guarantee: bool = strawberry.field(description="C1: fresh product and a rot/damage reason.")
    status: ClaimStatus
    damaged_quantity: Decimal
    description: str | None
    submitted_at: datetime
    merchant_response_due_at: datetime
    standard_refund: Money = strawberry.field(description="C4 for this claim.")
    refunded: Money = strawberry.field(description="Money actually refunded so far.")
    merchant_reject_reason: str | None
    counts_toward_return_rate: bool
    evidence: list[Evidence]
    ruling: Ruling | None
    merchant_statement: str | None = strawberry.field(
        description="C9: the shop's statement for the platform; null until it responds.")
    performed_late: bool = strawberry.field(
        description="C5: accepted after merchantResponseDueAt (未按時履行): the buyer is owed compensation too.")
    payout: Payout | None = strawberry.field(description="C5: null until the claim pays the buyer.")
    compensation_proposal: CompensationProposal | None = strawberry.field(
        description="C5: the standing proposal, if any (or the accepted one); an offer not accepted lapses when the "
                    "claim is decided another way.")
    claim: strawberry.Private[model.Claim]

    @strawberry.field(description="C6: what a BUYER_WINS ruling of this claim would charge as penalty now: 30 % of the "
                                  "order's paid amount (penaltyBasis), ¥5–¥100, once per order (0.00 when another "
                                  "claim's ruling already charged it, or the claim is not a guarantee claim).")
    def standard_penalty(self, info: Info) -> Money:
        return info.context.loaders.then(info.context.loaders.order_by_id, self.claim.order_id, self._penalty)

    def _penalty(self, order: DomainOrder | None) -> Money:
        claim = self.claim
        due = rules.penalty_due(present(order, "the claim's order"), claim.id) if claim.covered else DomainMoney.zero()
        return Money.of(due)

    @strawberry.field(description="A3: the last instant an appeal of this kind may be filed on this claim (the end of "
                                  "the 7th natural day, Asia/Shanghai); null when that appeal is not possible.")
    def appeal_deadline(self, kind: AppealKind) -> datetime | None:
        return claim_appeal_deadline(kind, self.claim)

    @strawberry.field
    def order(self, info: Info) -> Order:
        return info.context.loaders.then(info.context.loaders.order_by_id, self.claim.order_id, order_of)

    @strawberry.field
    def order_line(self, info: Info) -> OrderLine:
        return info.context.loaders.then(info.context.loaders.order_line_by_id, self.claim.order_line_id, order_line_of)

    @strawberry.field
    def shop(self, info: Info) -> Shop:
        return info.context.loaders.then(info.context.loaders.shop_by_id, self.claim.shop_id, shop_of)

    @strawberry.field(description="N2: the shop's after-sale remarks, oldest first; empty for anyone else.")
    async def after_sale_remarks(
        self, info: Info
    ) -> list[Annotated[Remark, strawberry.lazy("schema.annotations.types")]]:
        from schema.annotations.types import Remark

        if not info.context.actor.acts_for_shop(self.claim.shop_id):
            return []
        remarks = await info.context.loaders.after_sale_remarks_by_claim.load(stored(self.claim.id))
        return [Remark.of(r) for r in remarks or []]

    @strawberry.field(description="G5: every state change with who did it and when, oldest first.")
    def events(self, info: Info) -> list[ClaimEvent]:
        return info.context.loaders.then(
            info.context.loaders.claim_history_by_claim, stored(self.claim.id), ClaimEvent.all_of
        )

    @strawberry.field(description="C7 movements for this claim; the shop's merchant and the platform only.")
    async def ledger_entries(self, info: Info) -> list[LedgerEntry]:
        if not can_see_account(info.context.actor, self.claim.shop_id):
            return []
        entries = await info.context.loaders.ledger_entries_by_claim.load(stored(self.claim.id)) or []
        return [LedgerEntry.of(e) for e in entries]

    @staticmethod
    def of(claim: model.Claim) -> Claim:
        return Claim(
            id=encode_id("Claim", claim.id),
            buyer_id=claim.buyer_id,
            reason=claim.reason,
            covered_by_guarantee=claim.covered,
            status=claim.status,
            damaged_quantity=quantity_out(claim.damaged_quantity),
            description=claim.description,
            submitted_at=claim.submitted_at,
            merchant_response_due_at=claim.merchant_response_due_at,
            standard_refund=Money.of(claim.standard_refund),
            refunded=Money.of(claim.refunded),
            merchant_statement=claim.merchant_statement,
            merchant_reject_reason=claim.merchant_reject_reason,
            counts_toward_return_rate=claim.counts_toward_return_rate,
            evidence=[Evidence.of(item, claim.shop_id) for item in claim.evidence],
            ruling=Ruling.of(claim.ruling) if claim.ruling else None,
            performed_late=claim.performed_late,
            payout=Payout.of(claim.payout) if claim.payout else None,
            compensation_proposal=CompensationProposal.of(claim.proposal) if claim.proposal else None,
            claim=claim,
        )


async def load_claim(info: Info, pk: int) -> Claim | None:
    claim = await info.context.loaders.claim_by_id.load(pk)
    return Claim.of(claim) if claim and can_view_claim(info.context.actor, claim) else None


async def load_evidence(info: Info, pk: int) -> Evidence | None:
    item = await info.context.loaders.evidence_by_id.load(pk)
    if item is None or item.claim_id is None:
        return None
    claim = await load_claim(info, item.claim_id)
    return Evidence.of(item, claim.claim.shop_id) if claim else None


register_node("Claim", load_claim)
register_node("Evidence", load_evidence)
