"""Loads what a page of claims will be asked for, one batch per relation, before graphql-core walks the page
(issue 8). The fields below then find their values already loaded (``Loaders.then``) and complete synchronously:
no awaitable per item per relation. Only what the query selects is loaded, so the statements stay those of the
same query without the prefetch, and stay constant as the page grows."""

from __future__ import annotations

import asyncio

from schema.common.selection import selected_paths

NODE = "edges.node."


async def prefetch_claim_page(info, claims: list) -> None:
    if not claims:
        return
    wanted = selected_paths(info)

    def asks(path: str) -> bool:
        return NODE + path in wanted

    loaders = info.context.loaders
    orders, lines, _ = await asyncio.gather(
        loaders.prime("order_by_id", (c.order_id for c in claims)) if asks("order") else _none(),
        loaders.prime("order_line_by_id", (c.order_line_id for c in claims)) if asks("orderLine") else _none(),
        loaders.prime("claim_events_by_claim", (c.id for c in claims)) if asks("events") else _none(),
    )
    orders, lines = [o for o in orders if o], [line for line in lines if line]
    product_ids = [line.product_id for line in lines] if asks("orderLine.product") else []
    if asks("order.lines.product"):
        product_ids += [line.product_id for order in orders for line in order.lines]
    products = [p for p in await loaders.prime("product_by_id", product_ids) if p] if product_ids else []
    shop_ids = [c.shop_id for c in claims] if asks("shop") else []
    if asks("order.shop"):
        shop_ids += [order.shop_id for order in orders]
    if asks("order.lines.product.shop") or asks("orderLine.product.shop"):
        shop_ids += [product.shop_id for product in products]
    if shop_ids:
        await loaders.prime("shop_by_id", shop_ids)


async def _none() -> list:
    return []
