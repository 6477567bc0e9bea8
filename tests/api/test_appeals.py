"""Merchant appeals through the public API (SPEC A1–A7)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from tests.api.appeals_world import APPEALS, CALENDAR, FILE
from tests.api.claims_world import CLAIM


def codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


# ---------------------------------------------------------------- A1, A4, A6 filing


async def test_a_review_appeal_is_filed_with_a_working_day_deadline(api, world, appeals):
    shop = await world.shop()
    review = await appeals.review(shop)
    data = await appeals.file(shop, "REVIEW", review, ground="EXTORTION")
    assert data["userErrors"] == []
    appeal = data["appeal"]
    assert (appeal["status"], appeal["kind"], appeal["ground"]) == ("PENDING", "REVIEW", "EXTORTION")
    # filed Monday 2 Nov 2026 10:00 Shanghai → Tue, Wed, Thu → Thursday 5 Nov 23:59:59 +08:00 (A4)
    assert appeal["dueAt"] == "2026-11-05T15:59:59Z" and appeal["dueAtEstimated"] is False
    assert appeal["overdue"] is False and appeal["subject"]["__typename"] == "Review"
    assert len(appeal["evidence"]) == 1


async def test_a1_grounds_belong_to_review_appeals_only(api, world, appeals):
    shop = await world.shop()
    review = await appeals.review(shop)
    assert codes(await appeals.file(shop, "REVIEW", review)) == ["INVALID_INPUT"]
    claim = await appeals.ruled_claim(shop)
    assert codes(await appeals.file(shop, "ARBITRATION", claim["id"], ground="EXTORTION")) == ["INVALID_INPUT"]


@pytest.mark.parametrize(
    "statement, code", [("", "INVALID_INPUT"), ("  ", "INVALID_INPUT"), ("x" * 1001, "TEXT_TOO_LONG")]
)
async def test_a6_statement_is_1_to_1000_characters(api, world, appeals, statement, code):
    shop = await world.shop()
    review = await appeals.review(shop)
    assert codes(await appeals.file(shop, "REVIEW", review, ground="EXTORTION", statement=statement)) == [code]


async def test_a6_a_statement_of_1000_chinese_characters_fits(api, world, appeals):
    shop = await world.shop()
    review = await appeals.review(shop)
    assert (await appeals.file(shop, "REVIEW", review, ground="EXTORTION", statement="申" * 1000))["userErrors"] == []


async def test_a6_at_least_one_evidence_file_of_ones_own(api, world, appeals, claims):
    shop = await world.shop()
    review = await appeals.review(shop)
    assert codes(await appeals.file(shop, "REVIEW", review, ground="EXTORTION", evidence=[])) == ["INVALID_INPUT"]
    foreign = await claims.evidence(("OTHER",), token=world.buyer)
    assert codes(await appeals.file(shop, "REVIEW", review, ground="EXTORTION", evidence=foreign)) == ["NOT_FOUND"]


# ---------------------------------------------------------------- A2 one chance


async def test_a2_one_appeal_per_kind_and_subject_ever(api, world, appeals):
    shop = await world.shop()
    review = await appeals.review(shop)
    first = (await appeals.file(shop, "REVIEW", review, ground="EXTORTION"))["appeal"]
    assert codes(await appeals.file(shop, "REVIEW", review, ground="ADVERTISING")) == ["APPEAL_ALREADY_FILED"]
    await appeals.decide(first["id"], False)
    assert codes(await appeals.file(shop, "REVIEW", review, ground="ADVERTISING")) == ["APPEAL_ALREADY_FILED"]


async def test_a2_the_return_rate_and_the_ruling_are_separate_chances(api, world, appeals):
    """A2 (round 3): RETURN_RATE is a chance of its own; ARBITRATION and COMPENSATION share one."""
    shop = await world.shop()
    claim = await appeals.ruled_claim(shop)
    for kind in ("ARBITRATION", "RETURN_RATE"):
        assert (await appeals.file(shop, kind, claim["id"]))["userErrors"] == [], kind
    assert codes(await appeals.file(shop, "COMPENSATION", claim["id"])) == ["APPEAL_ALREADY_FILED"]


async def test_a2_concurrent_duplicate_filings_make_one_appeal(api, world, appeals, claims):
    shop = await world.shop()
    review = await appeals.review(shop)
    evidence = [await claims.evidence(("OTHER",), token=shop.merchant) for _ in range(6)]
    results = await asyncio.gather(*[appeals.file(shop, "REVIEW", review, ground="EXTORTION", evidence=e)
                                     for e in evidence])
    assert sum(1 for r in results if r["appeal"]) == 1
    assert all(codes(r) == ["APPEAL_ALREADY_FILED"] for r in results if not r["appeal"])


# ---------------------------------------------------------------- A3 windows


DEADLINES = """query($review: ID!, $claim: ID!) { review: node(id: $review) { ... on Review { appealDeadline } }
  claim(id: $claim) { arbitration: appealDeadline(kind: ARBITRATION) compensation: appealDeadline(kind: COMPENSATION)
    returnRate: appealDeadline(kind: RETURN_RATE) review: appealDeadline(kind: REVIEW) } }"""
CLAIM_DEADLINES = """query($id: ID!) { claim(id: $id) { arbitration: appealDeadline(kind: ARBITRATION)
  compensation: appealDeadline(kind: COMPENSATION) returnRate: appealDeadline(kind: RETURN_RATE) } }"""
END_OF_DAY = dict(hours=13, minutes=59, seconds=59, microseconds=999999)  # from 10:00 to 23:59:59.999999 Shanghai


async def test_a3_review_window_ends_with_the_30th_natural_day(api, world, appeals):
    """A3 (revised): created Monday 2 Nov 10:00 Shanghai → until 2 Dec 23:59:59.999999 Shanghai, shown as
    Review.appealDeadline; the first reading (30×24 h) closed it at 2 Dec 10:00."""
    shop = await world.shop()
    review = await appeals.review(shop)
    other = await appeals.review(shop)
    found = (await api.gql("query($id: ID!) { node(id: $id) { ... on Review { appealDeadline } } }", {"id": review},
                           token=shop.merchant)).data
    assert found["node"]["appealDeadline"] == "2026-12-02T15:59:59.999999Z"
    api.advance(days=30, **END_OF_DAY)
    assert (await appeals.file(shop, "REVIEW", review, ground="EXTORTION"))["userErrors"] == []
    api.advance(microseconds=1)
    refused = await appeals.file(shop, "REVIEW", other, ground="EXTORTION")
    assert codes(refused) == ["APPEAL_WINDOW_CLOSED"] and "2026-12-02 23:59:59" in refused["userErrors"][0]["message"]


async def test_a3_ruling_appeals_until_the_end_of_the_7th_natural_day(api, world, appeals):
    """A ruling at 10:00 on 2 Nov may be appealed until 9 Nov 23:59:59.999999 Shanghai (at 23:00 on the 9th the
    first reading had already closed it at 10:00)."""
    shop = await world.shop()
    first = await appeals.ruled_claim(shop)
    second = await appeals.ruled_claim(shop)
    deadlines = (await api.gql(CLAIM_DEADLINES, {"id": first["id"]}, token=shop.merchant)).data["claim"]
    assert deadlines["arbitration"] == deadlines["compensation"] == "2026-11-09T15:59:59.999999Z"
    api.advance(days=7, hours=13)
    assert (await appeals.file(shop, "ARBITRATION", first["id"]))["userErrors"] == []
    api.advance(hours=1)
    assert codes(await appeals.file(shop, "COMPENSATION", second["id"])) == ["APPEAL_WINDOW_CLOSED"]


async def test_a3_return_rate_appeal_within_7_natural_days_of_the_claim(api, world, appeals, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line, reason="QUALITY_ISSUE", evidence=[]))["claim"]
    late = (await claims.submit((await claims.delivered_line(shop))[1], reason="QUALITY_ISSUE", evidence=[]))["claim"]
    deadlines = (await api.gql(CLAIM_DEADLINES, {"id": claim["id"]}, token=shop.merchant)).data["claim"]
    # no ruling: the ruling appeals are not possible, and say so with null
    assert deadlines == {"arbitration": None, "compensation": None, "returnRate": "2026-11-09T15:59:59.999999Z"}
    api.advance(days=7, **END_OF_DAY)
    assert (await appeals.file(shop, "RETURN_RATE", claim["id"]))["userErrors"] == []
    api.advance(microseconds=1)
    assert codes(await appeals.file(shop, "RETURN_RATE", late["id"])) == ["APPEAL_WINDOW_CLOSED"]


async def test_a3_deadlines_follow_what_can_be_appealed(api, world, appeals):
    """Claim.appealDeadline is null where that appeal is impossible: a REVIEW kind on a claim, a ruling that went
    the shop's way (ARBITRATION), a ruling withdrawn by an approved appeal."""
    shop = await world.shop()
    won = await appeals.ruled_claim(shop, outcome="MERCHANT_WINS", merchantWinsReason="ABUSE")
    review = await appeals.review(shop)
    data = (await api.gql(DEADLINES, {"review": review, "claim": won["id"]}, token=shop.merchant)).data
    assert data["claim"] == {"arbitration": None, "compensation": None, "returnRate": "2026-11-09T15:59:59.999999Z",
                             "review": None}
    lost = await appeals.ruled_claim(shop)
    filed = await appeals.file(shop, "ARBITRATION", lost["id"])
    await appeals.decide(filed["appeal"]["id"], True)
    after = (await api.gql(CLAIM_DEADLINES, {"id": lost["id"]}, token=shop.merchant)).data["claim"]
    assert after["arbitration"] is None and after["compensation"] is None


