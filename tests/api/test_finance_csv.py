"""SPEC H6 through the API: exports a finance team can book from. Every row names its shop (id and name, on the
platform's files of every shop too); with `Accept-Language: zh-CN` or `?lang=zh-CN` the headers and enum values are
Chinese and the numbers, ids and times are the same; a period's rows sum to the balance change over it whichever way
the period is cut. Read back as a finance team would: by pandas, and by LibreOffice (Debian's `soffice --headless
--convert-to xlsx`, with the CSV filter the stack notes found keeps UTF-8 and quoting) then openpyxl."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import shutil
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tests.api.test_exports import fetch
from tests.conftest import START

SOFFICE = shutil.which("soffice")
REQUIRED = os.environ.get("REQUIRE_LIBREOFFICE") == "1"  # .ci/run sets it: there a missing LibreOffice fails
LEDGER_ZH = ["编号", "店铺ID", "店铺名称", "记账时间", "类型", "账户", "金额", "理赔单ID", "冲正分录ID"]


async def _booked(api, world, claims):
    """A shop with a Chinese name, credits over three days and a claim refunded and penalised."""
    shop = await world.shop("鲜果农场, \"一号\"店")
    other = await world.shop("Other", merchant="merchant-2")
    for day, (bucket, amount) in enumerate((("DEPOSIT", "100.00"), ("PAYABLES", "30.50"), ("DEPOSIT", "0.10"))):
        api.now = START.replace(hour=2) + timedelta(days=day)
        await world.credit(shop, bucket, amount)
        await world.credit(other, "DEPOSIT", "1.00")
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line))["claim"]
    await claims.call("acceptClaim", shop.merchant, claimId=claim["id"])
    return shop, other


async def test_h6_chinese_headers_and_values_by_header_or_lang_with_the_same_numbers(api, world, claims):
    shop, _other = await _booked(api, world, claims)
    _, english, _ = await fetch(api, "/exports/ledger.csv", shop.merchant)
    reply = await api.client.get("/exports/ledger.csv", params={"lang": "zh-CN"},
                                 headers={"Authorization": f"Bearer {shop.merchant}"})
    assert reply.status_code == 200 and reply.headers["content-language"] == "zh-CN"
    by_header = await api.client.get("/exports/ledger.csv", headers={"Authorization": f"Bearer {shop.merchant}",
                                                                     "Accept-Language": "zh-CN"})
    assert by_header.content == reply.content
    chinese = list(csv.reader(io.StringIO(reply.content.decode("utf-8-sig"), newline="")))
    assert chinese[0] == LEDGER_ZH
    assert {row[4] for row in chinese[1:]} >= {"保证金入账", "货款入账", "理赔退款"}
    assert {row[5] for row in chinese[1:]} == {"保证金", "货款"}
    keep = (0, 1, 2, 3, 6, 7, 8)  # ids, shop, time, amount, references: the same in every language
    assert [[row[i] for i in keep] for row in chinese[1:]] == [[row[i] for i in keep] for row in english[1:]]
    claims_zh = await api.client.get("/exports/claims.csv", params={"lang": "zh"},
                                     headers={"Authorization": f"Bearer {shop.merchant}"})
    rows = list(csv.reader(io.StringIO(claims_zh.content.decode("utf-8-sig"), newline="")))
    assert rows[0][:6] == ["编号", "订单ID", "店铺ID", "店铺名称", "买家ID", "原因"]
    assert rows[1][5] == "破损" and rows[1][7] in ("是", "否")
    refused = await api.client.get("/exports/ledger.csv", params={"lang": "fr"},
                                   headers={"Authorization": f"Bearer {shop.merchant}", "Accept-Language": "zh-CN"})
    assert refused.status_code == 400 and refused.json()["error"]["message"] == "`lang` 的取值为 en, zh-CN"


async def test_h6_a_periods_rows_sum_to_the_balance_change_however_the_period_is_cut(api, world, claims):
    shop, other = await _booked(api, world, claims)

    async def total(token, **period) -> Decimal:
        status, rows, raw = await fetch(api, "/exports/ledger.csv", token, **period)
        assert status == 200, raw
        return sum((Decimal(row[6]) for row in rows[1:]), Decimal(0))

    account = await world.account(shop)
    balance = Decimal(account["deposit"]["amount"]) + Decimal(account["payables"]["amount"])
    assert await total(shop.merchant) == balance  # from nothing: every change
    for cut in ("2026-11-02", "2026-11-03", "2026-11-03T10:00:00+08:00", "2026-11-04T00:00:00Z"):
        # an instant `to` ends before it; a date `to` covers its day, so the day before meets a date `from`
        up_to = cut if "T" in cut else str(date.fromisoformat(cut) - timedelta(days=1))
        before = await total(shop.merchant, to=up_to)
        assert before + await total(shop.merchant, **{"from": cut}) == balance, cut
    everyone = await total(world.platform)
    other_account = await world.account(other)
    assert everyone == balance + Decimal(other_account["deposit"]["amount"])


async def test_h6_pandas_reads_columns_types_and_chinese_text(api, world, claims):
    pandas = pytest.importorskip("pandas")
    shop, other = await _booked(api, world, claims)
    _, _, raw = await fetch(api, "/exports/ledger.csv", world.platform)
    frame = pandas.read_csv(io.BytesIO(raw), encoding="utf-8-sig", keep_default_na=False)
    assert list(frame.columns) == ["id", "shop_id", "shop_name", "created_at", "kind", "bucket", "amount",
                                   "claim_id", "reverses_id"]
    assert str(frame["amount"].dtype) == "float64"
    assert set(frame["shop_name"]) == {"鲜果农场, \"一号\"店", "Other"} and set(frame["shop_id"]) == {shop.id, other.id}
    times = pandas.to_datetime(frame["created_at"])
    assert str(times.dt.tz) == "UTC+08:00"  # the offset survives: each time is an exact instant
    mine = frame[frame["shop_id"] == shop.id]
    account = await world.account(shop)
    assert round(mine["amount"].sum(), 2) == float(Decimal(account["deposit"]["amount"]) +
                                                  Decimal(account["payables"]["amount"]))
    _, _, chinese = await fetch(api, "/exports/claims.csv", shop.merchant, lang="zh-CN")
    claims_frame = pandas.read_csv(io.BytesIO(chinese), encoding="utf-8-sig", keep_default_na=False)
    assert claims_frame["原因"].tolist() == ["破损"] and claims_frame["店铺名称"].tolist() == ["鲜果农场, \"一号\"店"]


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None and not REQUIRED,
                    reason="LibreOffice is not installed (Debian: apt-get install libreoffice-calc-nogui)")
async def test_h6_libreoffice_opens_the_file_with_its_columns_numbers_and_chinese_text(api, world, claims):
    openpyxl = pytest.importorskip("openpyxl")
    shop, _other = await _booked(api, world, claims)
    _, _, raw = await fetch(api, "/exports/ledger.csv", world.platform, lang="zh-CN")
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "ledger.csv").write_bytes(raw)
        process = await asyncio.create_subprocess_exec(
            SOFFICE or "soffice", f"-env:UserInstallation=file://{base / 'profile'}", "--headless",
            "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", str(base), str(base / "ledger.csv"),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(process.communicate(), 120)
        assert process.returncode == 0 and (base / "ledger.xlsx").exists(), (out, err)
        sheet = openpyxl.load_workbook(base / "ledger.xlsx").active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == LEDGER_ZH
    mine = [row for row in rows[1:] if row[1] == shop.id]
    assert {row[2] for row in mine} == {"鲜果农场, \"一号\"店"} and {row[5] for row in mine} == {"保证金", "货款"}
    assert all(isinstance(row[6], int | float) for row in rows[1:])  # amounts are numbers a sheet sums
    account = await world.account(shop)
    assert round(sum(row[6] for row in mine), 2) == float(Decimal(account["deposit"]["amount"]) +
                                                          Decimal(account["payables"]["amount"]))
