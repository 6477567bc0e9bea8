from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

os.environ.setdefault("APP_ENV", "test")

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from persistence.db import is_sqlite, sync_url  # noqa: E402
from persistence.migrate import upgrade  # noqa: E402
from settings import Settings  # noqa: E402
from tests.api.client import Api  # noqa: E402
from tests.database import drop_everything, empty_tables, sync_engine, test_database_url  # noqa: E402

START = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


@pytest.fixture(scope="session")
def database_url() -> str:
    url = test_database_url()
    drop_everything(url)
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def settings(database_url, tmp_path_factory) -> Settings:
    base = Settings.from_env()
    return replace(base, app_env="test", database_url=database_url, migrate_on_start=False, deadline_interval_seconds=0,
                   upload_dir=Path(tmp_path_factory.mktemp("uploads")),
                   upload_quota_files=100_000, upload_quota_mb=100_000,  # the quota's own test sets its limits
                   compile_after=1,  # every document runs by its compiled plan from its first run
                   throttle_max_cost=0)  # H1's own tests switch the throttle on (the rest run at one instant)


@pytest.fixture(scope="session")
def reset_engine(database_url):
    engine = sync_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
async def app(settings):
    from server import create_app

    application = create_app(settings)
    yield application
    await application.state.database.dispose()


@pytest.fixture(scope="session")
async def stock_app(settings):
    """The same app with FAST_PATHS=false (stock Strawberry, DataLoaders and SQLAlchemy reads), on the same
    database: what the fast paths are compared with."""
    from server import create_app

    application = create_app(replace(settings, fast_paths=False))
    yield application
    await application.state.database.dispose()


def pytest_collection_modifyitems(config, items):
    """Tests of the fast paths themselves (marked ``fast_paths``) do not run where FAST_PATHS=false."""
    if Settings.from_env().fast_paths:
        return
    skip = pytest.mark.skip(reason="FAST_PATHS=false: a test of the fast paths themselves")
    for item in items:
        if "fast_paths" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def clean_tables(request):
    """Every test that uses the database starts from empty tables; the others (the domain's, the executor's) do
    not touch it, so they neither wait for it nor pay for emptying it."""
    if "database_url" in request.fixturenames:
        empty_tables(request.getfixturevalue("reset_engine"))


@pytest.fixture
async def api(app, settings) -> Api:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        client_api = Api(client, settings.secret_key)
        client_api.now = START
        yield client_api


@pytest.fixture
def scratch_url():
    """A database of its own for a migration test: a temporary SQLite file, or on PostgreSQL a database created
    beside the suite's (the suite's own is at head already)."""
    suite = os.environ.get("DATABASE_URL")
    if not suite or is_sqlite(suite):
        yield f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp(prefix='migration-')) / 'round1.db'}"
        return
    name = f"migration_0007_{os.getpid()}"
    admin = create_engine(sync_url(suite), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(suite).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
