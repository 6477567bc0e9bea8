"""Campaign, issuance and invoice steps through the public API (SPEC W11–W13)."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import START

CAMPAIGN_FIELDS = """id name status signUpFrom signUpUntil runsFrom runsUntil minMerchantShare maxMerchantShare
  templates { id } signUps { shop { id } merchantShare joinedAt }"""
CREATE = f"""mutation($input: CreateCampaignInput!) {{ createCampaign(input: $input) {{
  campaign {{ {CAMPAIGN_FIELDS} }} userErrors {{ code message field }} }} }}"""
JOIN = f"""mutation($id: ID!, $share: Decimal!) {{ joinCampaign(input: {{campaignId: $id, merchantShare: $share}}) {{
  campaign {{ {CAMPAIGN_FIELDS} }} userErrors {{ code message field }} }} }}"""
LEAVE = f"""mutation($id: ID!) {{ leaveCampaign(input: {{campaignId: $id}}) {{
  campaign {{ {CAMPAIGN_FIELDS} }} userErrors {{ code message field }} }} }}"""
CAMPAIGNS = """query { campaigns(first: 50) { totalCount edges { node { id name status } } } }"""
ISSUE = """mutation($id: ID!, $buyers: [String!]!) { issueCoupons(input: {templateId: $id, buyerIds: $buyers}) {
  results { buyerId refusal coupon { id ownerId origin status } } userErrors { code message field } } }"""
RECORD = """mutation($input: RecordInvoiceInput!) { recordInvoice(input: $input) {
  invoice { id counterparty counterpartyId periodFrom periodTo number amount { amount } voidedAt voidReason }
  userErrors { code message field } } }"""
VOID = """mutation($id: ID!, $reason: String!) { voidInvoice(input: {invoiceId: $id, reason: $reason}) {
  invoice { id voidedAt voidReason } userErrors { code message field } } }"""
OBLIGATIONS = """query($shop: ID!, $from: DateTime!, $to: DateTime!) {
  invoiceObligations(shopId: $shop, from: $from, to: $to) {
  counterparty counterpartyId amount { amount } couponCount invoiced { amount } outstanding { amount } } }"""

SIGN_UP_FROM = START - timedelta(hours=1)
SIGN_UP_UNTIL = START + timedelta(days=1)
RUNS_FROM = START + timedelta(days=2)
RUNS_UNTIL = START + timedelta(days=20)
NOVEMBER = {"periodFrom": "2026-10-31T16:00:00Z", "periodTo": "2026-11-30T16:00:00Z"}  # Asia/Shanghai's month


def campaign_input(template_ids: list[str], **fields) -> dict:
    return {"name": "双11 生鲜节", "signUpFrom": SIGN_UP_FROM.isoformat(), "signUpUntil": SIGN_UP_UNTIL.isoformat(),
            "runsFrom": RUNS_FROM.isoformat(), "runsUntil": RUNS_UNTIL.isoformat(), "minMerchantShare": "0.3",
            "maxMerchantShare": "1", "templateIds": template_ids, **fields}


class Campaigns:
    def __init__(self, api, world, coupons):
        self.api, self.world, self.coupons = api, world, coupons

    async def create(self, template_ids: list[str] | None = None, token=None, **fields) -> dict:
        if template_ids is None:
            template_ids = [(await self.coupons.created(faceValue="10.00", validDaysAfterClaim=60))["id"]]
        reply = await self.api.gql(CREATE, {"input": campaign_input(template_ids, **fields)},
                                   token=token or self.world.platform)
        return reply.payload("createCampaign")

    async def created(self, template_ids: list[str] | None = None, **fields) -> dict:
        data = await self.create(template_ids, **fields)
        assert data["userErrors"] == [], data
        return data["campaign"]

    async def join(self, campaign_id: str, share: str, token: str, **kw) -> dict:
        return (await self.api.gql(JOIN, {"id": campaign_id, "share": share}, token=token, **kw)).payload(
            "joinCampaign")

    async def leave(self, campaign_id: str, token: str, **kw) -> dict:
        return (await self.api.gql(LEAVE, {"id": campaign_id}, token=token, **kw)).payload("leaveCampaign")

    async def issue(self, template_id: str, buyers: list[str], token=None, **kw) -> dict:
        return (await self.api.gql(ISSUE, {"id": template_id, "buyers": buyers},
                                   token=token or self.world.platform, **kw)).payload("issueCoupons")

    async def record(self, token: str, **fields) -> dict:
        return (await self.api.gql(RECORD, {"input": fields}, token=token)).payload("recordInvoice")

    async def obligations(self, shop, token=None, start="2026-10-31T16:00:00Z", end="2026-11-30T16:00:00Z") -> list:
        reply = await self.api.gql(OBLIGATIONS, {"shop": shop.id, "from": start, "to": end},
                                   token=token or shop.merchant)
        assert not reply.errors, reply.errors
        return reply.data["invoiceObligations"]
