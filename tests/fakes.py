"""An in-memory unit of work (the cosmicpython way): the domain's ports over dictionaries, so a rule's service
test runs in milliseconds with no database. The fakes keep the promises the ports make and the services rely on
— a rollback undoes everything, an update is conditional on the version read, a unique rule refuses a duplicate —
and nothing more: concurrency is proven against the real databases (tests/api/test_race*.py).

The reports are not faked (their one read is an aggregate of SQL over every table): tested through the API. Each fake
keeps the same promises as its SQL twin: ``tests/test_repository_contracts.py`` runs one set of checks on both."""

from __future__ import annotations

import copy
import dataclasses
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from domain.annotations.model import CustomerRemark, Remark, Star
from domain.appeals.model import Appeal, AppealRestriction, AppealStatus
from domain.appeals.ports import AppealQuery
from domain.calendar.model import YearCalendar
from domain.claims.model import Claim, ClaimStatus, Evidence
from domain.claims.ports import ClaimQuery
from domain.coupons.campaign import Campaign, SignUp
from domain.coupons.model import AppliedCoupon, Coupon, CouponStatus, CouponTemplate
from domain.events.model import Event, EventQuery, EventType, HistoryEntry
from domain.exports.model import ExportStatus
from domain.orders.model import Order, OrderLine
from domain.reviews.model import Review
from domain.shared.actor import Role
from domain.shared.errors import AlreadyExists, ConcurrentUpdate, DomainError, ErrorCode, InvalidState
from domain.shared.listing import Page, window_of
from domain.shops.model import LedgerEntry, Shop, ShopAccount
from domain.uploads.model import Upload
from domain.webhooks.model import AttemptRecord, DeliveryStatus, WebhookDelivery, WebhookEndpoint

T = TypeVar("T")


class Store:
    """What a database would hold: rows (as domain objects), and the next id of each kind."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[Any, Any]] = defaultdict(dict)
        self.ids: dict[str, int] = defaultdict(int)
        self.commits = 0

    def next_id(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    def table(self, kind: str) -> dict[Any, Any]:
        return self.rows[kind]


def _copy(value: T) -> T:
    return copy.deepcopy(value)


def _pick(table: dict[Any, T], ids: list[Any]) -> dict[Any, T]:
    """``get_many``: copies of the rows with those keys (a row read is not the row stored)."""
    return {i: _copy(table[i]) for i in ids if i in table}


def _versioned_update(table: dict[Any, Any], key: Any, value: Any, what: str) -> None:
    """The conditional UPDATE … WHERE version = :read of the SQL repositories."""
    stored = table.get(key)
    if stored is None or stored.version != value.version:
        raise ConcurrentUpdate(what)
    value.version += 1
    table[key] = _copy(value)


class _Repository:
    def __init__(self, store: Store):
        self.store = store


class FakeShops(_Repository):
    async def add(self, shop: Shop) -> Shop:
        shop.id = self.store.next_id("shop")
        self.store.table("shops")[shop.id] = _copy(shop)
        return shop

    async def get_many(self, ids: list[int]) -> dict[int, Shop]:
        return _pick(self.store.table("shops"), ids)


class FakeAccounts(_Repository):
    async def add(self, account: ShopAccount) -> None:
        self.store.table("accounts")[account.shop_id] = _copy(account)

    async def get(self, shop_id: int, *, lock: bool = False) -> ShopAccount | None:
        found = self.store.table("accounts").get(shop_id)
        return _copy(found) if found else None

    async def get_many(self, shop_ids: list[int]) -> dict[int, ShopAccount]:
        return {i: _copy(a) for i, a in self.store.table("accounts").items() if i in shop_ids}

    async def save(self, account: ShopAccount) -> list[LedgerEntry]:
        pending, account.pending = account.pending, []
        _versioned_update(self.store.table("accounts"), account.shop_id, account, "shop account")
        entries = self.store.table("ledger")
        reversed_ids = {e.reverses_id for e in entries.values() if e.reverses_id is not None}
        saved = []
        for entry in pending:
            if entry.reverses_id is not None and entry.reverses_id in reversed_ids:
                raise InvalidState("that ledger entry was already reversed")
            stored = dataclasses.replace(entry, id=self.store.next_id("ledger"))
            entries[stored.id] = stored
            saved.append(stored)
        return saved

    async def entries_page(self, shop_id: int, page: Page) -> list[LedgerEntry]:
        return window_of((e for e in self.store.table("ledger").values() if e.shop_id == shop_id),
                         lambda e: (e.id,), False, page)

    async def entries_by_ids(self, ids: list[int]) -> dict[int, LedgerEntry]:
        return {i: e for i, e in self.store.table("ledger").items() if i in ids}

    async def entries_for_claims(self, claim_ids: list[int]) -> dict[int, list[LedgerEntry]]:
        found: dict[int, list[LedgerEntry]] = {claim_id: [] for claim_id in claim_ids}
        for entry in sorted(self.store.table("ledger").values(), key=lambda e: e.id):
            if entry.claim_id in found:
                found[entry.claim_id].append(entry)
        return found

    def entries(self, shop_id: int) -> list[LedgerEntry]:
        """For tests: the shop's ledger, oldest first."""
        return sorted((e for e in self.store.table("ledger").values() if e.shop_id == shop_id), key=lambda e: e.id)