async def test_a1_ruling_appeals_need_a_ruling_against_the_shop(api, world, appeals, claims):
    shop = await world.shop()
    won = await appeals.ruled_claim(shop, outcome="MERCHANT_WINS", merchantWinsReason="ABUSE")
    assert codes(await appeals.file(shop, "ARBITRATION", won["id"])) == ["INVALID_STATE"]
    assert codes(await appeals.file(shop, "COMPENSATION", won["id"])) == ["INVALID_STATE"]
    _, line = await claims.delivered_line(shop)
    open_claim = (await claims.submit(line))["claim"]
    assert codes(await appeals.file(shop, "ARBITRATION", open_claim["id"])) == ["INVALID_STATE"]


# ---------------------------------------------------------------- A5 effects


async def test_a5_filing_changes_nothing_until_approved(api, world, appeals, claims):
    shop = await world.shop()
    await world.credit(shop, "DEPOSIT", "500.00")
    review = await appeals.review(shop, rating=1)
    claim = await appeals.ruled_claim(shop)
    before = (await claims.read(claim["id"]), await world.account(shop), await appeals.score(shop))
    await appeals.file(shop, "REVIEW", review, ground="ABUSIVE_CONTENT")
    for kind in ("ARBITRATION", "COMPENSATION", "RETURN_RATE"):
        await appeals.file(shop, kind, claim["id"])
    after = (await claims.read(claim["id"]), await world.account(shop), await appeals.score(shop))
    assert after == before
    node = (await api.gql("query($id: ID!) { node(id: $id) { ... on Review { visibility countsTowardScore } } }",
                          {"id": review}, token=world.platform)).data["node"]
    assert node == {"visibility": "PUBLIC", "countsTowardScore": True}


