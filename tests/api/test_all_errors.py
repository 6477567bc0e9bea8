"""SPEC H2 through the API: a mutation reports every problem with its input that it can detect before acting, each
as a userError with its field path, so a form shows them together — and writes nothing. The example the issue
gives (a 5,000-character description and a quantity above the line's answered only TEXT_TOO_LONG), then the
other forms with several fields: a product, a coupon template, an order and its lines, an appeal, a webhook
endpoint. The collecting itself is ``domain/shared/validation.py`` (one step every service runs its checks
through), tested on its own at the end."""

from __future__ import annotations

import pytest

from domain.shared.errors import DomainError, InvalidInput, NotFound
from domain.shared.validation import InvalidRequest, Validation, problems_of
from tests.api.coupons_world import TEMPLATE
from tests.api.world import PLACE, PRODUCT

WEBHOOK = """mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  endpoint { id } userErrors { code field } } }"""
APPEAL = """mutation($input: FileAppealInput!) { fileAppeal(input: $input) {
  appeal { id } userErrors { code field } } }"""


def found(payload: dict) -> list[tuple[str, str]]:
    return [(e["code"], ".".join(e["field"] or [])) for e in payload["userErrors"]]


async def test_h2_submit_claim_reports_the_text_the_quantity_and_the_evidence_together(api, world, claims):
    shop = await world.shop()
    _order, line = await claims.delivered_line(shop, {"cherries": "2"})
    payload = await claims.submit(line, description="很" * 5_000, quantity="3", evidence=[])
    assert found(payload) == [("TEXT_TOO_LONG", "input.description"), ("INVALID_INPUT", "input.damagedQuantity"),
                              ("EVIDENCE_INCOMPLETE", "input.evidence")]
    assert payload["claim"] is None
    assert (await api.gql("query { claims { totalCount } }", token=world.buyer)).data["claims"]["totalCount"] == 0
    missing = await claims.submit("T3JkZXJMaW5lOjk5OQ==", description="很" * 5_000, quantity="0")
    assert found(missing) == [("TEXT_TOO_LONG", "input.description"), ("INVALID_INPUT", "input.damagedQuantity"),
                              ("NOT_FOUND", "input.orderLineId")]  # what was found before the line was missed


async def test_h2_a_product_a_template_and_an_order_report_every_field(api, world):
    shop = await world.shop()
    product = (await api.gql(PRODUCT, {"input": {"sku": " ", "name": "名" * 201, "price": "0", "fresh": True}},
                             token=shop.merchant)).payload("registerProduct")
    assert found(product) == [("INVALID_INPUT", "input.sku"), ("TEXT_TOO_LONG", "input.name"),
                              ("INVALID_INPUT", "input.price")]
    template = (await api.gql(TEMPLATE, {"input": {
        "issuerKind": "PLATFORM", "name": "", "faceValue": "0", "totalStock": 0, "perUserLimit": 1,
        "validDaysAfterClaim": 400}}, token=world.platform)).payload("createCouponTemplate")
    assert found(template) == [("INVALID_INPUT", "input.name"), ("INVALID_INPUT", "input.faceValue"),
                               ("INVALID_INPUT", "input.totalStock"), ("INVALID_INPUT", "input.perUserLimit"),
                               ("INVALID_INPUT", "input.validDaysAfterClaim")]
    bowl = shop.products["bowl"]["id"]
    order = (await api.gql(PLACE, {"input": {
        "shopId": shop.id, "shippingFee": "-1", "paymentMethod": "ONLINE",
        "lines": [{"productId": bowl, "quantity": "0"}, {"productId": "UHJvZHVjdDo5OTk=", "quantity": "1"},
                  {"productId": bowl, "quantity": "1"}]}}, token=world.buyer)).payload("placeOrder")
    assert found(order) == [("INVALID_INPUT", "input.shippingFee"), ("INVALID_INPUT", "input.lines.0.quantity"),
                            ("NOT_FOUND", "input.lines.1.productId"), ("INVALID_INPUT", "input.lines.2.productId")]
    assert order["order"] is None
    assert (await api.gql("query { orders { totalCount } }", token=world.buyer)).data["orders"]["totalCount"] == 0


async def test_h2_an_appeal_and_a_webhook_endpoint_report_every_field(api, world, claims):
    shop = await world.shop()
    _order, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line))["claim"]
    appeal = (await api.gql(APPEAL, {"input": {"kind": "REVIEW", "subjectId": claim["id"], "statement": " ",
                                               "evidence": []}}, token=shop.merchant)).payload("fileAppeal")
    assert found(appeal) == [("INVALID_INPUT", "input.statement"), ("INVALID_INPUT", "input.ground"),
                             ("INVALID_INPUT", "input.evidence"),
                             ("NOT_FOUND", "input.subjectId")]  # a REVIEW appeal's subject is a review
    endpoint = (await api.gql(WEBHOOK, {"input": {"url": "http://example.com/hook", "eventTypes": [],
                                                  "description": "说" * 1_000}},
                              token=shop.merchant)).payload("createWebhookEndpoint")
    assert found(endpoint) == [("UNSAFE_URL", "input.url"), ("INVALID_INPUT", "input.eventTypes"),
                               ("INVALID_INPUT", "input.description")] and endpoint["endpoint"] is None


def test_h2_a_validation_records_each_refusal_and_refuses_with_all_of_them():
    def refused(field: str):
        raise InvalidInput("no", ("input", field))

    check = Validation()
    assert check(lambda: 7) == 7 and check(refused, "a") is None
    check.add(InvalidRequest([InvalidInput("b", ("input", "b")), InvalidInput("c", ("input", "c"))]))
    branch = check.branch()
    branch.add(NotFound("d", ("input", "d")))
    assert len(check.problems) == 3  # a branch does not write back
    with pytest.raises(InvalidRequest) as raised:
        branch.done()
    assert [p.field for p in raised.value.problems] == [("input", "a"), ("input", "b"), ("input", "c"),
                                                        ("input", "d")]
    assert raised.value.field == ("input", "a")  # read as one error, it is the first
    assert problems_of(DomainError("alone")) and Validation().done() is None
    ended = check.fail(NotFound("gone", ("input", "e")))
    assert [p.field[-1] for p in problems_of(ended)] == ["a", "b", "c", "e"]
    lone = Validation()
    lone(refused, "f")
    with pytest.raises(InvalidInput):  # one problem is refused as itself, its own class
        lone.done()
    assert isinstance(Validation().fail(NotFound("g")), NotFound)


async def test_h2_a_decision_reports_its_note_and_its_fields_together(api, world, appeals):
    shop = await world.shop()
    review = await appeals.review(shop)
    filed = await appeals.file(shop, "REVIEW", review, ground="EXTORTION")
    decided = await appeals.decide(filed["appeal"]["id"], True, note="注" * 3_000, evidenceAnomaly=True,
                                   reviewOutcomes=[])
    assert found(decided) == [("TEXT_TOO_LONG", "input.note"), ("INVALID_INPUT", "input.evidenceAnomaly"),
                              ("INVALID_INPUT", "input.reviewOutcomes")] and decided["appeal"] is None
