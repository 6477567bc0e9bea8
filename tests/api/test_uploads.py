"""POST /uploads and GET /uploads/{id}, and the reviewer's evidence warnings (C3)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from tests.api.files import PDF, image


@pytest.mark.parametrize("content, kind", [(image("JPEG"), "image/jpeg"), (image("PNG"), "image/png"),
                                           (image("WEBP"), "image/webp"), (PDF, "application/pdf")])
async def test_accepted_formats_are_recognised_by_content(api, world, claims, content, kind):
    reply = await claims.upload(content, content_type="application/octet-stream", name="x.bin")
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert body["contentType"] == kind and body["size"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["uploadId"].startswith("upl_") and body["url"].startswith(f"/uploads/{body['uploadId']}?")
    at = {"X-Now": api.now.isoformat()} if api.now else {}
    got = await api.client.get(body["url"], headers=at)
    assert got.content == content, got.text  # H4: a signed link, no header


@pytest.mark.parametrize("content", [b"hello, not an image", b"GIF89a\x01\x00\x01\x00", image("BMP"),
                                     b"\xff\xd8\xff\xe0 truncated jpeg"])
async def test_other_content_is_refused_whatever_its_declared_type(api, claims, content):
    reply = await claims.upload(content, content_type="image/jpeg")
    assert reply.status_code == 400 and reply.json()["error"]["code"] == "UNSUPPORTED_CONTENT"


async def test_over_ten_megabytes_is_413(api, claims):
    big = b"%PDF-" + b"0" * (10 * 1024 * 1024)
    reply = await claims.upload(big, content_type="application/pdf")
    assert reply.status_code == 413


async def test_exactly_ten_megabytes_is_accepted(api, claims):
    exact = b"%PDF-" + b"0" * (10 * 1024 * 1024 - 5)
    reply = await claims.upload(exact, content_type="application/pdf")
    assert reply.status_code == 201 and reply.json()["size"] == 10 * 1024 * 1024


async def test_no_token_is_401_and_a_missing_field_is_400(api, claims):
    reply = await api.client.post("/uploads", files={"file": ("a.pdf", PDF, "application/pdf")})
    assert reply.status_code == 401 and reply.json()["error"]["code"] == "UNAUTHENTICATED"
    reply = await api.client.post("/uploads", files={"other": ("a.pdf", PDF, "application/pdf")},
                                  headers={"Authorization": f"Bearer {claims.world.buyer}"})
    assert reply.status_code == 400
    reply = await api.client.post("/uploads", content=b"raw", headers={"Authorization": f"Bearer {claims.world.buyer}"})
    assert reply.status_code == 400


async def test_files_are_read_by_uploader_platform_and_the_claims_shop(api, world, claims):
    shop = await world.shop()
    other = await world.shop("Other", merchant="merchant-2")
    content = image(color=(1, 2, 3))
    upload = (await claims.upload(content)).json()

    async def fetch(token):  # the header path (H4's signed link is tested in test_signed_links.py)
        return await api.client.get(f"/uploads/{upload['uploadId']}", headers={"Authorization": f"Bearer {token}"})

    assert (await fetch(world.buyer)).content == content
    assert (await fetch(world.platform)).status_code == 200
    assert (await fetch(shop.merchant)).status_code == 404   # not evidence anywhere yet
    _, line = await claims.delivered_line(shop)
    await claims.submit(line, evidence=[{"kind": "COURIER_CERTIFICATE", "uploadId": upload["uploadId"]}])
    reply = await fetch(shop.merchant)
    assert reply.status_code == 200 and reply.headers["content-type"] == "image/jpeg"
    assert (await fetch(other.merchant)).status_code == 404
    assert (await fetch(world.other_buyer)).status_code == 404
    assert (await api.client.get(f"/uploads/{upload['uploadId']}")).status_code == 401


async def test_the_same_content_is_stored_once(api, claims, settings):
    content = image(color=(9, 9, 9))
    first, second = (await claims.upload(content)).json(), (await claims.upload(content)).json()
    assert first["uploadId"] != second["uploadId"] and first["sha256"] == second["sha256"]
    digest = first["sha256"]
    assert (settings.upload_dir / digest[:2] / digest).read_bytes() == content


async def test_evidence_warnings_help_the_reviewer(api, world, claims):
    shop = await world.shop()
    _, line = await claims.delivered_line(shop)
    later = (api.now + timedelta(hours=30)).astimezone().strftime("%Y:%m:%d %H:%M:%S")
    edited = (await claims.upload(image(software="Adobe Photoshop 25.0", color=(5, 5, 5)))).json()
    future = (await claims.upload(image(taken=later, offset="+00:00", color=(6, 6, 6)))).json()
    old = (await claims.upload(image(taken="2020:01:01 08:00:00", color=(7, 7, 7)))).json()
    reused = image(color=(8, 8, 8))
    first_use = (await claims.upload(reused)).json()
    _, other_line = await claims.delivered_line(shop)
    await claims.submit(other_line, evidence=[{"kind": "COURIER_CERTIFICATE", "uploadId": first_use["uploadId"]}])
    again = (await claims.upload(reused)).json()
    evidence = [{"kind": "DAMAGE_DETAIL", "uploadId": edited["uploadId"]},
                {"kind": "WAYBILL", "uploadId": future["uploadId"]},
                {"kind": "OVERALL", "uploadId": old["uploadId"]},
                {"kind": "OTHER", "uploadId": again["uploadId"]}]
    claim = (await claims.submit(line, evidence=evidence))["claim"]
    assert claim is not None  # warnings never refuse a claim
    seen = {e["kind"]: [w["code"] for w in e["warnings"]] for e in (await claims.read(claim["id"]))["evidence"]}
    assert seen == {"DAMAGE_DETAIL": ["EDITING_SOFTWARE"], "WAYBILL": ["CAPTURED_AFTER_CLAIM"],
                    "OVERALL": ["CAPTURED_BEFORE_ORDER"], "OTHER": ["REUSED_ON_OTHER_CLAIM"]}
    assert all(e["warnings"] == [] for e in (await claims.read(claim["id"], world.buyer))["evidence"])
    assert any(e["warnings"] for e in (await claims.read(claim["id"], shop.merchant))["evidence"])


def _blank_png(width: int, height: int) -> bytes:
    """A real, valid PNG that compresses to a few kilobytes whatever its size: the shape of a decompression bomb."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