@pytest.mark.parametrize("ground, visibility, counts", [
    ("ABUSIVE_CONTENT", "SELF_VISIBLE", True), ("ADVERTISING", "SELF_VISIBLE", True),
    ("PRIVACY_LEAK", "SELF_VISIBLE", True), ("EXTORTION", "PUBLIC", False),
    ("MALICIOUS_COMPETITION", "PUBLIC", False), ("INFLUENCER_MISCONDUCT", "PUBLIC", False),
])
async def test_a5_approved_review_appeal_default_outcome_by_ground(api, world, appeals, ground, visibility, counts):
    shop = await world.shop()
    review = await appeals.review(shop)
    appeal = (await appeals.file(shop, "REVIEW", review, ground=ground))["appeal"]
    decided = (await appeals.decide(appeal["id"], True, note="ok"))["appeal"]
    assert decided["status"] == "APPROVED" and decided["decisionNote"] == "ok"
    assert decided["subject"]["visibility"] == visibility and decided["subject"]["countsTowardScore"] is counts


async def test_a5_the_reviewer_may_choose_both_outcomes_and_the_score_follows(api, world, appeals):
    shop = await world.shop()
    good = await appeals.review(shop, rating=5)
    bad = await appeals.review(shop, rating=1)
    assert (await appeals.score(shop))["reviewRating"] == 3.0
    appeal = (await appeals.file(shop, "REVIEW", bad, ground="ABUSIVE_CONTENT"))["appeal"]
    decided = (await appeals.decide(appeal["id"], True, reviewOutcomes=["SELF_VISIBLE", "EXCLUDED_FROM_SCORE"]))[
        "appeal"
    ]
    assert decided["reviewOutcomes"] == ["SELF_VISIBLE", "EXCLUDED_FROM_SCORE"]
    assert decided["subject"] == {"__typename": "Review", "id": bad, "visibility": "SELF_VISIBLE",
                                  "countsTowardScore": False}
    score = await appeals.score(shop)
    assert (score["reviewRating"], score["countedReviews"]) == (5.0, 1)
    assert good


