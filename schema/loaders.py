"""Per-request DataLoaders (``<Target>By<Key>``), each a typed attribute of ``Loaders``. Each batch opens its own
short read session, so concurrent resolvers never share one. Statements per query stay constant as lists grow.

These are Strawberry's DataLoaders as they come; ``schema/execution/loaders.py`` (``FastLoaders``) is the same
with the fast paths' extras."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast, overload

from strawberry.dataloader import DataLoader

from domain.shared.uow import UnitOfWork, UnitOfWorkFactory

if TYPE_CHECKING:
    from domain.annotations.model import Remark
    from domain.appeals.model import Appeal, AppealRestriction
    from domain.appeals.ports import ShopScoreFacts
    from domain.catalog.model import Product
    from domain.claims.model import Claim, Evidence
    from domain.coupons.campaign import Campaign, SignUp
    from domain.coupons.invoice import Invoice
    from domain.coupons.model import Coupon, CouponTemplate
    from domain.events.model import Event, HistoryEntry
    from domain.orders.model import Order, OrderLine
    from domain.reviews.model import Review
    from domain.shops.model import LedgerEntry, Shop, ShopAccount
    from domain.uploads.model import Upload
    from domain.violations.model import Violation, ViolationKind
    from domain.webhooks.model import AttemptRecord

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")
Fetch = Callable[[UnitOfWork, list[K]], Awaitable[Mapping[K, V]]]


class BatchLoader(DataLoader[K, "V | None"], Generic[K, V]):
    """A DataLoader that keeps its batch read (``fetch``), so a list resolver can prime it with its own read."""

    def __init__(self, fetch: Fetch[K, V], load_fn: Callable[[list[K]], Awaitable[list[V | None]]], **options: Any):
        super().__init__(load_fn=load_fn, **options)
        self.fetch = fetch


class Loader(Generic[K, V]):
    """Declares a loader of ``Loaders``: made on first use in a request, then kept on the instance."""

    def __init__(self, fetch: Fetch[K, V]):
        self.fetch = fetch
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type) -> Loader[K, V]: ...

    @overload
    def __get__(self, instance: Loaders, owner: type) -> BatchLoader[K, V]: ...

    def __get__(self, instance: Loaders | None, owner: type) -> Loader[K, V] | BatchLoader[K, V]:
        if instance is None:
            return self
        loader = instance.batch_loader(self.fetch)
        instance.__dict__[self.name] = loader  # the instance's own attribute from now on
        return loader


async def _own_sign_ups(uow: UnitOfWork, keys: list[tuple[int, int]]) -> dict[tuple[int, int], SignUp]:
    """A shop's sign-ups of these campaigns (a request acts for one shop: one statement a shop)."""
    found: dict[tuple[int, int], SignUp] = {}
    for shop_id in {shop for _, shop in keys}:
        campaigns = [campaign for campaign, shop in keys if shop == shop_id]
        for campaign_id, sign_ups in (await uow.campaigns.sign_ups(campaigns, shop_id)).items():
            found[(campaign_id, shop_id)] = sign_ups[0]
    return found