class FakeProducts(_Repository):
    async def add(self, product: Any) -> Any:
        if any(p.shop_id == product.shop_id and p.sku == product.sku for p in self.store.table("products").values()):
            raise AlreadyExists("the shop already has that SKU", ("input", "sku"))
        product.id = self.store.next_id("product")
        self.store.table("products")[product.id] = _copy(product)
        return product

    async def get_many(self, ids: list[int]) -> dict[int, Any]:
        return _pick(self.store.table("products"), ids)


class FakeOrders(_Repository):
    async def add(self, order: Order) -> Order:
        order.id = self.store.next_id("order")
        for line in order.lines:
            line.id, line.order_id = self.store.next_id("line"), order.id
        self.store.table("orders")[order.id] = _copy(order)
        return order

    async def get(self, order_id: int, *, lock: bool = False) -> Order | None:
        found = self.store.table("orders").get(order_id)
        return _copy(found) if found else None

    async def get_many(self, ids: list[int]) -> dict[int, Order]:
        return _pick(self.store.table("orders"), ids)

    async def lines_by_ids(self, ids: list[int]) -> dict[int, OrderLine]:
        lines = {line.id: line for order in self.store.table("orders").values() for line in order.lines}
        return {i: _copy(lines[i]) for i in ids if i in lines}

    async def buyers_with_orders(self, buyer_ids: list[str]) -> set[str]:
        return {o.buyer_id for o in self.store.table("orders").values() if o.buyer_id in buyer_ids}

    async def has_orders(self, buyer_id: str) -> bool:
        return any(o.buyer_id == buyer_id for o in self.store.table("orders").values())

    async def update(self, order: Order) -> None:
        _versioned_update(self.store.table("orders"), order.id, order, "order")


class FakeReviews(_Repository):
    async def add(self, review: Review) -> Review:
        if any(r.order_id == review.order_id for r in self.store.table("reviews").values()):
            raise AlreadyExists("this order already has a review", ("input", "orderId"))
        review.id = self.store.next_id("review")
        self.store.table("reviews")[review.id] = _copy(review)
        return review

    async def get_many(self, ids: list[int]) -> dict[int, Review]:
        return _pick(self.store.table("reviews"), ids)

    async def update(self, review: Review) -> None:
        _versioned_update(self.store.table("reviews"), review.id, review, "review")


class FakeUploads(_Repository):
    async def add(self, upload: Upload) -> None:
        self.store.table("uploads")[upload.id] = upload

    async def get_many(self, ids: list[str]) -> dict[str, Upload]:
        return {i: self.store.table("uploads")[i] for i in ids if i in self.store.table("uploads")}

    async def usage_since(self, owner_id: str, owner_role, since) -> tuple[int, int]:
        mine = [u for u in self.store.table("uploads").values()
                if (u.owner_id, u.owner_role) == (owner_id, owner_role) and u.created_at >= since]
        return len(mine), sum(u.facts.size for u in mine)


class FakeClaims(_Repository):
    def _store_evidence(self, claim: Claim) -> None:
        for item in claim.evidence:
            if item.id is None:
                item.id, item.claim_id = self.store.next_id("evidence"), claim.id

    async def add(self, claim: Claim) -> Claim:
        if claim.is_open and any(c.order_line_id == claim.order_line_id and c.is_open
                                 for c in self.store.table("claims").values()):
            raise DomainError("this line already has an open claim", ("input", "orderLineId"),
                              ErrorCode.CLAIM_ALREADY_OPEN)
        claim.id = self.store.next_id("claim")
        self._store_evidence(claim)
        self.store.table("claims")[claim.id] = _copy(claim)
        return claim

    async def get(self, claim_id: int, *, lock: bool = False) -> Claim | None:
        found = self.store.table("claims").get(claim_id)
        return _copy(found) if found else None

    async def get_many(self, ids: list[int]) -> dict[int, Claim]:
        return _pick(self.store.table("claims"), ids)

    async def update(self, claim: Claim) -> None:
        self._store_evidence(claim)
        _versioned_update(self.store.table("claims"), claim.id, claim, "claim")

    async def for_line(self, order_line_id: int) -> list[Claim]:
        return [_copy(c) for c in self.store.table("claims").values() if c.order_line_id == order_line_id]

    async def for_order(self, order_id: int) -> list[Claim]:
        return sorted((_copy(c) for c in self.store.table("claims").values() if c.order_id == order_id),
                      key=lambda c: c.id or 0)

    def _matching(self, query: ClaimQuery) -> list[Claim]:
        if query.nothing:
            return []
        return [c for c in self.store.table("claims").values()
                if (not query.statuses or c.status in query.statuses)
                and (query.shop_id is None or c.shop_id == query.shop_id)
                and (query.buyer_id is None or c.buyer_id == query.buyer_id)
                and (not query.reasons or c.reason in query.reasons)
                and (query.submitted_from is None or c.submitted_at >= query.submitted_from)
                and (query.submitted_to is None or c.submitted_at < query.submitted_to)
                and (query.overdue_at is None or (c.status is ClaimStatus.AWAITING_MERCHANT
                                                  and c.merchant_response_due_at < query.overdue_at))
                and (query.order_id is None or c.order_id == query.order_id)]

    async def page(self, query: ClaimQuery, page: Page) -> list[Claim]:
        attribute = {None: None, "SUBMITTED_AT": "submitted_at", "MERCHANT_RESPONSE_DUE_AT": "merchant_response_due_at"}

        def key(claim: Claim) -> tuple:
            name = attribute[page.sort]
            return (getattr(claim, name), claim.id) if name else (claim.id,)

        return [_copy(c) for c in window_of(self._matching(query), key, page.descending, page)]

    async def count(self, query: ClaimQuery) -> int:
        return len(self._matching(query))

    async def evidence_by_ids(self, ids: list[int]) -> dict[int, Evidence]:
        items = {e.id: e for c in self.store.table("claims").values() for e in c.evidence}
        return {i: _copy(items[i]) for i in ids if i in items}

    async def claim_ids_by_sha256(self, digests: list[str]) -> dict[str, set[int]]:
        found: dict[str, set[int]] = {digest: set() for digest in digests}
        for claim in self.store.table("claims").values():
            for item in claim.evidence:
                if item.sha256 in found:
                    found[item.sha256].add(claim.id)
        return found

    async def claim_parties_of_upload(self, upload_id: str) -> set[tuple[int, str]]:
        return {(c.shop_id, c.buyer_id) for c in self.store.table("claims").values()
                if any(e.upload_id == upload_id for e in c.evidence)}


