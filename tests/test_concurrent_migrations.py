"""Penetration test III, finding 14: several processes starting together on a fresh database each migrate; on
PostgreSQL one failed on ``CREATE TABLE alembic_version``. Four ``manage.py migrate`` processes at once now all
succeed (the migration takes an advisory lock) and the database is at head."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from persistence.migrate import head
from tests.database import sync_engine

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # four processes


def test_four_processes_migrating_a_fresh_database_at_once_all_succeed(scratch_url):
    env = {**os.environ, "DATABASE_URL": scratch_url, "APP_ENV": "test"}
    processes = [subprocess.Popen([sys.executable, "manage.py", "migrate"], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(4)]
    outputs = [(p.wait(timeout=120), p.stdout.read().decode() if p.stdout else "") for p in processes]
    assert [code for code, _ in outputs] == [0, 0, 0, 0], outputs
    engine = sync_engine(scratch_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head()
    engine.dispose()
