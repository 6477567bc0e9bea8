"""F5: ``GET /exports/claims.csv``, ``/exports/ledger.csv``, ``/exports/invoice-obligations.csv`` and (W13)
``/exports/invoices.csv``.

The same token and the same rules as the API (401 without a token, 403 for a role that may not, 404 for another
tenant's shop, 400 for a bad parameter), checked before the first byte. Then UTF-8 with a byte-order mark (Excel
reads Chinese correctly), RFC 4180 through the ``csv`` module, money as plain decimals, times in ISO 8601, ids as
the API's global IDs — streamed from a server-side cursor in chunks, so memory stays flat for any number of rows.
H6: every row names its shop (id and name); with ``Accept-Language: zh-CN`` or ``?lang=zh-CN`` the headers and the
enum values are Chinese (``Labels``), the numbers, ids and times the same."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from domain.claims.model import Claim, ClaimReason, ClaimStatus
from domain.claims.services import claims_scope
from domain.reports import exports
from domain.shared.actor import Actor
from domain.shared.clock import SHANGHAI, shanghai_day
from domain.shared.errors import DomainError, Forbidden, NotFound
from domain.shared.ids import global_id
from domain.shared.messages import msg, term
from domain.shared.text import is_clean_text
from domain.shared.throttle import EXPORT_POINTS, Throttle
from domain.shared.uow import UnitOfWorkFactory
from domain.shops.model import LedgerEntry
from schema.common.errors import TopLevelCode
from schema.common.i18n import ENGLISH, negotiate, translate
from schema.common.ids import decode_id
from schema.common.scalars import parse_instant
from web.asgi import file_problem
from web.auth import Tokens
from web.authentication import caller
from web.language import LANGS
from web.throttle import charged

log = logging.getLogger("aftersales.exports")
BOM = "\ufeff"
CHUNK = 500  # rows per chunk sent
LEDGER = ("id", "shop_id", "shop_name", "created_at", "kind", "bucket", "amount", "claim_id", "reverses_id")
OBLIGATIONS = ("shop_id", "shop_name", "counterparty", "counterparty_id", "amount", "coupon_count")
CLAIMS = ("id", "order_id", "shop_id", "shop_name", "buyer_id", "reason", "status", "covered", "submitted_at",
          "merchant_response_due_at", "standard_refund", "refunded", "ruling_outcome", "ruled_at")
INVOICES = ("id", "shop_id", "shop_name", "counterparty", "counterparty_id", "period_from", "period_to", "number",
            "amount", "recorded_at", "voided_at", "void_reason")
# each translated as ``column.<name>`` (i18n.py)
COLUMNS = tuple(dict.fromkeys(LEDGER + OBLIGATIONS + CLAIMS + INVOICES))
FLAGS = ("value.true", "value.false")


class Labels:
    """H6: a file's words in the request's language — its headers (``column.<name>``) and enum values (the H7
    terms, ``<Enum>.<VALUE>``) — from the same catalogue as the messages; English keeps the API's names."""

    def __init__(self, language: str):
        self.language = language
        self.values: dict[Enum, str] = {}  # each value translated once a file, not once a row

    def headers(self, columns: Iterable[str]) -> list[str]:
        return [self._word(f"column.{name}", name) for name in columns]

    def value(self, value: Enum) -> str:
        found = self.values.get(value)
        if found is None:
            found = self.values[value] = translate(term(value), self.language)
        return found

    def flag(self, value: bool) -> str:
        return self._word(FLAGS[0] if value else FLAGS[1], "true" if value else "false")

    def _word(self, key: str, english: str) -> str:
        if self.language == ENGLISH:
            return english
        translated = translate(key, self.language)
        return english if translated == key else translated


DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
UNENCODED_PLUS = re.compile(r"[0-9] [0-9]{2}(:?[0-9]{2})?$")  # "…T10:00:00 08:00": a + the URL decoded as a space


class BadParameter(Exception):
    pass


def _gid(kind: str, pk: int | None) -> str:
    return global_id(kind, pk) if pk is not None else ""


