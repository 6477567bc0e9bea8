"""SPEC H4 through the API: `Evidence.url` and an upload's `url` are links signed for their viewer, opened without an
Authorization header until LINK_TTL_SECONDS pass; an altered or expired link is 403 (FORBIDDEN), and opening one
checks again what its viewer may read. A request with a token keeps the header path."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

from domain.shared.actor import Actor, Role
from schema.common.ids import decode_id
from tests.api.files import image


def at(api, **later) -> dict:
    return {"X-Now": (api.now + timedelta(**later)).isoformat()}


def changed(url: str, **params) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{urlencode({**dict(parse_qsl(parts.query, keep_blank_values=True)), **params})}"


async def test_h4_an_evidence_link_opens_without_a_token_for_its_ttl(api, world, claims):
    shop = await world.shop()
    content = image(color=(9, 8, 7))
    uploaded = (await claims.upload(content)).json()
    _, line = await claims.delivered_line(shop)
    claim = (await claims.submit(line, evidence=[{"kind": "COURIER_CERTIFICATE",
                                                  "uploadId": uploaded["uploadId"]}]))["claim"]
    url = (await claims.read(claim["id"], token=shop.merchant))["evidence"][0]["url"]
    assert "sub=merchant-1" in url and "role=MERCHANT" in url
    opened = await api.client.get(url, headers=at(api, seconds=900))
    assert opened.status_code == 200 and opened.content == content
    expired = await api.client.get(url, headers=at(api, seconds=901))
    assert expired.status_code == 403 and expired.json()["error"]["code"] == "FORBIDDEN"
    for altered in (changed(url, sub="merchant-2"), changed(url, exp="9999999999"), changed(url, sig="x" * 43),
                    changed(url, role="PLATFORM", shop=""), url.replace(uploaded["uploadId"], "upl_" + "A" * 24)):
        assert (await api.client.get(altered, headers=at(api))).status_code == 403, altered
    with_token = await api.client.get(urlsplit(url).path, headers={"Authorization": f"Bearer {shop.merchant}"})
    assert with_token.status_code == 200  # the header path keeps working


async def test_h4_a_link_checks_again_what_its_viewer_may_read(api, app, world, claims):
    """A link is its viewer's: the uploader's link to a file opens; a link signed for a merchant of a shop the file
    was never evidence for opens nothing (404), as that merchant's own request would."""
    shop = await world.shop()
    uploaded = (await claims.upload()).json()
    assert (await api.client.get(uploaded["url"], headers=at(api))).status_code == 200
    signer = app.state.graphql.policies.links  # the served app's
    merchant = Actor("merchant-1", Role.MERCHANT, decode_id(shop.id, "Shop"))
    foreign = signer.sign(f"/uploads/{uploaded['uploadId']}", merchant, api.now)
    assert (await api.client.get(foreign, headers=at(api))).status_code == 404
