"""Compiled plans against today's executor (``make bench-executors``, also part of ``make bench``): in the same run,
for W1 (the claims list, N = 10, 50, 100) and the wallet page, on SQLite and PostgreSQL —

- the server with compiled plans (the default),
- the same server with COMPILED_PLANS=false (``schema/execution/executor.py``'s shortcuts alone),
- the same server with FAST_EXECUTOR=false (Strawberry's own execution over the fast reads, primed loaders and
  field shortcuts: what the executor and the plans add on top of them),
- the same server with FAST_PATHS=false (stock Strawberry, DataLoaders and SQLAlchemy: what the fast paths save),
- raw graphql-core executing the same document over the response's own data, pre-built (no database, no HTTP),
- a bare Starlette endpoint returning the same bytes (the HTTP floor);

each server on one worker at concurrency 16, in interleaved rounds (single runs scatter on this machine), medians
reported. Also the compile time of every document in ``operations/``. Writes bench/results-executors.json."""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import CLAIMS, SECRET, WALLET, drive, postgres_url, raw_graphql_core, seed, start, wait_ready  # noqa: E402
from domain.shared.actor import Role  # noqa: E402
from web.auth import mint_token  # noqa: E402

ROUNDS = 3
TODAY = "today's executor"
READS = "fast reads only"
STOCK = "stock"
PORT = 8790


def compile_times() -> dict[str, dict]:
    """Each document of operations/manifest.json compiled alone: milliseconds, functions made, fields compiled
    and fields left to graphql-core."""
    from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse
    from graphql.execution.collect_fields import FragmentDetails

    from schema import schema
    from schema.execution.plans import Plan
    from web.trusted_documents import load_manifest

    times = {}
    for body in load_manifest(ROOT / "operations" / "manifest.json").values():
        document = parse(body)
        operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        fragments = {d.name.value: FragmentDetails(d) for d in document.definitions
                     if isinstance(d, FragmentDefinitionNode)}
        started = time.perf_counter()
        plan = Plan(schema.core, operation, fragments)
        plan.compile_all(SimpleNamespace(variable_values=None))
        times[operation.name.value] = {"ms": round((time.perf_counter() - started) * 1000, 2),
                                       "functions": len(plan.runners), "compiled_fields": plan.compiled_fields,
                                       "graphql_core_fields": plan.graphql_core_fields}
    return times


async def on_database(url: str, label: str, port: int) -> dict:
    seeded = await seed(url)
    platform = mint_token(SECRET, sub="ops", role=Role.PLATFORM)
    wallet_owner = mint_token(SECRET, sub=seeded["wallets"][200], role=Role.BUYER)
    workloads = {f"W1 N={n}": ({"query": CLAIMS, "variables": {"n": n}}, platform) for n in (10, 50, 100)}
    workloads["W2 wallet 200 (page of 100)"] = ({"query": WALLET, "variables": {"n": 100}}, wallet_owner)
    # each server kind: its port (port + 2 is the bare endpoint's) and the switches it runs with
    kinds = {"compiled": (port, {"COMPILED_PLANS": "true"}), TODAY: (port + 1, {"COMPILED_PLANS": "false"}),
             READS: (port + 4, {"FAST_EXECUTOR": "false"}), STOCK: (port + 3, {"FAST_PATHS": "false"})}
    servers = {kind: start(url, at, env=env) for kind, (at, env) in kinds.items()}
    ports = {kind: at for kind, (at, _env) in kinds.items()}
    folder = Path(tempfile.mkdtemp(prefix="bench-executors-"))
    rows: dict = {}
    try:
        for server_port in ports.values():
            await wait_ready(server_port)
        for name, (body, token) in workloads.items():
            print(f"  {label} {name} …", flush=True)
            answers = {}
            async with httpx.AsyncClient(timeout=30) as client:
                for kind, p in ports.items():
                    try:
                        answers[kind] = (await client.post(f"http://127.0.0.1:{p}/graphql", json=body,
                                                           headers={"Authorization": f"Bearer {token}"})).content
                    except httpx.TimeoutException:
                        raise RuntimeError(f"{label} {name}: the {kind} server did not answer in 30 s") from None
            assert len(set(answers.values())) == 1, f"{name}: the answers differ"
            (folder / "body.json").write_bytes(answers["compiled"])
            bare = start(url, port + 2, "bench.bare:app", {"BENCH_BODY_FILE": str(folder / "body.json")})
            rounds: dict[str, list[dict]] = {kind: [] for kind in servers}
            rounds.update({"bare Starlette": [], "raw graphql-core": []})
            try:
                await wait_ready(port + 2)
                for _ in range(ROUNDS):
                    for kind, server in servers.items():
                        rounds[kind].append(await drive(ports[kind], server.pid, body, token, 16))
                    rounds["bare Starlette"].append(await drive(port + 2, bare.pid, body, token, 16))
                    rounds["raw graphql-core"].append(raw_graphql_core(
                        answers["compiled"].decode(), 100, body["query"], body["variables"]))
            finally:
                bare.kill()
                bare.wait()
            row = {kind: {"rps": statistics.median(r["rps"] for r in runs),
                          "cpu_ms_per_request": statistics.median(r["cpu_ms_per_request"] for r in runs),
                          "rps_rounds": [r["rps"] for r in runs],
                          "cpu_ms_rounds": [r["cpu_ms_per_request"] for r in runs]} for kind, runs in rounds.items()}
            row["errors"] = sum(r.get("errors", 0) for kind in servers for r in rounds[kind])
            row["bytes"] = len(answers["compiled"])
            raw = row["raw graphql-core"]["rps"]
            row["compiled / raw"] = round(row["compiled"]["rps"] / raw, 2)
            row[TODAY + " / raw"] = round(row[TODAY]["rps"] / raw, 2)
            row["compiled / " + TODAY] = round(row["compiled"]["rps"] / row[TODAY]["rps"], 2)
            row["compiled / " + STOCK] = round(row["compiled"]["rps"] / row[STOCK]["rps"], 2)
            rows[name] = row
    finally:
        for server in servers.values():
            server.kill()
            server.wait()
    return rows


