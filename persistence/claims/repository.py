from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.claims.model import (
    Claim,
    ClaimReason,
    ClaimStatus,
    CompensationProposal,
    Evidence,
    EvidenceKind,
    ForceMajeureCause,
    MerchantWinsReason,
    Payout,
    PayoutStatus,
    Ruling,
    RulingOutcome,
)
from domain.claims.ports import ClaimQuery
from domain.shared.actor import Role
from domain.shared.errors import ConcurrentUpdate, DomainError, ErrorCode, stored
from domain.shared.listing import Page
from persistence.claims.tables import ClaimRow, EvidenceRow
from persistence.shared import keyset
from persistence.shared.enums import member
from persistence.shared.errors import unique_violation_as
from persistence.shared.hydrate import money
from persistence.shared.keys import ByKeys, Rows, select_rows
from persistence.shared.tables import rows_affected, table


def _state(claim: Claim) -> dict:
    ruling = claim.ruling
    return dict(
        status=claim.status.value, open_line_id=claim.order_line_id if claim.is_open else None,
        refunded_fen=claim.refunded.fen, merchant_reject_reason=claim.merchant_reject_reason,
        counts_toward_return_rate=claim.counts_toward_return_rate,
        ruling_outcome=ruling.outcome.value if ruling else None,
        ruling_reason=ruling.merchant_wins_reason.value if ruling and ruling.merchant_wins_reason else None,
        ruling_refund_fen=ruling.refund.fen if ruling else None,
        ruling_penalty_fen=ruling.penalty.fen if ruling else None,
        ruled_at=ruling.decided_at if ruling else None, ruled_by=ruling.decided_by if ruling else None,
        ruling_withdrawn_at=ruling.withdrawn_at if ruling else None,
        ruling_force_majeure_cause=ruling.force_majeure_cause.value if ruling and ruling.force_majeure_cause else None,
        ruling_note=ruling.note if ruling else None,
        ruling_penalty_charged_on_claim_id=ruling.penalty_charged_on_claim_id if ruling else None,
        merchant_statement=claim.merchant_statement, merchant_responded_at=claim.merchant_responded_at,
        answered_at=claim.answered_at, escalated_at=claim.escalated_at, performed_late=claim.performed_late,
        **_payout_state(claim.payout), **_proposal_state(claim.proposal),
    )


def _payout_state(payout: Payout | None) -> dict:
    return dict(payout_refund_fen=payout.refund.fen if payout else None,
                payout_compensation_fen=payout.compensation.fen if payout else None,
                payout_status=payout.status.value if payout else None,
                payout_paid_at=payout.paid_at if payout else None)


def _proposal_state(proposal: CompensationProposal | None) -> dict:
    return dict(proposal_amount_fen=proposal.amount.fen if proposal else None,
                proposal_note=proposal.note if proposal else None,
                proposed_at=proposal.proposed_at if proposal else None,
                proposed_by=proposal.proposed_by if proposal else None,
                proposal_accepted_at=proposal.accepted_at if proposal else None)


CLAIMS, EVIDENCE = table(ClaimRow), table(EvidenceRow)
_CLAIMS_BY_ID = ByKeys(lambda match: select(CLAIMS).where(match(CLAIMS.c.id)))
_EVIDENCE_OF_CLAIMS = ByKeys(lambda match: select(EVIDENCE).where(match(EVIDENCE.c.claim_id)).order_by(EVIDENCE.c.id))
_CLAIM_ROWS, _EVIDENCE_ROWS = Rows(CLAIMS), Rows(EVIDENCE)
_EVIDENCE_BY_ID = ByKeys(lambda match: select(EVIDENCE).where(match(EVIDENCE.c.id)))
_SORTS = {"SUBMITTED_AT": CLAIMS.c.submitted_at, "MERCHANT_RESPONSE_DUE_AT": CLAIMS.c.merchant_response_due_at}


def _evidence(row) -> Evidence:
    return Evidence(member(EvidenceKind, row.kind), row.upload_id, row.sha256, row.uploaded_at, row.added_by,
                    row.invalidated, row.invalid_reason, row.invalidated_at, row.invalidated_by, row.claim_id, row.id,
                    member(Role, row.submitted_by))


