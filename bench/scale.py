"""``make bench-scale`` (not part of CI): the lists, the report and the exports at a million rows on PostgreSQL.

Loads a database of its own (``bench_scale``) with COPY — 1,000 shops (one of them big: a tenth of everything),
1,000,000 orders with a line each, 300,000 claims, 300,000 reviews, 1,000,000 ledger entries and 200,000 coupons —
then serves it with one uvicorn worker and times, over HTTP, every list's first and 50th page under each filter and
sort, the governance report for the big shop and for the platform, and a full ledger export of the big shop (rows/s
and the server's peak memory). Each list page's plan is printed (EXPLAIN of the statements the API ran)."""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import SECRET, peak_rss_mb, start, wait_ready  # noqa: E402
from domain.shared.actor import Role  # noqa: E402
from persistence.migrate import upgrade  # noqa: E402
from schema.common.ids import encode_id  # noqa: E402
from web.auth import mint_token  # noqa: E402

ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
NAME = "bench_scale"
URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{NAME}"
SHOPS, ORDERS, CLAIMS, REVIEWS, LEDGER, COUPONS = 1_000, 1_000_000, 300_000, 300_000, 1_000_000, 200_000
BIG = 1  # the big shop: a tenth of all rows
T0 = datetime(2026, 1, 1, tzinfo=UTC)
REPEAT = 20


def _shop(rng: random.Random) -> int:
    return BIG if rng.random() < 0.1 else rng.randint(2, SHOPS)


