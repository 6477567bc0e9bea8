"""Claim steps through the public API."""

from __future__ import annotations

import itertools

from tests.api.files import image

CLAIM_FIELDS = """id status reason coveredByGuarantee damagedQuantity description submittedAt merchantResponseDueAt
  buyerId standardRefund { amount } standardPenalty { amount } refunded { amount } merchantRejectReason
  countsTowardReturnRate merchantStatement order { id } orderLine { id quantity paidAmount { amount } } shop { id }
  evidence { id kind sha256 url invalidated invalidReason contentType submittedBy warnings { code message } }
  ruling { outcome merchantWinsReason refund { amount } penalty { amount } decidedAt withdrawnAt forceMajeureCause
    note penaltyChargedOnClaim { id } }
  events { type at actorRole actorId }
  ledgerEntries { kind bucket amount { amount } claim { id } }"""
PAYLOAD = f"claim {{ {CLAIM_FIELDS} }} userErrors {{ code message field }}"
MUTATIONS = {
    name: f"mutation($input: {name[0].upper() + name[1:]}Input!) {{ {name}(input: $input) {{ {PAYLOAD} }} }}"
    for name in ("submitClaim", "addClaimEvidence", "acceptClaim", "rejectClaim", "escalateClaim", "withdrawClaim",
                 "invalidateEvidence", "ruleClaim", "respondToEscalation")
}
CLAIM = f"query($id: ID!) {{ claim(id: $id) {{ {CLAIM_FIELDS} }} }}"
_colours = itertools.count(1)


class Claims:
    def __init__(self, world):
        self.world, self.api = world, world.api

    async def upload(self, content: bytes | None = None, token: str | None = None, name: str = "photo.jpg",
                     content_type: str = "image/jpeg"):
        if content is None:  # a distinct image each time, so nothing reads as reused
            n = next(_colours)
            content = image(color=(n % 256, (n // 256) % 256, 77))
        headers = {"Authorization": f"Bearer {token or self.world.buyer}"}
        if self.api.now is not None:
            headers["X-Now"] = self.api.now.isoformat()
        return await self.api.client.post("/uploads", files={"file": (name, content, content_type)}, headers=headers)

    async def evidence(self, kinds=("DAMAGE_DETAIL", "WAYBILL", "OVERALL"), token: str | None = None) -> list[dict]:
        items = []
        for kind in kinds:
            reply = await self.upload(token=token)
            assert reply.status_code == 201, reply.text
            items.append({"kind": kind, "uploadId": reply.json()["uploadId"]})
        return items

    async def call(self, name: str, token: str, **input_) -> dict:
        return (await self.api.gql(MUTATIONS[name], {"input": input_}, token=token)).payload(name)

    async def submit(self, line_id: str, *, reason="DAMAGED", quantity="1", evidence=None, token=None,
                     description=None) -> dict:
        if evidence is None:
            evidence = await self.evidence(token=token)
        return await self.call("submitClaim", token or self.world.buyer, orderLineId=line_id, reason=reason,
                               damagedQuantity=quantity, evidence=evidence, description=description)

    async def delivered_line(self, shop, lines=None, **kw) -> tuple[dict, str]:
        order = await self.world.order(shop, lines or {"cherries": "10"}, signed_at=self.api.now, **kw)
        return order, order["lines"][0]["id"]

    async def read(self, claim_id: str, token: str | None = None) -> dict | None:
        reply = await self.api.gql(CLAIM, {"id": claim_id}, token=token or self.world.platform)
        assert not reply.errors, reply.errors
        return reply.data["claim"]

    async def escalated(self, shop, **kw) -> dict:
        _, line = await self.delivered_line(shop)
        return await self.escalate(shop, line, **kw)

    async def escalate(self, shop, line_id: str, **kw) -> dict:
        """A claim on ``line_id``, rejected by the merchant and escalated by the buyer."""
        claim = (await self.submit(line_id, **kw))["claim"]
        await self.call("rejectClaim", shop.merchant, claimId=claim["id"], reason="not our fault")
        escalated = await self.call("escalateClaim", self.world.buyer, claimId=claim["id"])
        assert escalated["userErrors"] == [], escalated
        return escalated["claim"]

    async def escalated_on_every_line(self, shop, lines: dict[str, str], **kw) -> tuple[dict, list[dict]]:
        """One delivered order with ``lines`` and an escalated claim on each of its lines (C6: one order)."""
        order = await self.world.order(shop, lines, signed_at=self.api.now, **kw)
        return order, [await self.escalate(shop, line["id"], quantity=line["quantity"]) for line in order["lines"]]