def _claim(row, evidence: list[Evidence]) -> Claim:
    ruling = None
    if row.ruling_outcome:
        ruling = Ruling(
            member(RulingOutcome, row.ruling_outcome),
            member(MerchantWinsReason, row.ruling_reason) if row.ruling_reason else None,
            money(row.ruling_refund_fen), money(row.ruling_penalty_fen), row.ruled_at, row.ruled_by,
            row.ruling_withdrawn_at,
            member(ForceMajeureCause, row.ruling_force_majeure_cause) if row.ruling_force_majeure_cause else None,
            row.ruling_note, row.ruling_penalty_charged_on_claim_id,
        )
    return Claim(
        order_id=row.order_id, order_line_id=row.order_line_id, shop_id=row.shop_id, buyer_id=row.buyer_id,
        reason=member(ClaimReason, row.reason), covered=row.covered,
        damaged_quantity=Decimal(row.damaged_quantity_milli).scaleb(-3),
        description=row.description, submitted_at=row.submitted_at,
        merchant_response_due_at=row.merchant_response_due_at, standard_refund=money(row.standard_refund_fen),
        status=member(ClaimStatus, row.status),
        refunded=money(row.refunded_fen), merchant_reject_reason=row.merchant_reject_reason, ruling=ruling,
        counts_toward_return_rate=row.counts_toward_return_rate, merchant_statement=row.merchant_statement,
        merchant_responded_at=row.merchant_responded_at, answered_at=row.answered_at, escalated_at=row.escalated_at,
        evidence=evidence, performed_late=row.performed_late,
        payout=Payout(money(row.payout_refund_fen), money(row.payout_compensation_fen),
                      member(PayoutStatus, row.payout_status), row.payout_paid_at) if row.payout_status else None,
        proposal=CompensationProposal(money(row.proposal_amount_fen), row.proposal_note, row.proposed_at,
                                      row.proposed_by, row.proposal_accepted_at) if row.proposed_at else None,
        version=row.version, id=row.id,
    )


class SqlClaimRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, claim: Claim) -> Claim:
        row = ClaimRow(
            order_id=claim.order_id, order_line_id=claim.order_line_id, shop_id=claim.shop_id,
            buyer_id=claim.buyer_id, reason=claim.reason.value, covered=claim.covered,
            damaged_quantity_milli=int(claim.damaged_quantity * 1000), description=claim.description,
            submitted_at=claim.submitted_at, merchant_response_due_at=claim.merchant_response_due_at,
            standard_refund_fen=claim.standard_refund.fen, standard_penalty_fen=0,
            version=claim.version, **_state(claim),
        )
        already_open = DomainError("this line already has an open claim", ("input", "orderLineId"),
                                   ErrorCode.CLAIM_ALREADY_OPEN)
        async with unique_violation_as(already_open):
            self.session.add(row)
            await self.session.flush()
        claim.id = row.id
        await self._write_evidence(claim)
        return claim

    async def _write_evidence(self, claim: Claim) -> None:
        for item in claim.evidence:
            if item.id is None:
                row = EvidenceRow(
                    claim_id=stored(claim.id),
                    upload_id=item.upload_id,
                    kind=item.kind.value,
                    sha256=item.sha256,
                    uploaded_at=item.uploaded_at,
                    added_by=item.added_by,
                    submitted_by=item.submitted_by.value,
                )
                self.session.add(row)
                await self.session.flush()
                item.id, item.claim_id = row.id, claim.id
            elif item.invalidated:
                await self.session.execute(
                    update(EvidenceRow).where(col(EvidenceRow.id) == item.id, col(EvidenceRow.invalidated).is_(False))
                    .values(invalidated=True, invalid_reason=item.invalid_reason, invalidated_at=item.invalidated_at,
                            invalidated_by=item.invalidated_by)
                )

    async def get(self, claim_id: int, *, lock: bool = False) -> Claim | None:
        query = select(CLAIMS).where(CLAIMS.c.id == claim_id)
        rows = (await self.session.execute(query.with_for_update() if lock else query)).all()
        return (await self._hydrate(rows)).get(claim_id)

    async def get_many(self, ids: list[int]) -> dict[int, Claim]:
        if not ids:
            return {}
        rows = await _CLAIMS_BY_ID.rows(self.session, set(ids))
        return await self._hydrate(rows)

    async def _hydrate(self, rows: Sequence[Any]) -> dict[int, Claim]:
        """Claims from rows of ``select(CLAIMS)``, with their evidence, in the order of the rows."""
        rows = _CLAIM_ROWS(rows)
        evidence: dict[int, list[Evidence]] = defaultdict(list)
        if rows:
            found = _EVIDENCE_ROWS(await _EVIDENCE_OF_CLAIMS.rows(self.session, [r.id for r in rows]))
            for item in found:
                evidence[item.claim_id].append(_evidence(item))
        return {r.id: _claim(r, evidence[r.id]) for r in rows}

    async def update(self, claim: Claim) -> None:
        already_open = DomainError("this line already has an open claim", None, ErrorCode.CLAIM_ALREADY_OPEN)
        async with unique_violation_as(already_open):
            result = await self.session.execute(
                update(ClaimRow).where(col(ClaimRow.id) == claim.id, col(ClaimRow.version) == claim.version)
                .values(version=claim.version + 1, **_state(claim))
            )
        if rows_affected(result) != 1:
            raise ConcurrentUpdate("claim")
        claim.version += 1
        await self._write_evidence(claim)

    async def for_line(self, order_line_id: int) -> list[Claim]:
        rows = (await self.session.execute(select(CLAIMS).where(CLAIMS.c.order_line_id == order_line_id))).all()
        return list((await self._hydrate(rows)).values())

    async def for_order(self, order_id: int) -> list[Claim]:
        rows = (await self.session.execute(
            select(CLAIMS).where(CLAIMS.c.order_id == order_id).order_by(CLAIMS.c.id))).all()
        return list((await self._hydrate(rows)).values())

    def _filtered(self, query, claim_query: ClaimQuery):
        if claim_query.nothing:
            return query.where(False)
        if claim_query.statuses:
            query = query.where(col(ClaimRow.status).in_([s.value for s in claim_query.statuses]))
        if claim_query.shop_id is not None:
            query = query.where(col(ClaimRow.shop_id) == claim_query.shop_id)
        if claim_query.buyer_id is not None:
            query = query.where(col(ClaimRow.buyer_id) == claim_query.buyer_id)
        if claim_query.reasons:
            query = query.where(col(ClaimRow.reason).in_(sorted(r.value for r in claim_query.reasons)))
        if claim_query.submitted_from is not None:
            query = query.where(col(ClaimRow.submitted_at) >= claim_query.submitted_from)
        if claim_query.submitted_to is not None:
            query = query.where(col(ClaimRow.submitted_at) < claim_query.submitted_to)
        if claim_query.overdue_at is not None:
            query = query.where(col(ClaimRow.status) == ClaimStatus.AWAITING_MERCHANT.value,
                                col(ClaimRow.merchant_response_due_at) < claim_query.overdue_at)
        if claim_query.order_id is not None:
            query = query.where(col(ClaimRow.order_id) == claim_query.order_id)
        return query

    async def page(self, claim_query: ClaimQuery, page: Page) -> list[Claim]:
        columns = [*([_SORTS[page.sort]] if page.sort else []), CLAIMS.c.id]
        query = keyset.window(self._filtered(select(CLAIMS), claim_query), columns, page.descending, page)
        rows = await select_rows(self.session, query)
        return list((await self._hydrate(rows)).values())

    async def batch(self, claim_query: ClaimQuery, after_id: int | None, limit: int) -> list[Claim]:
        query = self._filtered(select(CLAIMS), claim_query)
        if after_id is not None:
            query = query.where(CLAIMS.c.id > after_id)
        rows = (await self.session.execute(query.order_by(CLAIMS.c.id).limit(limit))).all()
        return [_claim(row, []) for row in _CLAIM_ROWS(rows)]

    async def count(self, claim_query: ClaimQuery) -> int:
        query = self._filtered(select(func.count()).select_from(ClaimRow), claim_query)
        return (await self.session.execute(query)).scalar_one()

    async def evidence_by_ids(self, ids: list[int]) -> dict[int, Evidence]:
        if not ids:
            return {}
        rows = await _EVIDENCE_BY_ID.rows(self.session, set(ids))
        return {r.id: _evidence(r) for r in _EVIDENCE_ROWS(rows)}

    async def claim_ids_by_sha256(self, digests: list[str]) -> dict[str, set[int]]:
        found: dict[str, set[int]] = {digest: set() for digest in digests}
        if digests:
            rows = await self.session.execute(
                select(col(EvidenceRow.sha256), col(EvidenceRow.claim_id)).where(
                    col(EvidenceRow.sha256).in_(set(digests))
                )
            )
            for digest, claim_id in rows:
                found[digest].add(claim_id)
        return found

    async def claim_parties_of_upload(self, upload_id: str) -> set[tuple[int, str]]:
        rows = await self.session.execute(
            select(col(ClaimRow.shop_id), col(ClaimRow.buyer_id))
            .join(EvidenceRow, col(EvidenceRow.claim_id) == col(ClaimRow.id))
            .where(col(EvidenceRow.upload_id) == upload_id)
        )
        return {(shop_id, buyer_id) for shop_id, buyer_id in rows}
