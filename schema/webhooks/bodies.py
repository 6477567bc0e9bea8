"""E5, E10: the body of a webhook delivery. Without a ``payloadQuery`` it is E5's default JSON; with one, the result
of that ``subscription { event { … } }`` document for the event, run through the served schema (its extensions,
limits and fast paths, as any request) as the endpoint's owner, so a body never shows what its owner may not read.
The same documents are checked here when an endpoint is registered or changed."""

from __future__ import annotations

from typing import Any

import orjson
from graphql import (
    ExecutionResult,
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    parse,
    validate,
)

from domain.events.model import Event
from domain.shared.clock import Clock
from domain.shared.ids import global_id
from domain.shared.messages import msg
from domain.shared.uow import UnitOfWorkFactory
from domain.webhooks.model import WebhookEndpoint
from schema.context import Caller, Context, Execution
from schema.limits import Limits, core_schema, limits_refusal, measure

MAX_TOKENS = 2_000  # E10: a payloadQuery's tokens (the HTTP path allows 5,000 for a whole page's document)


def default_body(event: Event) -> str:
    """E5: ``{"id","type","occurredAt","data"}``, ids as global IDs as everywhere else."""
    return orjson.dumps({"id": global_id("Event", event.id), "type": event.type.value,
                         "occurredAt": event.occurred_at.isoformat(), "data": event.data}).decode()


class SchemaPayloadQueries:
    """``domain.webhooks.ports.PayloadQueries`` on the served schema. ``uow`` and ``clock`` are what a body's reads
    use (the delivery worker's); checking needs only the schema and the limits."""

    def __init__(self, schema: Any, limits: Limits, uow: UnitOfWorkFactory | None = None,
                 clock: Clock | None = None, fast_paths: bool = True):
        self.schema, self.limits, self.uow, self.clock, self.fast_paths = schema, limits, uow, clock, fast_paths

    def check(self, document: str) -> str | None:
        """Parsed within MAX_TOKENS; one subscription operation, without variables, whose one root field is
        ``event`` (unaliased: bodies are ``{"data": {"event": …}}``); valid against the schema; within the depth,
        alias and cost limits of any request."""
        try:
            parsed = parse(document, max_tokens=MAX_TOKENS)
        except GraphQLError as error:
            return error.message
        operations = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) != 1 or operations[0].operation is not OperationType.SUBSCRIPTION:
            return msg("it is one subscription operation: subscription {{ event {{ … }} }}")
        operation = operations[0]
        if operation.variable_definitions:
            return msg("it takes no variables")
        roots = operation.selection_set.selections
        if len(roots) != 1 or not isinstance(roots[0], FieldNode) or roots[0].name.value != "event" \
                or roots[0].alias is not None:
            return msg("it selects one root field, event, without an alias")
        core = core_schema(self.schema)
        errors = validate(core, parsed)
        if errors:
            return errors[0].message
        found = measure(core, parsed, None, None)
        refused = limits_refusal(found, self.limits) if found is not None else None
        return refused[1] if refused is not None else None  # a Message: translated with the refusal around it

    async def render(self, endpoint: WebhookEndpoint, event: Event) -> str:
        if endpoint.payload_query is None:
            return default_body(event)
        if self.uow is None or self.clock is None:
            raise RuntimeError("rendering a payloadQuery needs the worker's storage and clock")
        context = Context(uow=self.uow, clock=self.clock, caller=Caller(actor=endpoint.owner),
                          execution=Execution(limits=self.limits, fast_paths=self.fast_paths,
                                              fast_executor=self.fast_paths),
                          webhook_event=event)
        stream = await self.schema.subscribe(endpoint.payload_query, context_value=context)
        if isinstance(stream, ExecutionResult):  # refused before execution (the document changed under it)
            return _response(stream)
        try:
            return _response(await anext(stream))
        finally:
            await stream.aclose()


def _response(result: ExecutionResult) -> str:
    """The GraphQL response a client's generated types for the document expect: ``data``, and ``errors`` if any."""
    shaped: dict[str, Any] = {"data": result.data}
    if result.errors:
        shaped["errors"] = [error.formatted for error in result.errors]
    return orjson.dumps(shaped).decode()
