"""A real HTTP receiver for webhook tests, in a thread of the test process: it verifies each signature with the
`standardwebhooks` package, deduplicates by `webhook-id` as a receiver should, and answers as the test scripts it
(a status, a hang past the sender's timeout, or a hold until released)."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook


@dataclass
class Received:
    message_id: str
    body: dict
    verified: bool
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes = b""


@dataclass
class Receiver:
    port: int = 0
    secret: str | None = None
    script: list[int | str] = field(default_factory=list)  # per request: a status, "hang" (2 s) or "hold"
    answer: bytes = b""  # the body of every answer
    received: list[Received] = field(default_factory=list)
    processed: dict[str, dict] = field(default_factory=dict)  # webhook-id → body, once each
    release: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    @property
    def attempts(self) -> Counter[str]:
        return Counter(r.message_id for r in self.received)

    def wait_for(self, count: int, timeout: float = 30) -> None:
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.received) >= count, timeout):
                raise AssertionError(f"{len(self.received)} requests arrived, not {count}")

    def handle(self, headers: dict[str, str], raw: bytes) -> int | str:
        verified = True
        if self.secret is not None:
            try:
                Webhook(self.secret).verify(raw.decode(), headers)
            except Exception:  # noqa: BLE001  (any failure to verify is recorded, not raised)
                verified = False
        message_id = headers.get("webhook-id", "")
        body = json.loads(raw)
        with self.arrived:
            self.received.append(Received(message_id, body, verified, headers, raw))
            action = self.script.pop(0) if self.script else 200
            if verified and message_id not in self.processed and action in (200, "hold"):
                self.processed[message_id] = body  # a receiver acts once per webhook-id
            self.arrived.notify_all()
        return action


@contextmanager
def receiving(secret: str | None = None) -> Iterator[Receiver]:
    receiver = Receiver(secret=secret)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            raw = self.rfile.read(int(self.headers.get("content-length", 0)))
            action = receiver.handle({k.lower(): v for k, v in self.headers.items()}, raw)
            if action == "hang":
                receiver.release.wait(2)
                action = 200
            elif action == "hold":
                receiver.release.wait(60)
                action = 200
            try:
                self.send_response(int(action))
                self.send_header("content-length", str(len(receiver.answer)))
                self.end_headers()
                self.wfile.write(receiver.answer)
            except OSError:
                pass  # the sender is gone (timed out, or killed)

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 128  # the default 5 refuses connections under a burst of concurrent deliveries

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.shutdown()
        server.server_close()
