"""The benchmark suite: ``make bench``. Seeds realistic data, starts the real server (uvicorn, one
worker) and drives it on loopback, bounded in time and requests; measures in the same run a bare Starlette endpoint
returning the same bytes and raw graphql-core over pre-built data, so every figure is also a ratio. Prints a table
and writes bench/results.json."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain.catalog.services import register_product  # noqa: E402
from domain.claims import services as claims  # noqa: E402
from domain.claims.model import ClaimReason, EvidenceKind  # noqa: E402
from domain.coupons import services as coupons  # noqa: E402
from domain.coupons.model import IssuerKind  # noqa: E402
from domain.orders import services as orders  # noqa: E402
from domain.orders.model import PaymentMethod  # noqa: E402
from domain.shared.actor import Actor, Role  # noqa: E402
from domain.shared.clock import FixedClock, SystemClock  # noqa: E402
from domain.shared.money import Money  # noqa: E402
from domain.shops.services import register_shop  # noqa: E402
from domain.uploads.model import FileFacts, Upload  # noqa: E402
from persistence.db import Database  # noqa: E402
from persistence.migrate import upgrade  # noqa: E402
from persistence.uow import SqlUnitOfWorkFactory  # noqa: E402
from schema.common.ids import encode_id  # noqa: E402
from web.auth import mint_token  # noqa: E402

SECRET = "bench-secret-bench-secret-bench-secret-0123"
DURATION = float(os.environ.get("BENCH_SECONDS", "3"))
MAX_REQUESTS = int(os.environ.get("BENCH_MAX_REQUESTS", "5000"))
PLATFORM, SERVICE = Actor("ops", Role.PLATFORM), Actor("svc", Role.SERVICE)

CLAIMS = """query($n: Int) { claims(first: $n) { edges { node { id status reason submittedAt
  standardRefund { amount currency } refunded { amount currency }
  order { id status placedAt payable { amount currency } lines { id quantity unitPrice { amount currency }
    paidAmount { amount currency } product { id name sku price { amount currency } shop { id name } } } }
  shop { id name } evidence { id kind sha256 url uploadedAt invalidated }
  ruling { outcome refund { amount } penalty { amount } } events { type at actorRole actorId } } } } }"""
TRIVIAL = "{ viewer { userId role } }"
WALLET = """query($n: Int) { wallet { coupons(first: $n) { totalCount edges { node { id status validUntil
  template { name faceValue { amount } } } } } } }"""
QUOTE = """query($input: CheckoutInput!) { checkoutQuote(input: $input) { discountTotal { amount } payable { amount }
  applied { amount { amount } coupon { id } } } }"""
CLAIM_COUPON = "mutation($id: ID!) { claimCoupon(input: {templateId: $id}) { coupon { id } userErrors { code } } }"
DEEP = "{ claims { edges { node { order { shop { account { entries { edges { node { claim { id } } } } } } } } } } }"


# ---------------------------------------------------------------- seeding


async def seed(url: str) -> dict:
    upgrade(url)
    database = Database(url)
    uow = SqlUnitOfWorkFactory(database)
    now = SystemClock().now()
    clock = FixedClock(now - timedelta(hours=3))
    shop = await register_shop(uow(), PLATFORM, clock, "鲜果园 bench")
    merchant = Actor("m", Role.MERCHANT, shop.id)
    fruit = await register_product(uow(), merchant, clock, sku="cherry", name="车厘子", price=Money(8800), fresh=True)
    bowl = await register_product(uow(), merchant, clock, sku="bowl", name="bowl", price=Money(2000), fresh=False)
    buyer = Actor("bench-buyer", Role.BUYER)
    async with uow() as writer:
        for kind in ("cert", "other"):
            await writer.uploads.add(Upload(f"upl_{kind}", buyer.user_id, Role.BUYER,
                                            FileFacts("image/jpeg", 1000, kind[0] * 64), now))
        await writer.commit()
    for _ in range(100):  # 100 claims, each with an order of 2 lines, 2 evidence and 3 events
        order = await orders.place_order(uow(), buyer, clock, orders.OrderRequest(
            shop.id, [orders.LineRequest(fruit.id, Decimal(2)), orders.LineRequest(bowl.id, Decimal(1))], Money(600),
            PaymentMethod.ONLINE))
        await orders.record_payment(uow(), SERVICE, clock, order.id, True, None)
        await orders.record_delivery(uow(), SERVICE, clock, order.id, clock.now())
        claim = await claims.submit_claim(uow(), buyer, clock, claims.ClaimPolicy(), claims.SubmitClaim(
            order.lines[0].id, ClaimReason.DAMAGED, "1", "squashed", [
                claims.EvidenceRequest(EvidenceKind.COURIER_CERTIFICATE, "upl_cert"),
                claims.EvidenceRequest(EvidenceKind.OTHER, "upl_other")]))
        await claims.reject_claim(uow(), merchant, clock, claim.id, "no")
        await claims.escalate_claim(uow(), buyer, clock, claim.id)
    wallets = {}
    for size in (20, 200, 1000):
        owner = Actor(f"wallet-{size}", Role.BUYER)
        for i in range(size):
            kind = (IssuerKind.MERCHANT, IssuerKind.PLATFORM)[i % 2]
            issuer = merchant if kind is IssuerKind.MERCHANT else PLATFORM
            template = await coupons.create_template(uow(), issuer, clock, coupons.TemplateRequest(
                kind, f"c{i}", Money(100 + (i * 37) % 2000), 5, valid_days_after_claim=1 + i % 60,
                threshold=Money(500 * (i % 7)) if i % 7 else None))
            await coupons.claim_coupon(uow(), owner, clock, template.id)
        wallets[size] = owner.user_id
    hot = await coupons.create_template(uow(), PLATFORM, clock, coupons.TemplateRequest(
        IssuerKind.PLATFORM, "hot", Money(100), 300, valid_days_after_claim=5))
    await database.dispose()
    return {"shop": encode_id("Shop", shop.id), "fruit": encode_id("Product", fruit.id),
            "bowl": encode_id("Product", bowl.id), "wallets": wallets, "hot": encode_id("CouponTemplate", hot.id)}


# ---------------------------------------------------------------- the server and the load


def start(url: str, port: int, app: str = "server:app", env: dict | None = None) -> subprocess.Popen:
    environment = {**os.environ, "APP_ENV": "dev", "DATABASE_URL": url, "SECRET_KEY": SECRET,
                   "MIGRATE_ON_START": "false", "THROTTLE_MAX_COST": "0", **(env or {})}  # H1's bench switches it on
    return subprocess.Popen([sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
                             "--log-level", "warning", "--no-access-log"], cwd=ROOT, env=environment,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def wait_ready(port: int) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(200):
            try:
                await client.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{ __typename }"})
                return
            except httpx.TransportError:
                await asyncio.sleep(0.05)
    raise RuntimeError("server did not start")


async def drive(port: int, pid: int, body: dict, token: str, concurrency: int, seconds: float = DURATION) -> dict:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    payload = json.dumps(body).encode()
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gc.collect()
    gc.freeze()  # this process seeded the data: its own collections must not pause the client mid-measurement
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30) as client:
        await client.post("/graphql", content=payload, headers=headers)  # warm
        deadline = time.perf_counter() + seconds
        cpu_before = cpu_seconds(pid)

        async def worker():
            nonlocal errors
            while time.perf_counter() < deadline and len(latencies) < MAX_REQUESTS:
                started = time.perf_counter()
                reply = await client.post("/graphql", content=payload, headers=headers)
                latencies.append(time.perf_counter() - started)
                errors += reply.status_code != 200 or b'"errors"' in reply.content

        began = time.perf_counter()
        await asyncio.gather(*[worker() for _ in range(concurrency)])
        elapsed = time.perf_counter() - began
        cpu = cpu_seconds(pid) - cpu_before
    latencies.sort()
    return {"requests": len(latencies), "rps": round(len(latencies) / elapsed, 1),
            "cpu_ms_per_request": round(cpu * 1000 / max(len(latencies), 1), 3),
            "p50_ms": round(statistics.median(latencies) * 1000, 2),
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2), "errors": errors}


async def measure_on(url: str, port: int, pid: int, body: dict, token: str, concurrencies=(1, 16)) -> dict:
    row = {"sql_statements": await statements(url, body, token)}
    for c in concurrencies:
        row[f"c{c}"] = await drive(port, pid, body, token, c)
    return row


async def w1_postgresql(pg_url: str, port: int, platform: str) -> dict:
    """W1 N=50 on PostgreSQL, batched (the real server) and one query per field (bench/naive.py), same data."""
    from bench.naive import one_query_per_field

    await seed(pg_url)
    body = {"query": CLAIMS, "variables": {"n": 50}}
    rows = {}
    for label, app in (("batched", "server:app"), ("one query per field", "bench.naive:app")):
        process = start(pg_url, port, app)
        try:
            await wait_ready(port)
            with one_query_per_field() if app != "server:app" else contextlib.nullcontext():
                rows[label] = await measure_on(pg_url, port, process.pid, body, platform)
            rows[label]["peak_rss_mb"] = round(peak_rss_mb(process.pid), 1)
        finally:
            process.kill()
            process.wait()
    return rows


async def statements(url: str, body: dict, token: str) -> int:
    """SQL statements for one request, counted in-process on the same database."""
    from dataclasses import replace

    from sqlalchemy import event

    from server import create_app
    from settings import Settings

    settings = replace(Settings.from_env(), database_url=url, secret_key=SECRET, migrate_on_start=False, app_env="dev",
                       throttle_max_cost=0)  # statements of the queries themselves; H1 has its own bench
    app = create_app(settings)
    count = 0

    def counter(*_args, **_kw):
        nonlocal count
        count += 1

    event.listen(app.state.database.engine.sync_engine, "before_cursor_execute", counter)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        await client.post("/graphql", json=body, headers={"Authorization": f"Bearer {token}"})
    await app.state.database.dispose()
    return count


def raw_graphql_core(body_text: str, rounds: int = 200, query: str = CLAIMS, variables: dict | None = None) -> dict:
    """The same query (the claims list unless told) by graphql-core alone, with a cached parse and validation,
    over pre-built data: the response's own data as nested dicts."""
    from graphql import build_schema, execute, parse, validate

    from schema import sdl

    data = json.loads(body_text)["data"]
    schema = build_schema(sdl())

    def resolve(source, info, **_args):
        value = source.get(info.field_name) if isinstance(source, dict) else None
        return value

    for type_ in schema.type_map.values():
        for field in getattr(type_, "fields", {}).values() if hasattr(type_, "interfaces") else []:
            field.resolve = resolve
    schema.type_map["Node"].resolve_type = lambda value, *_: "Claim"
    document = parse(query)
    assert not validate(schema, document)
    variables = {"n": 50} if variables is None else variables
    assert execute(schema, document, root_value=data, variable_values=variables).data == data
    started = time.perf_counter()
    for _ in range(rounds):
        execute(schema, document, root_value=data, variable_values=variables)
    elapsed = time.perf_counter() - started
    return {"rps": round(rounds / elapsed, 1), "cpu_ms_per_request": round(elapsed * 1000 / rounds, 3)}


