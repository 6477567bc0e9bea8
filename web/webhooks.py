"""E5: the delivery worker the server runs (started and stopped by its lifespan), and what it needs from outside:
a resolver for the SSRF check (E6) and a sender that POSTs one signed delivery with httpx.

Signatures are the `standardwebhooks` package's (the specification's reference library), never HMAC written here:
``webhook-id`` (stable per event and endpoint), ``webhook-timestamp`` and ``webhook-signature: v1,<base64>``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from datetime import UTC, datetime

import httpx
from standardwebhooks import Webhook

from domain.shared.clock import Clock
from domain.shared.uow import UnitOfWorkFactory
from domain.webhooks.model import EXCERPT, Outcome, WebhookEndpoint
from domain.webhooks.ports import AddressResolver, PayloadQueries, WebhookSender
from domain.webhooks.services import WebhookPolicy, deliver_due
from schema import served
from schema.limits import Limits
from schema.webhooks.bodies import SchemaPayloadQueries

log = logging.getLogger("aftersales.webhooks")
USER_AGENT = "aftersales-webhooks/1"


class DnsResolver:
    """The system resolver, off the event loop. A name that does not resolve resolves to nothing."""

    async def resolve(self, host: str) -> list[str]:
        try:
            found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            return []
        return sorted({str(info[4][0]) for info in found})


class HttpSender:
    def __init__(self, client: httpx.AsyncClient):
        self.client = client

    async def send(self, endpoint: WebhookEndpoint, message_id: str, body: str, secrets: list[str]) -> Outcome:
        """One POST of ``body`` (E10: kept at the first attempt), signed with every secret (E11: space-separated, as
        Standard Webhooks allows); its outcome with how long it took and the start of the answer (E11's log)."""
        payload = body.encode()
        sent_at = datetime.now(UTC)  # the library replaces tzinfo instead of converting: an aware UTC instant
        text = body
        signature = " ".join(Webhook(secret).sign(message_id, sent_at, text) for secret in secrets)
        headers = {"webhook-id": message_id, "webhook-timestamp": str(int(sent_at.timestamp())),
                   "webhook-signature": signature, "content-type": "application/json", "user-agent": USER_AGENT}
        started = time.perf_counter()

        def took() -> int:
            return round((time.perf_counter() - started) * 1000)

        try:
            reply = await self.client.post(endpoint.url, content=payload, headers=headers)
        except httpx.PoolTimeout:  # no connection of this process's pool came free: nothing was sent
            return Outcome(None, "not sent: no connection free in this process (not counted as an attempt)",
                           attempted=False)
        except httpx.TimeoutException:
            return Outcome(None, f"no answer within {self.client.timeout.read} s", duration_ms=took())
        except httpx.ConnectError as error:
            return Outcome(None, f"connection refused or failed: {error}"[:300], duration_ms=took())
        except httpx.HTTPError as error:
            return Outcome(None, f"{type(error).__name__}: {error}"[:300], duration_ms=took())
        excerpt = reply.text[:EXCERPT] if reply.content else None
        return Outcome(reply.status_code, None if reply.is_success else f"the receiver answered {reply.status_code}",
                       duration_ms=took(), excerpt=excerpt)


class DeliveryWorker:
    """Delivers what is due whenever this process commits events, and every ``poll_seconds`` for retries and for
    deliveries other processes left (their crash, or their lease expired)."""

    def __init__(self, uow: UnitOfWorkFactory, policy: WebhookPolicy, clock: Clock, poll_seconds: float = 1.0,
                 resolver: AddressResolver | None = None, sender: WebhookSender | None = None,
                 queries: PayloadQueries | None = None):
        self.uow, self.policy, self.clock, self.poll_seconds = uow, policy, clock, poll_seconds
        self.queries: PayloadQueries = queries or SchemaPayloadQueries(served(True), Limits(), uow, clock)
        self.resolver: AddressResolver = resolver or DnsResolver()
        self.client = httpx.AsyncClient(timeout=policy.timeout, follow_redirects=False,
                                        limits=httpx.Limits(max_connections=policy.batch))
        self.sender: WebhookSender = sender or HttpSender(self.client)
        self.wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> int:
        """Everything due now, batch after batch; how many attempts were made."""
        total = 0
        while made := await deliver_due(self.uow, self.sender, self.queries, self.resolver, self.policy, self.clock):
            total += made
        return total

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), self.poll_seconds)
            self.wake.clear()
            try:
                await self.run_once()
            except Exception:  # noqa: BLE001  (the worker outlives a database hiccup; rows wait for the next pass)
                log.exception("webhooks: delivering failed; trying again in %.1f s", self.poll_seconds)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.client.aclose()
