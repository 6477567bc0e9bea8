"""SQL statements per request do not grow with the items returned (per-request DataLoaders)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event

from domain.appeals import services as appeals
from domain.appeals.model import AppealKind, ReviewAppealGround
from domain.catalog.services import register_product
from domain.claims import services as claims
from domain.claims.model import ClaimReason, EvidenceKind
from domain.coupons import services as coupons
from domain.coupons.model import IssuerKind
from domain.orders import services as orders
from domain.orders.model import PaymentMethod
from domain.reviews.services import record_review
from domain.shared.actor import Actor, Role
from domain.shared.clock import FixedClock
from domain.shared.money import Money
from domain.shops.model import LedgerBucket
from domain.shops.services import credit_account, register_shop
from domain.uploads.model import FileFacts, Upload
from persistence.uow import SqlUnitOfWorkFactory
from schema.common.ids import encode_id

NOW = datetime(2026, 11, 2, 2, tzinfo=UTC)
PLATFORM, SERVICE = Actor("ops", Role.PLATFORM), Actor("svc", Role.SERVICE)


class Counter:
    def __init__(self, engine):
        self.engine, self.count, self.queries = engine.sync_engine, 0, 0

    def __call__(self, _connection, _cursor, statement, *_args, **_kw):
        self.count += 1
        self.queries += not statement.lstrip().upper().startswith("BEGIN")  # SQLite's explicit BEGIN

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self)


async def seed(app, n: int) -> dict:
    uow = SqlUnitOfWorkFactory(app.state.database)
    clock = FixedClock(NOW - timedelta(hours=2))
    shop = await register_shop(uow(), PLATFORM, clock, f"shop {n}")
    merchant = Actor(f"m{n}", Role.MERCHANT, shop.id)
    buyer = Actor(f"b{n}", Role.BUYER)
    fruit = await register_product(uow(), merchant, clock, sku="f", name="f", price=Money(1000), fresh=False)
    async with uow() as writer:
        upload = Upload(f"upl_seed_{n}", merchant.user_id, Role.MERCHANT, FileFacts("image/png", 1, "0" * 64), NOW)
        await writer.uploads.add(upload)
        await writer.commit()
    for i in range(n):
        order = await orders.place_order(uow(), buyer, clock, orders.OrderRequest(
            shop.id, [orders.LineRequest(fruit.id, Decimal(1))], Money(0), PaymentMethod.ONLINE))
        await orders.record_payment(uow(), SERVICE, clock, order.id, True, None)
        await orders.record_delivery(uow(), SERVICE, clock, order.id, clock.now())
        await claims.submit_claim(uow(), buyer, clock, claims.ClaimPolicy(), claims.SubmitClaim(
            order.lines[0].id, ClaimReason.QUALITY_ISSUE, "1", None, []))
        review = await record_review(uow(), SERVICE, clock, order_id=order.id, rating=3, content="", created_at=None)
        await appeals.file_appeal(uow(), merchant, clock, appeals.FileAppeal(
            AppealKind.REVIEW, review.id, "x", [claims.EvidenceRequest(EvidenceKind.OTHER, upload.id)],
            ReviewAppealGround.EXTORTION))
        await credit_account(uow(), SERVICE, clock, shop.id, LedgerBucket.DEPOSIT, Money(100))
        template = await coupons.create_template(uow(), PLATFORM, clock, coupons.TemplateRequest(
            IssuerKind.PLATFORM, f"t{i}", Money(100), 10, valid_days_after_claim=30))
        await coupons.claim_coupon(uow(), buyer, clock, template.id)
    return {"shop": encode_id("Shop", shop.id), "merchant": merchant, "buyer": buyer}


CLAIMS = """query($n: Int) { claims(first: $n) { totalCount edges { node { id status standardRefund { amount }
  standardPenalty { amount } merchantStatement appealDeadline(kind: RETURN_RATE)
  order { id refunded { amount } lines { product { name shop { name } } } shop { name } } orderLine { id } shop { id }
  evidence { id submittedBy } ruling { outcome note penaltyChargedOnClaim { id } } events { type } ledgerEntries { id }
  afterSaleRemarks { text } } } } }"""
APPEALS = """query($n: Int) { appeals(first: $n) { totalCount edges { node { id overdue shop { name }
  subject { ... on Review { id rating order { id } } } evidence { id contentType } } } } }"""
WALLET = """query($n: Int) { wallet { coupons(first: $n) { totalCount edges { node { id status
  template { name faceValue { amount } } order { id } } } } } }"""
LEDGER = """query($id: ID!, $n: Int) { shop(id: $id) { account { entries(first: $n) { edges { node { id kind
  claim { id } reverses { id } } } } } } }"""


@pytest.mark.slow  # seeds 100 of everything
async def test_statements_do_not_grow_with_the_items_returned(api, app):
    await seed(app, 100)
    tokens = {"platform": api.token(Role.PLATFORM), "buyer": api.token(Role.BUYER, "b100")}
    shop = encode_id("Shop", 1)
    for name, query, who in (("claims", CLAIMS, "platform"), ("appeals", APPEALS, "platform"),
                             ("wallet", WALLET, "buyer"), ("ledger", LEDGER, "platform")):
        counts = {}
        for n in (10, 100):
            with Counter(app.state.database.engine) as counter:
                reply = await api.gql(query, {"n": n, "id": shop}, token=tokens[who])
            assert not reply.errors, reply.errors
            counts[n] = counter.count
        assert counts[10] == counts[100], (name, counts)
        print(f"{name}: {counts[100]} statements for 10 or 100 items")



async def test_a_claims_page_loads_only_the_relations_the_query_selects(api, app, monkeypatch):
    """The page prefetch (schema/claims/prefetch.py) loads only the relations the query selects, and costs no
    statement that the fields would not have cost on their own: the same queries, and (SQLite, where the
    counter sees each transaction's BEGIN) fewer transactions, since it reads in the page's own."""
    transactions = []
    await seed(app, 12)
    token = api.token(Role.PLATFORM)

    async def statements(query: str, variables: dict | None = None) -> int:
        with Counter(app.state.database.engine) as counter:
            reply = await api.gql(query, variables, token=token)
        assert not reply.errors and len(reply.data["claims"]["edges"]) == 12, reply.errors
        transactions.append(counter.count - counter.queries)
        return counter.queries

    bare = await statements("{ claims { edges { node { id } } } }")
    with_orders = await statements("{ claims { edges { node { id order { id } } } } }")
    with_products = await statements("{ claims { edges { node { id order { id lines { product { name } } } } } } }")
    through_fragment = await statements("""{ claims { edges { node { ...C } } } }
        fragment C on Claim { id order { id lines { product { name } } } }""")
    everything = await statements(CLAIMS, {"n": 12})
    assert bare < with_orders < with_products == through_fragment

    async def no_prefetch(_info, _claims, _uow):
        return None

    monkeypatch.setattr("schema.claims.operations.prefetch_claim_page", no_prefetch)
    assert await statements("{ claims { edges { node { id order { id lines { product { name } } } } } } }") \
        == with_products
    assert await statements(CLAIMS, {"n": 12}) == everything
    if transactions[0] and app.state.settings.fast_paths:  # SQLite: one read transaction for the page and its
        # prefetch (the fast loaders read with the page's own unit of work), several without it
        assert transactions[:4] == [1] * 4 and transactions[5] > 1 and transactions[6] > transactions[4], transactions


async def test_the_benchmarks_one_query_per_field_variant_still_works(api, app):
    """bench/naive.py is the benchmark's comparison point: the same answer, with statements that
    grow with the page (so the benchmark compares against what it says it does)."""
    from bench.naive import one_query_per_field

    await seed(app, 6)
    token = api.token(Role.PLATFORM)

    async def run(n: int) -> tuple[dict, int]:
        with Counter(app.state.database.engine) as counter:
            reply = await api.gql(CLAIMS, {"n": n}, token=token)
        assert not reply.errors, reply.errors
        return reply.data, counter.queries

    batched, batched_statements = await run(6)
    with one_query_per_field():
        naive, naive_statements = await run(6)
        _, fewer = await run(3)
    assert naive == batched
    assert naive_statements > fewer > batched_statements, (naive_statements, fewer, batched_statements)