async def test_a5_approved_arbitration_appeal_reverses_every_collection(api, world, appeals, claims):
    shop = await world.shop()
    await world.credit(shop, "DEPOSIT", "100.00")
    await world.credit(shop, "PAYABLES", "10.00")
    before = await world.account(shop)
    claim = await appeals.ruled_claim(shop)  # collects 88.00 + 100.00 (deposit, payables, arrears)
    assert (await world.account(shop))["deposit"]["amount"] == "-78.00"
    appeal = (await appeals.file(shop, "ARBITRATION", claim["id"]))["appeal"]
    decided = (await appeals.decide(appeal["id"], True))["appeal"]
    assert decided["subject"]["ruling"]["withdrawnAt"] is not None
    after = await world.account(shop)
    assert (after["deposit"], after["payables"]) == (before["deposit"], before["payables"])
    read = await claims.read(claim["id"])
    entries = [(e["kind"], e["bucket"], e["amount"]["amount"]) for e in read["ledgerEntries"]]
    assert entries[4:] == [("REVERSAL", b, a.lstrip("-")) for _, b, a in entries[:4]]
    assert read["refunded"]["amount"] == "88.00"  # the buyer keeps the money; the platform bears it
    # The compensation appeal on the same claim finds no ruling in force (and A2's one chance is used anyway).
    comp = (await appeals.file(shop, "COMPENSATION", claim["id"]))
    assert codes(comp) == ["INVALID_STATE"]


async def test_a5_approved_return_rate_appeal_stops_the_claim_counting(api, world, appeals, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line, reason="NOT_AS_DESCRIBED", evidence=[]))["claim"]
    score = await appeals.score(shop)
    assert (score["countedClaims"], score["deliveredOrders"], score["returnRate"]) == (1, 1, 1.0)
    appeal = (await appeals.file(shop, "RETURN_RATE", claim["id"]))["appeal"]
    await appeals.decide(appeal["id"], False)
    assert (await appeals.score(shop))["countedClaims"] == 1
    _, line2 = await claims.delivered_line(shop)
    claim2 = (await claims.submit(line2, reason="QUALITY_ISSUE", evidence=[]))["claim"]
    appeal2 = (await appeals.file(shop, "RETURN_RATE", claim2["id"]))["appeal"]
    decided = (await appeals.decide(appeal2["id"], True))["appeal"]
    assert decided["subject"]["countsTowardReturnRate"] is False
    score = await appeals.score(shop)
    assert (score["countedClaims"], score["deliveredOrders"], score["returnRate"]) == (1, 2, 0.5)
    _, line3 = await claims.delivered_line(shop)
    claim3 = (await claims.submit(line3, reason="OTHER", evidence=[]))["claim"]
    assert claim3["countsTowardReturnRate"] is False  # A5: OTHER is not a product reason
    assert codes(await appeals.file(shop, "RETURN_RATE", claim3["id"])) == ["INVALID_STATE"]


