"""Schema extensions: the authentication gate and stable ``extensions.code`` on every top-level error."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Iterator

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.language.parser import parse
from graphql.utilities import get_operation_ast
from graphql.validation import NoSchemaIntrospectionCustomRule, validate
from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache

from domain.shared.errors import DomainError, Forbidden, Unauthenticated
from domain.shared.messages import Message, msg
from schema.common.errors import TopLevelCode
from schema.common.i18n import translate
from schema.limits import CACHED_DOCUMENT_CHARS, core_schema

PARSED = "parsed_document"  # a request's state: (text, document) the transport parsed off the event loop

log = logging.getLogger("aftersales.graphql")


def _introspection_only(selection_set: SelectionSetNode, fragments: dict) -> bool:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if not selection.name.value.startswith("__"):
                return False
        elif isinstance(selection, InlineFragmentNode):
            if not _introspection_only(selection.selection_set, fragments):
                return False
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is None or not _introspection_only(fragment.selection_set, fragments):
                return False
    return True


class AuthenticationGate(SchemaExtension):
    """No valid token → one UNAUTHENTICATED error and no data, before anything runs.
    Only a document that selects nothing but introspection may go without a token (GraphiQL's docs)."""

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context.context
        if ctx.caller.actor is None:
            document = self.execution_context.graphql_document
            operation = get_operation_ast(document, self.execution_context.operation_name) if document else None
            fragments = (
                {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
                if document
                else {}
            )
            if ctx.caller.problem or operation is None or not _introspection_only(operation.selection_set, fragments):
                message = ctx.caller.problem or msg("authentication required: send 'Authorization: Bearer <token>'")
                self.execution_context.result = ExecutionResult(
                    data=None, errors=[GraphQLError(message, extensions={"code": TopLevelCode.UNAUTHENTICATED.value})]
                )
        yield


def _code(error: GraphQLError, ctx) -> str:
    original = error.original_error
    if isinstance(original, Forbidden):
        return TopLevelCode.FORBIDDEN.value
    if isinstance(original, Unauthenticated):
        return TopLevelCode.UNAUTHENTICATED.value
    if isinstance(original, DomainError):
        return original.code.value
    if original is not None and ctx is not None and ctx.execution.is_unavailable(original):
        return TopLevelCode.SERVICE_UNAVAILABLE.value
    if error.path is None:
        return (
            TopLevelCode.BAD_USER_INPUT.value if original is not None else TopLevelCode.GRAPHQL_VALIDATION_FAILED.value
        )
    return TopLevelCode.INTERNAL_SERVER_ERROR.value


SUGGESTION = re.compile(r" ?Did you mean [^?]*\?")


def _source_message(error: GraphQLError) -> str:
    """The message as raised (a ``msg`` keeps its template), rather than graphql-core's copy of its text (which may
    wrap it twice: a variable's value refused by a scalar)."""
    original = error.original_error
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    if original is not None and original.args and isinstance(original.args[0], Message):
        return original.args[0]
    if original is not None and original.args and isinstance(original.args[0], str):
        return original.args[0]
    return error.message


class ReleaseLoaders(SchemaExtension):
    """Once an operation has its result, the request's loaders let go of what they loaded (``Loaders.release``)."""

    def on_operation(self) -> Iterator[None]:
        yield
        loaders = getattr(self.execution_context.context, "loaders", None)
        if loaders is not None:
            loaders.release()


class ErrorCodes(SchemaExtension):
    """Every top-level error carries ``extensions.code`` (contract conventions). Unexpected errors are logged with
    the request id and, in production, masked; "did you mean" suggestions are dropped there too. The log never
    carries the document, so a hostile one is not copied into it."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = self._coded(result.errors)

    def on_stream_result(self, result) -> Iterator[None]:
        """A subscription's results (E4): the same codes, before each is sent."""
        if result.errors:
            result.errors = self._coded(result.errors)
        yield

    def _coded(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        ctx = self.execution_context.context
        production = bool(ctx is not None and ctx.execution.production)
        caller = getattr(ctx, "caller", None)
        request_id = getattr(caller, "request_id", None)
        language = getattr(caller, "locale", "en")
        kept = []
        for error in errors:
            if getattr(error, "coded", False):
                kept.append(error)
                continue
            code = (error.extensions or {}).get("code") or _code(error, ctx)
            if code == TopLevelCode.INTERNAL_SERVER_ERROR.value:
                log.error("unexpected error (request %s, path %s)", request_id, error.path,
                          exc_info=error.original_error)
                if production:
                    error = GraphQLError("Internal server error", path=error.path, nodes=error.nodes,
                                         extensions={"code": code, "requestId": request_id})
            else:
                log.info("graphql %s (request %s): %.160s", code, request_id, error.message)
                if production and SUGGESTION.search(error.message):
                    error = GraphQLError(SUGGESTION.sub("", error.message), nodes=error.nodes, path=error.path,
                                         extensions=error.extensions)
            error.extensions = {**(error.extensions or {}), "code": code}
            if language != "en":  # F6: our own messages, in the request's language (graphql-core's stay English)
                error.message = translate(_source_message(error), language)
            if code == TopLevelCode.SERVICE_UNAVAILABLE.value:
                error.message = msg("the database is unavailable or busy; retry shortly")
                error.extensions["retryable"] = True
            # on_operation may see a streamed error again: it is coded once
            error.coded = True  # type: ignore[attr-defined]
            kept.append(error)
        return kept


class ProductionPosture(SchemaExtension):
    """APP_ENV=prod: no introspection unless enabled."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        ctx = context.context
        closed = ctx is not None and not ctx.execution.introspection
        if closed and context.graphql_document is not None and not context.result:
            errors = validate(core_schema(context.schema), context.graphql_document, [NoSchemaIntrospectionCustomRule])
            if errors:
                context.result = ExecutionResult(data=None, errors=[GraphQLError(
                    "introspection is disabled here", extensions={"code": TopLevelCode.INTROSPECTION_DISABLED.value})])
        yield


class BoundedParserCache(ParserCache):
    """Strawberry's parse cache, bounded by size as well as by count: the 512 entries hold documents of at most
    32 KB (every operation in ``operations/`` is under 4 KB), so anonymous large documents neither fill memory nor
    push other clients' entries out (penetration test III, finding 5)."""

    async def on_parse(self) -> AsyncIterator[None]:  # type: ignore[override]
        """A large document is parsed once per request, off the event loop (finding 4): the transport's screen
        already parsed it in a worker thread and left it in the request's state; otherwise it is parsed in one
        here. A small one goes through the cache."""
        context = self.execution_context
        query = context.query
        if query is None or len(query) <= CACHED_DOCUMENT_CHARS:
            for _ in super().on_parse():
                yield
            return
        request = getattr(context.context, "request", None)
        state = getattr(request, "scope", {}).get("state", {}) if request is not None else {}
        ready = state.get(PARSED)
        if ready is not None and ready[0] == query:
            context.graphql_document = ready[1]
        else:
            context.graphql_document = await asyncio.to_thread(parse, query, **context.parse_options)
        yield


class BoundedValidationCache(ValidationCache):
    """The same bound for validation results, which the cache keys by the parsed document."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and len(context.query) > CACHED_DOCUMENT_CHARS \
                and context.graphql_document is not None:
            context.pre_execution_errors = validate(core_schema(context.schema), context.graphql_document,
                                                    context.validation_rules)
            yield
            return
        yield from super().on_validate()