def _instant(value: datetime | None) -> str:
    """H6: Beijing time with its offset, to the second (``2026-11-03T00:00:00+08:00``): the day a finance team books
    it on, readable as it stands, and exact as an instant."""
    return value.astimezone(SHANGHAI).isoformat(timespec="seconds") if value is not None else ""


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def cell(value: Any) -> Any:
    """OWASP's rule against CSV formula injection: a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or
    a carriage return is written with a leading ``'``, so a spreadsheet shows it as text and never evaluates it. A
    plain number (a money amount such as ``-12.30``, a count) cannot be a formula and is written as it is, so sums
    still add up."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def _csv(header: list[str], rows: AsyncIterator[Iterable[Any]]) -> AsyncIterator[bytes]:
    async def chunks() -> AsyncIterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        buffer.write(BOM)
        writer.writerow(header)
        count = 0
        async for row in rows:
            writer.writerow([cell(value) for value in row])
            count += 1
            if count % CHUNK == 0:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode()

    return chunks()


def ledger_file(rows: AsyncIterator[exports.Row[LedgerEntry]], labels: Labels) -> AsyncIterator[bytes]:
    """A ledger export's bytes (the streamed GET's and an export job's, H5)."""
    async def lines() -> AsyncIterator[list[Any]]:
        async for row in rows:
            e = row.item
            yield [_gid("LedgerEntry", e.id), _gid("Shop", e.shop_id), row.shop_name, _instant(e.created_at),
                   labels.value(e.kind), labels.value(e.bucket), str(e.amount.yuan), _gid("Claim", e.claim_id),
                   _gid("LedgerEntry", e.reverses_id)]

    return _csv(labels.headers(LEDGER), lines())


def claims_file(rows: AsyncIterator[exports.Row[Claim]], labels: Labels) -> AsyncIterator[bytes]:
    """A claims export's bytes (the streamed GET's and an export job's, H5)."""
    async def lines() -> AsyncIterator[list[Any]]:
        async for row in rows:
            c, ruling = row.item, row.item.ruling
            yield [_gid("Claim", c.id), _gid("Order", c.order_id), _gid("Shop", c.shop_id), row.shop_name,
                   c.buyer_id, labels.value(c.reason), labels.value(c.status), labels.flag(c.covered),
                   _instant(c.submitted_at), _instant(c.merchant_response_due_at), str(c.standard_refund.yuan),
                   str(c.refunded.yuan), labels.value(ruling.outcome) if ruling else "",
                   _instant(ruling.decided_at) if ruling else ""]

    return _csv(labels.headers(CLAIMS), lines())


@dataclass
class ExportLimits:
    """Finding 1 of the penetration test: a download must never starve the API. At most ``per_process`` exports
    stream at once in a process and ``per_caller`` per caller (others answer 429 before the first byte), and a
    client that does not read for ``send_timeout`` seconds is cut off (EXPORT_MAX_CONCURRENT,
    EXPORT_MAX_PER_CALLER, EXPORT_SEND_TIMEOUT_SECONDS). Rows are read in batches on connections returned before
    anything is sent (``domain/reports/exports.py``), so a stalled client holds a slot here, never a connection."""

    per_process: int = 8
    per_caller: int = 2
    send_timeout: float = 30.0
    streaming: Counter[str] = field(default_factory=Counter)

    def enter(self, caller_key: str) -> bool:
        if sum(self.streaming.values()) >= self.per_process or self.streaming[caller_key] >= self.per_caller:
            return False
        self.streaming[caller_key] += 1
        return True

    def leave(self, caller_key: str) -> None:
        self.streaming[caller_key] -= 1
        if self.streaming[caller_key] <= 0:
            del self.streaming[caller_key]


class ExportResponse(StreamingResponse):
    """A CSV download that gives its slot back however it ends, and stops writing to a client that has not read
    for ``send_timeout`` seconds (the connection is then closed by the server)."""

    def __init__(self, name: str, body: AsyncIterator[bytes], limits: ExportLimits, caller_key: str):
        super().__init__(body, media_type="text/csv; charset=utf-8",
                         headers={"Content-Disposition": f'attachment; filename="{name}"',
                                  "Cache-Control": "no-store"})
        self.limits, self.caller_key = limits, caller_key

    async def stream_response(self, send: Send) -> None:
        async def timed(message: Message) -> None:
            await asyncio.wait_for(send(message), self.limits.send_timeout)

        try:
            await super().stream_response(timed)
        except TimeoutError:
            log.warning("export cut off: the client read nothing for %ss", self.limits.send_timeout)
        finally:
            await self.body_iterator.aclose()  # type: ignore[attr-defined]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.limits.leave(self.caller_key)