async def claim_storm(url: str, port: int, template: str, clients: int) -> dict:
    """W4: many buyers on one hot template; afterwards, successes must equal the claimed count and never exceed
    the stock."""
    successes = 0
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30,
                                 limits=httpx.Limits(max_connections=clients)) as client:
        async def buyer(i: int):
            nonlocal successes
            token = mint_token(SECRET, sub=f"storm-{clients}-{i}", role=Role.BUYER)
            for _ in range(400 // clients + 1):
                reply = (await client.post("/graphql", json={"query": CLAIM_COUPON, "variables": {"id": template}},
                                           headers={"Authorization": f"Bearer {token}"})).json()
                successes += reply["data"]["claimCoupon"]["coupon"] is not None
                token = mint_token(SECRET, sub=f"storm-{clients}-{i}-{successes}-{time.perf_counter_ns()}",
                                   role=Role.BUYER)

        started = time.perf_counter()
        await asyncio.gather(*[buyer(i) for i in range(clients)])
        elapsed = time.perf_counter() - started
    database = Database(url)
    from sqlalchemy import text

    from schema.common.ids import split_id

    async with database.read_sessions() as session:
        claimed, stock = (
            await session.execute(
                text("SELECT claimed_count, total_stock FROM coupon_templates WHERE id = :t"),
                {"t": split_id(template)[1]},
            )
        ).one()
        coupons_made = (await session.execute(text("SELECT count(*) FROM coupons WHERE template_id = :t"),
                                              {"t": split_id(template)[1]})).scalar_one()
    await database.dispose()
    return {"clients": clients, "successes": successes, "claimed": claimed, "coupons": coupons_made, "stock": stock,
            "oversold": max(0, coupons_made - stock) + (successes != coupons_made), "seconds": round(elapsed, 2)}


async def new_template(url: str, stock: int = 300) -> str:
    database = Database(url)
    template = await coupons.create_template(SqlUnitOfWorkFactory(database)(), PLATFORM, SystemClock(),
                                             coupons.TemplateRequest(IssuerKind.PLATFORM, "hot", Money(100), stock,
                                                                     valid_days_after_claim=5))
    await database.dispose()
    return encode_id("CouponTemplate", template.id)


def postgres_url() -> str | None:
    import psycopg

    try:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=2) as c:
            if not c.execute("SELECT 1 FROM pg_database WHERE datname = 'bench'").fetchone():
                c.execute("CREATE DATABASE bench")
        url = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
        from tests.database import drop_everything

        drop_everything(url)
        return url
    except Exception:  # noqa: BLE001  (no PostgreSQL here: the bench says so and goes on)
        return None


