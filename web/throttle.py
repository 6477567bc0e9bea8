"""H1 on the file routes: an upload or an export spends a fixed number of points from the caller's bucket
(``UPLOAD_POINTS``, ``EXPORT_POINTS``) before any work; a bucket that cannot pay answers 429 ``THROTTLED`` with
``Retry-After``, as a GraphQL request would."""

from __future__ import annotations

from starlette.responses import Response

from domain.shared.actor import Actor
from domain.shared.clock import Clock
from domain.shared.throttle import Throttle
from schema.common.errors import TopLevelCode
from schema.throttling import throttled_error
from web.asgi import Problem


async def charged(throttle: Throttle | None, actor: Actor, clock: Clock, points: int) -> Response | None:
    """None when the request may go on (or nothing throttles); else the 429 to answer."""
    if throttle is None:
        return None
    status = await throttle.spend(actor.scoped_key, points, clock.now().timestamp())
    if status.granted:
        return None
    return Problem(TopLevelCode.THROTTLED, throttled_error(status).message, {"Retry-After": str(status.retry_after)},
                   graphql=False)
