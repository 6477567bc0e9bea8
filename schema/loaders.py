"""Per-request DataLoaders (``<Target>By<Key>``). Each batch opens its own short read session, so concurrent
resolvers never share one. Statements per query stay constant as lists grow."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from strawberry.dataloader import DataLoader

from domain.shared.uow import UnitOfWork, UnitOfWorkFactory


class Loaders:
    def __init__(self, uow: UnitOfWorkFactory):
        self._uow = uow
        self.shop_by_id = self._by_key(lambda u, ids: u.shops.get_many(ids))
        self.account_by_shop = self._by_key(lambda u, ids: u.accounts.get_many(ids))
        self.product_by_id = self._by_key(lambda u, ids: u.products.get_many(ids))
        self.order_by_id = self._by_key(lambda u, ids: u.orders.get_many(ids))
        self.order_line_by_id = self._by_key(lambda u, ids: u.orders.lines_by_ids(ids))
        self.ledger_entry_by_id = self._by_key(lambda u, ids: u.accounts.entries_by_ids(ids))
        self.review_by_id = self._by_key(lambda u, ids: u.reviews.get_many(ids))
        self.upload_by_id = self._by_key(lambda u, ids: u.uploads.get_many(ids))
        self.claim_by_id = self._by_key(lambda u, ids: u.claims.get_many(ids))
        self.evidence_by_id = self._by_key(lambda u, ids: u.claims.evidence_by_ids(ids))
        self.claim_ids_by_sha256 = self._by_key(lambda u, digests: u.claims.claim_ids_by_sha256(digests))
        self.ledger_entries_by_claim = self._by_key(lambda u, ids: u.accounts.entries_for_claims(ids))
        self.appeal_by_id = self._by_key(lambda u, ids: u.appeals.get_many(ids))
        self.appeal_id_by_evidence = self._by_key(lambda u, ids: u.appeals.appeal_ids_of_evidence(ids))
        self.appeal_restriction_by_shop = self._by_key(lambda u, ids: u.appeals.restrictions(ids))
        self.score_facts_by_shop = self._by_key(lambda u, ids: u.appeals.score_facts(ids))
        self.coupon_by_id = self._by_key(lambda u, ids: u.coupons.get_many(ids))
        self.coupon_template_by_id = self._by_key(lambda u, ids: u.coupons.templates(ids))
        self.after_sale_remarks_by_claim = self._by_key(lambda u, ids: u.annotations.after_sale_remarks(ids))
        self.claim_events_by_claim = self._by_key(lambda u, ids: u.audit.for_subjects("claim", ids))

    def _by_key(self, fetch: Callable[[UnitOfWork, list], Awaitable[dict[Hashable, Any]]]) -> DataLoader:
        async def load(keys: list) -> list:
            async with self._uow(write=False) as uow:
                found = await fetch(uow, list(keys))
            return [found.get(key) for key in keys]

        return DataLoader(load_fn=load)

    async def read(self, fetch: Callable[[UnitOfWork], Awaitable[Any]]) -> Any:
        """A one-off read (a page of a list) in its own short session."""
        async with self._uow(write=False) as uow:
            return await fetch(uow)