async def measure() -> dict:
    results: dict = {"compile_ms": compile_times()}
    folder = Path(tempfile.mkdtemp(prefix="bench-executors-"))
    results["SQLite"] = await on_database(f"sqlite+aiosqlite:///{folder / 'bench.db'}", "SQLite", PORT)
    pg = postgres_url()
    results["PostgreSQL"] = await on_database(pg, "PostgreSQL", PORT + 10) if pg else "no PostgreSQL server"
    return results


def report(results: dict) -> None:
    compile_ms = results["compile_ms"]
    slowest = max(compile_ms, key=lambda name: compile_ms[name]["ms"])
    print(f"\ncompile time of the {len(compile_ms)} documents of operations/: median "
          f"{statistics.median(c['ms'] for c in compile_ms.values())} ms, slowest {slowest} "
          f"{compile_ms[slowest]['ms']} ms")
    print(f"\n{'database':<11} {'workload':<28} {'bytes':>7} {'compiled':>9} {'today':>7} {'raw gql':>8} "
          f"{'bare':>8} {'comp/raw':>9} {'today/raw':>10} {'comp/today':>11} {'stock':>7} {'comp/stock':>11}"
          "  (req/s at c=16, medians)")
    for database in ("SQLite", "PostgreSQL"):
        rows = results[database]
        if not isinstance(rows, dict):
            print(f"{database}: {rows}")
            continue
        for name, row in rows.items():
            today, today_ratio, gain = row[TODAY]["rps"], row[TODAY + " / raw"], row["compiled / " + TODAY]
            print(f"{database:<11} {name:<28} {row['bytes']:>7} {row['compiled']['rps']:>9} {today:>7} "
                  f"{row['raw graphql-core']['rps']:>8} {row['bare Starlette']['rps']:>8} "
                  f"{row['compiled / raw']:>9} {today_ratio:>10} {gain:>11} {row[STOCK]['rps']:>7} "
                  f"{row['compiled / ' + STOCK]:>11}")


def report_cpu(results: dict) -> None:
    """Server CPU per request (the steadier measure on a shared machine): median, and the spread of the rounds."""
    kinds = ("compiled", TODAY, READS, STOCK)
    print("\nserver CPU ms per request, median [min–max of the rounds]; the last column: stock / compiled")
    print(f"{'database':<11} {'workload':<28} " + " ".join(f"{k:>22}" for k in kinds))
    for database in ("SQLite", "PostgreSQL"):
        rows = results[database]
        if not isinstance(rows, dict):
            continue
        for name, row in rows.items():
            cells = [f"{row[k]['cpu_ms_per_request']} [{min(row[k]['cpu_ms_rounds'])}–{max(row[k]['cpu_ms_rounds'])}]"
                     for k in kinds]
            ratio = round(row[STOCK]["cpu_ms_per_request"] / row["compiled"]["cpu_ms_per_request"], 2)
            print(f"{database:<11} {name:<28} " + " ".join(f"{c:>22}" for c in cells) + f"  ×{ratio}")


async def main() -> None:
    results = await measure()
    report(results)
    report_cpu(results)
    out = Path(__file__).resolve().parent / "results-executors.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    asyncio.run(main())