class Loaders:
    """Made on first use: a request pays only for the loaders it touches."""

    loader_options: dict[str, Any] = {}  # DataLoader options; the bench's naive variant turns batching off

    shop_by_id: Loader[int, Shop] = Loader(lambda u, ids: u.shops.get_many(ids))
    account_by_shop: Loader[int, ShopAccount] = Loader(lambda u, ids: u.accounts.get_many(ids))
    product_by_id: Loader[int, Product] = Loader(lambda u, ids: u.products.get_many(ids))
    order_by_id: Loader[int, Order] = Loader(lambda u, ids: u.orders.get_many(ids))
    order_line_by_id: Loader[int, OrderLine] = Loader(lambda u, ids: u.orders.lines_by_ids(ids))
    ledger_entry_by_id: Loader[int, LedgerEntry] = Loader(lambda u, ids: u.accounts.entries_by_ids(ids))
    review_by_id: Loader[int, Review] = Loader(lambda u, ids: u.reviews.get_many(ids))
    upload_by_id: Loader[str, Upload] = Loader(lambda u, ids: u.uploads.get_many(ids))
    claim_by_id: Loader[int, Claim] = Loader(lambda u, ids: u.claims.get_many(ids))
    evidence_by_id: Loader[int, Evidence] = Loader(lambda u, ids: u.claims.evidence_by_ids(ids))
    claim_ids_by_sha256: Loader[str, set[int]] = Loader(lambda u, digests: u.claims.claim_ids_by_sha256(digests))
    ledger_entries_by_claim: Loader[int, list[LedgerEntry]] = Loader(lambda u, ids: u.accounts.entries_for_claims(ids))
    appeal_by_id: Loader[int, Appeal] = Loader(lambda u, ids: u.appeals.get_many(ids))
    appeal_id_by_evidence: Loader[int, int] = Loader(lambda u, ids: u.appeals.appeal_ids_of_evidence(ids))
    appeal_restriction_by_shop: Loader[int, AppealRestriction] = Loader(lambda u, ids: u.appeals.restrictions(ids))
    score_facts_by_shop: Loader[int, ShopScoreFacts] = Loader(lambda u, ids: u.scores.facts(ids))
    violation_by_id: Loader[int, Violation] = Loader(lambda u, ids: u.violations.get_many(ids))
    violation_counts_by_shop: Loader[int, dict[ViolationKind, int]] = Loader(
        lambda u, ids: u.violations.in_force_counts(ids))
    coupon_by_id: Loader[int, Coupon] = Loader(lambda u, ids: u.coupons.get_many(ids))
    coupon_template_by_id: Loader[int, CouponTemplate] = Loader(lambda u, ids: u.coupons.templates(ids))
    campaign_by_id: Loader[int, Campaign] = Loader(lambda u, ids: u.campaigns.get_many(ids))
    sign_ups_by_campaign: Loader[int, list[SignUp]] = Loader(lambda u, ids: u.campaigns.sign_ups(ids, None))
    sign_up_by_campaign_and_shop: Loader[tuple[int, int], SignUp] = Loader(lambda u, keys: _own_sign_ups(u, keys))
    invoice_by_id: Loader[int, Invoice] = Loader(lambda u, ids: u.invoices.get_many(ids))
    after_sale_remarks_by_claim: Loader[int, list[Remark]] = Loader(
        lambda u, ids: u.annotations.after_sale_remarks(ids))
    claim_history_by_claim: Loader[int, list[HistoryEntry]] = Loader(lambda u, ids: u.events.histories("Claim", ids))
    event_by_id: Loader[int, Event] = Loader(lambda u, ids: u.events.get_many(ids))
    attempt_log_by_delivery: Loader[int, list[AttemptRecord]] = Loader(lambda u, ids: u.webhooks.attempt_logs(ids))

    def __init__(self, uow: UnitOfWorkFactory):
        self._uow = uow

    def batch_loader(self, fetch: Fetch[K, V]) -> BatchLoader[K, V]:
        return BatchLoader(fetch, self.batch_read(fetch), **self.loader_options)

    def batch_read(self, fetch: Fetch[K, V]) -> Callable[[list[K]], Awaitable[list[V | None]]]:
        async def load(keys: list[K]) -> list[V | None]:
            async with self._uow(write=False, transaction=False) as uow:
                found = await fetch(uow, list(keys))
            return [found.get(key) for key in keys]

        return load

    def release(self) -> None:
        """Drops what this request loaded. graphql-core's execution context is a reference cycle (it keeps bound
        methods of itself) that holds the request's context, so without this everything loaded would wait for
        the garbage collector — a page of claims is ~1,300 objects — instead of going when the request does."""
        for value in vars(self).values():
            if isinstance(value, BatchLoader):
                value.clear_all()
                value.batch = None  # the last batch's tasks hold their futures, and so the values

    def then(self, loader: BatchLoader[K, V], key: K, transform: Callable[[V | None], T]) -> T:
        """An awaitable of ``transform(value)``, which graphql-core awaits — so to the field that returns it, it is a
        ``T`` (hence the type). The fast paths (``schema/execution/loaders.py``) give it at once when the value is
        already loaded."""
        return cast(T, after(loader.load(key), transform))

    async def prime(self, loader: BatchLoader[K, V], keys: Iterable[K], uow: UnitOfWork | None = None
                    ) -> list[V | None]:
        """Load ``keys`` now, in one batch, so the fields below a list find them loaded. ``uow``: the list
        resolver's own read, which holds a connection: the keys are read with it and primed (DataLoader's
        ``prime_many``), never by the loader's own batch, which would wait for a second connection while holding
        the first — with as many concurrent lists as the pool has connections, each would wait for ever."""
        wanted = list(dict.fromkeys(keys))
        if uow is not None:
            found = await loader.fetch(uow, wanted)
            loader.prime_many({key: found.get(key) for key in wanted})
        return list(await loader.load_many(wanted))

    async def read(self, fetch: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """A one-off read (a page of a list) in its own short session."""
        async with self._uow(write=False, transaction=False) as uow:
            return await fetch(uow)


async def after(pending: Awaitable[V | None], transform: Callable[[V | None], T]) -> T:
    return transform(await pending)
