"""The comparison point the issue names: "one query per field". The same server and schema, but every DataLoader
loads one key per batch and caches nothing, so each relation of each item is its own SQL statement (the N+1
pattern a resolver-per-field API falls into). Bench-only: ``uvicorn bench.naive:app``."""

from __future__ import annotations

import contextlib

from schema.loaders import Loaders

ONE_AT_A_TIME = {"max_batch_size": 1, "cache": False}


async def _no_prefetch(self, name, keys, uow=None) -> list:
    return []  # the naive approach has no page prefetch: every field queries for itself


@contextlib.contextmanager
def one_query_per_field():
    options, prime = Loaders.loader_options, Loaders.prime
    Loaders.loader_options, Loaders.prime = ONE_AT_A_TIME, _no_prefetch
    try:
        yield
    finally:
        Loaders.loader_options, Loaders.prime = options, prime


def __getattr__(name: str):
    if name == "app":  # uvicorn bench.naive:app — this process serves only the naive variant
        Loaders.loader_options, Loaders.prime = ONE_AT_A_TIME, _no_prefetch
        from server import app

        return app
    raise AttributeError(name)
