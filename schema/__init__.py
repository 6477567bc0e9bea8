"""The GraphQL layer: Strawberry types and thin resolvers over ``domain``. Built once, imported everywhere.

The type modules import one another in one direction only:

    shops ← catalog ← orders ← claims ← appeals      (coupons, reviews and annotations hang off orders/claims)

A type lower in that order imports the ones above it at module level; a field that points back up the order (a
shop's experience score, an order's coupons, a ledger entry's claim) names its type with ``strawberry.lazy`` and
imports it under ``TYPE_CHECKING`` only, so the type checker sees the real class and nothing imports in a cycle.
Enums that several areas share sit in their own small modules (``appeals/kinds.py``)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import MaxTokensLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from schema.annotations.operations import AnnotationMutations, AnnotationQueries
from schema.appeals.operations import AppealMutations, AppealQueries
from schema.appeals.types import Appeal
from schema.catalog.lists import ProductListQueries
from schema.catalog.operations import CatalogMutations
from schema.catalog.types import Product
from schema.claims.operations import ClaimMutations, ClaimQueries
from schema.claims.types import Claim, Evidence
from schema.common.scalars import SCALAR_MAP
from schema.compiled import PlanCache
from schema.coupons.lists import CouponTemplateListQueries
from schema.coupons.operations import CouponMutations, CouponQueries
from schema.coupons.types import Coupon, CouponTemplate
from schema.events.operations import EventMutations, EventQueries
from schema.events.subscriptions import Subscription
from schema.events.types import Event
from schema.executor import ExecutionContext
from schema.extensions import (
    AuthenticationGate,
    BoundedParserCache,
    BoundedValidationCache,
    ErrorCodes,
    ProductionPosture,
    ReleaseLoaders,
)
from schema.fast_fields import shortcut_fields
from schema.limits import QueryLimits
from schema.orders.lists import OrderListQueries
from schema.orders.operations import OrderMutations, OrderQueries
from schema.orders.types import Order, OrderLine
from schema.reports.operations import ReportQueries
from schema.reviews.lists import ReviewListQueries
from schema.reviews.operations import ReviewMutations
from schema.reviews.types import Review
from schema.shops.lists import ShopListQueries
from schema.shops.operations import ShopMutations, ShopQueries
from schema.shops.types import LedgerEntry, Shop
from schema.viewer import CoreQueries
from schema.violations.operations import ViolationMutations, ViolationQueries
from schema.violations.types import Violation
from schema.webhooks.operations import WebhookMutations, WebhookQueries
from schema.webhooks.types import WebhookEndpoint

Query = merge_types(
    "Query",
    (CoreQueries, ShopQueries, OrderQueries, ClaimQueries, AppealQueries, CouponQueries, AnnotationQueries,
     EventQueries, WebhookQueries, OrderListQueries, ReviewListQueries, ProductListQueries, ShopListQueries,
     CouponTemplateListQueries, ReportQueries, ViolationQueries),
)
Mutation = merge_types(
    "Mutation",
    (
        ShopMutations,
        CatalogMutations,
        OrderMutations,
        ReviewMutations,
        ClaimMutations,
        AppealMutations,
        CouponMutations,
        AnnotationMutations,
        EventMutations,
        WebhookMutations,
        ViolationMutations,
    ),
)


class ApiSchema(strawberry.Schema):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Builds the schema, then gives its plain fields their shorter paths (``schema/fast_fields.py``): the
        registration belongs to the schema it reads, made once with it, not to whoever imports this package."""
        super().__init__(*args, **kwargs)
        self.field_paths = shortcut_fields(self._schema)  # how many fields take each path (printed by the bench)

    def process_errors(self, errors, execution_context=None) -> None:
        """Logged by ErrorCodes, once, with codes and the request id, and never with the document."""


MAX_TOKENS = 5_000

schema = ApiSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[Shop, LedgerEntry, Product, Order, OrderLine, Review, Claim, Evidence, Appeal, Coupon, CouponTemplate,
           Event, WebhookEndpoint, Violation],
    config=StrawberryConfig(scalar_map=SCALAR_MAP),
    execution_context_class=ExecutionContext,
    extensions=[
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS), lambda: BoundedParserCache(maxsize=512),
        lambda: BoundedValidationCache(maxsize=512), AuthenticationGate, ProductionPosture, QueryLimits, ErrorCodes,
        ReleaseLoaders,
    ],
)

FIELD_PATHS = schema.field_paths
ExecutionContext.plans = PlanCache()


def sdl() -> str:
    """The served schema as committed in ``schema.graphql``."""
    return schema.as_str() + "\n"
