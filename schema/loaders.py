"""Per-request DataLoaders (``<Target>By<Key>``). Each batch opens its own short read session, so concurrent
resolvers never share one. Statements per query stay constant as lists grow."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Iterable
from typing import Any

from strawberry.dataloader import DataLoader

from domain.shared.uow import UnitOfWork, UnitOfWorkFactory


_FETCHES: dict[str, Callable[[UnitOfWork, list], Awaitable[dict[Hashable, Any]]]] = {
    "shop_by_id": lambda u, ids: u.shops.get_many(ids),
    "account_by_shop": lambda u, ids: u.accounts.get_many(ids),
    "product_by_id": lambda u, ids: u.products.get_many(ids),
    "order_by_id": lambda u, ids: u.orders.get_many(ids),
    "order_line_by_id": lambda u, ids: u.orders.lines_by_ids(ids),
    "ledger_entry_by_id": lambda u, ids: u.accounts.entries_by_ids(ids),
    "review_by_id": lambda u, ids: u.reviews.get_many(ids),
    "upload_by_id": lambda u, ids: u.uploads.get_many(ids),
    "claim_by_id": lambda u, ids: u.claims.get_many(ids),
    "evidence_by_id": lambda u, ids: u.claims.evidence_by_ids(ids),
    "claim_ids_by_sha256": lambda u, digests: u.claims.claim_ids_by_sha256(digests),
    "ledger_entries_by_claim": lambda u, ids: u.accounts.entries_for_claims(ids),
    "appeal_by_id": lambda u, ids: u.appeals.get_many(ids),
    "appeal_id_by_evidence": lambda u, ids: u.appeals.appeal_ids_of_evidence(ids),
    "appeal_restriction_by_shop": lambda u, ids: u.appeals.restrictions(ids),
    "score_facts_by_shop": lambda u, ids: u.appeals.score_facts(ids),
    "coupon_by_id": lambda u, ids: u.coupons.get_many(ids),
    "coupon_template_by_id": lambda u, ids: u.coupons.templates(ids),
    "after_sale_remarks_by_claim": lambda u, ids: u.annotations.after_sale_remarks(ids),
    "claim_events_by_claim": lambda u, ids: u.audit.for_subjects("claim", ids),
}


class Loaders:
    """Made on first use: a request pays only for the loaders it touches."""

    loader_options: dict[str, Any] = {}  # DataLoader options; the bench's naive variant turns batching off

    def __init__(self, uow: UnitOfWorkFactory):
        self._uow = uow

    def __getattr__(self, name: str) -> DataLoader:
        fetch = _FETCHES.get(name)
        if fetch is None:
            raise AttributeError(name)
        loader = self._by_key(fetch)
        setattr(self, name, loader)
        return loader

    def _by_key(self, fetch: Callable[[UnitOfWork, list], Awaitable[dict[Hashable, Any]]]) -> DataLoader:
        async def load(keys: list) -> list:
            async with self._uow(write=False) as uow:
                found = await fetch(uow, list(keys))
            return [found.get(key) for key in keys]

        return DataLoader(load_fn=load, **self.loader_options)

    def then(self, name: str, key: Hashable, transform: Callable[[Any], Any]) -> Any:
        """``transform(value)`` at once when this request already loaded ``key`` (a list resolver primed it), so
        graphql-core completes the field without scheduling anything; otherwise an awaitable of the same."""
        loader = getattr(self, name)
        future = loader.cache_map.get(key) if loader.cache else None
        if future is not None and future.done() and not future.cancelled() and future.exception() is None:
            return transform(future.result())
        return _after(loader.load(key), transform)

    async def prime(self, name: str, keys: Iterable[Hashable], uow: UnitOfWork | None = None) -> list:
        """Load ``keys`` now, in one batch, so the fields below a list resolve synchronously. Given ``uow`` (a
        list resolver's own read), the keys not yet loaded are read with it instead of a session of their own:
        one connection and transaction for a page and everything it prefetches."""
        keys = list(dict.fromkeys(keys))
        loader = getattr(self, name)
        if uow is not None and loader.cache:
            missing = [key for key in keys if loader.cache_map.get(key) is None]
            if missing:
                found = await _FETCHES[name](uow, missing)
                loader.prime_many({key: found.get(key) for key in missing})
        return await loader.load_many(keys)

    async def read(self, fetch: Callable[[UnitOfWork], Awaitable[Any]]) -> Any:
        """A one-off read (a page of a list) in its own short session."""
        async with self._uow(write=False) as uow:
            return await fetch(uow)


async def _after(pending: Awaitable, transform: Callable[[Any], Any]) -> Any:
    return transform(await pending)
