"""Operator commands: ``python manage.py migrate | demo | token | schema | operations | reconcile``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import timedelta
from pathlib import Path

from domain.shared.actor import Role
from settings import ROOT, Settings
from web.auth import mint_token


def cmd_migrate(settings: Settings, _args) -> None:
    from persistence.migrate import upgrade

    _ensure_sqlite_folder(settings)
    upgrade(settings.database_url)
    print("database migrated to head")


def cmd_schema(_settings: Settings, args) -> None:
    from schema import sdl

    Path(args.output).write_text(sdl())
    print(f"wrote {args.output}")


def cmd_docs(_settings: Settings, _args) -> None:
    from schema import schema
    from schema.events.reference import rewritten

    path = Path(__file__).resolve().parent / "docs" / "events.md"
    path.write_text(rewritten(path.read_text(encoding="utf-8"), schema.core), encoding="utf-8")
    print(f"wrote {path}")


def cmd_operations(settings: Settings, args) -> None:
    import orjson

    from web.trusted_documents import build_manifest

    manifest = build_manifest(Path(args.folder))
    Path(args.output).write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")
    print(f"wrote {args.output}: {len(manifest['operations'])} trusted documents")


def cmd_token(settings: Settings, args) -> None:
    role = Role(args.role)
    print(mint_token(settings.secret_key, sub=args.sub, role=role, shop=args.shop, ttl=timedelta(hours=args.hours)))


def cmd_demo(settings: Settings, args) -> None:
    from demo import seed_if_empty

    _ensure_sqlite_folder(settings)
    shop_id = asyncio.run(seed_if_empty(settings.database_url, settings.upload_dir))
    ttl = timedelta(hours=args.hours)
    print(f"\nReady tokens (valid {args.hours} h). In GraphiQL, open Headers and paste e.g.\n"
          '  {"Authorization": "Bearer <token>"}\n')
    for role, sub, shop in [(Role.BUYER, "buyer-demo", None), (Role.BUYER, "buyer-new", None),
                            (Role.MERCHANT, "merchant-demo", shop_id),
                            (Role.AGENT, "agent-demo", shop_id), (Role.PLATFORM, "ops-demo", None),
                            (Role.STREAMER, "streamer-demo", None), (Role.SERVICE, "order-service", None)]:
        print(f"{role.value:<9} {mint_token(settings.secret_key, sub=sub, role=role, shop=shop, ttl=ttl)}")
    print()


def cmd_reconcile(settings: Settings, _args) -> None:
    from persistence.db import Database
    from persistence.reconcile import reconcile

    async def run() -> list[str]:
        database = Database(settings.database_url)
        try:
            return await reconcile(database)
        finally:
            await database.dispose()

    problems = asyncio.run(run())
    for problem in problems:
        print(problem)
    print("ledgers reconcile" if not problems else f"{len(problems)} discrepancies")
    sys.exit(1 if problems else 0)


def cmd_deadlines(settings: Settings, _args) -> None:
    """E7 on demand (cron, or by hand): emit the deadline events due now; each fires once, ever."""
    from domain.events.deadlines import SYSTEM, process_deadlines
    from domain.shared.clock import SystemClock
    from persistence.db import Database
    from persistence.uow import SqlUnitOfWorkFactory

    async def run() -> int:
        database = Database(settings.database_url)
        try:
            return await process_deadlines(SqlUnitOfWorkFactory(database)(), SYSTEM, SystemClock())
        finally:
            await database.dispose()

    print(f"{asyncio.run(run())} deadline events emitted")


def _ensure_sqlite_folder(settings: Settings) -> None:
    if settings.database_url.startswith("sqlite"):
        (ROOT / "var").mkdir(exist_ok=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="manage.py", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="migrate DATABASE_URL to the newest revision")
    demo = commands.add_parser("demo", help="load demo data when the database is empty and print a token per role")
    demo.add_argument("--hours", type=int, default=12)
    token = commands.add_parser("token", help="mint a token for local use")
    token.add_argument("--role", required=True, choices=[r.value for r in Role])
    token.add_argument("--sub", required=True, help="the user id")
    token.add_argument("--shop", help="the Shop's global ID (MERCHANT and AGENT)")
    token.add_argument("--hours", type=int, default=12)
    commands.add_parser("reconcile", help="prove every shop's balances equal its entries; exit 1 otherwise")
    commands.add_parser("deadlines", help="emit the deadline events due now (E7), as the server does by itself")
    commands.add_parser("docs", help="rewrite docs/events.md's event reference from the served schema (E9)")
    out = commands.add_parser("schema", help="print the served schema into schema.graphql")
    out.add_argument("--output", default=str(ROOT / "schema.graphql"))
    operations = commands.add_parser("operations", help="rebuild the trusted-documents manifest from operations/")
    operations.add_argument("--folder", default=str(ROOT / "operations"))
    operations.add_argument("--output", default=str(ROOT / "operations" / "manifest.json"))
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except ValueError as error:
        sys.exit(f"configuration: {error}")
    {"migrate": cmd_migrate, "demo": cmd_demo, "token": cmd_token, "schema": cmd_schema,
     "operations": cmd_operations, "reconcile": cmd_reconcile, "deadlines": cmd_deadlines,
     "docs": cmd_docs}[args.command](settings, args)


if __name__ == "__main__":
    main()