async def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    print("seeding …", flush=True)
    seeded = await seed(url)
    platform = mint_token(SECRET, sub="ops", role=Role.PLATFORM)
    port = 8765
    server = start(url, port)
    from schema import FIELD_PATHS

    results: dict = {"measured_at": datetime.now(UTC).isoformat(), "duration_s": DURATION, "workloads": {},
                     "field_resolution_paths": FIELD_PATHS}
    try:
        await wait_ready(port)
        work = results["workloads"]

        async def measure(name, body, token, concurrencies=(1, 16)):
            work[name] = await measure_on(url, port, server.pid, body, token, concurrencies)

        await measure("W0 trivial", {"query": TRIVIAL}, platform)
        for n in (10, 50, 100):
            await measure(f"W1 claims N={n}", {"query": CLAIMS, "variables": {"n": n}}, platform)
        for size, owner in seeded["wallets"].items():
            await measure(f"W2 wallet {size}", {"query": WALLET, "variables": {"n": 100}},
                          mint_token(SECRET, sub=owner, role=Role.BUYER))
        quote = {"query": QUOTE, "variables": {"input": {"shopId": seeded["shop"], "shippingFee": "6.00",
                                                         "paymentMethod": "ONLINE", "lines": [
                                                             {"productId": seeded["fruit"], "quantity": "3"},
                                                             {"productId": seeded["bowl"], "quantity": "2"}]}}}
        await measure("W3 checkoutQuote 1000", quote, mint_token(SECRET, sub=seeded["wallets"][1000], role=Role.BUYER))
        await measure("W5 too deep (rejected)", {"query": DEEP}, platform)
        results["peak_rss_mb"] = round(peak_rss_mb(server.pid), 1)
        # references, in the same run
        async with httpx.AsyncClient() as client:
            body_text = (await client.post(f"http://127.0.0.1:{port}/graphql",
                                           json={"query": CLAIMS, "variables": {"n": 50}},
                                           headers={"Authorization": f"Bearer {platform}"})).text
        body_file = folder / "body.json"
        body_file.write_text(body_text)
        results["response_bytes_w1_50"] = len(body_text.encode())
        bare = start(url, port + 1, "bench.bare:app", {"BENCH_BODY_FILE": str(body_file)})
        try:
            await wait_ready(port + 1)
            results["reference_bare_starlette"] = await drive(port + 1, bare.pid, {"query": CLAIMS}, platform, 16)
        finally:
            bare.kill()
        async with httpx.AsyncClient() as client:  # W0's floor: the bare endpoint with W0's bytes
            (folder / "w0.json").write_bytes((await client.post(
                f"http://127.0.0.1:{port}/graphql", json={"query": TRIVIAL},
                headers={"Authorization": f"Bearer {platform}"})).content)
        bare = start(url, port + 4, "bench.bare:app", {"BENCH_BODY_FILE": str(folder / "w0.json")})
        try:
            await wait_ready(port + 4)
            results["reference_bare_starlette_w0"] = {f"c{c}": await drive(port + 4, bare.pid, {"query": TRIVIAL},
                                                                           platform, c) for c in (1, 16)}
        finally:
            bare.kill()
        results["reference_raw_graphql_core"] = raw_graphql_core(body_text)
        from bench.checkout_quote import measure as quote_measure

        results["W3 best-stack alone (SQLite, in-process)"] = [r for r in await quote_measure(
            f"sqlite+aiosqlite:///{folder / 'quote.db'}") if r["wallet"] == 1000]
    finally:
        server.kill()
    pg_url = postgres_url()
    if pg_url is None:
        results["W1 N=50 PostgreSQL"] = "no PostgreSQL server on 127.0.0.1:5432"
    else:
        print("W1 on PostgreSQL: seeding …", flush=True)
        results["W1 N=50 PostgreSQL"] = await w1_postgresql(pg_url, port + 3, platform)
    storms = {}
    for label, storm_url in (("SQLite", url), ("PostgreSQL", postgres_url())):
        if storm_url is None:
            storms[label] = "no PostgreSQL server on 127.0.0.1:5432"
            continue
        if label == "PostgreSQL":
            await seed_minimal(storm_url)
        storm_server = start(storm_url, port + 2)
        try:
            await wait_ready(port + 2)
            storms[label] = [await claim_storm(storm_url, port + 2, await new_template(storm_url), c)
                             for c in (1, 16, 64)]
        finally:
            storm_server.kill()
    results["W4 hot template claims"] = storms
    from bench import events

    results["events"] = await events.measure(port + 5)
    from bench import executors

    print("compiled plans vs today's executor …", flush=True)
    results["executors"] = await executors.measure()
    report(results)
    events.report(results["events"])
    executors.report(results["executors"])
    out = Path(__file__).resolve().parent / "results.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {out}")


