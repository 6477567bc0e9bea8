"""SPEC H4 on the signer alone: a link is its path, its viewer and its expiry, signed; any change is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from domain.shared.actor import Actor, Role
from domain.shared.links import PARAMS, LinkSigner

AT = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
SIGNER = LinkSigner.for_secret("a secret of the tests", timedelta(seconds=900))
MERCHANT = Actor("merchant-1", Role.MERCHANT, shop_id=7)


def opened(link: str, now: datetime = AT, signer: LinkSigner = SIGNER) -> Actor | None:
    parts = urlsplit(link)
    return signer.verify(parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)), now)


def test_h4_a_link_opens_as_its_viewer_until_it_expires():
    link = SIGNER.sign("/uploads/upl_1", MERCHANT, AT)
    assert opened(link) == MERCHANT and opened(link, AT + timedelta(seconds=900)) == MERCHANT
    assert opened(link, AT + timedelta(seconds=901)) is None
    buyer = Actor("buyer-1", Role.BUYER)
    assert opened(SIGNER.sign("/uploads/upl_1", buyer, AT)) == buyer


def test_h4_another_path_another_key_or_a_missing_parameter_is_refused():
    link = SIGNER.sign("/uploads/upl_1", MERCHANT, AT)
    parts = urlsplit(link)
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    assert SIGNER.verify("/uploads/upl_2", params, AT) is None
    assert opened(link, signer=LinkSigner.for_secret("another secret", timedelta(seconds=900))) is None
    for name in PARAMS:
        assert SIGNER.verify(parts.path, {k: v for k, v in params.items() if k != name}, AT) is None


@given(name=st.sampled_from(PARAMS), value=st.text(max_size=30))
def test_h4_any_changed_parameter_is_refused(name, value):
    parts = urlsplit(SIGNER.sign("/uploads/upl_1", MERCHANT, AT))
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    if params[name] == value:
        return
    assert SIGNER.verify(parts.path, {**params, name: value}, AT) is None