async def test_a_decompression_bomb_is_refused_from_its_header_without_decoding(api, claims, monkeypatch):
    """Production II (1): a 17 KB PNG of 12000 × 12000 pixels decoded on the event loop and took ~250 MB."""
    from PIL import Image

    bomb = _blank_png(12000, 12000)
    loads = []
    monkeypatch.setattr(Image.Image, "load", lambda image: loads.append(image.size))
    reply = await claims.upload(bomb, content_type="image/png")
    assert reply.status_code == 400 and reply.json()["error"]["code"] == "IMAGE_TOO_LARGE"
    assert "40" in reply.json()["error"]["message"] and loads == []


async def test_an_image_just_under_the_pixel_cap_is_accepted_and_decoded_off_the_event_loop(api, claims,
                                                                                          monkeypatch):
    import threading

    import web.uploads

    threads = []
    real = web.uploads.recognise

    def recorded(content):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(content)

    monkeypatch.setattr(web.uploads, "recognise", recorded)
    reply = await claims.upload(_blank_png(8000, 5000), content_type="image/png")  # exactly 40 MP
    assert reply.status_code == 201, reply.text
    assert threads == [False]


async def test_each_uploader_has_an_hourly_quota_of_files_and_bytes(settings, world):
    """Production II (1): UPLOAD_QUOTA_FILES and UPLOAD_QUOTA_MB per user per hour; the 429 says when to retry, and
    an hour later the uploader may go on. Another user is not affected."""
    from dataclasses import replace

    import httpx

    from server import create_app
    from tests.api.client import Api
    from tests.conftest import START

    app = create_app(replace(settings, upload_quota_files=2, upload_quota_mb=1))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        api = Api(client, settings.secret_key)
        api.now = START

        async def upload(content: bytes, token: str, at=START):
            return await client.post("/uploads", files={"file": ("f.pdf", content, "application/pdf")},
                                     headers={"Authorization": f"Bearer {token}", "X-Now": at.isoformat()})

        buyer, other = api.token("BUYER", "quota-1"), api.token("BUYER", "quota-2")
        assert (await upload(PDF + b"1", buyer)).status_code == 201
        too_big = await upload(b"%PDF-" + b"0" * (1024 * 1024), buyer)  # one file more would pass 1 MB
        assert too_big.status_code == 429 and too_big.json()["error"]["code"] == "TOO_MANY_REQUESTS"
        assert (await upload(PDF + b"2", buyer)).status_code == 201
        third = await upload(PDF + b"3", buyer)
        assert third.status_code == 429 and third.headers["retry-after"] == "3600"
        assert (await upload(PDF + b"3", other)).status_code == 201
        assert (await upload(PDF + b"4", buyer, START + timedelta(hours=1, seconds=1))).status_code == 201
    await app.state.database.dispose()
    del world
