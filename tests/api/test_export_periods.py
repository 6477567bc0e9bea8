"""SPEC H6 (part): an export's times are Beijing time with their offset, to the second; its `from` and `to` take a
date — a Shanghai calendar day, `to` covering its day — or an instant; an offset whose `+` the URL turned into a
space gets a message that says to write `%2B`."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.api.test_exports import fetch


async def test_h6_dates_are_shanghai_days_and_to_covers_its_day(api, world):
    shop = await world.shop()
    for at, amount in (("2026-11-02T15:59:59Z", "1.00"), ("2026-11-02T16:00:00Z", "2.00"),  # 23:59:59, 00:00 Shanghai
                       ("2026-11-03T15:59:59Z", "3.00"), ("2026-11-03T16:00:00Z", "4.00")):
        api.now = datetime.fromisoformat(at).astimezone(UTC)
        await world.credit(shop, "DEPOSIT", amount)

    async def amounts(**period) -> list[str]:
        status, rows, raw = await fetch(api, "/exports/ledger.csv", shop.merchant, **period)
        assert status == 200, raw
        return [row[6] for row in rows[1:]]

    _, rows, _ = await fetch(api, "/exports/ledger.csv", shop.merchant)
    assert [row[3] for row in rows[1:]] == ["2026-11-02T23:59:59+08:00", "2026-11-03T00:00:00+08:00",
                                            "2026-11-03T23:59:59+08:00", "2026-11-04T00:00:00+08:00"]  # Beijing time

    assert await amounts(**{"from": "2026-11-03"}) == ["2.00", "3.00", "4.00"]
    assert await amounts(**{"from": "2026-11-03", "to": "2026-11-03"}) == ["2.00", "3.00"]  # the whole 3rd
    assert await amounts(**{"to": "2026-11-02"}) == ["1.00"]
    assert await amounts(**{"from": "2026-11-03T00:00:00+08:00", "to": "2026-11-04T00:00:00+08:00"}) == [
        "2.00", "3.00"]  # the same day as instants: `to` excluded


async def test_h6_a_plus_the_url_decoded_as_a_space_is_named_and_a_bad_date_refused(api, world):
    shop = await world.shop()
    headers = {"Authorization": f"Bearer {shop.merchant}"}
    raw = await api.client.get("/exports/ledger.csv?from=2026-11-02T10:00:00+08:00", headers=headers)
    assert raw.status_code == 400 and "%2B" in raw.json()["error"]["message"]
    for value in ("2026-02-30", "2026-11-2", "11/02/2026"):
        refused = await api.client.get("/exports/ledger.csv", params={"from": value}, headers=headers)
        assert refused.status_code == 400 and "a date (YYYY-MM-DD" in refused.json()["error"]["message"], value