async def test_decisions_are_checked_and_final(api, world, appeals):
    shop = await world.shop()
    review = await appeals.review(shop)
    appeal = (await appeals.file(shop, "REVIEW", review, ground="EXTORTION"))["appeal"]
    assert codes(await appeals.decide(appeal["id"], True, evidenceAnomaly=True)) == ["INVALID_INPUT"]
    assert codes(await appeals.decide(appeal["id"], False, reviewOutcomes=["SELF_VISIBLE"])) == ["INVALID_INPUT"]
    assert codes(await appeals.decide(appeal["id"], True, reviewOutcomes=[])) == ["INVALID_INPUT"]
    assert (await appeals.decide(appeal["id"], False))["appeal"]["status"] == "REJECTED"
    assert codes(await appeals.decide(appeal["id"], True)) == ["INVALID_STATE"]


# ---------------------------------------------------------------- A4 queue


async def test_a4_the_platform_queue_lists_overdue_first_then_by_deadline(api, world, appeals):
    shop = await world.shop()
    other = await world.shop("Other", merchant="merchant-2")
    ids = []
    for _ in range(3):  # filed Mon, Tue, Wed → due Thu, Fri, Mon
        review = await appeals.review(shop)
        ids.append((await appeals.file(shop, "REVIEW", review, ground="EXTORTION"))["appeal"]["id"])
        api.advance(days=1)
    review = await appeals.review(other)
    ids.append((await appeals.file(other, "REVIEW", review, ground="EXTORTION"))["appeal"]["id"])
    api.advance(days=2)  # now Saturday 7 Nov: the first two are overdue
    data = (await api.gql(APPEALS, {"f": {"status": ["PENDING"]}}, token=world.platform)).data["appeals"]
    nodes = [e["node"] for e in data["edges"]]
    assert [n["id"] for n in nodes] == ids and [n["overdue"] for n in nodes] == [True, True, False, False]
    overdue = (await api.gql(APPEALS, {"f": {"status": ["PENDING"], "overdue": True}}, token=world.platform)).data
    assert [e["node"]["id"] for e in overdue["appeals"]["edges"]] == ids[:2]
    seen, after = [], None
    while True:
        page = (await api.gql(APPEALS, {"f": {"status": ["PENDING"]}, "first": 1, "after": after},
                              token=world.platform)).data["appeals"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ids
    mine = (await api.gql(APPEALS, {}, token=shop.merchant)).data["appeals"]
    assert mine["totalCount"] == 3 and {e["node"]["id"] for e in mine["edges"]} == set(ids[:3])
    filtered = (await api.gql(APPEALS, {"f": {"shopId": other.id}}, token=world.platform)).data["appeals"]
    assert [e["node"]["id"] for e in filtered["edges"]] == [ids[3]]
    assert (await api.gql(APPEALS, {}, token=shop.agent)).codes == ["FORBIDDEN"]


# ---------------------------------------------------------------- A7 restrictions


async def test_a7_closed_refuses_and_limited_counts_30_rolling_days(api, world, appeals):
    shop = await world.shop()
    reviews = [await appeals.review(shop) for _ in range(2)]
    closed = await appeals.restrict(shop, "CLOSED")
    assert closed["shop"]["appealRestriction"]["mode"] == "CLOSED"
    assert codes(await appeals.file(shop, "REVIEW", reviews[0], ground="EXTORTION")) == ["APPEALS_CLOSED"]
    await appeals.restrict(shop, "LIMITED", maxPer30Days=1)
    assert (await appeals.file(shop, "REVIEW", reviews[0], ground="EXTORTION"))["userErrors"] == []
    assert codes(await appeals.file(shop, "REVIEW", reviews[1], ground="EXTORTION")) == ["APPEAL_LIMIT_REACHED"]
    api.advance(days=25)
    assert codes(await appeals.file(shop, "REVIEW", reviews[1], ground="EXTORTION")) == ["APPEAL_LIMIT_REACHED"]
    api.advance(days=5, seconds=1)  # the first filing left the rolling window
    reviews += [await appeals.review(shop) for _ in range(2)]
    assert (await appeals.file(shop, "REVIEW", reviews[2], ground="EXTORTION"))["userErrors"] == []
    lifted = await appeals.restrict(shop, "NONE")
    assert lifted["shop"]["appealRestriction"]["active"] is False
    assert (await appeals.file(shop, "REVIEW", reviews[3], ground="EXTORTION"))["userErrors"] == []


async def test_a7_a_restriction_ends_at_its_date(api, world, appeals):
    shop = await world.shop()
    review = await appeals.review(shop)
    await appeals.restrict(shop, "CLOSED", until=(api.now + timedelta(days=1)).isoformat())
    assert codes(await appeals.file(shop, "REVIEW", review, ground="EXTORTION")) == ["APPEALS_CLOSED"]
    api.advance(days=1, seconds=1)
    assert (await appeals.file(shop, "REVIEW", review, ground="EXTORTION"))["userErrors"] == []


@pytest.mark.parametrize("mode, extra", [("LIMITED", {}), ("LIMITED", {"maxPer30Days": 0}),
                                         ("CLOSED", {"maxPer30Days": 2}), ("CLOSED", {"until": "2020-01-01T00:00:00Z"}),
                                         ("CLOSED", {"reason": " "})])
async def test_a7_restriction_input_is_checked(api, world, appeals, mode, extra):
    shop = await world.shop()
    data = await appeals.restrict(shop, mode, **extra)
    assert codes(data) == ["INVALID_INPUT"] and data["shop"] is None


async def test_a7_limited_holds_under_concurrent_filings(api, world, appeals, claims):
    shop = await world.shop()
    reviews = [await appeals.review(shop) for _ in range(6)]
    evidence = [await claims.evidence(("OTHER",), token=shop.merchant) for _ in reviews]
    await appeals.restrict(shop, "LIMITED", maxPer30Days=2)
    results = await asyncio.gather(*[appeals.file(shop, "REVIEW", r, ground="EXTORTION", evidence=e)
                                     for r, e in zip(reviews, evidence)])
    assert sum(1 for r in results if r["appeal"]) == 2
    assert all(codes(r) == ["APPEAL_LIMIT_REACHED"] for r in results if not r["appeal"])


async def test_a7_three_evidence_anomalies_limit_the_shop_automatically(api, world, appeals):
    shop = await world.shop()
    reviews = [await appeals.review(shop) for _ in range(5)]
    for review in reviews[:3]:
        appeal = (await appeals.file(shop, "REVIEW", review, ground="EXTORTION"))["appeal"]
        assert (await appeals.decide(appeal["id"], False, evidenceAnomaly=True))["appeal"]["evidenceAnomaly"] is True
    restriction = (
        await api.gql(
            "query($id: ID!) { shop(id: $id) { appealRestriction { mode maxPer30Days automatic active reason } } }",
            {"id": shop.id},
            token=shop.merchant,
        )
    ).data["shop"]["appealRestriction"]
    assert restriction["mode"] == "LIMITED" and restriction["maxPer30Days"] == 1 and restriction["automatic"] is True
    assert codes(await appeals.file(shop, "REVIEW", reviews[3], ground="EXTORTION")) == ["APPEAL_LIMIT_REACHED"]


async def test_a7_the_restriction_is_visible_to_the_shop_and_the_platform_only(api, world, appeals):
    shop = await world.shop()
    other = await world.shop("Other", merchant="merchant-2")
    await appeals.restrict(shop, "CLOSED")
    query = "query($id: ID!) { shop(id: $id) { appealRestriction { mode } } }"
    for token, seen in ((shop.merchant, True), (world.platform, True), (other.merchant, False), (world.buyer, False)):
        value = (await api.gql(query, {"id": shop.id}, token=token)).data["shop"]["appealRestriction"]
        assert (value is not None) is seen


# ---------------------------------------------------------------- G4 calendar loaded by the platform


async def test_loading_2027_makes_estimated_deadlines_exact(api, world, appeals):
    from datetime import UTC, datetime

    api.now = datetime(2026, 12, 30, 2, 0, tzinfo=UTC)  # Wed 30 Dec, 10:00 Shanghai
    shop = await world.shop()
    review = await appeals.review(shop)
    appeal = (await appeals.file(shop, "REVIEW", review, ground="EXTORTION"))["appeal"]
    assert (appeal["dueAt"], appeal["dueAtEstimated"]) == ("2027-01-04T15:59:59Z", True)
    data = (await api.gql(CALENDAR, {"input": {"year": 2027, "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"],
                                               "workdays": []}}, token=world.platform)).payload("setWorkingCalendar")
    assert data["calendar"]["holidays"] == ["2027-01-01", "2027-01-02", "2027-01-03"]
    read = (await api.gql("query($id: ID!) { appeal(id: $id) { dueAt dueAtEstimated } }", {"id": appeal["id"]},
                          token=world.platform)).data["appeal"]
    assert read == {"dueAt": "2027-01-05T15:59:59Z", "dueAtEstimated": False}


