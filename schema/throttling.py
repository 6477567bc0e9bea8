"""H1 in the executor: after ``QueryLimits`` has measured a document and let it through, its points are spent from
the caller's bucket (``Execution.throttle``: a process's, PostgreSQL's or Redis's) before anything runs. A request
the bucket cannot pay runs nothing: a ``THROTTLED`` error, answered by ``GraphQLOverHTTP`` with 429 and
``Retry-After`` (``THROTTLED_AFTER`` in the request's state) and by the socket as an ``error`` message. Every
answer's ``extensions.cost.throttleStatus`` is the bucket after it (``QueryLimits.get_results``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension

from domain.shared.messages import msg
from domain.shared.throttle import ThrottleStatus
from schema.common.errors import TopLevelCode

THROTTLED_AFTER = "throttled_retry_after"  # the request's state: seconds until the bucket can pay


def throttle_key(context: object) -> str:
    """Whose bucket: the caller's (user, role, shop); before authentication, the client's address."""
    actor = getattr(getattr(context, "caller", None), "actor", None)
    if actor is not None:
        return actor.scoped_key
    request = getattr(context, "request", None)
    client = getattr(request, "client", None)
    return f"anonymous:{client.host if client else ''}"


def throttled_error(status: ThrottleStatus) -> GraphQLError:
    return GraphQLError(
        msg("throttled: this request costs {cost} points and your bucket holds {available} (it gains {rate} a "
            "second, up to {maximum}); retry in {seconds} s", cost=status.cost, available=int(status.available),
            rate=status.rule.restore_rate, maximum=status.rule.maximum, seconds=status.retry_after),
        extensions={"code": TopLevelCode.THROTTLED.value})


class Throttling(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        ctx = context.context
        throttle = getattr(getattr(ctx, "execution", None), "throttle", None)
        measured = getattr(ctx, "cost", None)
        if throttle is not None and measured is not None and not context.result \
                and context.operation_type.value != "subscription":  # paid as it starts (web/subscriptions.py)
            status = await throttle.spend(throttle_key(ctx), measured.requested_points, ctx.clock.now().timestamp())
            ctx.throttle_status = status
            if not status.granted:
                context.result = ExecutionResult(data=None, errors=[throttled_error(status)])
                request = getattr(ctx, "request", None)
                if request is not None and hasattr(request, "scope"):
                    request.scope.setdefault("state", {})[THROTTLED_AFTER] = status.retry_after
        yield