class Parameters:
    def __init__(self, request: Request):
        self.values = request.query_params
        self.accept_language = request.headers.get("accept-language")

    def labels(self) -> Labels:
        """The file's language: ``lang`` (``en`` or ``zh-CN``) when given — a link that opens in Chinese without a
        header — else ``Accept-Language`` (F6's negotiation)."""
        lang = self.values.get("lang")
        if lang is None:
            return Labels(negotiate(self.accept_language))
        if lang.lower() not in LANGS:
            raise BadParameter(msg("`lang` takes {values}", values=", ".join(sorted(set(LANGS.values())))))
        return Labels(negotiate(lang))

    def instant(self, name: str, required: bool = False, *, end: bool = False) -> datetime | None:
        """H6: a date (``2026-12-01``: a Shanghai day, its first instant, or with ``end`` the first instant after
        it, so ``to`` covers its day) or an instant as the API's ``DateTime`` reads it (``parse_instant``)."""
        value = self.values.get(name)
        if not value:
            if required:
                raise BadParameter(msg("`{name}` is required (a date or ISO 8601 with an offset)", name=name))
            return None
        if DATE.fullmatch(value):
            try:
                return shanghai_day(date.fromisoformat(value), end=end)
            except ValueError:
                pass
        try:
            return parse_instant(value)
        except ValueError:
            if UNENCODED_PLUS.search(value):
                raise BadParameter(msg("`{name}`: a + in a URL reads as a space; write the offset as %2B08:00, or "
                                       "use Z", name=name)) from None
            raise BadParameter(msg("`{name}` must be a date (YYYY-MM-DD, a Shanghai day) or an ISO 8601 instant "
                                   "with an offset (e.g. Z or +08:00), within range", name=name)) from None

    def text(self, name: str) -> str | None:
        """A text parameter, screened as the API screens text: no NUL, no unpaired surrogate."""
        value = self.values.get(name)
        if value is not None and not is_clean_text(value):
            raise BadParameter(msg("`{name}` may not hold NUL characters or unpaired surrogates", name=name))
        return value

    def screened(self) -> None:
        """Every parameter of the request is clean text, whichever the route reads (checked before the first
        byte)."""
        for name, value in self.values.multi_items():
            if not is_clean_text(name) or not is_clean_text(value):
                raise BadParameter("parameters may not hold NUL characters or unpaired surrogates")

    def shop(self) -> tuple[int | None, bool]:
        value = self.values.get("shopId")
        return (decode_id(value, "Shop"), True) if value else (None, False)

    def enums(self, name: str, kind: Any) -> frozenset[Any] | None:
        value = self.values.get(name)
        if not value:
            return None
        try:
            return frozenset(kind(v.strip()) for v in value.split(",") if v.strip())
        except ValueError:
            raise BadParameter(msg("`{name}` takes {values}, separated by commas",
                name=name, values=", ".join(m.value for m in kind))) from None


