from __future__ import annotations

import secrets

from domain.shared.actor import Actor, Role
from domain.shared.clock import Clock
from domain.shared.errors import DomainError, InvalidInput
from domain.shared.messages import msg
from domain.shared.uow import UnitOfWork, in_transaction
from domain.uploads.model import ACCEPTED_TYPES, MAX_UPLOAD_BYTES, QUOTA_PERIOD, FileFacts, Upload, UploadPolicy
from domain.uploads.ports import BlobStore


class QuotaExceeded(DomainError):
    """The uploader stored as many files or bytes in the past hour as the policy allows."""


async def require_upload_quota(uow: UnitOfWork, actor: Actor, clock: Clock, size: int, policy: UploadPolicy) -> None:
    """Checked before the content is decoded, so a flood costs one indexed count per request. Concurrent uploads
    of one user may pass together: the quota bounds abuse, it is not a balance (decision)."""
    async with uow:
        files, stored = await uow.uploads.usage_since(actor.user_id, actor.role, clock.now() - QUOTA_PERIOD)
    if policy.refuses(files, stored, size):
        raise QuotaExceeded(msg("upload quota reached: at most {files} files and {mb} MB an hour",
            files=policy.files_per_hour, mb=policy.bytes_per_hour // (1024 * 1024)))


async def store_upload(uow: UnitOfWork, blobs: BlobStore, actor: Actor, clock: Clock, facts: FileFacts,
                       content: bytes) -> Upload:
    """Any authenticated role may upload; the file is kept once per content, the upload per uploader."""
    if facts.content_type not in ACCEPTED_TYPES:
        raise InvalidInput("only JPEG, PNG, WebP and PDF files are accepted")
    if facts.size > MAX_UPLOAD_BYTES:
        raise InvalidInput("a file is at most 10 MB")
    await blobs.put(facts.sha256, content)
    upload = Upload(id="upl_" + secrets.token_urlsafe(18), owner_id=actor.user_id, owner_role=actor.role,
                    facts=facts, created_at=clock.now())
    async def work(uow: UnitOfWork) -> Upload:
        await uow.uploads.add(upload)
        return upload

    return await in_transaction(uow, work)


def can_read_upload(actor: Actor, upload: Upload, claim_parties: set[tuple[int, str]]) -> bool:
    """The uploader, the platform, and both parties of a claim that uses the file as evidence: the staff of its
    shop, and its buyer (who reads the shop's C9 evidence as the shop reads the buyer's)."""
    if actor.role is Role.PLATFORM or (actor.user_id == upload.owner_id and actor.role is upload.owner_role):
        return True
    if actor.role is Role.BUYER:
        return any(buyer_id == actor.user_id for _shop, buyer_id in claim_parties)
    return actor.shop_id is not None and any(shop_id == actor.shop_id for shop_id, _buyer in claim_parties)
