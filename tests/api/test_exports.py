"""SPEC F5: CSV exports over HTTP with the API's authorization, UTF-8 with a BOM, RFC 4180 quoting (read back by the
`csv` module, as Excel would), ids as global IDs, money as plain decimals; a ledger export sums to the balance
change over its period. Constant memory is the bench's to show (make bench-scale); here the stream is proven by the
chunked response of a few thousand rows."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

from domain.shared.actor import Role
from tests.api.coupons_world import place
from tests.conftest import START

LEDGER = ["id", "shop_id", "shop_name", "created_at", "kind", "bucket", "amount", "claim_id", "reverses_id"]


async def fetch(api, path: str, token: str | None, **params) -> tuple[int, list[list[str]], bytes]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    reply = await api.client.get(path, params=params, headers=headers)
    if reply.status_code != 200:
        return reply.status_code, [], reply.content
    assert reply.headers["content-type"] == "text/csv; charset=utf-8"
    raw = reply.content
    assert raw.startswith("\ufeff".encode())
    return 200, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""))), raw


async def test_f5_the_ledger_export_sums_to_the_balance_change_of_its_period(api, world, claims):
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    await world.credit(shop, "DEPOSIT", "100.00")
    api.advance(days=1)
    start = api.now
    await world.credit(shop, "PAYABLES", "30.50")
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line))["claim"]
    await claims.call("acceptClaim", shop.merchant, claimId=claim["id"])
    await world.credit(other, "DEPOSIT", "7.00")
    end = api.now + timedelta(seconds=1)
    status, rows, _ = await fetch(api, "/exports/ledger.csv", shop.merchant, **{"from": start.isoformat(),
                                                                              "to": end.isoformat()})
    assert status == 200 and rows[0] == LEDGER
    body = rows[1:]
    assert {(r[1], r[2]) for r in body} == {(shop.id, "Fresh Farm")}  # H6: whose each row is
    kinds = [r[4] for r in body]
    assert kinds[0] == "PAYABLES_CREDIT" and set(kinds[1:]) == {"CLAIM_REFUND"}  # payables first, then the deposit
    account = await world.account(shop)
    total = sum(Decimal(r[6]) for r in body)
    balance_now = Decimal(account["deposit"]["amount"]) + Decimal(account["payables"]["amount"])
    assert total == balance_now - Decimal("100.00")  # the change since `from`
    assert {r[7] for r in body if r[4] == "CLAIM_REFUND"} == {claim["id"]}
    everything = (await fetch(api, "/exports/ledger.csv", world.platform))[1][1:]
    assert len(everything) == len(body) + 2  # the first credit, and the other shop's
    assert {(r[1], r[2]) for r in everything} == {(shop.id, "Fresh Farm"), (other.id, "Other")}
    assert (await fetch(api, "/exports/ledger.csv", world.platform, shopId=other.id))[1][1][6] == "7.00"


async def test_f5_exports_answer_like_the_api_401_403_404_400(api, world):
    shop, other = await world.shop(), await world.shop("Other", merchant="merchant-2")
    assert (await fetch(api, "/exports/ledger.csv", None))[0] == 401
    assert (await fetch(api, "/exports/ledger.csv", "not-a-token"))[0] == 401
    assert (await fetch(api, "/exports/ledger.csv", shop.agent))[0] == 403  # agents do not see the ledger
    assert (await fetch(api, "/exports/ledger.csv", world.buyer))[0] == 403
    assert (await fetch(api, "/exports/ledger.csv", shop.merchant, shopId=other.id))[0] == 404
    assert (await fetch(api, "/exports/ledger.csv", world.platform, shopId="not-an-id"))[0] == 404
    assert (await fetch(api, "/exports/claims.csv", shop.merchant, shopId=other.id))[0] == 404
    assert (await fetch(api, "/exports/ledger.csv", shop.merchant, **{"from": "yesterday"}))[0] == 400
    assert (await fetch(api, "/exports/ledger.csv", shop.merchant, **{"from": "2026-11-02T00:00:00"}))[0] == 400
    assert (await fetch(api, "/exports/claims.csv", shop.merchant, status="NOPE"))[0] == 400
    assert (await fetch(api, "/exports/invoice-obligations.csv", shop.merchant))[0] == 400  # from/to required
    status, body, raw = await fetch(api, "/exports/ledger.csv", shop.merchant)
    assert status == 200 and body == [LEDGER]
    assert raw.endswith(b"\r\n")


async def test_f5_the_claims_export_quotes_and_keeps_chinese_text_and_streams_thousands(api, world, claims):
    shop = await world.shop()
    buyer = api.token(Role.BUYER, '买家,"一号"')  # a comma and quotes: RFC 4180 quoting must carry them
    for _ in range(3):
        _, line = await claims.delivered_line(shop, token=buyer)
        await claims.submit(line, token=buyer, reason="ROTTEN_OR_SPOILED")
    status, rows, _ = await fetch(api, "/exports/claims.csv", shop.merchant, reason="ROTTEN_OR_SPOILED")
    assert status == 200 and len(rows) == 4
    assert {r[4] for r in rows[1:]} == {'买家,"一号"'} and {r[5] for r in rows[1:]} == {"ROTTEN_OR_SPOILED"}
    assert (await fetch(api, "/exports/claims.csv", shop.merchant, reason="DAMAGED"))[1][1:] == []
    assert len((await fetch(api, "/exports/claims.csv", buyer))[1]) == 4  # the buyer's own
    assert len((await fetch(api, "/exports/claims.csv", world.buyer))[1]) == 1  # nothing of another buyer's


async def test_f5_rows_are_written_out_in_chunks_as_they_are_read(monkeypatch):
    """The in-process transport buffers a response, so the chunking is held here, at the writer: each chunk goes
    out as soon as its rows were read, never the whole file at once."""
    import web.exports

    monkeypatch.setattr(web.exports, "CHUNK", 2)
    read: list[int] = []

    async def rows():
        for n in range(5):
            read.append(n)
            yield [n, "行"]

    sent = []
    async for chunk in web.exports._csv(["n", "text"], rows()):
        sent.append((chunk, len(read)))
    assert [seen for _, seen in sent] == [2, 4, 5]  # a chunk per two rows, each sent before the next rows are read
    assert b"".join(c for c, _ in sent).decode("utf-8-sig") == "n,text\r\n0,行\r\n1,行\r\n2,行\r\n3,行\r\n4,行\r\n"


async def test_f5_invoice_obligations_export(api, world, coupons):
    shop = await world.shop()
    platform_coupon = await coupons.owned(faceValue="10.00", platformShare="0.3")
    order = (await place(api, world, shop, {"cherries": "1"}, [platform_coupon]))["order"]
    await world.pay(order["id"])
    period = {"from": START.isoformat(), "to": (START + timedelta(days=1)).isoformat()}
    status, rows, _ = await fetch(api, "/exports/invoice-obligations.csv", shop.merchant, **period)
    assert status == 200 and rows == [["shop_id", "shop_name", "counterparty", "counterparty_id", "amount",
                                       "coupon_count"], [shop.id, "Fresh Farm", "PLATFORM", "", "3.00", "1"]]
    assert (await fetch(api, "/exports/invoice-obligations.csv", world.platform, **period))[0] == 400  # no shop
    assert (await fetch(api, "/exports/invoice-obligations.csv", world.platform, shopId=shop.id, **period))[1] == rows


async def test_f5_no_cell_is_a_formula(api, world, claims):
    """Penetration test III, finding 10 (OWASP CSV injection): a buyer id that begins with ``=`` is written as text
    (a leading ``'``), while negative money stays a number."""
    from domain.shared.actor import Role
    from web.exports import cell

    shop = await world.shop()
    await world.credit(shop, "PAYABLES", "100.00")
    attacker = api.token(Role.BUYER, '=HYPERLINK("http://evil.example","x")')
    order = await world.order(shop, {"bowl": "1"}, signed_at=api.now, token=attacker)
    claim = (await claims.submit(order["lines"][0]["id"], reason="QUALITY_ISSUE", evidence=[], token=attacker))
    await claims.call("acceptClaim", shop.merchant, claimId=claim["claim"]["id"])
    _, rows, _ = await fetch(api, "/exports/claims.csv", shop.merchant)
    assert rows[1][4] == "'" + '=HYPERLINK("http://evil.example","x")'
    _, ledger, _ = await fetch(api, "/exports/ledger.csv", shop.merchant)
    assert [row[6] for row in ledger[1:]] == ["100.00", "-20.00"]
    assert [cell(v) for v in ("+1", "-x", "@a", "\tz", "\rq", "-12.30", "12", "ok")] == \
        ["'+1", "'-x", "'@a", "'\tz", "'\rq", "-12.30", "12", "ok"]


async def test_f5_every_parameter_is_screened_before_the_first_byte(api, world):
    """Penetration test III, finding 9: these started a 200 and broke off; now 400 before anything is sent, with
    the API's rules (the API refuses the same instant as BAD_USER_INPUT)."""
    shop = await world.shop()
    for params in ({"from": "0001-01-01T00:00:00+14:00"}, {"to": "9999-12-31T23:59:59-14:00"},
                   {"buyerId": "\x00"}, {"status": "REFUNDED", "x\x00": "1"}):
        status, _, raw = await fetch(api, "/exports/claims.csv", shop.merchant, **params)
        assert status == 400 and b"BAD_REQUEST" in raw, (params, raw)
    status, _, _ = await fetch(api, "/exports/ledger.csv", shop.merchant, **{"from": "0001-01-01T00:00:00+14:00"})
    assert status == 400
    reply = await api.gql("query($f: DateTime!) { claims(filter: {submittedFrom: $f}) { totalCount } }",
                          {"f": "0001-01-01T00:00:00+14:00"}, token=shop.merchant)
    assert reply.codes == ["BAD_USER_INPUT"]