def export_routes(tokens: Tokens, uow: UnitOfWorkFactory, clock_for: Callable[[Request], Any],
                  limits: ExportLimits | None = None, throttle: Throttle | None = None) -> list[Route]:
    limits = limits or ExportLimits()

    def guarded(build: Callable[[Request, Actor], Any]) -> Callable[[Request], Any]:
        async def answer(request: Request, actor: Actor) -> Response:
            try:
                Parameters(request).screened()
                return await build(request, actor)
            except BadParameter as error:
                return file_problem(TopLevelCode.BAD_REQUEST, error.args[0])  # a msg keeps its template
            except Forbidden as error:
                return file_problem(TopLevelCode.FORBIDDEN, error.args[0])
            except NotFound as error:
                return file_problem(TopLevelCode.NOT_FOUND, error.message)
            except DomainError as error:
                return file_problem(TopLevelCode.BAD_REQUEST, error.message)

        async def endpoint(request: Request) -> Response:
            actor, problem = caller(request, tokens)
            if actor is None:
                return file_problem(TopLevelCode.UNAUTHENTICATED, problem or "send 'Authorization: Bearer <token>'")
            refused = await charged(throttle, actor, clock_for(request), EXPORT_POINTS)  # H1
            if refused is not None:
                return refused
            key = actor.caller_key
            if not limits.enter(key):
                refused = file_problem(TopLevelCode.TOO_MANY_REQUESTS, msg(
                    "too many exports at once (at most {per_caller} per caller, {per_process} in all): retry when "
                    "one has finished", per_caller=limits.per_caller, per_process=limits.per_process))
                refused.headers["Retry-After"] = "5"
                return refused
            try:
                response = await answer(request, actor)
            except BaseException:
                limits.leave(key)
                raise
            if not isinstance(response, ExportResponse):
                limits.leave(key)  # refused before the first byte: the slot is free at once
            return response

        return endpoint

    async def ledger(request: Request, actor: Actor) -> Response:
        given = Parameters(request)
        shop_id, shop_given = given.shop()
        rows = await exports.ledger_export(uow, actor, shop_id, shop_given, given.instant("from"),
                                          given.instant("to", end=True))

        return _file("ledger.csv", ledger_file(rows(), given.labels()), actor)

    async def claims(request: Request, actor: Actor) -> Response:
        given = Parameters(request)
        shop_id, shop_given = given.shop()
        order = request.query_params.get("orderId")
        order_id = decode_id(order, "Order") if order else None
        query = claims_scope(actor, given.enums("status", ClaimStatus), shop_id, given.text("buyerId"),
                             shop_given, reasons=given.enums("reason", ClaimReason),
                             submitted_from=given.instant("from"), submitted_to=given.instant("to", end=True),
                             overdue_at=clock_for(request).now() if request.query_params.get("overdue") == "true"
                             else None, order_id=order_id, nothing=bool(order) and order_id is None)
        rows = await exports.claims_export(uow, actor, query, shop_id, shop_given)

        return _file("claims.csv", claims_file(rows(), given.labels()), actor)

    async def obligations(request: Request, actor: Actor) -> Response:
        given = Parameters(request)
        shop_id, shop_given = given.shop()
        start, end = given.instant("from", required=True), given.instant("to", required=True, end=True)
        assert start is not None and end is not None
        shop, found = await exports.obligations_export(uow, actor, shop_id, shop_given, start, end)
        labels = given.labels()

        async def lines() -> AsyncIterator[list[Any]]:
            for o in found:
                yield [_gid("Shop", shop.id), shop.name, labels.value(o.counterparty), o.counterparty_id or "",
                       str(o.amount.yuan), o.coupon_count]

        return _file("invoice-obligations.csv", _csv(labels.headers(OBLIGATIONS), lines()), actor)

    async def invoices(request: Request, actor: Actor) -> Response:
        """W13 beside W9: the same parameters as the obligations (the platform may leave out shopId: every shop)."""
        given = Parameters(request)
        shop_id, shop_given = given.shop()
        start, end = given.instant("from", required=True), given.instant("to", required=True, end=True)
        assert start is not None and end is not None
        rows = await exports.invoices_export(uow, actor, shop_id, shop_given, start, end)
        labels = given.labels()

        async def lines() -> AsyncIterator[list[Any]]:
            async for row in rows():
                i = row.item
                yield [_gid("Invoice", i.id), _gid("Shop", i.shop_id), row.shop_name, labels.value(i.counterparty),
                       i.counterparty_id or "", _instant(i.period_from), _instant(i.period_to), i.number,
                       str(i.amount.yuan), _instant(i.recorded_at), _instant(i.voided_at), i.void_reason or ""]

        return _file("invoices.csv", _csv(labels.headers(INVOICES), lines()), actor)

    def _file(name: str, body: AsyncIterator[bytes], actor: Actor) -> ExportResponse:
        return ExportResponse(name, body, limits, actor.caller_key)

    return [Route("/exports/ledger.csv", guarded(ledger), methods=["GET"]),
            Route("/exports/claims.csv", guarded(claims), methods=["GET"]),
            Route("/exports/invoice-obligations.csv", guarded(obligations), methods=["GET"]),
            Route("/exports/invoices.csv", guarded(invoices), methods=["GET"])]
