"""The comparison point the issue names: "one query per field". The same server and schema, but every DataLoader
loads one key per batch and caches nothing, so each relation of each item is its own SQL statement (the N+1
pattern a resolver-per-field API falls into). Bench-only: ``uvicorn bench.naive:app``."""

from __future__ import annotations

import contextlib

from strawberry.dataloader import DataLoader

from schema.loaders import Loaders


async def _no_prefetch(self, name, keys) -> list:
    return []  # the naive approach has no page prefetch: every field queries for itself


def _one_at_a_time(self, fetch):
    async def load(keys: list) -> list:
        async with self._uow(write=False) as uow:
            found = await fetch(uow, list(keys))
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load, max_batch_size=1, cache=False)


@contextlib.contextmanager
def one_query_per_field():
    batched, prime = Loaders._by_key, Loaders.prime
    Loaders._by_key, Loaders.prime = _one_at_a_time, _no_prefetch
    try:
        yield
    finally:
        Loaders._by_key, Loaders.prime = batched, prime


def __getattr__(name: str):
    if name == "app":  # uvicorn bench.naive:app — this process serves only the naive variant
        Loaders._by_key, Loaders.prime = _one_at_a_time, _no_prefetch
        from server import app

        return app
    raise AttributeError(name)
