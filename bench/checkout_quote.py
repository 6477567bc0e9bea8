"""W10 benchmark: the checkout quote for a wallet of 10, 100 and 1,000 coupons.

Run: ``make bench-quote`` (or ``.venv/bin/python -m bench.checkout_quote``). Measures, on a fresh SQLite file
(or DATABASE_URL), the whole ``checkout_quote`` service (reads and pricing) and the best-stack function alone.
Prints a table and writes ``bench/results-quote.json``."""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from domain.catalog.services import register_product
from domain.coupons import services as coupons
from domain.coupons.model import IssuerKind
from domain.coupons.pricing import Candidate, assess, best_stack
from domain.orders.model import PaymentMethod
from domain.shared.actor import Actor, Role
from domain.shared.clock import FixedClock
from domain.shared.money import Money
from domain.shops.services import register_shop
from persistence.db import Database
from persistence.migrate import upgrade
from persistence.uow import SqlUnitOfWorkFactory

SIZES = (10, 100, 1000)
ROUNDS = 30
NOW = datetime(2026, 11, 2, 2, tzinfo=UTC)


async def seed(uow, size: int, clock: FixedClock) -> tuple[int, list[int], str]:
    platform, streamer = Actor("ops", Role.PLATFORM), Actor(f"star-{size}", Role.STREAMER)
    shop = await register_shop(uow(), platform, clock, f"bench shop {size}")
    merchant = Actor("m", Role.MERCHANT, shop.id)
    products = [await register_product(uow(), merchant, clock, sku=f"p{i}", name=f"product {i}",
                                       price=Money(1000 + 137 * i), fresh=True) for i in range(5)]
    buyer = Actor(f"buyer-{size}", Role.BUYER)
    issuers = {IssuerKind.PLATFORM: platform, IssuerKind.STREAMER: streamer, IssuerKind.MERCHANT: merchant}
    for i in range(size):
        kind = (IssuerKind.MERCHANT, IssuerKind.STREAMER, IssuerKind.PLATFORM)[i % 3]
        template = await coupons.create_template(uow(), issuers[kind], clock, coupons.TemplateRequest(
            issuer_kind=kind, name=f"c{i}", face_value=Money(100 + (i * 37) % 2000), total_stock=10,
            threshold=Money(500 * (i % 7)) if i % 7 else None, valid_days_after_claim=1 + i % 60,
            product_ids=[products[i % 5].id] if i % 4 == 0 else None,
            platform_share=Decimal("0.5") if kind is IssuerKind.PLATFORM else None))
        await coupons.claim_coupon(uow(), buyer, clock, template.id)
    return shop.id, [p.id for p in products], streamer.user_id


async def measure(url: str) -> list[dict]:
    upgrade(url)
    database = Database(url)
    uow = SqlUnitOfWorkFactory(database)
    clock = FixedClock(NOW)
    rows = []
    policy = coupons.CouponPolicy()
    try:
        for size in SIZES:
            shop_id, product_ids, streamer = await seed(uow, size, clock)
            buyer = Actor(f"buyer-{size}", Role.BUYER)
            request = coupons.QuoteRequest(shop_id, [coupons.QuoteLine(p, "2") for p in product_ids[:3]],
                                           Money(600), PaymentMethod.ONLINE, streamer)
            service, pure = [], []
            for _ in range(ROUNDS):
                started = time.perf_counter()
                quote = await coupons.checkout_quote(uow(write=False), buyer, clock, policy, request)
                service.append(time.perf_counter() - started)
            async with uow(write=False) as reader:
                wallet = await reader.coupons.wallet(buyer.user_id)
                templates = await reader.coupons.templates([c.template_id for c in wallet])
            candidates = []
            for c in wallet:
                reasons, lines = assess(c, templates[c.template_id], quote.draft, NOW, policy.payment_timeout)
                if not reasons:
                    candidates.append(Candidate(c, templates[c.template_id], lines))
            for _ in range(ROUNDS):
                started = time.perf_counter()
                best_stack(quote.draft, candidates, shop_id)
                pure.append(time.perf_counter() - started)
            rows.append({"wallet": size, "eligible": len(candidates), "discount": str(quote.stack.total.yuan),
                         "service_p50_ms": round(statistics.median(service) * 1000, 2),
                         "service_p95_ms": round(sorted(service)[int(ROUNDS * 0.95) - 1] * 1000, 2),
                         "best_stack_p50_ms": round(statistics.median(pure) * 1000, 2)})
    finally:
        await database.dispose()
    return rows


def main() -> None:
    import os

    url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    rows = asyncio.run(measure(url))
    print(
        f"{'wallet':>7} {'eligible':>9} {'discount':>9} {'quote p50 ms':>13} {'quote p95 ms':>13} "
        f"{'best-stack p50 ms':>18}"
    )
    for r in rows:
        print(f"{r['wallet']:>7} {r['eligible']:>9} {r['discount']:>9} {r['service_p50_ms']:>13} "
              f"{r['service_p95_ms']:>13} {r['best_stack_p50_ms']:>18}")
    out = Path(__file__).resolve().parent / "results-quote.json"
    out.write_text(json.dumps({"measured_at": datetime.now(UTC).isoformat(), "rows": rows}, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
