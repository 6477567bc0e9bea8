"""Every table, so that ``SQLModel.metadata`` is complete for Alembic and the tests."""

from sqlmodel import SQLModel

from persistence.annotations.tables import (
    AfterSaleRemarkRow,
    ContactRow,
    CustomerRemarkRow,
    RemarkHistoryRow,
    ShortcutRow,
    StarCounterRow,
    StarRow,
)
from persistence.appeals.tables import (
    AppealEvidenceRow,
    AppealRestrictionRow,
    AppealRow,
    ShopScoreRow,
    WorkingCalendarRow,
)
from persistence.catalog.tables import ProductRow
from persistence.claims.tables import ClaimRow, EvidenceRow
from persistence.coupons.tables import CouponRow, CouponTemplateRow, OrderCouponRow
from persistence.events.tables import EventRow, FiredDeadlineRow
from persistence.idempotency.store import IdempotencyRow
from persistence.orders.tables import OrderLineRow, OrderRow
from persistence.reviews.tables import ReviewRow
from persistence.shops.tables import LedgerEntryRow, ShopAccountRow, ShopRow
from persistence.uploads.tables import UploadRow
from persistence.webhooks.tables import WebhookDeliveryRow, WebhookEndpointRow

metadata = SQLModel.metadata

__all__ = [
    "IdempotencyRow",
    "AfterSaleRemarkRow",
    "ContactRow",
    "CustomerRemarkRow",
    "RemarkHistoryRow",
    "ShortcutRow",
    "StarCounterRow",
    "StarRow",
    "CouponRow",
    "CouponTemplateRow",
    "OrderCouponRow",
    "AppealEvidenceRow",
    "AppealRestrictionRow",
    "AppealRow",
    "WorkingCalendarRow",
    "EventRow",
    "FiredDeadlineRow",
    "ClaimRow",
    "EvidenceRow",
    "UploadRow",
    "LedgerEntryRow",
    "OrderLineRow",
    "OrderRow",
    "ProductRow",
    "ReviewRow",
    "ShopAccountRow",
    "ShopRow",
    "WebhookDeliveryRow",
    "WebhookEndpointRow",
    "ShopScoreRow",
    "metadata",
]