class FakeCoupons(_Repository):
    async def add_template(self, template: CouponTemplate) -> CouponTemplate:
        template.id = self.store.next_id("template")
        self.store.table("templates")[template.id] = _copy(template)
        return template

    async def templates(self, ids: list[int]) -> dict[int, CouponTemplate]:
        return _pick(self.store.table("templates"), ids)

    async def take_stock(self, template_id: int) -> bool:
        template = self.store.table("templates")[template_id]
        if template.claimed_count >= template.total_stock:
            return False
        template.claimed_count += 1
        return True

    async def add(self, coupon: Coupon) -> Coupon:
        if any((c.template_id, c.owner_id, c.seq) == (coupon.template_id, coupon.owner_id, coupon.seq)
               for c in self.store.table("coupons").values()):
            raise ConcurrentUpdate("coupon wallet")
        coupon.id = self.store.next_id("coupon")
        self.store.table("coupons")[coupon.id] = _copy(coupon)
        return coupon

    async def count_owned(self, template_id: int, owner_id: str) -> int:
        return sum(1 for c in self.store.table("coupons").values()
                   if c.template_id == template_id and c.owner_id == owner_id)

    async def lock_template(self, template_id: int) -> CouponTemplate | None:
        return _pick(self.store.table("templates"), [template_id]).get(template_id)

    async def take_stock_many(self, template_id: int, count: int) -> bool:
        template = self.store.table("templates")[template_id]
        if template.claimed_count + count > template.total_stock:
            return False
        template.claimed_count += count
        return True

    async def add_many(self, coupons: list[Coupon]) -> None:
        taken = {(c.template_id, c.owner_id, c.seq) for c in self.store.table("coupons").values()}
        if any((c.template_id, c.owner_id, c.seq) in taken for c in coupons):
            raise ConcurrentUpdate("coupon wallet")
        for coupon in coupons:
            await self.add(coupon)

    async def owned_by(self, template_id: int, owner_ids: list[str]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for c in self.store.table("coupons").values():
            if c.template_id == template_id and c.owner_id in owner_ids:
                counts[c.owner_id] = counts.get(c.owner_id, 0) + 1
        return counts

    async def set_campaign(self, template_ids: list[int], campaign_id: int) -> int:
        changed = 0
        for template_id in set(template_ids):
            template = self.store.table("templates").get(template_id)
            if template is not None and template.campaign_id is None and template.issuer_kind.value == "PLATFORM":
                template.campaign_id = campaign_id
                changed += 1
        return changed

    async def get_many(self, ids: list[int]) -> dict[int, Coupon]:
        return _pick(self.store.table("coupons"), ids)

    async def wallet(self, owner_id: str) -> list[Coupon]:
        return sorted((_copy(c) for c in self.store.table("coupons").values() if c.owner_id == owner_id),
                      key=lambda c: -(c.id or 0))

    async def for_order(self, order_id: int) -> list[Coupon]:
        return sorted((_copy(c) for c in self.store.table("coupons").values() if c.order_id == order_id),
                      key=lambda c: c.id or 0)

    async def update(self, coupon: Coupon) -> None:
        _versioned_update(self.store.table("coupons"), coupon.id, coupon, "coupon")

    async def used_for_shop(self, shop_id: int, start: datetime, end: datetime) -> list[AppliedCoupon]:
        used = []
        for order in self.store.table("orders").values():
            if order.shop_id != shop_id:
                continue
            for applied in order.coupons:
                coupon = self.store.table("coupons").get(applied.coupon_id)
                if coupon and coupon.status is CouponStatus.USED and coupon.order_id == order.id \
                        and coupon.used_at and start <= coupon.used_at < end:
                    used.append(applied)
        return used


class FakeCampaigns(_Repository):
    """W11: campaigns, and sign-ups unique per (campaign, shop) like ``uq_campaign_sign_ups``."""

    async def add(self, campaign: Campaign) -> Campaign:
        campaign.id = self.store.next_id("campaign")
        self.store.table("campaigns")[campaign.id] = _copy(campaign)
        return campaign

    async def get_many(self, ids: list[int]) -> dict[int, Campaign]:
        found = _pick(self.store.table("campaigns"), ids)
        for campaign in found.values():
            campaign.template_ids = tuple(sorted(t.id for t in self.store.table("templates").values()
                                                 if t.campaign_id == campaign.id))
        return found

    def _visible(self, open_at: datetime | None, shop_id: int | None) -> list[Campaign]:
        signed = {k[0] for k in self.store.table("sign_ups") if k[1] == shop_id}
        return [c for c in self.store.table("campaigns").values()
                if open_at is None or c.sign_up_from <= open_at <= c.sign_up_until or c.id in signed]

    async def page(self, open_at: datetime | None, shop_id: int | None, page: Page) -> list[Campaign]:
        ids = sorted((c.id or 0 for c in self._visible(open_at, shop_id)), reverse=True)
        return list((await self.get_many(ids[:page.limit])).values())

    async def count(self, open_at: datetime | None, shop_id: int | None) -> int:
        return len(self._visible(open_at, shop_id))

    async def sign_up(self, campaign_id: int, shop_id: int) -> SignUp | None:
        found = self.store.table("sign_ups").get((campaign_id, shop_id))
        return _copy(found) if found else None

    async def add_sign_up(self, sign_up: SignUp) -> None:
        key = (sign_up.campaign_id, sign_up.shop_id)
        if key in self.store.table("sign_ups"):
            raise ConcurrentUpdate("campaign sign-up")
        self.store.table("sign_ups")[key] = _copy(sign_up)

    async def update_sign_up(self, sign_up: SignUp) -> None:
        _versioned_update(self.store.table("sign_ups"), (sign_up.campaign_id, sign_up.shop_id), sign_up,
                          "campaign sign-up")

    async def remove_sign_up(self, sign_up: SignUp) -> None:
        key = (sign_up.campaign_id, sign_up.shop_id)
        found = self.store.table("sign_ups").get(key)
        if found is None or found.version != sign_up.version:
            raise ConcurrentUpdate("campaign sign-up")
        del self.store.table("sign_ups")[key]

    async def sign_ups(self, campaign_ids: list[int], shop_id: int | None) -> dict[int, list[SignUp]]:
        found: dict[int, list[SignUp]] = {}
        for (campaign_id, shop), sign_up in self.store.table("sign_ups").items():
            if campaign_id in campaign_ids and (shop_id is None or shop == shop_id):
                found.setdefault(campaign_id, []).append(_copy(sign_up))
        return found

    async def shares(self, campaign_ids: list[int], shop_ids: list[int]) -> dict[int, dict[int, Decimal]]:
        found: dict[int, dict[int, Decimal]] = {}
        for (campaign_id, shop), sign_up in self.store.table("sign_ups").items():
            if campaign_id in campaign_ids and shop in shop_ids:
                found.setdefault(campaign_id, {})[shop] = sign_up.merchant_share
        return found


class FakeScores(_Repository):
    """A6's counters: a row per shop, added to."""

    async def create(self, shop_id: int) -> None:
        self.store.table("scores")[shop_id] = [0, 0, 0, 0]

    async def add(self, shop_id: int, *, rating_sum: int = 0, counted_reviews: int = 0, counted_claims: int = 0,
                  delivered_orders: int = 0) -> None:
        row = self.store.table("scores").setdefault(shop_id, [0, 0, 0, 0])
        for i, delta in enumerate((rating_sum, counted_reviews, counted_claims, delivered_orders)):
            row[i] += delta

    async def facts(self, shop_ids: list[int]) -> dict:
        from domain.appeals.ports import ShopScoreFacts

        return {s: ShopScoreFacts(*self.store.table("scores").get(s, [0, 0, 0, 0])) for s in shop_ids}


class FakeViolations(_Repository):
    """V1–V2's records, versioned like the table."""

    def _rows(self) -> dict:
        return self.store.table("violations")

    async def add(self, violation):
        violation.id = self.store.next_id("violation")
        self._rows()[violation.id] = _copy(violation)
        return violation

    async def get(self, violation_id: int):
        return (await self.get_many([violation_id])).get(violation_id)

    async def get_many(self, ids: list[int]) -> dict:
        return _pick(self._rows(), ids)

    async def update(self, violation) -> None:
        stored_row = self._rows().get(violation.id)
        if stored_row is None or stored_row.version != violation.version:
            raise ConcurrentUpdate("violation")
        violation.version += 1
        self._rows()[violation.id] = _copy(violation)

    async def in_force_breaches(self, shop_id: int) -> list:
        from domain.violations.model import ViolationKind

        return [_copy(v) for v in self._rows().values()
                if v.shop_id == shop_id and v.in_force and v.kind is ViolationKind.SERVICE_PROMISE_BREACH]

    async def in_force_counts(self, shop_ids: list[int]) -> dict:
        from domain.violations.model import ViolationKind

        counts = {shop: dict.fromkeys(ViolationKind, 0) for shop in shop_ids}
        for v in self._rows().values():
            if v.shop_id in counts and v.in_force:
                counts[v.shop_id][v.kind] += 1
        return counts


class FakeEvents(_Repository):
    """The outbox: an event is stored with the transaction, and a rollback takes it back (the snapshot)."""

    async def record(self, event: Event) -> None:
        await self.append(event)

    async def append(self, event: Event) -> int:
        event_id = self.store.next_id("event")
        self.store.table("events")[event_id] = dataclasses.replace(event, id=event_id)
        return event_id

    def all(self) -> list[Event]:
        """For tests: every event, oldest first."""
        return sorted(self.store.table("events").values(), key=lambda e: e.id or 0)

    async def histories(self, subject_type: str, keys: list[int]) -> dict[int, list[HistoryEntry]]:
        found: dict[int, list[HistoryEntry]] = defaultdict(list)
        for event in self.all():
            if event.subject_type == subject_type and event.subject_key in {str(k) for k in keys}:
                found[int(event.subject_key)].append(
                    HistoryEntry(event.type, event.occurred_at, event.actor_role, event.actor_id))
        return found

    async def page(self, query: EventQuery, page: Page) -> list[Event]:
        raise NotImplementedError("replay's visibility is SQL: tested through the API")

    async def since(self, query: EventQuery, after: tuple[int, int] | None, limit: int) -> list[Event]:
        raise NotImplementedError("replay's visibility is SQL: tested through the API")

    async def position_of(self, event_id: int) -> tuple[int, int]:
        raise NotImplementedError("replay's positions are SQL: tested through the API")

    async def get_many(self, ids: list[int]) -> dict[int, Event]:
        return _pick(self.store.table("events"), ids)


class FakeAppeals(_Repository):
    """A2's one chance per (scenario, subject) is the unique index of the SQL table: refused here the same way."""

    async def add(self, appeal: Appeal) -> Appeal:
        table = self.store.table("appeals")
        if any(a.scenario == appeal.scenario and a.subject_id == appeal.subject_id for a in table.values()):
            raise DomainError("an appeal of this kind was already filed for this subject (A2: one chance; "
                              "ARBITRATION and COMPENSATION are one)", ("input", "subjectId"),
                              ErrorCode.APPEAL_ALREADY_FILED)
        appeal.id = self.store.next_id("appeal")
        for item in appeal.evidence:
            item.id = self.store.next_id("appeal_evidence")
            item.submitted_by = Role.MERCHANT
        table[appeal.id] = _copy(appeal)
        return appeal

    async def get(self, appeal_id: int, *, lock: bool = False) -> Appeal | None:
        return (await self.get_many([appeal_id])).get(appeal_id)

    async def get_many(self, ids: list[int]) -> dict[int, Appeal]:
        return _pick(self.store.table("appeals"), ids)

    async def appeal_ids_of_evidence(self, evidence_ids: list[int]) -> dict[int, int]:
        return {item.id: appeal.id for appeal in self.store.table("appeals").values() for item in appeal.evidence
                if item.id in evidence_ids}

    async def update(self, appeal: Appeal) -> None:
        _versioned_update(self.store.table("appeals"), appeal.id, appeal, "appeal")

    def _matching(self, q: AppealQuery) -> list[Appeal]:
        if q.nothing:
            return []
        return [a for a in self.store.table("appeals").values()
                if (not q.statuses or a.status in q.statuses) and (not q.kinds or a.kind in q.kinds)
                and (q.shop_id is None or a.shop_id == q.shop_id)
                and (q.overdue is None or (a.status is AppealStatus.PENDING and a.due_at < q.now) == q.overdue)]

    async def page(self, query: AppealQuery, page: Page) -> list[Appeal]:
        found = self._matching(query)
        if query.queue_order:
            return [_copy(a) for a in window_of(found, lambda a: (a.due_at, a.id), False, page)]
        ids = dataclasses.replace(page, after=page.after and page.after[1:], before=page.before and page.before[1:])
        return [_copy(a) for a in window_of(found, lambda a: (a.id,), True, ids)]

    async def count(self, query: AppealQuery) -> int:
        return len(self._matching(query))

    async def filed_since(self, shop_id: int, since: datetime) -> int:
        return sum(a.shop_id == shop_id and a.submitted_at > since for a in self.store.table("appeals").values())

    async def anomalies_since(self, shop_id: int, since: datetime) -> int:
        return sum(a.shop_id == shop_id and a.evidence_anomaly and a.decided_at is not None and a.decided_at > since
                   for a in self.store.table("appeals").values())

    async def rejections_since(self, shop_id: int, since: datetime) -> int:
        return sum(a.shop_id == shop_id and a.status is AppealStatus.REJECTED and a.decided_at is not None
                   and a.decided_at > since for a in self.store.table("appeals").values())

    async def pending_estimated(self) -> list[Appeal]:
        return [_copy(a) for a in self.store.table("appeals").values()
                if a.status is AppealStatus.PENDING and a.due_estimated]

    async def get_restriction(self, shop_id: int, *, lock: bool = False) -> AppealRestriction | None:
        return (await self.restrictions([shop_id])).get(shop_id)

    async def restrictions(self, shop_ids: list[int]) -> dict[int, AppealRestriction]:
        return _pick(self.store.table("appeal_restrictions"), shop_ids)

    async def save_restriction(self, restriction: AppealRestriction) -> None:
        table = self.store.table("appeal_restrictions")
        if restriction.version == 0:  # new: rows start at version 1
            if restriction.shop_id in table:
                raise ConcurrentUpdate("appeal restriction")
            restriction.version = 1
            table[restriction.shop_id] = _copy(restriction)
            return
        _versioned_update(table, restriction.shop_id, restriction, "appeal restriction")


class FakeDeadlines(_Repository):
    """E7: what is overdue and not fired yet, oldest deadline first; a deadline fires once (the SQL key's)."""

    async def overdue_claims(self, now: datetime, limit: int) -> list[Claim]:
        fired = self.store.table("fired")
        found = [c for c in self.store.table("claims").values()
                 if c.status is ClaimStatus.AWAITING_MERCHANT and c.merchant_response_due_at < now
                 and (EventType.CLAIM_MERCHANT_RESPONSE_OVERDUE, c.id) not in fired]
        return [_copy(c) for c in sorted(found, key=lambda c: (c.merchant_response_due_at, c.id))[:limit]]

    async def overdue_appeals(self, now: datetime, limit: int) -> list[Appeal]:
        fired = self.store.table("fired")
        found = [a for a in self.store.table("appeals").values() if a.status is AppealStatus.PENDING
                 and a.due_at < now and (EventType.APPEAL_OVERDUE, a.id) not in fired]
        return [_copy(a) for a in sorted(found, key=lambda a: (a.due_at, a.id))[:limit]]

    async def fire(self, kind: EventType, subject_id: int, at: datetime) -> bool:
        fired = self.store.table("fired")
        if (kind, subject_id) in fired:
            return False
        fired[(kind, subject_id)] = at
        return True


class FakeAnnotations(_Repository):
    """N1–N5 over dictionaries: a remark per (shop, customer) written by version, its history newest first; a star
    per (agent, customer); the last contact per (agent, customer) only moves forward; a key binding per action and
    per keys of an agent."""

    async def customer_remark(self, shop_id: int, customer_id: str, *, lock: bool = False) -> CustomerRemark | None:
        found = self.store.table("remarks").get((shop_id, customer_id))
        return _copy(found) if found else None

    async def customer_remarks(self, keys: list[tuple[int, str]]) -> dict[tuple[int, str], CustomerRemark]:
        return _pick(self.store.table("remarks"), keys)

    async def save_customer_remark(self, remark: CustomerRemark) -> None:
        table, key = self.store.table("remarks"), (remark.shop_id, remark.customer_id)
        if remark.version == 0:
            if key in table:
                raise ConcurrentUpdate("customer remark")
            remark.version = 1
            table[key] = _copy(remark)
        else:
            _versioned_update(table, key, remark, "customer remark")
        self.store.table("remark_history")[self.store.next_id("remark_history")] = (
            key, Remark(remark.text, remark.updated_by, remark.updated_at))

    async def remark_history(self, keys: list[tuple[int, str]]) -> dict[tuple[int, str], list[Remark]]:
        history = sorted(self.store.table("remark_history").items(), reverse=True)
        return {key: [remark for _, (k, remark) in history if k == key] for key in keys}

    async def add_after_sale_remark(self, claim_id: int, remark: Remark) -> None:
        self.store.table("after_sale_remarks")[self.store.next_id("after_sale_remark")] = (claim_id, remark)

    async def after_sale_remarks(self, claim_ids: list[int]) -> dict[int, list[Remark]]:
        found: dict[int, list[Remark]] = {claim_id: [] for claim_id in claim_ids}
        for _, (claim_id, remark) in sorted(self.store.table("after_sale_remarks").items()):
            if claim_id in found:
                found[claim_id].append(remark)
        return found

    async def stars(self, agent_id: str) -> list[Star]:
        mine = [s for s in self.store.table("stars").values() if s.agent_id == agent_id]
        return [_copy(s) for s in sorted(mine, key=lambda s: (s.starred_at, s.id), reverse=True)]

    async def star_of(self, agent_id: str, customer_ids: list[str]) -> dict[str, Star]:
        return {s.customer_id: _copy(s) for s in self.store.table("stars").values()
                if s.agent_id == agent_id and s.customer_id in customer_ids}

    async def claim_star_slot(self, agent_id: str) -> None:
        counters = self.store.table("star_counters")
        counters[agent_id] = counters.get(agent_id, 0) + 1

    async def add_star(self, star: Star) -> Star:
        table = self.store.table("stars")
        if any(s.agent_id == star.agent_id and s.customer_id == star.customer_id for s in table.values()):
            raise ConcurrentUpdate("agent's stars")
        star.id = self.store.next_id("star")
        table[star.id] = _copy(star)
        return star

    async def recolour_star(self, star: Star) -> None:
        stored_star = self.store.table("stars").get(star.id)
        if stored_star is not None:
            stored_star.color = star.color

    async def remove_star(self, agent_id: str, customer_id: str) -> Star | None:
        table = self.store.table("stars")
        for key, star in list(table.items()):
            if star.agent_id == agent_id and star.customer_id == customer_id:
                del table[key]
                return _copy(star)
        return None

    async def clear_stars(self, agent_id: str) -> int:
        table = self.store.table("stars")
        mine = [key for key, star in table.items() if star.agent_id == agent_id]
        for key in mine:
            del table[key]
        return len(mine)

    async def record_contact(self, agent_id: str, customer_id: str, at: datetime, recorded_by: str) -> datetime:
        contacts = self.store.table("contacts")
        last = contacts.get((agent_id, customer_id))
        contacts[(agent_id, customer_id)] = at if last is None else max(at, last)
        return contacts[(agent_id, customer_id)]

    async def contacts(self, agent_id: str, exclude: set[str], page: Page) -> list[tuple[str, datetime]]:
        return window_of(((customer, at) for (agent, customer), at in self.store.table("contacts").items()
                          if agent == agent_id and customer not in exclude), lambda c: (c[1], c[0]), True, page)

    async def contact_times(self, agent_id: str, customer_ids: list[str]) -> dict[str, datetime]:
        return {customer: at for (agent, customer), at in self.store.table("contacts").items()
                if agent == agent_id and customer in customer_ids}

    async def shortcuts(self, agent_id: str) -> dict[str, str]:
        return dict(self.store.table("shortcuts").get(agent_id, {}))

    async def save_shortcuts(self, agent_id: str, bindings: dict[str, str], changed: str) -> None:
        mine = self.store.table("shortcuts").setdefault(agent_id, {})
        wanted = dict(bindings) if not mine else {**mine, changed: bindings[changed]}
        if len(set(wanted.values())) != len(wanted):
            raise DomainError(f"{bindings[changed]} is already bound to another action", ("input", "keys"),
                              ErrorCode.SHORTCUT_CONFLICT)
        mine.clear()
        mine.update(wanted)


class FakeCalendar(_Repository):
    async def put(self, calendar: YearCalendar, set_by: str, at: datetime) -> None:
        self.store.table("calendar")[calendar.year] = calendar

    async def get_years(self, years: list[int]) -> dict[int, YearCalendar]:
        return _pick(self.store.table("calendar"), years)


class FakeWebhooks(_Repository):
    """Endpoints, and the deliveries tests put in ``store.table("deliveries")``; claiming and finishing a delivery
    (``claim_due``, ``finish``) are the worker's, proven against the databases (tests/api/test_webhooks.py)."""

    async def add(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        table = self.store.table("webhook_endpoints")
        if any(e.owner_key == endpoint.owner_key and e.slot == endpoint.slot for e in table.values()):
            raise ConcurrentUpdate("webhook endpoint slot")
        stored = dataclasses.replace(endpoint, id=self.store.next_id("webhook_endpoint"))
        table[stored.id] = stored
        return stored

    async def get(self, endpoint_id: int) -> WebhookEndpoint | None:
        return (await self.get_many([endpoint_id])).get(endpoint_id)

    async def get_many(self, ids: list[int]) -> dict[int, WebhookEndpoint]:
        return _pick(self.store.table("webhook_endpoints"), ids)

    async def owned(self, role: Role, shop_id: int | None) -> list[WebhookEndpoint]:
        return [e for _, e in sorted(self.store.table("webhook_endpoints").items())
                if e.owner_role is role and (role is not Role.MERCHANT or e.shop_id == shop_id)]

    async def update(self, endpoint: WebhookEndpoint) -> None:
        table = self.store.table("webhook_endpoints")
        if endpoint.id in table:
            kept = table[endpoint.id]
            table[endpoint.id] = dataclasses.replace(endpoint, owner_role=kept.owner_role, owner_id=kept.owner_id,
                                                     shop_id=kept.shop_id, slot=kept.slot,
                                                     created_at=kept.created_at)

    async def record_health(self, endpoint_id: int, succeeded: bool, at: datetime) -> datetime | None:
        table = self.store.table("webhook_endpoints")
        if endpoint_id not in table:
            return None
        kept = table[endpoint_id]
        table[endpoint_id] = dataclasses.replace(kept, failing_since=None if succeeded else kept.failing_since or at)
        return table[endpoint_id].failing_since

    async def disable(self, endpoint_id: int, reason: str) -> bool:
        table = self.store.table("webhook_endpoints")
        if endpoint_id not in table or not table[endpoint_id].enabled:
            return False
        table[endpoint_id] = dataclasses.replace(table[endpoint_id], enabled=False, disabled_reason=reason)
        return True

    async def attempt_logs(self, delivery_ids: list[int]) -> dict[int, list[AttemptRecord]]:
        found: dict[int, list[AttemptRecord]] = {}
        for _, record in sorted(self.store.table("webhook_attempts").items()):
            if record.delivery_id in delivery_ids:
                found.setdefault(record.delivery_id, []).append(record)
        return found

    async def delete(self, endpoint_id: int) -> None:
        deliveries, attempts = self.store.table("deliveries"), self.store.table("webhook_attempts")
        for key in [k for k, d in deliveries.items() if d.endpoint_id == endpoint_id]:
            del deliveries[key]
            for gone in [a for a, record in attempts.items() if record.delivery_id == key]:
                del attempts[gone]
        self.store.table("webhook_endpoints").pop(endpoint_id, None)

    async def deliveries(self, endpoint_id: int, page: Page) -> list[WebhookDelivery]:
        return window_of((d for d in self.store.table("deliveries").values() if d.endpoint_id == endpoint_id),
                         lambda d: (d.id,), False, page)

    async def get_delivery(self, delivery_id: int) -> WebhookDelivery | None:
        return self.store.table("deliveries").get(delivery_id)

    async def add_delivery(self, event_id: int, endpoint_id: int, now: datetime) -> WebhookDelivery:
        delivery_id = self.store.next_id("delivery")
        added = WebhookDelivery(event_id=event_id, endpoint_id=endpoint_id, status=DeliveryStatus.PENDING,
                                attempts=0, last_attempt_at=None, last_response_status=None, next_attempt_at=now,
                                id=delivery_id)
        self.store.table("deliveries")[delivery_id] = added
        return added

    async def redeliver(self, delivery_id: int, now: datetime) -> WebhookDelivery | None:
        deliveries = self.store.table("deliveries")
        if delivery_id not in deliveries:
            return None
        deliveries[delivery_id] = dataclasses.replace(deliveries[delivery_id], status=DeliveryStatus.PENDING,
                                                      next_attempt_at=now)
        return deliveries[delivery_id]

    async def pending_count(self) -> int:
        return sum(d.status is DeliveryStatus.PENDING for d in self.store.table("deliveries").values())

    async def any_due(self, now: datetime) -> bool:
        endpoints = self.store.table("webhook_endpoints")
        return any(d.status is DeliveryStatus.PENDING and d.next_attempt_at <= now
                   and d.endpoint_id in endpoints and endpoints[d.endpoint_id].enabled
                   for d in self.store.table("deliveries").values())


class _NotFaked:
    def __init__(self, name: str):
        self.name = name

    def __getattr__(self, method: str) -> Any:
        raise NotImplementedError(f"{self.name}.{method} is not faked: test that service through the API")


class FakeExportJobs(_Repository):
    """H5's jobs: one RUNNING per requester, refused like the unique ``running_key``; a job ends once."""

    def _rows(self) -> dict:
        return self.store.table("export_jobs")

    async def add(self, job):
        if any(j.requester_key == job.requester_key and j.status is ExportStatus.RUNNING
               for j in self._rows().values()):
            raise AlreadyExists("an export of yours is still running")
        job.id = self.store.next_id("export_job")
        self._rows()[job.id] = _copy(job)
        return job

    async def get(self, job_id: int):
        found = self._rows().get(job_id)
        return _copy(found) if found is not None else None

    async def page(self, requester_key: str, page: Page):
        mine = [j for j in self._rows().values() if j.requester_key == requester_key]
        return [_copy(j) for j in window_of(mine, lambda j: (j.id,), True, page)]

    async def progress(self, job_id: int, rows: int, at: datetime) -> None:
        job = self._rows().get(job_id)
        if job is not None and job.status is ExportStatus.RUNNING:
            job.row_count, job.heartbeat_at = rows, at

    async def finish(self, job_id, status, rows, size, error, at, expires_at) -> bool:
        job = self._rows().get(job_id)
        if job is None or job.status is not ExportStatus.RUNNING:
            return False
        job.status, job.row_count, job.file_size, job.error = status, rows, size, error
        job.completed_at, job.expires_at, job.heartbeat_at = at, expires_at, at
        return True

    async def interrupted(self, alive_since: datetime) -> list[int]:
        return [j.id for j in self._rows().values()
                if j.status is ExportStatus.RUNNING and j.heartbeat_at is not None and j.heartbeat_at < alive_since]


class FakeUnitOfWork:
    """One transaction over a ``Store``: entering takes a snapshot, leaving without ``commit`` restores it."""

    def __init__(self, store: Store | None = None):
        self.store = store or Store()
        self._snapshot: tuple[Any, Any] | None = None
        self.committed = 0
        self.shops = FakeShops(self.store)
        self.accounts = FakeAccounts(self.store)
        self.products = FakeProducts(self.store)
        self.orders = FakeOrders(self.store)
        self.reviews = FakeReviews(self.store)
        self.uploads = FakeUploads(self.store)
        self.claims = FakeClaims(self.store)
        self.coupons = FakeCoupons(self.store)
        self.campaigns = FakeCampaigns(self.store)
        self.invoices: Any = _NotFaked("invoices")
        self.events = FakeEvents(self.store)
        self.scores = FakeScores(self.store)
        self.violations = FakeViolations(self.store)
        self.calendar = FakeCalendar(self.store)
        self.webhooks = FakeWebhooks(self.store)
        self.appeals = FakeAppeals(self.store)
        self.annotations = FakeAnnotations(self.store)
        self.deadlines = FakeDeadlines(self.store)
        self.exports = FakeExportJobs(self.store)
        self.reports: Any = _NotFaked("reports")

    def __call__(self, *, write: bool = True, transaction: bool = True) -> FakeUnitOfWork:
        """Also its own factory: every unit of work of a test shares the one store."""
        return self

    async def __aenter__(self) -> FakeUnitOfWork:
        self._snapshot = (copy.deepcopy(dict(self.store.rows)), dict(self.store.ids))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._snapshot is not None:  # not committed: everything since entering is undone
            rows, ids = self._snapshot
            self.store.rows.clear()
            self.store.rows.update(rows)
            self.store.ids.clear()
            self.store.ids.update(ids)
        self._snapshot = None

    async def commit(self) -> None:
        self._snapshot = None
        self.committed += 1

    async def rollback(self) -> None:
        await self.__aexit__()
