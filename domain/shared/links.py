"""H4: signed, expiring links, for what a browser fetches without an ``Authorization`` header (``<img src>``,
``<a href>``): an evidence file, an upload. A link names its path, its viewer and its expiry, and carries an
HMAC-SHA256 of the three: another path, another viewer, a changed or passed expiry is refused. Opening it acts as
that viewer, so what the viewer may read is checked again then (a viewer who lost access loses the link too)."""

from __future__ import annotations

import hashlib
import hmac
from base64 import urlsafe_b64encode
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from domain.shared.actor import Actor, Role

PARAMS = ("sub", "role", "shop", "exp", "sig")


@dataclass(frozen=True)
class LinkSigner:
    key: bytes  # derived from SECRET_KEY for links alone (``for_secret``)
    ttl: timedelta = timedelta(seconds=900)  # LINK_TTL_SECONDS

    @staticmethod
    def for_secret(secret: str, ttl: timedelta) -> LinkSigner:
        return LinkSigner(hmac.new(secret.encode(), b"H4 signed links", hashlib.sha256).digest(), ttl)

    def sign(self, path: str, viewer: Actor, now: datetime) -> str:
        """``path`` with its viewer, expiry and signature as query parameters."""
        fields = {"sub": viewer.user_id, "role": viewer.role.value,
                  "shop": "" if viewer.shop_id is None else str(viewer.shop_id),
                  "exp": str(int((now + self.ttl).timestamp()))}
        return f"{path}?{urlencode({**fields, 'sig': self._signature(path, fields)})}"

    def verify(self, path: str, params: Mapping[str, str], now: datetime) -> Actor | None:
        """The viewer a link was signed for, if ``params`` are its untouched signature for ``path`` and it has not
        expired; None otherwise."""
        if any(name not in params for name in PARAMS):
            return None
        fields = {name: params[name] for name in PARAMS[:-1]}
        if any("\n" in value for value in fields.values()):
            return None
        if not hmac.compare_digest(self._signature(path, fields).encode(), params["sig"].encode("utf-8", "replace")):
            return None
        if not fields["exp"].isdigit() or int(fields["exp"]) < now.timestamp():
            return None
        try:
            return Actor(fields["sub"], Role(fields["role"]), int(fields["shop"]) if fields["shop"] else None)
        except ValueError:
            return None

    def _signature(self, path: str, fields: Mapping[str, str]) -> str:
        text = "\n".join([path, fields["sub"], fields["role"], fields["shop"], fields["exp"]])
        digest = hmac.new(self.key, text.encode(), hashlib.sha256).digest()
        return urlsafe_b64encode(digest).rstrip(b"=").decode()
