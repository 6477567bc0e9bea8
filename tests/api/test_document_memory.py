"""Penetration test III, finding 5: anonymous large documents are not kept in memory by the parse and validation
caches (they held +416 MB for 100 documents of 0.9 MB), so they neither fill memory nor push out other clients'
entries. Measured with tracemalloc around 40 distinct documents of ~200 KB each."""

from __future__ import annotations

import gc
import tracemalloc

import pytest

pytestmark = pytest.mark.slow  # 40 documents of 200 KB under tracemalloc: ~40 s


async def test_large_documents_leave_no_trace_in_the_caches(api, world):
    token = world.platform

    async def send(n: int) -> None:
        comment = f"# {n} " + "x" * 200_000  # within the token limit, large in bytes, distinct
        reply = await api.gql(f"query Big{n} {{ viewer {{ role }} }}\n{comment}", token=token)
        assert reply.status == 200, reply.body

    await send(-1)  # warm-up: imports, first-use caches
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for n in range(40):
            await send(n)
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert grown < 8_000_000, f"{grown / 1e6:.1f} MB kept after 40 documents of ~200 KB"