async def test_set_working_calendar_is_checked_and_platform_only(api, world):
    bad = {"year": 2027, "holidays": [], "workdays": ["2027-01-04"]}
    data = (await api.gql(CALENDAR, {"input": bad}, token=world.platform)).payload("setWorkingCalendar")
    assert data["userErrors"][0]["field"] == ["input", "workdays", "0"]
    assert (await api.gql(CALENDAR, {"input": {**bad, "workdays": []}}, token=world.buyer)).codes == ["FORBIDDEN"]


# ---------------------------------------------------------------- G6 authorization


async def test_merchants_appeal_their_own_shops_subjects_only(api, world, appeals):
    shop = await world.shop()
    other = await world.shop("Other", merchant="merchant-2")
    review = await appeals.review(shop)
    assert codes(await appeals.file(other, "REVIEW", review, ground="EXTORTION")) == ["NOT_FOUND"]
    appeal = (await appeals.file(shop, "REVIEW", review, ground="EXTORTION"))["appeal"]
    query = "query($id: ID!) { appeal(id: $id) { id } node(id: $id) { id } }"
    assert (await api.gql(query, {"id": appeal["id"]}, token=other.merchant)).data == {"appeal": None, "node": None}
    assert (await api.gql(query, {"id": appeal["id"]}, token=shop.merchant)).data["appeal"]["id"] == appeal["id"]
    reply = await api.gql(FILE, {"input": {"kind": "REVIEW", "subjectId": review, "ground": "EXTORTION",
                                           "statement": "x", "evidence": []}}, token=world.buyer)
    assert reply.codes == ["FORBIDDEN"]
    decide = await api.gql(
        "mutation($id: ID!) { decideAppeal(input: {appealId: $id, approve: true}) { appeal { id } } }",
        {"id": appeal["id"]},
        token=shop.merchant,
    )
    assert decide.codes == ["FORBIDDEN"]


async def test_appeal_evidence_resolves_as_a_node(api, world, appeals):
    shop = await world.shop()
    review = await appeals.review(shop)
    appeal = (await appeals.file(shop, "REVIEW", review, ground="EXTORTION"))["appeal"]
    evidence_id = appeal["evidence"][0]["id"]
    query = "query($id: ID!) { node(id: $id) { __typename id } }"
    assert (await api.gql(query, {"id": evidence_id}, token=shop.merchant)).data["node"]["id"] == evidence_id
    assert (await api.gql(query, {"id": evidence_id}, token=world.buyer)).data["node"] is None
    assert CLAIM
