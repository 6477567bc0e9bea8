"""Production II (8, 9): what other clients see of a served API, with their own code (Node.js, installed by
``npm ci`` in frontend-check/): the GraphQL-over-HTTP reference audit (npm graphql-http) passes every check, and
Apollo Client's PersistedQueryLink registers a document once so that another server process answers its hash alone.
Without the packages the tests skip, unless REQUIRE_NODE=1 (CI) makes that a failure."""

from __future__ import annotations

import asyncio
import os
import shutil

import pytest

from domain.shared.actor import Role
from tests.server_process import ROOT, served

CHECK = ROOT / "frontend-check"


def node_or_skip(package: str) -> str:
    node = shutil.which("node")
    if node and (CHECK / "node_modules" / package).exists():
        return node
    if os.environ.get("REQUIRE_NODE") == "1":
        pytest.fail(f"Node.js and frontend-check/node_modules/{package} are required (cd frontend-check && npm ci)")
    pytest.skip(f"needs Node.js and frontend-check/node_modules/{package} (cd frontend-check && npm ci)")


async def node(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(*args, cwd=CHECK, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.STDOUT)
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode or 0, output.decode()


async def test_the_graphql_over_http_audit_passes_every_check(settings, api):
    executable = node_or_skip("graphql-http")
    async with served(settings) as (port, _client):
        code, output = await node(executable, "audit.mjs", f"http://127.0.0.1:{port}/graphql",
                                  api.token(Role.PLATFORM, "auditor"))
    assert code == 0 and "audits pass" in output, output


async def test_apollo_clients_persisted_queries_register_once_for_every_process(settings, api, world):
    executable = node_or_skip("@apollo/client")
    token = api.token(Role.BUYER, "buyer-apq")
    async with served(settings) as (first, _a), served(settings) as (second, _b):
        code, output = await node(executable, "apq.mjs", f"http://127.0.0.1:{first}/graphql",
                                  f"http://127.0.0.1:{second}/graphql", token)
    assert code == 0, output
    del world
