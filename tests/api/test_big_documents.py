"""Penetration test III, finding 4: a big document froze the event loop (0.4–0.5 s per anonymous 0.9 MB HTTP
document). The size is checked before parsing, and a large document is parsed once, in a worker thread, so the
other requests go on meanwhile. Real sockets against a served process; the figures are printed."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.server_process import served

pytestmark = pytest.mark.slow

SMALL = {"query": "{ __typename }"}


async def _timed(client, body) -> tuple[float, int]:
    began = time.perf_counter()
    reply = await client.post("/graphql", json=body)
    return time.perf_counter() - began, reply.status_code


async def test_big_anonymous_documents_leave_small_requests_answering(settings):
    big = [{"query": "{ __typename }\n# " + f"{n} " + "x" * 900_000} for n in range(6)]
    async with served(settings) as (_port, client):
        alone = sorted([(await _timed(client, SMALL))[0] for _ in range(5)])[2]
        big_tasks = [asyncio.create_task(_timed(client, body)) for body in big]
        await asyncio.sleep(0.05)
        during = []
        while not all(task.done() for task in big_tasks):
            during.append((await _timed(client, SMALL))[0])
        results = await asyncio.gather(*big_tasks)
        too_big = await _timed(client, {"query": "{ __typename }\n# " + "x" * 1_100_000})
    assert all(status == 200 for _, status in results)
    assert too_big[1] == 413
    worst = max(during) if during else 0.0
    print(f"\nsmall query: {alone * 1000:.0f} ms alone; during 6 big documents {len(during)} answered, worst "
          f"{worst * 1000:.0f} ms; each big one {max(t for t, _ in results) * 1000:.0f} ms")
    assert len(during) >= 6  # answered while the big ones were parsed (3 before, when each parse held the loop)
