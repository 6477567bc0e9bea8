"""Two server processes behind one client: with ``TWO_PROCESSES=1`` (CI's PostgreSQL run) the race and idempotency
suites send their requests alternately to two uvicorn processes on the same database — what N replicas behind a
load balancer are — instead of to the in-process app. Each module starts its two processes once."""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.server_process import served

TWO_PROCESSES = os.environ.get("TWO_PROCESSES") == "1"


class Alternating(httpx.AsyncBaseTransport):
    """Sends each request to the next of the servers, round robin (a load balancer's simplest policy)."""

    def __init__(self, ports: list[int]):
        self.ports = itertools.cycle(ports)
        self.transport = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=next(self.ports))
        return await self.transport.handle_async_request(request)

    async def aclose(self) -> None:
        await self.transport.aclose()


@contextlib.asynccontextmanager
async def two_servers(settings) -> AsyncIterator[list[int]]:
    async with served(settings) as (first, _a), served(settings) as (second, _b):
        yield [first, second]


def fixtures():
    """The module fixtures that route ``api`` through two processes when TWO_PROCESSES=1 (else leave it be)."""

    @pytest.fixture(scope="module")
    async def servers(settings):
        if not TWO_PROCESSES:
            yield None
            return
        async with two_servers(settings) as ports:
            yield ports

    @pytest.fixture
    async def api(api, servers):
        if servers is None:
            yield api
            return
        in_process = api.client
        async with httpx.AsyncClient(transport=Alternating(servers), base_url="http://test", timeout=60) as client:
            client.in_process = in_process  # type: ignore[attr-defined]  (for tests that read the app's database)
            api.client = client
            try:
                yield api
            finally:
                api.client = in_process

    return servers, api
