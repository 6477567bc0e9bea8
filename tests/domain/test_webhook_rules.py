"""SPEC E5–E6 rules without I/O: where a webhook may point, the secret's form, and the retry schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.webhooks.model import DeliveryStatus
from domain.webhooks.rules import (
    UnsafeUrl,
    after_failure,
    check_addresses,
    check_url,
    forbidden_address,
    new_secret,
    valid_secret,
)

NOW = datetime(2026, 12, 2, tzinfo=UTC)


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.8.8", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "100.100.100.200", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "fe80::1", "fc00::1", "fd00:ec2::254",
    "::ffff:10.0.0.1", "::ffff:127.0.0.1", "::", "fe80::1%eth0",
])
def test_e6_private_loopback_link_local_and_metadata_addresses_are_forbidden(address):
    assert forbidden_address(address)


@pytest.mark.parametrize("address", [
    "2002:7f00:1::1", "2002:0a00:0001::", "2002:a9fe:a9fe::1",  # 6to4 of 127.0.0.1, 10.0.0.1, 169.254.169.254
    "64:ff9b::7f00:1", "64:ff9b::808:808", "64:ff9b:1::a00:1",  # NAT64, even of a public address
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "::7f00:1", "::a00:1",  # IPv4-compatible forms of 127.0.0.1 and 10.0.0.1
])
def test_e6_ipv6_forms_that_reach_ipv4_are_judged_by_it_or_refused(address):
    """Penetration test III, finding 8: 6to4 was accepted; NAT64, Teredo and embedded IPv4 forms are refused too."""
    assert forbidden_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946",
                                     "2002:5db8:d822::1"])  # 6to4 of the public 93.184.216.34
def test_e6_public_addresses_are_allowed(address):
    assert not forbidden_address(address)


def test_e6_https_only_unless_private_addresses_are_allowed():
    assert check_url("https://hooks.example.com:8443/x?y=1", allow_private=False) == "hooks.example.com"
    assert check_url("http://127.0.0.1:9000/hook", allow_private=True) == "127.0.0.1"
    for url in ("http://hooks.example.com/x", "ftp://hooks.example.com/", "https:///x", "https://u:p@h.example/",
                "https://h.example:notaport/", "//h.example/x"):
        with pytest.raises(UnsafeUrl):
            check_url(url, allow_private=False)


def test_e6_every_resolved_address_counts_and_nothing_resolving_is_refused():
    check_addresses("h.example", ["93.184.216.34"], allow_private=False)
    with pytest.raises(UnsafeUrl, match="10.0.0.5"):
        check_addresses("h.example", ["93.184.216.34", "10.0.0.5"], allow_private=False)
    with pytest.raises(UnsafeUrl, match="does not resolve"):
        check_addresses("h.example", [], allow_private=True)
    check_addresses("localhost", ["127.0.0.1"], allow_private=True)


def test_e6_secrets_are_whsec_and_32_random_bytes():
    secrets = {new_secret() for _ in range(50)}
    assert len(secrets) == 50 and all(valid_secret(s) for s in secrets)
    assert not valid_secret("c2VjcmV0") and not valid_secret("whsec_not base64!") and not valid_secret("whsec_YQ==")


def test_e5_retries_follow_the_delays_then_fail():
    delays = (5, 300, 1800)
    assert after_failure(1, delays, NOW) == (DeliveryStatus.PENDING, NOW + timedelta(seconds=5))
    assert after_failure(2, delays, NOW) == (DeliveryStatus.PENDING, NOW + timedelta(seconds=300))
    assert after_failure(3, delays, NOW) == (DeliveryStatus.PENDING, NOW + timedelta(seconds=1800))
    assert after_failure(4, delays, NOW) == (DeliveryStatus.FAILED, None)
    assert after_failure(1, (), NOW) == (DeliveryStatus.FAILED, None)  # no delays: one try
