"""``Loaders.then`` hands a field its value synchronously once a list resolver primed the loader, and an
awaitable otherwise; ``prime`` loads many keys in one batch."""

from __future__ import annotations

import inspect

from schema.execution.loaders import FastLoaders as Loaders


class FakeUow:
    def __init__(self, calls: list):
        self.calls = calls

    def __call__(self, write: bool = False, transaction: bool = True):
        return self

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False


async def test_then_is_synchronous_after_prime_and_awaitable_before(monkeypatch):
    calls: list[list[int]] = []

    async def fetch(_uow, keys):
        calls.append(sorted(keys))
        return {key: f"shop {key}" for key in keys}

    monkeypatch.setattr(Loaders.shop_by_id, "fetch", fetch)
    loaders = Loaders(FakeUow(calls))

    pending = loaders.then(loaders.shop_by_id, 7, str.upper)
    assert inspect.isawaitable(pending) and await pending == "SHOP 7"

    await loaders.prime(loaders.shop_by_id, [1, 2, 2, 3])
    assert calls == [[7], [1, 2, 3]]  # one batch for the page, duplicates once
    assert loaders.then(loaders.shop_by_id, 2, str.upper) == "SHOP 2"  # no awaitable: the value was at hand
    assert loaders.then(loaders.shop_by_id, 7, str.upper) == "SHOP 7"
    assert calls == [[7], [1, 2, 3]]


async def test_prime_with_a_unit_of_work_reads_only_what_is_missing_with_it(monkeypatch):
    """A list resolver's prefetch runs in the page's own read: no session of its own."""
    calls: list = []

    async def fetch(uow, keys):
        calls.append((uow, sorted(keys)))
        return {key: f"shop {key}" for key in keys if key != 4}

    monkeypatch.setattr(Loaders.shop_by_id, "fetch", fetch)
    sessions: list = []
    loaders = Loaders(FakeUow(sessions))
    page_uow = object()
    await loaders.prime(loaders.shop_by_id, [1, 2])
    assert await loaders.prime(loaders.shop_by_id, [2, 3, 4, 3], page_uow) == ["shop 2", "shop 3", None]
    assert calls[1] == (page_uow, [3, 4])  # 2 was loaded already; 4 does not exist and is remembered as such
    assert loaders.then(loaders.shop_by_id, 4, lambda value: value) is None and len(calls) == 2


async def test_then_makes_one_object_per_loaded_value_and_anew_when_the_value_changes(monkeypatch):
    """A page's hundred lines name two products: each product's GraphQL object is made once per request. A key
    primed again with another value (a write in the same request) is made again from the new value."""
    made: list[str] = []

    def make(value):
        made.append(value)
        return [value]

    async def fetch(_uow, keys):
        return {key: f"shop {key}" for key in keys}

    monkeypatch.setattr(Loaders.shop_by_id, "fetch", fetch)
    loaders = Loaders(FakeUow([]))
    await loaders.prime(loaders.shop_by_id, [1, 2])
    first = loaders.then(loaders.shop_by_id, 1, make)
    assert loaders.then(loaders.shop_by_id, 1, make) is first
    assert loaders.then(loaders.shop_by_id, 2, make) == ["shop 2"] and made == ["shop 1", "shop 2"]
    assert loaders.then(loaders.shop_by_id, 1, str.upper) == "SHOP 1"  # another transform: its own object
    loaders.shop_by_id.clear(1)
    loaders.shop_by_id.prime(1, "shop 1, renamed")
    assert loaders.then(loaders.shop_by_id, 1, make) == ["shop 1, renamed"]
    loaders.release()
    assert not loaders._made


async def test_primed_values_follow_clear_and_a_forced_prime(monkeypatch):
    """What a page primed is kept as plain values (no future per key); clearing a key or priming it with force
    replaces it as it does in the DataLoader's own cache, and ``load`` hands it out without a batch."""
    calls: list = []

    async def fetch(_uow, keys):
        calls.append(sorted(keys))
        return {key: f"shop {key}" for key in keys}

    monkeypatch.setattr(Loaders.shop_by_id, "fetch", fetch)
    loaders = Loaders(FakeUow([]))
    await loaders.prime(loaders.shop_by_id, [1, 2, 3], object())
    assert loaders.shop_by_id.known == {1: "shop 1", 2: "shop 2", 3: "shop 3"}
    assert not loaders.shop_by_id.cache_map.cache_map  # no future was made for them
    assert await loaders.shop_by_id.load(2) == "shop 2" and calls == [[1, 2, 3]]
    loaders.shop_by_id.prime(3, "not kept")  # an unforced prime leaves a loaded value alone
    loaders.shop_by_id.prime(2, "shop 2, renamed", force=True)
    assert loaders.then(loaders.shop_by_id, 2, str) == "shop 2, renamed"
    assert loaders.then(loaders.shop_by_id, 3, str) == "shop 3"
    loaders.shop_by_id.clear_many([3])
    assert await loaders.shop_by_id.load(3) == "shop 3" and calls == [[1, 2, 3], [3]]  # read again
    loaders.release()
    assert not loaders.shop_by_id.known
