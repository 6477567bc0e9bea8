"""Every table, so that ``SQLModel.metadata`` is complete for Alembic and the tests."""

from sqlalchemy import BigInteger, Integer
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
from persistence.coupons.campaign_tables import CampaignRow, CampaignSignUpRow, InvoiceAccountRow, InvoiceRow
from persistence.coupons.tables import CouponRow, CouponTemplateRow, OrderCouponRow
from persistence.events.tables import EventRow, FiredDeadlineRow
from persistence.exports.tables import ExportJobRow
from persistence.idempotency.store import IdempotencyRow
from persistence.orders.tables import OrderLineRow, OrderRow
from persistence.persisted.store import PersistedQueryRow
from persistence.reviews.tables import ReviewRow
from persistence.shops.tables import LedgerEntryRow, ShopAccountRow, ShopRow
from persistence.throttle.tables import ThrottleBucketRow
from persistence.uploads.tables import UploadRow
from persistence.violations.tables import ViolationRow
from persistence.webhooks.tables import WebhookDeliveryRow, WebhookEndpointRow

metadata = SQLModel.metadata


def _widen_integers() -> None:
    """Every key (``id``, ``…_id``) is BIGINT on PostgreSQL (migration 0014), and SQLAlchemy types its bound
    parameters by the column (``::INTEGER``): so every integer key is read and written as a BigInteger, which on
    SQLite is the same 64-bit INTEGER. Done once, at import, before any statement is compiled."""
    for table in metadata.tables.values():
        for column in table.columns:
            if type(column.type) is Integer and (column.name == "id" or column.name.endswith("_id")):
                column.type = BigInteger()


_widen_integers()

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
    "CampaignRow",
    "CampaignSignUpRow",
    "InvoiceRow",
    "InvoiceAccountRow",
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
    "ViolationRow",
    "WebhookEndpointRow",
    "ShopScoreRow",
    "PersistedQueryRow",
    "ThrottleBucketRow",
    "ExportJobRow",
    "metadata",
]
