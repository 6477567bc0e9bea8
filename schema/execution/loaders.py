"""The loaders' fast paths: ``FastLoaders`` is ``schema.loaders.Loaders`` whose loaders keep what a list resolver
primed as plain values, and which hands a loaded value over without a future.

- A page primes hundreds of keys; a finished future for each (made, looked up, checked, and freed with the
  request) cost more than the dict lookups that replace it (``PrimedLoader.known``).
- ``then`` transforms an already loaded value at once, so graphql-core completes the field without scheduling
  anything, and the same value transformed the same way gives the same object (a page's lines share a few
  products: each is made once).
- ``prime`` reads the keys not yet loaded with the list resolver's own read: one connection and transaction for a
  page and everything it prefetches.

Library internals: Strawberry's ``DataLoader.load`` (overridden) and its ``cache_map`` and ``cache`` attributes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, cast

from domain.shared.uow import UnitOfWork
from schema.loaders import BatchLoader, Fetch, K, Loaders, T, V, after


class PrimedLoader(BatchLoader[K, V]):
    """A ``BatchLoader`` that keeps what was primed as plain values (``known``)."""

    def __init__(self, fetch: Fetch[K, V], load_fn: Callable[[list[K]], Awaitable[list[V | None]]], **options: Any):
        super().__init__(fetch, load_fn, **options)
        self.known: dict[K, V | None] = {}

    def load(self, key: K) -> Awaitable[V | None]:
        if key in self.known:
            future = self.loop.create_future()
            future.set_result(self.known[key])
            return future
        return super().load(key)

    def clear(self, key: K) -> None:
        self.known.pop(key, None)
        super().clear(key)

    def clear_many(self, keys: Iterable[K]) -> None:
        keys = list(keys)
        for key in keys:
            self.known.pop(key, None)
        super().clear_many(keys)

    def clear_all(self) -> None:
        self.known.clear()
        super().clear_all()

    def prime_many(self, data: Mapping[K, V | None], force: bool = False) -> None:
        if force:
            for key in data.keys() & self.known.keys():
                self.known[key] = data[key]
        super().prime_many(data, force)


class FastLoaders(Loaders):
    def __init__(self, uow: Any):
        super().__init__(uow)
        # what ``then`` made of a loaded value, with the value it was made of (a value primed again is made anew)
        self._made: dict[tuple[Any, Any, Any], tuple[Any, Any]] = {}

    def batch_loader(self, fetch: Fetch[K, V]) -> PrimedLoader[K, V]:
        return PrimedLoader(fetch, self.batch_read(fetch), **self.loader_options)

    def release(self) -> None:
        self._made.clear()
        super().release()

    def then(self, loader: BatchLoader[K, V], key: K, transform: Callable[[V | None], T]) -> T:
        """``transform(value)`` at once when this request already loaded ``key`` (a list resolver primed it);
        otherwise an awaitable of the same, as stock. At once, the same value transformed the same way gives the
        same object: transforms are pure (``product_of``, ``shop_of`` …), and the object is served as it is."""
        value: Any = cast(PrimedLoader[K, V], loader).known.get(key, _UNKNOWN)
        if value is _UNKNOWN:
            future = loader.cache_map.get(key) if loader.cache else None
            if future is None or not future.done() or future.cancelled() or future.exception() is not None:
                return cast(T, after(loader.load(key), transform))
            value = future.result()
        made_key = (loader, key, transform)
        made = self._made.get(made_key)
        if made is not None and made[0] is value:
            return made[1]
        result = transform(value)
        self._made[made_key] = (value, result)
        return result

    async def prime(self, loader: BatchLoader[K, V], keys: Iterable[K], uow: UnitOfWork | None = None
                    ) -> list[V | None]:
        wanted = list(dict.fromkeys(keys))
        known = cast(PrimedLoader[K, V], loader).known
        if uow is not None and loader.cache:
            missing = [key for key in wanted if key not in known and loader.cache_map.get(key) is None]
            if missing:
                found = await loader.fetch(uow, missing)
                for key in missing:
                    known[key] = found.get(key)
        if all(key in known for key in wanted):
            return [known[key] for key in wanted]
        return list(await loader.load_many(wanted))


_UNKNOWN = object()