def _copy(conn: psycopg.Connection, table: str, columns: list[str], rows) -> None:
    with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def load() -> None:
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {NAME}")
    upgrade(URL)
    rng = random.Random(2026)
    began = time.perf_counter()
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{NAME}") as conn:
        _copy(conn, "shops", ["id", "name", "created_at"], ((s, f"店铺 {s}", T0) for s in range(1, SHOPS + 1)))
        _copy(conn, "shop_accounts", ["shop_id", "deposit_fen", "payables_fen", "version"],
              ((s, 1_000_000, 0, 0) for s in range(1, SHOPS + 1)))
        _copy(conn, "products", ["id", "shop_id", "sku", "name", "price_fen", "fresh", "created_at"],
              ((p, (p - 1) % SHOPS + 1, f"SKU-{p}", f"车厘子 Cherry {p}", 1000 + p % 9000, p % 2 == 0, T0)
               for p in range(1, 10 * SHOPS + 1)))
        order_shop = [0] * (ORDERS + 1)
        order_at = [T0] * (ORDERS + 1)

        def orders():
            for o in range(1, ORDERS + 1):
                shop = order_shop[o] = _shop(rng)
                at = order_at[o] = T0 + timedelta(seconds=o * 25)
                status = rng.choice(("DELIVERED", "DELIVERED", "DELIVERED", "PAID", "CANCELLED", "AWAITING_PAYMENT"))
                signed = at + timedelta(hours=30) if status == "DELIVERED" else None
                yield (o, f"buyer-{rng.randint(1, 200_000)}", shop, status, "ONLINE", 800, at, at, signed, 0, 0,
                       1000 + o % 50_000)

        _copy(conn, "orders", ["id", "buyer_id", "shop_id", "status", "payment_method", "shipping_fee_fen",
                               "placed_at", "paid_at", "signed_at", "version", "refunded_fen", "payable_fen"],
              orders())
        _copy(conn, "order_lines", ["id", "order_id", "product_id", "quantity_milli", "unit_price_fen",
                                    "discount_fen"],
              ((o, o, (order_shop[o] - 1) + SHOPS * rng.randint(0, 9) + 1, 1000, 1000, 0)
               for o in range(1, ORDERS + 1)))

        def claims():
            for c, o in enumerate(rng.sample(range(1, ORDERS + 1), CLAIMS), start=1):
                at = order_at[o] + timedelta(hours=31)
                status = rng.choice(("AWAITING_MERCHANT", "REFUNDED", "REJECTED", "ESCALATED", "RULED", "WITHDRAWN"))
                answered = at + timedelta(minutes=rng.randint(5, 2880)) if status in ("REFUNDED", "REJECTED") else None
                escalated = at + timedelta(hours=49) if status in ("ESCALATED", "RULED") else None
                yield (c, o, o, order_shop[o], f"buyer-{o % 200_000}",
                       rng.choice(("DAMAGED", "ROTTEN_OR_SPOILED", "QUALITY_ISSUE", "OTHER")), True, status, 1000,
                       at, at + timedelta(hours=48), 1000, 0, 0, True, 0, answered, escalated)

        _copy(conn, "claims", ["id", "order_id", "order_line_id", "shop_id", "buyer_id", "reason", "covered",
                               "status", "damaged_quantity_milli", "submitted_at", "merchant_response_due_at",
                               "standard_refund_fen", "standard_penalty_fen", "refunded_fen",
                               "counts_toward_return_rate", "version", "answered_at", "escalated_at"], claims())
        _copy(conn, "reviews", ["id", "order_id", "shop_id", "buyer_id", "rating", "content", "created_at",
                                "visibility", "counts_toward_score", "version"],
              ((r, o, order_shop[o], "b", rng.randint(1, 5), "评价", order_at[o] + timedelta(days=2), "PUBLIC", True,
                0) for r, o in enumerate(rng.sample(range(1, ORDERS + 1), REVIEWS), start=1)))
        _copy(conn, "ledger_entries", ["id", "shop_id", "kind", "bucket", "amount_fen", "created_at", "actor_role",
                                       "actor_id"],
              ((e, _shop(rng), rng.choice(("DEPOSIT_CREDIT", "CLAIM_REFUND", "CLAIM_PENALTY")), "DEPOSIT",
                rng.randint(-5000, 5000), T0 + timedelta(seconds=e * 25), "SERVICE", "svc")
               for e in range(1, LEDGER + 1)))
        _copy(conn, "coupon_templates", ["id", "issuer_kind", "name", "face_value_fen", "total_stock", "claimed_count",
                                         "per_user_limit", "new_user_only", "shop_ids", "product_ids",
                                         "platform_share", "valid_days_after_claim", "created_at", "created_by"],
              ((t, "PLATFORM", f"券 {t}", 500, 1_000_000, 2000, 50, False, "", "", "0", 30, T0, "ops")
               for t in range(1, 101)))
        _copy(conn, "coupons", ["id", "template_id", "owner_id", "seq", "claimed_at", "valid_from", "valid_until",
                                "status", "version", "new_user_only"],
              ((c, c % 100 + 1, f"buyer-{c % 2_000}", c // 100_000 + c // 2000 + 1, T0, T0, T0 + timedelta(days=400),
                rng.choice(("AVAILABLE", "USED", "EXPIRED")), 0, False) for c in range(1, COUPONS + 1)))
        for table in ("shops", "products", "orders", "order_lines", "claims", "reviews", "ledger_entries",
                      "coupon_templates", "coupons"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.execute(  # A6's counters for what was loaded, as migration 0012 fills them
            "INSERT INTO shop_scores (shop_id, rating_sum, counted_reviews, counted_claims, delivered_orders) "
            "SELECT s.id, COALESCE((SELECT SUM(r.rating) FROM reviews r WHERE r.shop_id = s.id), 0), "
            "(SELECT COUNT(*) FROM reviews r WHERE r.shop_id = s.id), "
            "(SELECT COUNT(*) FROM claims c WHERE c.shop_id = s.id), "
            "(SELECT COUNT(*) FROM orders o WHERE o.shop_id = s.id AND o.signed_at IS NOT NULL) FROM shops s")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")  # as autovacuum would have by now: visibility maps for index-only scans
    print(f"loaded in {time.perf_counter() - began:.0f} s", flush=True)


LISTS = {
    "claims (merchant inbox by deadline)": ("MERCHANT", """query($a: String) { claims(first: 20, after: $a,
        filter: {status: [AWAITING_MERCHANT]}, sortBy: {field: MERCHANT_RESPONSE_DUE_AT, direction: ASC}) {
        edges { node { id status } } pageInfo { endCursor } } }"""),
    "claims (merchant, a reason, newest)": ("MERCHANT", """query($a: String) { claims(first: 20, after: $a,
        filter: {reasons: [DAMAGED]}, sortBy: {field: SUBMITTED_AT}) { edges { node { id } } pageInfo { endCursor }
        } }"""),
    "claims (platform, escalated)": ("PLATFORM", """query($a: String) { claims(first: 20, after: $a,
        filter: {status: [ESCALATED]}) { edges { node { id } } pageInfo { endCursor } } }"""),
    "orders (merchant, by payable)": ("MERCHANT", """query($a: String) { orders(first: 20, after: $a,
        sortBy: {field: PAYABLE}) { edges { node { id } } pageInfo { endCursor } } }"""),
    "orders (platform, delivered)": ("PLATFORM", """query($a: String) { orders(first: 20, after: $a,
        filter: {status: [DELIVERED]}) { edges { node { id } } pageInfo { endCursor } } }"""),
    "reviews (merchant, 1–3 stars)": ("MERCHANT", """query($a: String) { reviews(first: 20, after: $a,
        filter: {ratings: [1, 2, 3]}) { edges { node { id } } pageInfo { endCursor } } }"""),
    "products (a shop's)": ("MERCHANT", """query($a: String, $s: ID) { products(first: 20, after: $a,
        filter: {shopId: $s}) { edges { node { id } } pageInfo { endCursor } } }"""),
    "ledger (big shop)": ("MERCHANT", """query($a: String, $s: ID!) { shop(id: $s) { account { entries(first: 20,
        after: $a) { edges { node { id } } pageInfo { endCursor } } } } }"""),
    "shop page with its experience score": ("PLATFORM", """query($s: ID!) { shop(id: $s) { id name
        experienceScore { reviewRating countedReviews returnRate countedClaims } } }"""),
    "wallet (2,000 coupons … 100 per buyer)": ("BUYER", """query($a: String) { wallet { coupons(first: 20,
        after: $a, status: [AVAILABLE]) { edges { node { id } } pageInfo { endCursor } } } }"""),
}


def _end_cursor(data: dict, name: str = "endCursor") -> str | None:
    for value in data.values():
        if isinstance(value, dict):
            if "pageInfo" in value:
                return value["pageInfo"][name]
            found = _end_cursor(value, name)
            if found:
                return found
    return None


def backward(query: str) -> str:
    """H3: the same list read from its end, 20 at a time, toward its start."""
    return query.replace("first: 20,", "last: 20,").replace("after: $a", "before: $a").replace("endCursor",
                                                                                             "startCursor")


async def _pages(client: httpx.AsyncClient, query: str, variables: dict, token: str, cursor_name: str) -> dict:
    """The first page's and the 50th page's median times, walking with ``cursor_name``."""
    first = [(await timed(client, {"query": query, "variables": variables}, token))[0] for _ in range(REPEAT)]
    cursor, page = None, {}
    for _ in range(49):  # walk to the 50th page
        _, page = await timed(client, {"query": query, "variables": {**variables, "a": cursor}}, token)
        cursor = _end_cursor(page, cursor_name)
    fiftieth = [(await timed(client, {"query": query, "variables": {**variables, "a": cursor}}, token))[0]
                for _ in range(REPEAT)] if cursor else []
    return {"first page p50 ms": round(statistics.median(first), 2),
            "50th page p50 ms": round(statistics.median(fiftieth), 2) if fiftieth else None}


async def timed(client: httpx.AsyncClient, body: dict, token: str) -> tuple[float, dict]:
    started = time.perf_counter()
    reply = await client.post("/graphql", json=body, headers={"Authorization": f"Bearer {token}"})
    elapsed = (time.perf_counter() - started) * 1000
    payload = reply.json()
    assert "errors" not in payload, payload
    return elapsed, payload["data"]


async def export_job(client: httpx.AsyncClient, token: str, pid: int) -> dict:
    """H5: an export job of the whole ledger (1,000,000 rows) for the platform: its time from start to COMPLETED
    (polled every 0.2 s) and the server's peak memory."""
    start = """mutation { startExport(input: {kind: LEDGER}) { export { id } userErrors { code } } }"""
    poll = """query($id: ID!) { node(id: $id) { ... on Export { status rowCount fileSize } } }"""
    peak_before = peak_rss_mb(pid)  # the high-water mark the lists and the streamed export left
    began = time.perf_counter()
    _, data = await timed(client, {"query": start}, token)
    job_id = data["startExport"]["export"]["id"]
    while True:
        _, data = await timed(client, {"query": poll, "variables": {"id": job_id}}, token)
        if data["node"]["status"] != "RUNNING":
            break
        await asyncio.sleep(0.2)
    elapsed = time.perf_counter() - began
    found = {"status": data["node"]["status"], "rows": data["node"]["rowCount"], "seconds": round(elapsed, 1),
             "MB": round(data["node"]["fileSize"] / 1e6, 1), "server peak RSS MB before": peak_before,
             "server peak RSS MB after": peak_rss_mb(pid)}
    print(f"export job: {found}", flush=True)
    return found


async def measure(port: int, pid: int = 0) -> dict:
    shop = encode_id("Shop", BIG)
    tokens = {"MERCHANT": mint_token(SECRET, sub="m", role=Role.MERCHANT, shop=shop),
              "PLATFORM": mint_token(SECRET, sub="ops", role=Role.PLATFORM),
              "BUYER": mint_token(SECRET, sub="buyer-7", role=Role.BUYER)}
    results: dict = {}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
        for name, (role, query) in LISTS.items():
            variables: dict = {"s": shop} if "$s" in query else {}
            results[name] = await _pages(client, query, variables, tokens[role], "endCursor")
            print(f"{name:<42} first {results[name]['first page p50 ms']:>7} ms   "
                  f"50th {results[name]['50th page p50 ms']} ms", flush=True)
            if "first: 20" in query:
                back = await _pages(client, backward(query), variables, tokens[role], "startCursor")
                results[f"{name}, backward"] = {"last page p50 ms": back["first page p50 ms"],
                                                "50th page from the end p50 ms": back["50th page p50 ms"]}
                print(f"{'  … backward (last/before)':<42} last  {back['first page p50 ms']:>7} ms   "
                      f"50th from the end {back['50th page p50 ms']} ms", flush=True)
        report = """query($s: ID, $f: DateTime!, $t: DateTime!) { governanceReport(shopId: $s, from: $f, to: $t) {
          ordersDelivered claimsSubmitted claimRate medianMerchantResponseHours refundsPaid { amount }
          perDay { date } } }"""
        window = {"f": (T0 + timedelta(days=30)).isoformat(), "t": (T0 + timedelta(days=60)).isoformat()}
        typical = mint_token(SECRET, sub="m-500", role=Role.MERCHANT, shop=encode_id("Shop", 500))
        for label, token, extra in (("big shop, a tenth of the platform, 30 days", tokens["MERCHANT"], {}),
                                    ("a typical shop, 30 days", typical, {}),
                                    ("platform, 30 days", tokens["PLATFORM"], {"s": None})):
            times = [(await timed(client, {"query": report, "variables": {**window, **extra}}, token))[0]
                     for _ in range(REPEAT)]
            results[f"governance report ({label})"] = round(statistics.median(times), 1)
            print(f"governance report ({label}): p50 {statistics.median(times):.1f} ms", flush=True)
        started, rows = time.perf_counter(), 0
        async with client.stream("GET", "/exports/ledger.csv",
                                 headers={"Authorization": f"Bearer {tokens['MERCHANT']}"}) as reply:
            async for chunk in reply.aiter_bytes():
                rows += chunk.count(b"\n")
        elapsed = time.perf_counter() - started
        results["ledger export (big shop)"] = {"rows": rows - 1, "seconds": round(elapsed, 2),
                                               "rows per second": round((rows - 1) / elapsed)}
        print(f"ledger export: {rows - 1} rows in {elapsed:.1f} s ({(rows - 1) / elapsed:,.0f} rows/s)", flush=True)
        results["export job (every ledger row)"] = await export_job(client, tokens["PLATFORM"], pid)
    return results


async def plans() -> dict[str, str]:
    """Each list's first page, run in-process with its statements captured, then EXPLAIN ANALYZE'd."""
    from sqlalchemy import event

    from server import create_app
    from settings import Settings

    app = create_app(Settings(app_env="test", database_url=URL, secret_key=SECRET, upload_dir=ROOT / "var",
                              migrate_on_start=False, graphiql=False, deadline_interval_seconds=0,
                              throttle_max_cost=0))
    engine = app.state.database.engine
    shop = encode_id("Shop", BIG)
    tokens = {"MERCHANT": mint_token(SECRET, sub="m", role=Role.MERCHANT, shop=shop),
              "PLATFORM": mint_token(SECRET, sub="ops", role=Role.PLATFORM),
              "BUYER": mint_token(SECRET, sub="buyer-7", role=Role.BUYER)}
    found: dict[str, str] = {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for name, (role, query) in LISTS.items():
            captured: list[tuple[str, object]] = []

            def capture(_conn, _cursor, statement, parameters, *_args, into=captured):
                if statement.lstrip().upper().startswith("SELECT"):
                    into.append((statement, parameters))

            event.listen(engine.sync_engine, "before_cursor_execute", capture)
            try:
                await client.post("/graphql", json={"query": query, "variables": {"s": shop} if "$s" in query
                                                    else {}}, headers={"Authorization": f"Bearer {tokens[role]}"})
            finally:
                event.remove(engine.sync_engine, "before_cursor_execute", capture)
            async with engine.connect() as conn:
                lines = []
                for statement, parameters in captured[:1]:
                    plan = (await conn.exec_driver_sql(f"EXPLAIN (ANALYZE, COSTS OFF) {statement}", parameters)).all()
                    lines += [row[0] for row in plan]
            found[name] = "\n".join(lines)
            print(f"--- {name}\n{found[name]}", flush=True)
    await app.state.database.dispose()
    return found


async def main() -> None:
    load()
    port = 8799
    server = start(URL, port, env={"DEADLINE_INTERVAL_SECONDS": "0"})
    try:
        await wait_ready(port)
        results = await measure(port, server.pid)
        results["plans"] = await plans()
        results["server peak RSS MB"] = round(peak_rss_mb(server.pid), 1)
        print(f"server peak RSS: {results['server peak RSS MB']} MB")
    finally:
        server.kill()
    out = Path(__file__).resolve().parent / "results-scale.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    asyncio.run(main())
