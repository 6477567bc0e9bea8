from __future__ import annotations

import secrets

from domain.shared.actor import Actor, Role
from domain.shared.clock import Clock
from domain.shared.errors import InvalidInput
from domain.shared.uow import UnitOfWork
from domain.uploads.model import ACCEPTED_TYPES, MAX_UPLOAD_BYTES, FileFacts, Upload
from domain.uploads.ports import BlobStore


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
    async with uow:
        await uow.uploads.add(upload)
        await uow.commit()
    return upload


def can_read_upload(actor: Actor, upload: Upload, claim_parties: set[tuple[int, str]]) -> bool:
    """The uploader, the platform, and both parties of a claim that uses the file as evidence: the staff of its
    shop, and its buyer (who reads the shop's C9 evidence as the shop reads the buyer's)."""
    if actor.role is Role.PLATFORM or (actor.user_id == upload.owner_id and actor.role is upload.owner_role):
        return True
    if actor.role is Role.BUYER:
        return any(buyer_id == actor.user_id for _shop, buyer_id in claim_parties)
    return actor.shop_id is not None and any(shop_id == actor.shop_id for shop_id, _buyer in claim_parties)
