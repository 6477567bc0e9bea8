"""Global IDs as the API shows them (base64url of ``Type:pk``): events carry them in their ``data`` (E2)."""

from __future__ import annotations

import base64


def global_id(type_name: str, pk: object) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")
