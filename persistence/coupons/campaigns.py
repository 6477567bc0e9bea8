"""W11: campaigns and sign-ups; W13: invoices and the invoiced total of each period."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.coupons.campaign import Campaign, SignUp
from domain.coupons.invoice import Invoice, InvoiceAccount
from domain.coupons.model import IssuerKind
from domain.shared.errors import AlreadyExists, ConcurrentUpdate
from domain.shared.listing import Page
from domain.shared.money import Money
from persistence.coupons.campaign_tables import CampaignRow, CampaignSignUpRow, InvoiceAccountRow, InvoiceRow
from persistence.coupons.tables import CouponTemplateRow
from persistence.shared import keyset
from persistence.shared.enums import member
from persistence.shared.errors import unique_violation_as
from persistence.shared.keys import Rows
from persistence.shared.tables import rows_affected, table

CAMPAIGNS, SIGN_UPS, TEMPLATES = table(CampaignRow), table(CampaignSignUpRow), table(CouponTemplateRow)
INVOICES, ACCOUNTS = table(InvoiceRow), table(InvoiceAccountRow)
_CAMPAIGN_ROWS, _SIGN_UP_ROWS, _INVOICE_ROWS = Rows(CAMPAIGNS), Rows(SIGN_UPS), Rows(INVOICES)


def _campaign(r, template_ids: tuple[int, ...]) -> Campaign:
    return Campaign(r.name, r.sign_up_from, r.sign_up_until, r.runs_from, r.runs_until,
                    Decimal(r.min_merchant_share), Decimal(r.max_merchant_share), r.created_at, r.created_by,
                    template_ids, r.id)


def _sign_up(r) -> SignUp:
    return SignUp(r.campaign_id, r.shop_id, Decimal(r.merchant_share), r.joined_at, r.changed_at, r.version)


class SqlCampaignRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, c: Campaign) -> Campaign:
        inserted = await self.session.execute(insert(CAMPAIGNS).returning(CAMPAIGNS.c.id), dict(
            name=c.name, sign_up_from=c.sign_up_from, sign_up_until=c.sign_up_until, runs_from=c.runs_from,
            runs_until=c.runs_until, min_merchant_share=str(c.min_merchant_share),
            max_merchant_share=str(c.max_merchant_share), created_at=c.created_at, created_by=c.created_by))
        c.id = inserted.scalar_one()
        return c

    async def _hydrate(self, rows: list) -> list[Campaign]:
        ids = [r.id for r in rows]
        templates: dict[int, list[int]] = {}
        if ids:
            found = await self.session.execute(select(TEMPLATES.c.campaign_id, TEMPLATES.c.id)
                                               .where(TEMPLATES.c.campaign_id.in_(ids)).order_by(TEMPLATES.c.id))
            for campaign_id, template_id in found.all():
                templates.setdefault(campaign_id, []).append(template_id)
        return [_campaign(r, tuple(templates.get(r.id, ()))) for r in rows]

    async def get_many(self, ids: list[int]) -> dict[int, Campaign]:
        if not ids:
            return {}
        rows = _CAMPAIGN_ROWS(await self.session.execute(select(CAMPAIGNS).where(CAMPAIGNS.c.id.in_(set(ids)))))
        return {c.id or 0: c for c in await self._hydrate(rows)}

    def _scope(self, query, open_at: datetime | None, shop_id: int | None):
        if open_at is None:
            return query
        joined = exists().where(SIGN_UPS.c.campaign_id == CAMPAIGNS.c.id, SIGN_UPS.c.shop_id == shop_id)
        return query.where(or_(and_(CAMPAIGNS.c.sign_up_from <= open_at, CAMPAIGNS.c.sign_up_until >= open_at),
                               joined))

    async def page(self, open_at: datetime | None, shop_id: int | None, page: Page) -> list[Campaign]:
        query = self._scope(select(CAMPAIGNS), open_at, shop_id)
        rows = _CAMPAIGN_ROWS(await self.session.execute(keyset.window(query, [CAMPAIGNS.c.id], True, page)))
        return await self._hydrate(rows)

    async def count(self, open_at: datetime | None, shop_id: int | None) -> int:
        query = self._scope(select(func.count()).select_from(CAMPAIGNS), open_at, shop_id)
        return (await self.session.execute(query)).scalar_one()

    async def sign_up(self, campaign_id: int, shop_id: int) -> SignUp | None:
        rows = _SIGN_UP_ROWS(await self.session.execute(select(SIGN_UPS).where(
            SIGN_UPS.c.campaign_id == campaign_id, SIGN_UPS.c.shop_id == shop_id)))
        return _sign_up(rows[0]) if rows else None

    async def add_sign_up(self, s: SignUp) -> None:
        async with unique_violation_as(ConcurrentUpdate("campaign sign-up")):
            await self.session.execute(insert(SIGN_UPS).values(
                campaign_id=s.campaign_id, shop_id=s.shop_id, merchant_share=str(s.merchant_share),
                joined_at=s.joined_at, changed_at=s.changed_at, version=s.version))

    def _same(self, s: SignUp):
        c = SIGN_UPS.c
        return (c.campaign_id == s.campaign_id) & (c.shop_id == s.shop_id) & (c.version == s.version)

    async def update_sign_up(self, s: SignUp) -> None:
        result = await self.session.execute(update(SIGN_UPS).where(self._same(s)).values(
            merchant_share=str(s.merchant_share), changed_at=s.changed_at, version=s.version + 1))
        if rows_affected(result) != 1:
            raise ConcurrentUpdate("campaign sign-up")
        s.version += 1

    async def remove_sign_up(self, s: SignUp) -> None:
        if rows_affected(await self.session.execute(delete(SIGN_UPS).where(self._same(s)))) != 1:
            raise ConcurrentUpdate("campaign sign-up")

    async def sign_ups(self, campaign_ids: list[int], shop_id: int | None) -> dict[int, list[SignUp]]:
        if not campaign_ids:
            return {}
        query = select(SIGN_UPS).where(SIGN_UPS.c.campaign_id.in_(set(campaign_ids)))
        if shop_id is not None:
            query = query.where(SIGN_UPS.c.shop_id == shop_id)
        found: dict[int, list[SignUp]] = {}
        for r in _SIGN_UP_ROWS(await self.session.execute(query.order_by(SIGN_UPS.c.id))):
            found.setdefault(r.campaign_id, []).append(_sign_up(r))
        return found

    async def shares(self, campaign_ids: list[int], shop_ids: list[int]) -> dict[int, dict[int, Decimal]]:
        if not campaign_ids or not shop_ids:
            return {}
        rows = await self.session.execute(select(SIGN_UPS.c.campaign_id, SIGN_UPS.c.shop_id, SIGN_UPS.c.merchant_share)
                                          .where(SIGN_UPS.c.campaign_id.in_(set(campaign_ids)),
                                                 SIGN_UPS.c.shop_id.in_(set(shop_ids))))
        found: dict[int, dict[int, Decimal]] = {}
        for campaign_id, shop_id, share in rows.all():
            found.setdefault(campaign_id, {})[shop_id] = Decimal(share)
        return found


def _invoice(r) -> Invoice:
    return Invoice(r.shop_id, member(IssuerKind, r.counterparty), r.counterparty_id or None, r.period_from,
                   r.period_to, r.number, Money(r.amount_fen), r.recorded_at, r.recorded_by, r.voided_at, r.voided_by,
                   r.void_reason, r.id)


def _account(a: InvoiceAccount):
    c = ACCOUNTS.c
    return ((c.shop_id == a.shop_id) & (c.counterparty == a.counterparty.value)
            & (c.counterparty_id == (a.counterparty_id or "")) & (c.period_from == a.period_from)
            & (c.period_to == a.period_to))


class SqlInvoiceRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, i: Invoice) -> Invoice:
        async with unique_violation_as(AlreadyExists("invoice number")):
            inserted = await self.session.execute(insert(INVOICES).returning(INVOICES.c.id), dict(
                shop_id=i.shop_id, counterparty=i.counterparty.value, counterparty_id=i.counterparty_id or "",
                period_from=i.period_from, period_to=i.period_to, number=i.number, amount_fen=i.amount.fen,
                recorded_at=i.recorded_at, recorded_by=i.recorded_by))
        i.id = inserted.scalar_one()
        return i

    async def get_many(self, ids: list[int]) -> dict[int, Invoice]:
        if not ids:
            return {}
        rows = _INVOICE_ROWS(await self.session.execute(select(INVOICES).where(INVOICES.c.id.in_(set(ids)))))
        return {r.id: _invoice(r) for r in rows}

    async def charge(self, account: InvoiceAccount, amount: int, owed: int) -> bool:
        exists_already = await self.session.execute(select(ACCOUNTS.c.id).where(_account(account)))
        if exists_already.first() is None:
            async with unique_violation_as(ConcurrentUpdate("invoice account")):  # two first invoices at once
                await self.session.execute(insert(ACCOUNTS).values(
                    shop_id=account.shop_id, counterparty=account.counterparty.value,
                    counterparty_id=account.counterparty_id or "", period_from=account.period_from,
                    period_to=account.period_to, invoiced_fen=0))
        result = await self.session.execute(update(ACCOUNTS).where(
            _account(account), ACCOUNTS.c.invoiced_fen + amount <= owed)
            .values(invoiced_fen=ACCOUNTS.c.invoiced_fen + amount))
        return rows_affected(result) == 1

    async def void(self, i: Invoice) -> bool:
        result = await self.session.execute(update(INVOICES).where(
            INVOICES.c.id == i.id, INVOICES.c.voided_at.is_(None))
            .values(voided_at=i.voided_at, voided_by=i.voided_by, void_reason=i.void_reason))
        if rows_affected(result) != 1:
            return False
        await self.session.execute(update(ACCOUNTS).where(_account(i.account))
                                   .values(invoiced_fen=ACCOUNTS.c.invoiced_fen - i.amount.fen))
        return True

    def _within(self, shop_id: int | None, start: datetime, end: datetime):
        c = INVOICES.c
        where = [c.period_from >= start, c.period_from < end]
        return where if shop_id is None else [c.shop_id == shop_id, *where]

    async def invoiced(self, shop_id: int, start: datetime, end: datetime) -> dict[tuple[IssuerKind, str | None], int]:
        c = INVOICES.c
        rows = await self.session.execute(
            select(c.counterparty, c.counterparty_id, func.sum(c.amount_fen))
            .where(*self._within(shop_id, start, end), c.voided_at.is_(None))
            .group_by(c.counterparty, c.counterparty_id))
        return {(member(IssuerKind, kind), who or None): int(total) for kind, who, total in rows.all()}

    async def batch(self, shop_id: int | None, start: datetime, end: datetime, after: int | None,
                    limit: int) -> list[Invoice]:
        query = select(INVOICES).where(*self._within(shop_id, start, end))
        if after is not None:
            query = query.where(INVOICES.c.id > after)
        rows = _INVOICE_ROWS(await self.session.execute(query.order_by(INVOICES.c.id).limit(limit)))
        return [_invoice(r) for r in rows]
