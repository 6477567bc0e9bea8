"""SPEC E5–E6, E11 as functions: where a URL may point, when a failed delivery is tried again, what an endpoint's
description may be."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from domain.events.model import NEVER_REPLAYED, EventType
from domain.shared.errors import DomainError, ErrorCode, InvalidInput
from domain.shared.messages import msg
from domain.webhooks.model import DeliveryStatus

MAX_URL = 2000
MAX_DESCRIPTION = 500
DISABLED_BY_OWNER = "disabled by its owner"
SECRET_PREFIX = "whsec_"
# Cloud metadata services outside the link-local range (E6): Alibaba Cloud's; AWS's IPv6 one is in fd00::/8.
METADATA = frozenset({ipaddress.ip_address("100.100.100.200"), ipaddress.ip_address("fd00:ec2::254")})


class UnsafeUrl(DomainError):
    code = ErrorCode.UNSAFE_URL

    def __init__(self, message: str):
        super().__init__(message, ("input", "url"))


def check_url(url: str, allow_private: bool) -> str:
    """E6: an absolute ``https://`` URL without credentials (``http://`` too when private addresses are allowed, for
    local tools); returns its host. Whether the host's addresses are allowed is ``check_address``'s."""
    if len(url) > MAX_URL:
        raise InvalidInput(msg("the URL is longer than {max} characters", max=MAX_URL), ("input", "url"))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        raise UnsafeUrl("the URL does not parse") from None
    allowed = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in allowed:
        raise UnsafeUrl("webhook URLs must be https://")
    if not parts.hostname:
        raise UnsafeUrl("the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl("the URL must not carry credentials")
    return parts.hostname


NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))  # RFC 6052, RFC 8215


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries: mapped (::ffff:a.b.c.d), 6to4 (2002:AABB:CCDD::/48) or the
    deprecated IPv4-compatible form (::a.b.c.d)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if int(ip) >> 32 == 0 and int(ip) > 1:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def forbidden_address(address: str) -> bool:
    """E6 (SSRF): loopback, private, link-local (169.254.169.254 included), carrier-grade NAT, multicast, reserved,
    unspecified and cloud metadata addresses. An IPv6 form that embeds an IPv4 address (mapped, 6to4,
    IPv4-compatible) is judged by that address; NAT64 and Teredo, which reach IPv4 hosts through a translator or a
    tunnel, are refused whatever they carry."""
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.teredo is not None or any(ip in network for network in NAT64):
            return True
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            ip = embedded
    return (ip in METADATA or ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified or not ip.is_global)


def check_addresses(host: str, addresses: list[str], allow_private: bool) -> None:
    if not addresses:
        raise UnsafeUrl(msg("{host} does not resolve", host=host))
    if not allow_private:
        bad = sorted({a for a in addresses if forbidden_address(a)})
        if bad:
            raise UnsafeUrl(msg("{host} resolves to an address webhooks may not reach ({addresses})",
                host=host, addresses=", ".join(bad)))


def new_secret() -> str:
    """E6: 32 random bytes, as the Standard Webhooks specification writes a secret."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def valid_secret(secret: str) -> bool:
    """The signing library takes a secret without the prefix, or with bad base64, silently as another key."""
    if not secret.startswith(SECRET_PREFIX):
        return False
    try:
        return len(base64.b64decode(secret[len(SECRET_PREFIX):], validate=True)) >= 24
    except binascii.Error:
        return False


def after_failure(attempts: int, delays: tuple[int, ...], now: datetime) -> tuple[DeliveryStatus, datetime | None]:
    """E5: the ``attempts``-th try failed. Tried again after ``delays[attempts - 1]`` seconds while delays remain;
    FAILED after the last (1 + len(delays) tries in all)."""
    if attempts <= len(delays):
        return DeliveryStatus.PENDING, now + timedelta(seconds=delays[attempts - 1])
    return DeliveryStatus.FAILED, None


def check_event_types(event_types: list[EventType] | None) -> list[EventType] | None:
    """E5, E11: at least one type, and not PING (a test goes to one endpoint when its owner asks: sendTestWebhook)."""
    if event_types is None:
        return None
    if not event_types:
        raise InvalidInput("name at least one event type", ("input", "eventTypes"))
    if NEVER_REPLAYED in event_types:
        raise InvalidInput("PING is not subscribed to: sendTestWebhook sends one", ("input", "eventTypes"))
    return event_types


MAX_PAYLOAD_QUERY = 10_000  # E10: characters of a payloadQuery


def check_payload_query(document: str | None, check: Callable[[str], str | None]) -> str | None:
    """E10: a document that shapes an endpoint's bodies, as given, if the served schema accepts it (``check``: why
    not); blank clears it (None: the default body of E5)."""
    if document is None or not document.strip():
        return None
    if len(document) > MAX_PAYLOAD_QUERY:
        raise InvalidInput(msg("a payloadQuery has at most {max} characters", max=MAX_PAYLOAD_QUERY),
                           ("input", "payloadQuery"))
    problem = check(document)
    if problem is not None:
        raise InvalidInput(msg("the payloadQuery is refused: {problem}", problem=problem), ("input", "payloadQuery"))
    return document


def check_description(description: str | None) -> str | None:
    """E11: free text for its owner, at most MAX_DESCRIPTION characters; blank clears it."""
    if description is None:
        return None
    description = description.strip()
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput(msg("a description has at most {max} characters", max=MAX_DESCRIPTION),
                           ("input", "description"))
    return description or None


def disabled_reason(was_enabled: bool, reason: str | None, enabled: bool) -> str | None:
    """E11: an enabled endpoint has no reason; one its owner disables says so; one already disabled keeps why."""
    if enabled:
        return None
    return reason if not was_enabled else DISABLED_BY_OWNER


def failing_too_long(failing_since: datetime | None, now: datetime, after: timedelta) -> bool:
    """E11: every attempt since ``failing_since`` failed, for ``after`` (WEBHOOK_DISABLE_AFTER_HOURS) or longer."""
    return failing_since is not None and now - failing_since >= after


def failing_reason(failing_since: datetime, after: timedelta) -> str:
    hours = round(after.total_seconds() / 3600)
    return f"disabled automatically: every attempt failed for {hours} hours (since {failing_since.isoformat()})"
