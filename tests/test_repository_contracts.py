"""Each fake repository (``tests/fakes.py``) keeps the promises of its SQL twin: the same checks, run on the
in-memory unit of work and on the real database (SQLite or PostgreSQL, as the suite runs), so a service test on
the fakes can be trusted. What a fake does not keep it refuses (``_NotFaked``): those services are tested through
the API."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.annotations.model import CustomerRemark, Star, StarColor
from domain.appeals.model import Appeal, AppealKind, AppealRestriction, AppealStatus, RestrictionMode
from domain.appeals.ports import AppealQuery
from domain.calendar.model import YearCalendar
from domain.catalog.model import Product
from domain.claims.model import Evidence, EvidenceKind
from domain.events.model import EventType
from domain.shared.actor import Actor, Role
from domain.shared.errors import AlreadyExists, ConcurrentUpdate, DomainError, ErrorCode
from domain.shared.listing import Page
from domain.shared.money import Money
from domain.shops.model import LedgerBucket, Shop, ShopAccount
from domain.uploads.model import FileFacts, Upload
from domain.webhooks.model import WebhookEndpoint
from persistence.uow import SqlUnitOfWorkFactory
from tests.database import empty_tables
from tests.fakes import FakeUnitOfWork

AT = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
OPS = Actor(user_id="ops-1", role=Role.PLATFORM)


@pytest.fixture(params=["fake", "sql"])
def uow(request):
    """A unit-of-work factory: the fakes' or the database's."""
    if request.param == "fake":
        return FakeUnitOfWork()
    database = request.getfixturevalue("app").state.database
    empty_tables(request.getfixturevalue("reset_engine"))  # as every database test starts (tests/conftest.py)
    return SqlUnitOfWorkFactory(database)


async def a_shop(uow, name: str = "Fresh") -> int:
    async with uow() as u:
        shop = await u.shops.add(Shop(name=name, created_at=AT))
        await u.accounts.add(ShopAccount(shop.id, Money(0), Money(0)))
        await u.commit()
    assert shop.id is not None
    return shop.id


async def test_what_is_not_committed_is_gone_and_what_is_committed_stays(uow):
    kept = await a_shop(uow)
    async with uow() as u:
        dropped = await u.shops.add(Shop(name="Never", created_at=AT))
    async with uow(write=False) as u:
        found = await u.shops.get_many([kept, dropped.id])
    assert list(found) == [kept] and found[kept].name == "Fresh"


async def test_an_account_saves_its_entries_once_and_refuses_a_stale_version(uow):
    shop_id = await a_shop(uow)
    async with uow() as u:
        account = await u.accounts.get(shop_id)
        stale = replace(account, pending=[])
        account.credit(LedgerBucket.DEPOSIT, Money(50_000), OPS, AT)
        saved = await u.accounts.save(account)
        await u.commit()
    assert [entry.amount for entry in saved] == [Money(50_000)] and saved[0].id is not None
    async with uow() as u:
        stale.credit(LedgerBucket.DEPOSIT, Money(100), OPS, AT)
        with pytest.raises(ConcurrentUpdate):
            await u.accounts.save(stale)
    async with uow(write=False) as u:
        account = await u.accounts.get(shop_id)
        page = await u.accounts.entries_page(shop_id, Page(10))
        by_id = await u.accounts.entries_by_ids([saved[0].id, 999_999])
    assert account.deposit == Money(50_000) and account.version == 1
    assert [entry.id for entry in page] == [saved[0].id] and list(by_id) == [saved[0].id]


async def test_a_product_sku_is_unique_per_shop(uow):
    shop_id, other = await a_shop(uow), await a_shop(uow, "Other")
    async with uow() as u:
        first = await u.products.add(Product(shop_id, "SKU-1", "Lychee", Money(8_800), True, AT))
        await u.products.add(Product(other, "SKU-1", "Lychee", Money(8_800), True, AT))  # another shop's: fine
        await u.commit()
    async with uow() as u:
        with pytest.raises(AlreadyExists):
            await u.products.add(Product(shop_id, "SKU-1", "Again", Money(100), False, AT))
    async with uow(write=False) as u:
        found = await u.products.get_many([first.id])
    assert found[first.id].name == "Lychee" and found[first.id].price == Money(8_800)


async def test_a_years_calendar_is_replaced_whole(uow):
    async with uow() as u:
        await u.calendar.put(YearCalendar(2027, frozenset({date(2027, 1, 1)}), frozenset()), "ops-1", AT)
        await u.calendar.put(YearCalendar(2027, frozenset({date(2027, 1, 2)}), frozenset({date(2027, 1, 9)})),
                             "ops-1", AT)
        await u.commit()
    async with uow(write=False) as u:
        years = await u.calendar.get_years([2027, 2028])
    assert years == {2027: YearCalendar(2027, frozenset({date(2027, 1, 2)}), frozenset({date(2027, 1, 9)}))}


def endpoint(role: Role, shop_id: int | None, slot: int) -> WebhookEndpoint:
    return WebhookEndpoint(url=f"https://hooks.example.com/{slot}", event_types=frozenset(), owner_role=role,
                           owner_id="owner", shop_id=shop_id, secret="whsec_" + "x" * 32, created_at=AT, slot=slot)


async def test_webhook_endpoints_take_one_slot_each_and_belong_to_their_owner(uow):
    shop_id, other = await a_shop(uow), await a_shop(uow, "Other")
    async with uow() as u:
        mine = await u.webhooks.add(endpoint(Role.MERCHANT, shop_id, 1))
        theirs = await u.webhooks.add(endpoint(Role.MERCHANT, other, 1))  # the same slot of another owner
        platform = await u.webhooks.add(endpoint(Role.PLATFORM, None, 1))
        await u.commit()
    async with uow() as u:
        with pytest.raises(ConcurrentUpdate):
            await u.webhooks.add(endpoint(Role.MERCHANT, shop_id, 1))
    async with uow() as u:
        assert [e.id for e in await u.webhooks.owned(Role.MERCHANT, shop_id)] == [mine.id]
        assert [e.id for e in await u.webhooks.owned(Role.PLATFORM, None)] == [platform.id]
        await u.webhooks.delete(theirs.id)
        await u.commit()
    async with uow(write=False) as u:
        assert await u.webhooks.get(theirs.id) is None
        assert (await u.webhooks.get(mine.id)).url == "https://hooks.example.com/1"
        assert await u.webhooks.deliveries(mine.id, Page(10)) == [] and await u.webhooks.pending_count() == 0
        assert not await u.webhooks.any_due(AT)


async def test_an_endpoints_update_keeps_its_owner_and_slot_and_round_trips_a_rotation(uow):
    """E11: what ``update`` writes is what ``get`` reads; the owner, shop, slot and creation stay as they were."""
    shop_id = await a_shop(uow)
    async with uow() as u:
        made = await u.webhooks.add(endpoint(Role.MERCHANT, shop_id, 3))
        await u.commit()
    changed = replace(
        made, url="https://hooks.example.com/new", event_types=frozenset({EventType.ORDER_PLACED}), enabled=False,
        description="ERP", disabled_reason="disabled by its owner", secret="whsec_" + "y" * 32,
        previous_secret=made.secret, previous_secret_until=AT + timedelta(hours=24), secret_rotated_at=AT)
    async with uow() as u:
        await u.webhooks.update(replace(changed, owner_id="someone else", slot=9, shop_id=None))
        await u.commit()
    async with uow(write=False) as u:
        assert await u.webhooks.get(made.id) == changed
        assert await u.webhooks.attempt_logs([]) == {} and await u.webhooks.attempt_logs([made.id]) == {}


async def test_an_endpoints_health_is_failing_since_its_first_failure_and_disabling_happens_once(uow):
    """E11: a failure sets ``failing_since`` once, a success clears it; ``disable`` disables an enabled one only."""
    shop_id = await a_shop(uow)
    async with uow() as u:
        made = await u.webhooks.add(endpoint(Role.MERCHANT, shop_id, 1))
        assert await u.webhooks.record_health(made.id, False, AT) == AT
        assert await u.webhooks.record_health(made.id, False, AT + timedelta(hours=1)) == AT
        assert await u.webhooks.record_health(made.id, True, AT + timedelta(hours=2)) is None
        assert await u.webhooks.record_health(made.id, False, AT + timedelta(hours=3)) == AT + timedelta(hours=3)
        assert await u.webhooks.disable(made.id, "failing") is True
        assert await u.webhooks.disable(made.id, "again") is False
        await u.commit()
    async with uow(write=False) as u:
        found = await u.webhooks.get(made.id)
    assert (found.enabled, found.disabled_reason, found.failing_since) == (False, "failing", AT + timedelta(hours=3))


def an_appeal(kind: AppealKind, shop_id: int, subject_id: int, *, due: datetime = AT, evidence=()) -> Appeal:
    return Appeal(kind=kind, shop_id=shop_id, subject_id=subject_id, statement="not our fault", submitted_at=AT,
                  due_at=due, due_estimated=False, filed_by="m-1", evidence=list(evidence))


async def an_upload(uow) -> str:
    upload = Upload(id="upl_contract", owner_id="m-1", owner_role=Role.MERCHANT,
                    facts=FileFacts("image/png", 10, "ab" * 32), created_at=AT)
    async with uow() as u:
        await u.uploads.add(upload)
        await u.commit()
    return upload.id


async def test_an_appeal_uses_up_its_scenario_once_and_keeps_its_evidence(uow):
    shop_id = await a_shop(uow)
    upload_id = await an_upload(uow)
    evidence = Evidence(EvidenceKind.OVERALL, upload_id, "ab" * 32, AT, "m-1", submitted_by=Role.MERCHANT)
    async with uow() as u:
        first = await u.appeals.add(an_appeal(AppealKind.ARBITRATION, shop_id, 7, evidence=[evidence]))
        await u.appeals.add(an_appeal(AppealKind.RETURN_RATE, shop_id, 7))  # a scenario of its own
        await u.commit()
    for kind in (AppealKind.ARBITRATION, AppealKind.COMPENSATION):  # A2: ARBITRATION and COMPENSATION are one
        async with uow() as u:
            with pytest.raises(DomainError) as refused:
                await u.appeals.add(an_appeal(kind, shop_id, 7))
        assert refused.value.code is ErrorCode.APPEAL_ALREADY_FILED
    async with uow(write=False) as u:
        found = await u.appeals.get(first.id)
        by_evidence = await u.appeals.appeal_ids_of_evidence([found.evidence[0].id, 999_999])
    assert [(e.upload_id, e.submitted_by) for e in found.evidence] == [(upload_id, Role.MERCHANT)]
    assert by_evidence == {found.evidence[0].id: first.id} and found.version == 0


async def test_an_appeal_is_decided_once_and_pages_in_both_orders(uow):
    shop_id, other = await a_shop(uow), await a_shop(uow, "Other")
    later = AT.replace(hour=9)
    async with uow() as u:
        a = await u.appeals.add(an_appeal(AppealKind.REVIEW, shop_id, 1, due=later))
        b = await u.appeals.add(an_appeal(AppealKind.REVIEW, shop_id, 2, due=AT))
        c = await u.appeals.add(an_appeal(AppealKind.REVIEW, other, 3, due=AT))
        await u.commit()
    async with uow() as u:
        decided = await u.appeals.get(a.id)
        stale = await u.appeals.get(a.id)
        decided.status, decided.decided_at, decided.evidence_anomaly = AppealStatus.REJECTED, later, True
        await u.appeals.update(decided)
        await u.commit()
    async with uow() as u:
        with pytest.raises(ConcurrentUpdate):
            await u.appeals.update(stale)
    async with uow(write=False) as u:
        queue = AppealQuery(statuses=frozenset({AppealStatus.PENDING}), queue_order=True)
        assert [x.id for x in await u.appeals.page(queue, Page(10))] == [b.id, c.id]
        assert [x.id for x in await u.appeals.page(queue, Page(10, after=(AT, b.id)))] == [c.id]
        assert [x.id for x in await u.appeals.page(queue, Page(10, before=(AT, c.id), backward=True))] == [b.id]
        newest = AppealQuery()
        assert [x.id for x in await u.appeals.page(newest, Page(2))] == [c.id, b.id]
        assert [x.id for x in await u.appeals.page(newest, Page(10, after=(None, b.id)))] == [a.id]
        assert [x.id for x in await u.appeals.page(newest, Page(2, backward=True))] == [a.id, b.id]
        assert await u.appeals.count(AppealQuery(shop_id=shop_id)) == 2
        overdue = AppealQuery(overdue=True, now=AT.replace(hour=5))
        assert {x.id for x in await u.appeals.page(overdue, Page(10))} == {b.id, c.id}
        assert await u.appeals.count(AppealQuery(nothing=True)) == 0
        assert await u.appeals.rejections_since(shop_id, AT) == 1 and await u.appeals.anomalies_since(shop_id, AT) == 1
        assert await u.appeals.filed_since(shop_id, AT.replace(hour=1)) == 2
        assert (await u.appeals.get(a.id)).version == 1


async def test_a_shops_appeal_restriction_is_created_once_and_then_updated_by_version(uow):
    shop_id = await a_shop(uow)
    async with uow() as u:
        restriction = AppealRestriction(shop_id, RestrictionMode.LIMITED, "too many", AT, "ops-1", max_per_30_days=3)
        await u.appeals.save_restriction(restriction)
        await u.commit()
    async with uow() as u:
        with pytest.raises(ConcurrentUpdate):  # another "new" one for the same shop
            await u.appeals.save_restriction(AppealRestriction(shop_id, RestrictionMode.CLOSED, "x", AT, "ops-1"))
    async with uow() as u:
        current = await u.appeals.get_restriction(shop_id)
        current.mode = RestrictionMode.CLOSED
        await u.appeals.save_restriction(current)
        await u.commit()
    async with uow(write=False) as u:
        found = await u.appeals.restrictions([shop_id, 999_999])
    assert list(found) == [shop_id] and found[shop_id].mode is RestrictionMode.CLOSED and found[shop_id].version == 2


async def test_a_deadline_fires_once_and_is_no_longer_overdue(uow):
    shop_id = await a_shop(uow)
    async with uow() as u:
        late = await u.appeals.add(an_appeal(AppealKind.REVIEW, shop_id, 1, due=AT.replace(hour=1)))
        later = await u.appeals.add(an_appeal(AppealKind.REVIEW, shop_id, 2, due=AT.replace(hour=0)))
        await u.appeals.add(an_appeal(AppealKind.REVIEW, shop_id, 3, due=AT.replace(hour=9)))  # not yet due
        await u.commit()
    now = AT.replace(hour=5)
    async with uow() as u:
        assert [a.id for a in await u.deadlines.overdue_appeals(now, 10)] == [later.id, late.id]
        assert [a.id for a in await u.deadlines.overdue_appeals(now, 1)] == [later.id]
        assert await u.deadlines.fire(EventType.APPEAL_OVERDUE, later.id, now) is True
        assert await u.deadlines.fire(EventType.APPEAL_OVERDUE, later.id, now) is False
        await u.commit()
    async with uow() as u:
        assert [a.id for a in await u.deadlines.overdue_appeals(now, 10)] == [late.id]
        assert await u.deadlines.fire(EventType.APPEAL_OVERDUE, later.id, now) is False


async def test_a_customer_remark_is_written_by_version_and_its_history_kept_newest_first(uow):
    shop_id = await a_shop(uow)
    async with uow() as u:
        await u.annotations.save_customer_remark(CustomerRemark(shop_id, "c-1", "fragile", AT, "agent-1"))
        await u.commit()
    async with uow() as u:
        with pytest.raises(ConcurrentUpdate):  # a second "new" remark for the same customer
            await u.annotations.save_customer_remark(CustomerRemark(shop_id, "c-1", "other", AT, "agent-2"))
    async with uow() as u:
        remark = await u.annotations.customer_remark(shop_id, "c-1")
        stale = await u.annotations.customer_remark(shop_id, "c-1")
        remark.text, remark.updated_at = "very fragile", AT.replace(hour=3)
        await u.annotations.save_customer_remark(remark)
        await u.commit()
    async with uow() as u:
        with pytest.raises(ConcurrentUpdate):
            await u.annotations.save_customer_remark(stale)
    async with uow(write=False) as u:
        remarks = await u.annotations.customer_remarks([(shop_id, "c-1"), (shop_id, "c-2")])
        history = await u.annotations.remark_history([(shop_id, "c-1"), (shop_id, "c-2")])
    assert list(remarks) == [(shop_id, "c-1")] and remarks[(shop_id, "c-1")].version == 2
    assert [r.text for r in history[(shop_id, "c-1")]] == ["very fragile", "fragile"]
    assert history[(shop_id, "c-2")] == []


async def test_stars_are_one_per_customer_newest_first_and_go_one_by_one_or_all(uow):
    async with uow() as u:
        for n, customer in enumerate(("c-1", "c-2", "c-3")):
            await u.annotations.claim_star_slot("agent-1")
            await u.annotations.add_star(Star("agent-1", customer, StarColor.RED, AT.replace(hour=n)))
        await u.annotations.add_star(Star("agent-2", "c-1", StarColor.RED, AT))
        await u.commit()
    async with uow() as u:
        with pytest.raises(ConcurrentUpdate):
            await u.annotations.add_star(Star("agent-1", "c-2", StarColor.BLUE, AT))
    async with uow() as u:
        assert [s.customer_id for s in await u.annotations.stars("agent-1")] == ["c-3", "c-2", "c-1"]
        star = (await u.annotations.star_of("agent-1", ["c-2", "c-9"]))["c-2"]
        star.color = StarColor.BLUE
        await u.annotations.recolour_star(star)
        assert (await u.annotations.remove_star("agent-1", "c-3")).customer_id == "c-3"
        assert await u.annotations.remove_star("agent-1", "c-3") is None
        await u.commit()
    async with uow() as u:
        assert [(s.customer_id, s.color) for s in await u.annotations.stars("agent-1")] == [
            ("c-2", StarColor.BLUE), ("c-1", StarColor.RED)]
        assert await u.annotations.clear_stars("agent-1") == 2
        await u.commit()
    async with uow(write=False) as u:
        assert await u.annotations.stars("agent-1") == [] and len(await u.annotations.stars("agent-2")) == 1


async def test_the_last_contact_only_moves_forward_and_pages_newest_first(uow):
    async with uow() as u:
        assert await u.annotations.record_contact("agent-1", "c-1", AT.replace(hour=5), "agent-1") == AT.replace(hour=5)
        assert await u.annotations.record_contact("agent-1", "c-1", AT.replace(hour=4), "agent-1") == AT.replace(hour=5)
        await u.annotations.record_contact("agent-1", "c-2", AT.replace(hour=5), "agent-1")
        await u.annotations.record_contact("agent-1", "c-3", AT.replace(hour=1), "agent-1")
        await u.annotations.record_contact("agent-2", "c-4", AT, "agent-2")
        await u.commit()
    async with uow(write=False) as u:
        everyone = await u.annotations.contacts("agent-1", set(), Page(10))
        assert [c for c, _ in everyone] == ["c-2", "c-1", "c-3"]
        assert [c for c, _ in await u.annotations.contacts("agent-1", {"c-1"}, Page(10))] == ["c-2", "c-3"]
        after_c2 = Page(1, after=(AT.replace(hour=5), "c-2"))
        assert [c for c, _ in await u.annotations.contacts("agent-1", set(), after_c2)] == ["c-1"]
        before_c3 = Page(1, before=(AT.replace(hour=1), "c-3"), backward=True)
        assert [c for c, _ in await u.annotations.contacts("agent-1", set(), before_c3)] == ["c-1"]
        assert await u.annotations.contact_times("agent-1", ["c-3", "c-4"]) == {"c-3": AT.replace(hour=1)}


async def test_a_key_binding_is_one_per_action_and_per_keys(uow):
    async with uow() as u:
        await u.annotations.save_shortcuts("agent-1", {"reply": "Ctrl+R", "star": "Ctrl+S"}, "reply")
        await u.commit()
    async with uow() as u:
        with pytest.raises(DomainError) as refused:
            await u.annotations.save_shortcuts("agent-1", {"reply": "Ctrl+S", "star": "Ctrl+S"}, "reply")
    assert refused.value.code is ErrorCode.SHORTCUT_CONFLICT
    async with uow() as u:
        await u.annotations.save_shortcuts("agent-1", {"reply": "Ctrl+R", "star": "Ctrl+S", "next": "Ctrl+N"}, "next")
        await u.annotations.save_shortcuts("agent-1", {"reply": "Ctrl+E", "star": "Ctrl+S", "next": "Ctrl+N"}, "reply")
        await u.commit()
    async with uow(write=False) as u:
        assert await u.annotations.shortcuts("agent-1") == {"reply": "Ctrl+E", "star": "Ctrl+S", "next": "Ctrl+N"}
        assert await u.annotations.shortcuts("agent-2") == {}