async def seed_minimal(url: str) -> None:
    upgrade(url)


def report(results: dict) -> None:
    w1 = results["workloads"]["W1 claims N=50"]["c16"]
    print(f"\n{'workload':<26} {'SQL':>4} {'c=1 p50':>8} {'c=1 p99':>8} {'c=16 req/s':>11} {'CPU ms/req':>11} "
          f"{'c=16 p50':>9} {'c=16 p99':>9} {'errors':>7}")
    for name, row in results["workloads"].items():
        one, many = row["c1"], row["c16"]
        errors = one["errors"] + many["errors"]
        if "rejected" in name:  # every request is meant to fail
            errors = (
                "all"
                if errors == one["requests"] + many["requests"]
                else f"{errors} of {one['requests'] + many['requests']}"
            )
        print(f"{name:<26} {row['sql_statements']:>4} {one['p50_ms']:>8} {one['p99_ms']:>8} {many['rps']:>11} "
              f"{many['cpu_ms_per_request']:>11} {many['p50_ms']:>9} {many['p99_ms']:>9} {errors:>7}")
    tails = {name: row["c1"]["p99_ms"] / row["c1"]["p50_ms"] for name, row in results["workloads"].items()}
    worst = max(tails, key=tails.get)
    print(f"\np99 / p50 at concurrency 1: at most {tails[worst]:.2f} ({worst})", end="")
    bare, raw = results["reference_bare_starlette"], results["reference_raw_graphql_core"]
    print(f"\nW1 N=50 response: {results['response_bytes_w1_50']} bytes; peak RSS {results['peak_rss_mb']} MB")
    print(f"bare Starlette (same bytes): {bare['rps']} req/s → W1 is {w1['rps'] / bare['rps']:.3f} of it")
    floor = results.get("reference_bare_starlette_w0")
    if floor:
        w0 = results["workloads"]["W0 trivial"]
        print(
            f"bare Starlette with W0's bytes: {floor['c16']['cpu_ms_per_request']} ms CPU per request (W0: "
            f"{w0['c16']['cpu_ms_per_request']}); at c=1 p50 {floor['c1']['p50_ms']} ms, "
            f"p99 {floor['c1']['p99_ms']} ms "
            f"(p99/p50 {floor['c1']['p99_ms'] / floor['c1']['p50_ms']:.2f}: the harness's own tail)"
        )
    print(f"raw graphql-core (pre-built data): {raw['rps']} req/s → W1 is {w1['rps'] / raw['rps']:.3f} of it")
    print(f"W3 best-stack alone: {results['W3 best-stack alone (SQLite, in-process)']}")
    pg = results["W1 N=50 PostgreSQL"]
    if isinstance(pg, dict):
        batched, naive = pg["batched"], pg["one query per field"]
        one, naive_one = batched["c1"], naive["c1"]
        print(
            f"W1 N=50 PostgreSQL, c=1: batched {one['rps']} req/s ({batched['sql_statements']} SQL, "
            f"{one['cpu_ms_per_request']} ms CPU, {one['errors']} errors), one query per field {naive_one['rps']} "
            f"req/s ({naive['sql_statements']} SQL, {naive_one['errors']} errors) "
            f"→ {one['rps'] / naive_one['rps']:.2f}×; "
            f"p50 {one['p50_ms']} ms, p99 {one['p99_ms']} ms"
        )
        print(
            f"W1 N=50 PostgreSQL, c=16: batched {batched['c16']['rps']} req/s, {batched['c16']['cpu_ms_per_request']} "
            f"ms CPU → {batched['c16']['rps'] / raw['rps']:.3f} of raw graphql-core; one query per field "
            f"{naive['c16']['rps']} req/s with {naive['c16']['errors']} of {naive['c16']['requests']} requests failed"
        )
    else:
        print(f"W1 N=50 PostgreSQL: {pg}")
    for label, storm in results["W4 hot template claims"].items():
        print(f"W4 {label}: {storm}")


if __name__ == "__main__":
    asyncio.run(main())
