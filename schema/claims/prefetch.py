"""Loads what a page of claims will be asked for, one batch per relation, before graphql-core walks the page.
The fields below then find their values already loaded (``Loaders.then``) and complete synchronously:
no awaitable per item per relation. Only what the query selects is loaded, so the statements stay those of the
same query without the prefetch, and stay constant as the page grows. Everything is read in the page's own
unit of work (one connection, one transaction), one relation after the other."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from domain.claims.model import Claim
from domain.shared.errors import stored
from domain.shared.uow import UnitOfWork
from schema.common.selection import selected_paths
from schema.loaders import BatchLoader, K, V

if TYPE_CHECKING:
    from schema.context import Info

NODE = "edges.node."


async def prefetch_claim_page(info: Info, claims: list[Claim], uow: UnitOfWork) -> None:
    if not claims:
        return
    wanted = selected_paths(info)

    def asks(path: str) -> bool:
        return NODE + path in wanted

    loaders = info.context.loaders

    async def prime(loader: BatchLoader[K, V], keys: Iterable[K]) -> list[V]:
        return [value for value in await loaders.prime(loader, keys, uow) if value]

    wants_orders = asks("order") or asks("standardPenalty")  # C6: the penalty is the order's
    orders = await prime(loaders.order_by_id, (c.order_id for c in claims)) if wants_orders else []
    lines = await prime(loaders.order_line_by_id, (c.order_line_id for c in claims)) if asks("orderLine") else []
    if asks("events"):
        await prime(loaders.claim_history_by_claim, (stored(c.id) for c in claims))
    product_ids = [line.product_id for line in lines] if asks("orderLine.product") else []
    if asks("order.lines.product"):
        product_ids += [line.product_id for order in orders for line in order.lines]
    products = await prime(loaders.product_by_id, product_ids) if product_ids else []
    shop_ids = [c.shop_id for c in claims] if asks("shop") else []
    if asks("order.shop"):
        shop_ids += [order.shop_id for order in orders]
    if asks("order.lines.product.shop") or asks("orderLine.product.shop"):
        shop_ids += [product.shop_id for product in products]
    if shop_ids:
        await prime(loaders.shop_by_id, shop_ids)
