"""POST /uploads (multipart, field ``file``) and GET /uploads/{id}."""

from __future__ import annotations

import asyncio
import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from domain.shared.actor import Actor
from domain.shared.clock import Clock
from domain.shared.links import LinkSigner
from domain.shared.messages import msg
from domain.shared.throttle import UPLOAD_POINTS, Throttle
from domain.shared.uow import UnitOfWorkFactory
from domain.uploads.model import MAX_PIXELS, MAX_UPLOAD_BYTES, UploadPolicy
from domain.uploads.ports import BlobStore
from domain.uploads.services import QuotaExceeded, can_read_upload, require_upload_quota, store_upload
from schema.common.errors import TopLevelCode
from web.asgi import Problem, file_problem
from web.auth import Tokens
from web.authentication import caller, file_reader
from web.files import TooManyPixels, recognise
from web.throttle import charged

MULTIPART_OVERHEAD = 64 * 1024
UPLOAD_ID = re.compile(r"upl_[A-Za-z0-9_-]{1,40}")
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}
DECODE_SLOTS = 2  # a 40 MP decode holds up to 160 MB: two at a time bound the memory uploads can take


def upload_routes(tokens: Tokens, uow: UnitOfWorkFactory, blobs: BlobStore, clock_for,
                  policy: UploadPolicy, links: LinkSigner, throttle: Throttle | None = None) -> list[Route]:
    decoding = asyncio.Semaphore(DECODE_SLOTS)

    def actor_of(request: Request) -> Actor | JSONResponse:
        actor, problem = caller(request, tokens)
        if actor is None:
            return file_problem(TopLevelCode.UNAUTHENTICATED, problem or "send 'Authorization: Bearer <token>'")
        return actor

    async def post(request: Request) -> Response:
        actor = actor_of(request)
        if isinstance(actor, JSONResponse):
            return actor
        clock: Clock = clock_for(request)
        refused = await charged(throttle, actor, clock, UPLOAD_POINTS)  # H1, before the body is read
        if refused is not None:
            return refused
        try:
            form = await request.form(max_files=1, max_fields=4, max_part_size=MAX_UPLOAD_BYTES + 1)
        except Exception as error:  # noqa: BLE001  (starlette raises several parser errors; all are the client's)
            if getattr(error, "status_code", None) == 413:
                return file_problem(TopLevelCode.PAYLOAD_TOO_LARGE, "a file is at most 10 MB")
            return file_problem(TopLevelCode.BAD_REQUEST, "send multipart/form-data with one field named 'file'")
        try:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                return file_problem(TopLevelCode.BAD_REQUEST, "send the file in a multipart field named 'file'")
            content = await upload.read(MAX_UPLOAD_BYTES + 1)
        finally:
            await form.close()
        if len(content) > MAX_UPLOAD_BYTES:
            return file_problem(TopLevelCode.PAYLOAD_TOO_LARGE, "a file is at most 10 MB")
        try:
            await require_upload_quota(uow(), actor, clock, len(content), policy)
        except QuotaExceeded as error:
            return Problem(TopLevelCode.TOO_MANY_REQUESTS, error.message, {"Retry-After": "3600"}, graphql=False)
        try:
            async with decoding:  # at most DECODE_SLOTS images decode at once, each off the event loop
                facts = await asyncio.to_thread(recognise, content)
        except TooManyPixels:
            return file_problem(TopLevelCode.IMAGE_TOO_LARGE, msg("an image is at most {mp} megapixels",
                mp=MAX_PIXELS // 1_000_000))
        if facts is None:
            return file_problem(TopLevelCode.UNSUPPORTED_CONTENT, "only JPEG, PNG, WebP and PDF files are accepted")
        stored = await store_upload(uow(), blobs, actor, clock, facts, content)
        url = links.sign(f"/uploads/{stored.id}", actor, clock.now())  # H4: for the uploader's own preview
        return JSONResponse({"uploadId": stored.id, "sha256": facts.sha256, "url": url,
                             "contentType": facts.content_type, "size": facts.size}, status_code=201)

    async def get(request: Request) -> Response:
        actor = file_reader(request, tokens, links, clock_for(request).now())
        if isinstance(actor, Response):
            return actor
        upload_id = request.path_params["upload_id"]
        if not UPLOAD_ID.fullmatch(upload_id):  # one that cannot exist never reaches the database
            return file_problem(TopLevelCode.NOT_FOUND, "no such upload")
        async with uow(write=False) as reader:
            upload = (await reader.uploads.get_many([upload_id])).get(upload_id)
            parties = await reader.claims.claim_parties_of_upload(upload_id) if upload else set()
        if upload is None or not can_read_upload(actor, upload, parties):
            return file_problem(TopLevelCode.NOT_FOUND, "no such upload")
        content = await blobs.get(upload.facts.sha256)
        if content is None:
            return file_problem(TopLevelCode.NOT_FOUND, "the file is missing from the store")
        extension = EXTENSIONS.get(upload.facts.content_type, "pdf")
        return Response(content, media_type=upload.facts.content_type, headers={
            "Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'attachment; filename="{upload.id}.{extension}"',
            "Content-Security-Policy": "sandbox; default-src 'none'"})

    return [
        Route("/uploads", post, methods=["POST"], max_body_size=MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD),
        Route("/uploads/{upload_id}", get, methods=["GET"]),
    ]


__all__ = ["upload_routes"]
