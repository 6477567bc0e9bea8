"""The GraphQL layer: Strawberry types and thin resolvers over ``domain``. Built once, imported everywhere.

The type modules import one another in one direction only:

    shops ← catalog ← orders ← claims ← appeals      (coupons, reviews and annotations hang off orders/claims)

A type lower in that order imports the ones above it at module level; a field that points back up the order (a
shop's experience score, an order's coupons, a ledger entry's claim) names its type with ``strawberry.lazy`` and
imports it under ``TYPE_CHECKING`` only, so the type checker sees the real class and nothing imports in a cycle.
Enums that several areas share sit in their own small modules (``appeals/kinds.py``)."""

from __future__ import annotations

import functools
from typing import Any

import strawberry
from graphql import GraphQLSchema
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
from schema.common import describe
from schema.common.scalars import SCALAR_MAP
from schema.coupons.campaigns import Campaign, CampaignMutations, CampaignQueries
from schema.coupons.invoices import Invoice, InvoiceMutations
from schema.coupons.issuance import IssuanceMutations
from schema.coupons.lists import CouponTemplateListQueries
from schema.coupons.operations import CouponMutations, CouponQueries
from schema.coupons.types import Coupon, CouponTemplate
from schema.events.operations import EventMutations, EventQueries
from schema.events.subscriptions import Subscription
from schema.events.types import Event
from schema.exports.operations import ExportMutations, ExportQueries
from schema.exports.types import Export
from schema.extensions import (
    AuthenticationGate,
    BoundedParserCache,
    BoundedValidationCache,
    ErrorCodes,
    ProductionPosture,
    ReleaseLoaders,
)
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
from schema.throttling import Throttling
from schema.viewer import CoreQueries
from schema.violations.operations import ViolationMutations, ViolationQueries
from schema.violations.types import Violation
from schema.webhooks.operations import WebhookMutations, WebhookQueries
from schema.webhooks.types import WebhookEndpoint

Query = merge_types(
    "Query",
    (CoreQueries, ShopQueries, OrderQueries, ClaimQueries, AppealQueries, CouponQueries, AnnotationQueries,
     EventQueries, WebhookQueries, OrderListQueries, ReviewListQueries, ProductListQueries, ShopListQueries,
     CouponTemplateListQueries, ReportQueries, ViolationQueries, ExportQueries, CampaignQueries),
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
        CampaignMutations,
        IssuanceMutations,
        InvoiceMutations,
        AnnotationMutations,
        EventMutations,
        WebhookMutations,
        ViolationMutations,
        ExportMutations,
    ),
)


class ApiSchema(strawberry.Schema):
    def __init__(self, *args: Any, fast: bool, **kwargs: Any) -> None:
        """Builds the schema; ``fast``: with the fast paths of ``schema/execution/`` installed (``FAST_PATHS``),
        else executed as stock Strawberry. ``field_paths``: how many fields take each fast path (the bench prints
        it; empty when stock)."""
        super().__init__(*args, **kwargs)
        self.fast = fast
        self.core: GraphQLSchema = self._schema  # graphql-core's schema, for validating and measuring documents
        self.misplaced_descriptions = describe.apply(self.core, describe.catalogue())  # D1 (tests/test_descriptions)
        self.field_paths: dict[str, int] = {}
        if fast:
            from schema import execution

            self.field_paths = execution.install(self.core)

    def process_errors(self, errors, execution_context=None) -> None:
        """Logged by ErrorCodes, once, with codes and the request id, and never with the document."""


MAX_TOKENS = 5_000


def build(fast: bool) -> ApiSchema:
    """The served schema, with (``fast``) or without the fast paths; both print the same SDL."""
    options: dict[str, Any] = {}
    if fast:
        from schema import execution

        options["execution_context_class"] = execution.execution_context_class()
    return ApiSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Shop, LedgerEntry, Product, Order, OrderLine, Review, Claim, Evidence, Appeal, Coupon,
               CouponTemplate, Event, WebhookEndpoint, Violation, Export, Campaign, Invoice],
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        extensions=[
            lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS), lambda: BoundedParserCache(maxsize=512),
            lambda: BoundedValidationCache(maxsize=512), AuthenticationGate, ProductionPosture, QueryLimits,
            Throttling, ErrorCodes, ReleaseLoaders,
        ],
        fast=fast,
        **options,
    )


schema = build(fast=True)
FIELD_PATHS = schema.field_paths


@functools.cache
def stock_schema() -> ApiSchema:
    """The same schema executed as stock Strawberry (``FAST_PATHS=false``), built on first use."""
    return build(fast=False)


def served(fast: bool) -> ApiSchema:
    return schema if fast else stock_schema()


def sdl() -> str:
    """The served schema as committed in ``schema.graphql``."""
    return schema.as_str() + "\n"
