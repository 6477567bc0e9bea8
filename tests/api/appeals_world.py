"""Appeal steps through the public API."""

from __future__ import annotations

from tests.api.world import REVIEW

APPEAL_FIELDS = """id kind status ground statement submittedAt dueAt dueAtEstimated overdue decidedAt decisionNote
  reviewOutcomes evidenceAnomaly shop { id } evidence { id kind sha256 }
  subject { __typename ... on Review { id visibility countsTowardScore } ... on Claim { id countsTowardReturnRate
    ruling { withdrawnAt } } }"""
PAYLOAD = f"appeal {{ {APPEAL_FIELDS} }} userErrors {{ code message field }}"
FILE = f"mutation($input: FileAppealInput!) {{ fileAppeal(input: $input) {{ {PAYLOAD} }} }}"
DECIDE = f"mutation($input: DecideAppealInput!) {{ decideAppeal(input: $input) {{ {PAYLOAD} }} }}"
RESTRICT = """mutation($input: RestrictAppealsInput!) { restrictAppeals(input: $input) {
  shop { id appealRestriction { mode maxPer30Days until reason automatic active } }
  userErrors { code message field } } }"""
CALENDAR = """mutation($input: SetWorkingCalendarInput!) { setWorkingCalendar(input: $input) {
  calendar { year holidays workdays } userErrors { code message field } } }"""
APPEALS = """query($f: AppealFilter, $first: Int, $after: String) { appeals(filter: $f, first: $first, after: $after) {
  totalCount edges { cursor node { id dueAt overdue status kind } } pageInfo { hasNextPage endCursor } } }"""
SCORE = """query($id: ID!) { shop(id: $id) { experienceScore { reviewRating countedReviews returnRate countedClaims
  deliveredOrders } } }"""


class Appeals:
    def __init__(self, world, claims):
        self.world, self.claims, self.api = world, claims, world.api

    async def review(self, shop, rating: int = 1) -> str:
        order = await self.world.order(shop, signed_at=self.api.now)
        reply = await self.api.gql(REVIEW, {"input": {"orderId": order["id"], "rating": rating, "content": "差评"}},
                                   token=self.world.service)
        return reply.payload("recordReview")["review"]["id"]

    async def file(self, shop, kind: str, subject_id: str, *, ground=None, statement="please review",
                   evidence=None, token=None) -> dict:
        if evidence is None:
            evidence = await self.claims.evidence(("OTHER",), token=token or shop.merchant)
        reply = await self.api.gql(FILE, {"input": {"kind": kind, "subjectId": subject_id, "ground": ground,
                                                    "statement": statement, "evidence": evidence}},
                                   token=token or shop.merchant)
        return reply.payload("fileAppeal")

    async def decide(self, appeal_id: str, approve: bool, **extra) -> dict:
        reply = await self.api.gql(DECIDE, {"input": {"appealId": appeal_id, "approve": approve, **extra}},
                                   token=self.world.platform)
        return reply.payload("decideAppeal")

    async def restrict(self, shop, mode: str, **extra) -> dict:
        reply = await self.api.gql(RESTRICT, {"input": {"shopId": shop.id, "mode": mode, "reason": "abuse", **extra}},
                                   token=self.world.platform)
        return reply.payload("restrictAppeals")

    async def ruled_claim(self, shop, outcome="BUYER_WINS", **extra) -> dict:
        claim = await self.claims.escalated(shop, quantity="1")
        ruled = await self.claims.call("ruleClaim", self.world.platform, claimId=claim["id"], outcome=outcome, **extra)
        assert ruled["userErrors"] == [], ruled
        return ruled["claim"]

    async def score(self, shop) -> dict:
        return (await self.api.gql(SCORE, {"id": shop.id}, token=self.world.platform)).data["shop"]["experienceScore"]
